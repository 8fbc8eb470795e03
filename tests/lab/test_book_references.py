"""lab/book_references.py: the chapters' references as served to JupyterLab, against the HTML.

Needs the book built (``make book``: the build's record and the HTML it wrote).
"""

import asyncio
import collections
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "lab"))
from book_contents import RECORD, STORED, BookContentsManager  # noqa: E402
from book_references import OPTION, ROLE  # noqa: E402
from execute_notebooks import normalise  # noqa: E402 (on the path now)

NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
HTML = ROOT / "_build" / "html" / "book"
LINK = re.compile(r"\[([^\]]+)\]\(([\w.]+?)(?:#cell-id=([\w-]+))?\)")
ABBR = re.compile(r"\{abbr\}`(.*?) \([^()]*\)`")


def served(path, root=ROOT / "book"):
    if not RECORD.exists() or not HTML.exists():
        pytest.fail("the book is not built: `make book` writes the record these tests read")
    manager = BookContentsManager(root_dir=str(root))
    return asyncio.run(manager.get(path.name))["content"]


def _text(node):
    return " ".join(node.get_text().split())


def html_references(path):
    """The HTML page's reference texts and numbered captions by target (label or page), and
    its citation texts."""
    page = BeautifulSoup((HTML / f"{path.stem}.html").read_text(encoding="utf-8"),
                         "html.parser").select_one("article")
    texts = collections.defaultdict(set)
    for caption in page.select(".caption-number"):  # "Theorem 6.1" above the theorem itself
        texts[caption.find_parent(id=True)["id"]].add(_text(caption))
    for link in page.select("a.reference.internal[href]"):
        href = link["href"]
        texts[href.split("#")[1] if "#" in href else href.removesuffix(".html")].add(_text(link))
    citations = collections.Counter(_text(span) for span in page.select("span.bibtex-citation"))
    return texts, citations


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_references_read_as_in_the_html(path, caplog):
    nb = served(path)
    assert "unresolved reference" not in caplog.text
    stored = nbformat.read(path, as_version=4)
    roles = [ROLE.findall(cell.source) for cell in stored.cells if cell.cell_type == "markdown"]
    assert sum(map(len, roles)), "a chapter without references tests nothing"
    texts, citations = html_references(path)
    served_citations = collections.Counter()
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        assert not ROLE.findall(cell.source), f"{path.name}: a role left unresolved"
        for shown, role in cell.metadata.get(STORED, {}).get("references", []):
            if not role.startswith("{"):  # a directive's number, or the front matter
                label = OPTION.match(role)
                if label:
                    number = shown.rsplit(":enumerator:", 1)[1].strip()
                    assert any(text.endswith(f" {number}") for text in texts[label.group(2)]), \
                        f"{path.name}: {label.group(2)} numbered {number}"
                continue
            if role.startswith("{cite"):
                text = ABBR.sub(r"\1", shown).replace("\\[", "[").replace("\\]", "]")
                served_citations[text] += 1
                continue
            text, target, cell_id = LINK.fullmatch(shown).groups()
            label = re.search(r"<([^<>]+)>`$|`([^`<>]+)`$", role)
            label = label.group(1) or label.group(2)
            key = label if not role.startswith("{doc}") else Path(target).stem
            assert text in texts[key], f"{path.name}: {role} reads {text!r}, the HTML " \
                                       f"{sorted(texts[key])}"
            assert (ROOT / "book" / target).exists()
            if target.endswith(".ipynb") and not role.startswith("{doc}"):  # scrolls there
                other = nbformat.read(ROOT / "book" / target, as_version=4)
                target_cell = next(c for c in other.cells if c.id == cell_id)
                assert label in target_cell.source or label in str(target_cell.metadata)
    assert served_citations == citations


def test_saving_restores_the_stored_myst(tmp_path):
    chapter = ROOT / "book" / "ch06_matmul_gradients.ipynb"
    shutil.copy(chapter, tmp_path / chapter.name)
    nb = served(chapter, root=tmp_path)
    rewritten = [cell for cell in nb.cells if STORED in cell.metadata]
    assert rewritten
    edited = rewritten[0]
    shown, role = edited.metadata[STORED]["references"][0]
    edited.source = "A sentence the reader added.\n\n" + edited.source
    manager = BookContentsManager(root_dir=str(tmp_path))
    asyncio.run(manager.save({"type": "notebook", "format": "json", "content": nb},
                             chapter.name))
    saved = nbformat.read(tmp_path / chapter.name, as_version=4)
    expected = normalise(nbformat.read(chapter, as_version=4))
    by_id = {cell.id: cell for cell in saved.cells}
    assert by_id[edited.id].source == "A sentence the reader added.\n\n" + \
        next(c.source for c in expected.cells if c.id == edited.id)
    assert role in by_id[edited.id].source and shown not in by_id[edited.id].source
    assert [(c.source, c.metadata) for c in saved.cells if c.id != edited.id] == \
        [(c.source, c.metadata) for c in expected.cells if c.id != edited.id]


def test_an_unknown_label_reads_as_its_text_and_is_reported(tmp_path, caplog):
    chapter = ROOT / "book" / "ch06_matmul_gradients.ipynb"
    nb = nbformat.read(chapter, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(
        "See {numref}`fig-nowhere`, {ref}`the lost section <sec-nowhere>` and "
        "{cite}`nobody2026`."))
    nbformat.write(nb, tmp_path / chapter.name)
    served_cell = served(chapter, root=tmp_path).cells[-1]
    assert served_cell.source == "See fig-nowhere, the lost section and nobody2026."
    assert caplog.text.count("unresolved reference in ch06_matmul_gradients.ipynb") == 3
