"""The book's cross-references and citations as plain markdown that jupyterlab-myst renders.

jupyterlab-myst sees one notebook at a time: it cannot number figures, theorems or exercises
the way the HTML book does, nor resolve labels of other pages, ``{doc}`` links or ``{cite}``
keys. :class:`BookRecord` reads the Sphinx build's own record (``_build/.doctrees/
environment.pickle``, written by ``make book``; ``make lab`` builds it first) and rewrites each
role into what the HTML shows:

- ``{numref}``, ``{prf:ref}``, ``{ref}``, ``{doc}``: the HTML's text ("Fig. 1.1",
  "Theorem 6.1", the section's or chapter's title) as a link that opens the notebook in
  JupyterLab and scrolls to the cell that holds the target (``chXX.ipynb#cell-id=...``);
  a target in a markdown page (the introduction, the API pages) opens that page's ``.md``.
- numbered directives (theorems, definitions, exercises, figures) carry the HTML's number
  as their ``:enumerator:``, so that a box reads "Theorem 6.1" as the references to it do,
  and the first cell turns jupyterlab-myst's equation numbers off (the HTML has none);
- ``{cite}``: the author-year text of sphinxcontrib-bibtex's own reference style
  ("[Strang, 2016]"), each work with its full bibliography entry as a hover
  (jupyterlab-myst's ``{abbr}``; its title cannot hold round brackets, so they become square).

A reference the record cannot resolve becomes its text, plain, and is reported
(:attr:`Rewrite.unresolved`).
"""

import json
import pickle
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

ROLE = re.compile(r"\{(doc|ref|numref|prf:ref|cite(?::[a-z]+)?)\}`([^`]+)`")
EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)
# where a label is defined in a notebook's markdown: (label)=, :label: and :name: options
DEFINITIONS = (r"^\({}\)=\s*$", r"^\s*:label:\s*{}\s*$", r"^\s*:name:\s*{}\s*$")
OPTION = re.compile(r"^([ \t]*):(?:label|name):[ \t]*(\S+)[ \t]*$", re.MULTILINE)
# The HTML numbers no unlabelled equation, jupyterlab-myst every one unless told not to
# in the notebook's front matter (which must open its first cell).
FRONT_MATTER = "---\nnumbering:\n  equation: false\n---\n"


@dataclass
class Rewrite:
    """A cell's source with its references resolved, and what could not be."""

    source: str
    replacements: list = field(default_factory=list)  # (resolved markdown, original role)
    unresolved: list = field(default_factory=list)


class BookRecord:
    """What the HTML build knows about the book: numbers, titles, labels and citations."""

    def __init__(self, pickle_path):
        with open(pickle_path, "rb") as file:
            self.env = pickle.load(file)
        self.labels = self.env.domaindata["std"]["labels"]
        self.citations = {c.key: c for c in self.env.domaindata["cite"]["citations"]}
        self._anchors = {}  # notebook path -> {label: cell id}

    def docname(self, stem):
        """The build's name of the page stored as ``stem``.ipynb or .md, or None."""
        names = [name for name in self.env.all_docs if posixpath.basename(name) == stem]
        return names[0] if len(names) == 1 else None

    # -- the text the HTML shows -------------------------------------------------------
    def number(self, docname, label):
        """(figure type, "1.1") of a numbered target, or None."""
        for figtype, numbers in self.env.toc_fignumbers.get(docname, {}).items():
            if label in numbers:
                return figtype, ".".join(map(str, numbers[label]))
        return None

    def target(self, role, label):
        """(docname, text the HTML shows) of a label, or None if the build does not know it."""
        if role == "prf:ref":
            proof = self.env.proof_list.get(label)  # sphinx-proof's record
            if proof is None:
                return None
            found = self.number(proof["docname"], label)
            number = "" if proof["nonumber"] or not found else found[1]
            return proof["docname"], f"{proof['realtype'].title()} {number}".strip()
        docname = (self.labels.get(label) or self.env.domaindata["std"]["anonlabels"].get(
            label, (None,)))[0]
        if docname is None:
            return None
        found = self.number(docname, label)
        if role == "numref" or (found and found[0] == "exercise"):
            if not found:
                return None
            return docname, self.env.config.numfig_format[found[0]] % found[1]
        title = self.labels.get(label, (None, None, ""))[2]
        return (docname, title) if title else None

    def citation(self, keys):
        """Markdown of one ``{cite}`` role: the HTML's text, each work's entry as a hover."""
        import pybtex.plugin
        from sphinxcontrib.bibtex.domain import SphinxReferenceInfo
        from sphinxcontrib.bibtex.plugin import find_plugin
        from sphinxcontrib.bibtex.richtext import BaseReferenceText
        from sphinxcontrib.bibtex.style.referencing import format_references

        plain = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")()
        style = find_plugin("sphinxcontrib.bibtex.style.referencing",
                            self.env.config.bibtex_reference_style)()
        keys = [key.strip() for key in keys.split(",")]
        if any(key not in self.citations for key in keys):
            return None
        references = []
        for key in [key for key in self.citations if key in keys]:  # the build's order
            cited = self.citations[key]
            entry = cited.tooltip_entry.text.render(plain).replace("\\url ", "")
            info = SphinxReferenceInfo(builder=None, fromdocname="", todocname="",
                                       citation_id=cited.citation_id, title=entry,
                                       pre_text="", post_text="")
            references.append((cited.entry, cited.formatted_entry, info))

        def markdown(text):
            if isinstance(text, str):  # the brackets around the citation are text
                return text.replace("[", "\\[").replace("]", "\\]")
            if isinstance(text, BaseReferenceText):
                title = text.info[0].title.replace("(", "[").replace(")", "]")
                return f"{{abbr}}`{''.join(map(markdown, text.parts))} ({title})`"
            if hasattr(text, "parts"):
                return "".join(map(markdown, text.parts))
            return text.render(plain)

        return markdown(format_references(style, "p", references))

    # -- where a target is in JupyterLab -----------------------------------------------
    def link(self, folder, docname, label=None):
        """Relative link from a notebook in ``folder`` to ``docname`` (and its label's cell)."""
        name = posixpath.basename(docname) + Path(self.env.doc2path(docname)).suffix
        notebook = Path(folder) / name
        if label is None or notebook.suffix != ".ipynb" or not notebook.exists():
            return name
        cell = self.anchors(notebook).get(label)
        return name + (f"#cell-id={cell}" if cell else "")

    def anchors(self, notebook):
        """{label: id of the cell that defines it} of one notebook."""
        key = (str(notebook), notebook.stat().st_mtime)
        if key not in self._anchors:
            nb = json.loads(notebook.read_text(encoding="utf-8"))
            found = {}
            for cell in nb["cells"]:
                figure = cell.get("metadata", {}).get("mystnb", {}).get("figure", {})
                if figure.get("name"):
                    found[figure["name"]] = cell.get("id")
                if cell["cell_type"] == "markdown":
                    source = "".join(cell["source"])
                    for pattern in DEFINITIONS:
                        for label in re.findall(pattern.format(r"(\S+)"), source, re.MULTILINE):
                            found.setdefault(label, cell.get("id"))
            self._anchors[key] = found
        return self._anchors[key]

    # -- one cell ------------------------------------------------------------------------
    def rewrite(self, source, docname, folder, first=False):
        """A markdown cell's source with every role it can resolve replaced, its numbered
        directives given the HTML's numbers (``:enumerator:``), and the front matter that
        turns off jupyterlab-myst's equation numbers if it is the notebook's ``first``."""
        result = Rewrite(source)

        def enumerate_directive(match):
            indent, label = match.groups()
            found = self.number(docname, label)
            if found is None:
                return match.group(0)
            shown = f"{match.group(0)}\n{indent}:enumerator: {found[1]}"
            result.replacements.append((shown, match.group(0)))
            return shown

        def replace(match):
            role, content = match.groups()
            explicit = EXPLICIT.match(content)
            text, label = (explicit.group(1), explicit.group(2)) if explicit else (None, content)
            if role.startswith("cite"):
                shown = self.citation(label)
            elif role == "doc":
                target = posixpath.normpath(posixpath.join(posixpath.dirname(docname), label))
                title = self.env.titles.get(target)
                shown = title and f"[{text or title.astext()}]({self.link(folder, target)})"
            else:
                found = self.target(role, label)
                if found and text and role == "numref":  # "Figure %s" or "Figure {number}"
                    number = self.number(found[0], label)[1]
                    text = text.replace("%s", number).replace("{number}", number)
                shown = found and f"[{text or found[1]}]({self.link(folder, found[0], label)})"
            if shown is None:
                result.unresolved.append(match.group(0))
                return text or label
            result.replacements.append((shown, match.group(0)))
            return shown

        result.source = OPTION.sub(enumerate_directive, ROLE.sub(replace, source))
        if first:
            result.source = FRONT_MATTER + result.source
            result.replacements.append((FRONT_MATTER, ""))
        return result
