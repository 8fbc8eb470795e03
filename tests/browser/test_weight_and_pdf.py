"""What a reader downloads: the weight of a first visit, the size of the site, the PDF.

- A first visit of a chapter (empty cache: the page, its styles, scripts, fonts and
  figures) transfers at most 2 MB, served gzip-compressed as every web host serves text
  (the test server compresses like one; ``conftest.py``); the built site is at most
  15 MB on disk (the PDF included);
  nothing comes from another host (``test_book_html.py`` fails on any such request).

The PDF itself is tested in ``test_pdf.py``.
"""

import pytest
from conftest import CHAPTERS, HTML, per_page

FIRST_VISIT_LIMIT = 2_000_000
SITE_LIMIT = 15_000_000


@pytest.mark.parametrize("path", per_page(CHAPTERS))
def test_first_visit_of_a_chapter_is_light(report, path):
    weight = report(path, "desktop")["transferred"]  # a fresh context: an empty cache
    assert weight <= FIRST_VISIT_LIMIT, f"{path}: a first visit fetches {weight / 1e6:.2f} MB"


def test_site_is_light():
    files = [p for p in HTML.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    biggest = sorted(files, key=lambda p: p.stat().st_size, reverse=True)[:5]
    assert total <= SITE_LIMIT, f"the built site is {total / 1e6:.1f} MB; biggest: " + ", ".join(
        f"{p.relative_to(HTML)} {p.stat().st_size / 1e6:.1f} MB" for p in biggest
    )
