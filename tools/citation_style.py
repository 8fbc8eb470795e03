"""Sphinx extension: the bibliography labels its entries the way the text cites them.

The text cites in the author-year style (``bibtex_reference_style: author_year``), as
"[Strang, 2016]"; pybtex's default bibliography style labels the same work "[Str16]". This
registers a pybtex style, ``authoryear``, whose labels are the citation text ("Strang, 2016",
"Parr and Howard, 2018", "Goodfellow et al., 2016") and whose entries are sorted by author
and year. ``_config.yml`` selects it with ``bibtex_default_style: authoryear``.
"""

from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting.author_year_title import SortingStyle as AuthorYearSorting


def _surname(person):
    return " ".join(person.last_names).replace("{", "").replace("}", "")


def author_year_label(entry):
    """The citation text of one entry, as sphinxcontrib-bibtex's author_year style writes it."""
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(p) for p in persons]
    if not names:
        who = entry.fields.get("organization") or entry.fields.get("title", "Anonymous")
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            yield author_year_label(entry)


class AuthorYearStyle(UnsrtStyle):
    default_label_style = AuthorYearLabels
    default_sorting_style = AuthorYearSorting


def setup(app):
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
