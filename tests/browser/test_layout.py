"""Formulas, tables and code that fit, or show that they scroll (issue 19, items 1 and 2).

Headless Chromium hides scroll bars, so what a reader with always-visible scroll bars sees
(a bar under a box) is measured instead: a box *scrolls* when its computed ``overflow-x`` is
``auto`` or ``scroll`` and its content is wider than it; it *clips* when ``overflow-x`` is
``hidden`` or ``clip`` and its content is wider. The desktop view runs with real, always
visible scroll bars as well (``conftest.VIEWS``), so the screenshots show them.

- An inline formula never scrolls, is never clipped and never sticks out of its line.
- A display formula fits its column, shrunk by ``_static/mathnotes.js`` to no less than
  :data:`MIN_SCALE` of its size; one that still does not fit scrolls.
- Every box that scrolls sideways (a formula, a table, code, an output) shows the cue at the
  edge it continues past (``mathnotes-more-right`` when scrolled to the start: a fade).
- Nothing in the text is clipped.
- A table of three or more columns hides none on a phone: its rows are laid out as cards,
  each cell under its column's name (``_static/mathnotes.js``), and its box does not scroll.

All read the one load of each page per view (``conftest.report``), with every dropdown open.
"""

import pytest
from conftest import PAGES, per_page

MIN_SCALE = 0.8  # as in _static/mathnotes.js
# every test below runs on every page in both views
pytestmark = [
    pytest.mark.parametrize("view", ["desktop", "phone"]),
    pytest.mark.parametrize("path", per_page(PAGES)),
]


def _none(found, path, view, what):
    assert not found, f"{path} ({view}): {what}:\n  " + "\n  ".join(found)


def test_inline_formulas_never_scroll_or_clip(report, path, view):
    _none(report(path, view)["layout"]["inline"], path, view,
          "inline formulas that do not flow with the text")


def test_display_formulas_shrink_no_further_than_legible(report, path, view):
    small = [f"{d['what']} (at {d['scale']:.0%})"
             for d in report(path, view)["layout"]["displays"] if d["scale"] < MIN_SCALE - 0.005]
    _none(small, path, view, f"formulas shrunk below {MIN_SCALE:.0%}")


def test_what_scrolls_sideways_shows_it(report, path, view):
    silent = [f"{s['what']} ({s['hidden']} px hidden)"
              for s in report(path, view)["layout"]["scrollers"] if not s["cue"]]
    _none(silent, path, view, "boxes that scroll sideways with no cue")


def test_nothing_is_clipped(report, path, view):
    _none(report(path, view)["layout"]["clipped"], path, view, "content cut off")


def test_wide_tables_hide_no_column_on_a_phone(report, path, view):
    tables = [t for t in report(path, view)["layout"]["tables"] if t["columns"] >= 3]
    if view != "phone" or not tables:
        pytest.skip("a phone's tables of three or more columns")
    hidden = [t["what"] for t in tables if t["scrolls"] or not t["stacked"]]
    _none(hidden, path, view, "tables that hide columns beyond the edge")
