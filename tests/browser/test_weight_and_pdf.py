"""What a reader downloads: the weight of a first visit, the size of the site, the PDF.

- A first visit of a chapter (empty cache: the page, its styles, scripts, fonts and
  figures) transfers at most 2 MB, served gzip-compressed as every web host serves text
  (the test server compresses like one; ``conftest.py``); the built site is at most
  2 MB on disk per chapter (the PDF included): with ten chapters it weighs about 1.7 MB
  a chapter (its page, figures, downloadable notebook and share of the PDF), so a figure
  or an output grown large fails the test while a new chapter does not;
  nothing comes from another host (``test_book_html.py`` fails on any such request).

The PDF itself is tested in ``test_pdf.py``.
"""

import pytest
from conftest import CHAPTERS, HTML, per_page

FIRST_VISIT_LIMIT = 2_000_000
SITE_LIMIT_PER_CHAPTER = 2_000_000


@pytest.mark.parametrize("path", per_page(CHAPTERS))
def test_first_visit_of_a_chapter_is_light(report, path):
    weight = report(path, "desktop")["transferred"]  # a fresh context: an empty cache
    assert weight <= FIRST_VISIT_LIMIT, f"{path}: a first visit fetches {weight / 1e6:.2f} MB"


def test_site_is_light():
    files = [p for p in HTML.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    limit = SITE_LIMIT_PER_CHAPTER * len(CHAPTERS)
    biggest = sorted(files, key=lambda p: p.stat().st_size, reverse=True)[:5]
    listed = ", ".join(f"{p.relative_to(HTML)} {p.stat().st_size / 1e6:.1f} MB" for p in biggest)
    assert total <= limit, (f"the built site is {total / 1e6:.1f} MB, more than "
                            f"{limit / 1e6:.0f} MB for {len(CHAPTERS)} chapters; biggest: {listed}")
