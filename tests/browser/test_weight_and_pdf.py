"""What a reader downloads: the weight of a first visit, the size of the site, the PDF.

- A first visit of a chapter (empty cache: the page, its styles, scripts, fonts and
  figures) transfers at most 2 MB, served gzip-compressed as every web host serves text
  (the test server compresses like one; ``conftest.py``); the built site is at most
  15 MB on disk (the PDF included);
  nothing comes from another host (``test_book_html.py`` fails on any such request).
- ``_build/html/book.pdf`` (``make pdf``) is a PDF of every page of the book whose
  contents and cross-references are links, and every page of the site links to it.
"""

import re
import zlib
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import CHAPTERS, HTML, PAGES, per_page

FIRST_VISIT_LIMIT = 2_000_000
SITE_LIMIT = 15_000_000
PDF = HTML / "book.pdf"


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


def test_the_pdf_holds_the_whole_book():
    assert PDF.exists(), f"no {PDF}: run `make pdf`"
    data = PDF.read_bytes()
    assert data.startswith(b"%PDF-")
    # Chromium packs the page objects into compressed object streams
    objects = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            objects.append(zlib.decompress(stream))
        except zlib.error:
            pass
    text = b"\n".join(objects)
    pages = len(re.findall(rb"/Type\s*/Page\b", text))
    assert pages >= 2 * len(CHAPTERS), f"the PDF has {pages} pages"
    internal_links = len(re.findall(rb"/Dest\b", text))
    assert internal_links >= pages, f"{internal_links} links inside the PDF (contents, references)"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_links_the_pdf(path):
    html = (HTML / path).read_text(encoding="utf-8")
    if 'http-equiv="Refresh"' in html or 'http-equiv="refresh"' in html:
        pytest.skip(f"{path} only redirects to the first page")
    hrefs = re.findall(r'<a href="([^"]*book\.pdf)"', html)
    assert hrefs, f"{path} has no link to the PDF"
    target = Path(urljoin(f"/{path}", hrefs[0]).lstrip("/"))
    assert (HTML / target).resolve() == PDF.resolve(), f"{path}: {hrefs[0]} is not the PDF"
