"""The PDF of the whole book (``make pdf``, ``tools/book_pdf.py``) reads like a book.

- It holds every page of the book, and its contents and cross-references are links inside it.
- The contents carry page numbers: each is the page on which its chapter or section starts.
- It prints no controls (buttons, the toggles of hidden code) and no words for the screen
  ("the widget below", "move the sliders", the HTML note of an interactive figure).
- A heading is never the last line of a page; a figure's picture and its caption share a page.
- Few pages are nearly empty: the fill of every page (from the top of the text area down to
  its lowest ink) is measured and its distribution printed (``-rP`` shows it).
- Every page of the site links the PDF, once it exists (``tools/templates/pdf-link.html``).

The pages are read with pypdf (``tools/pdf_layout.py``): no browser is needed, so these tests
run as soon as the PDF is printed.
"""

import html
import re
import sys
import unicodedata
import zlib
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import CHAPTERS, CHROMIUM, HTML, PAGES, ROOT, _no_chromium

sys.path.insert(0, str(ROOT / "tools"))
import pdf_layout  # noqa: E402

PDF = HTML / "book.pdf"
# what a page of the site shows as a control, or says only to a screen
CONTROLS = ("Show code cell", "Hide code cell", "Back to top", "Toggle primary sidebar",
            "Download this page", "Color mode", "Copy to clipboard",
            "Static picture of the default state", "Run this cell to move")
SCREEN_WORDS = re.compile(r"(widget below|move the sliders?)", re.I)
HEADING_SIZE = 12.0  # points: headings, box and exercise titles; the text is 10.5
SPARSE = 0.55  # a page less full than this is nearly empty
SPARSE_SHARE = 0.03  # at most this share of the pages, chapter ends and the title aside


@pytest.fixture(scope="module")
def pages():
    if not PDF.exists():
        if not Path(CHROMIUM).exists():
            _no_chromium("Chromium is not installed, so `make pdf` printed no PDF")
        pytest.fail(f"no {PDF}: run `make pdf`")
    return pdf_layout.pages(PDF)


def body(page):
    """The lines of a page above its footer (the page number)."""
    return [line for line in page.lines if line.y > pdf_layout.BOTTOM]


def squeeze(text):
    """Letters and digits only, ligatures (ﬁ) spelled out: text to compare across fonts."""
    return re.sub(r"\W+", "", unicodedata.normalize("NFKC", text)).lower()


def test_the_pdf_holds_the_whole_book(pages):
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
    count = len(re.findall(rb"/Type\s*/Page\b", text))
    assert count >= 2 * len(CHAPTERS), f"the PDF has {count} pages"
    internal_links = len(re.findall(rb"/Dest\b", text))
    assert internal_links >= count, f"{internal_links} links inside the PDF (contents, references)"


def test_the_contents_carry_page_numbers(pages):
    first = next(page for page in pages if body(page) and body(page)[0].text == "Contents")
    entries = []
    for page in pages[first.number - 1:]:
        lines = body(page)[1:] if page is first else body(page)
        if entries and lines and lines[0].size > HEADING_SIZE:
            break  # the first chapter
        entries += [re.fullmatch(r"(.*?)\s*(\d+)", line.text) for line in lines]
    assert entries and all(entries), "a line of the contents without its page number"
    wrong = []
    for title, number in (match.groups() for match in entries):
        page = pages[int(number) - 1] if int(number) <= len(pages) else None
        shown = [squeeze(line.text) for line in body(page)] if page else []
        if not any(text.startswith(squeeze(title)[:12]) for text in shown):
            wrong.append(f"{title} {number}")
    assert not wrong, f"entries of the contents not on the page they give: {wrong}"


def test_no_controls_on_paper(pages):
    found = [(page.number, label) for page in pages for label in CONTROLS
             if label.lower() in " ".join(line.text for line in page.lines).lower()]
    assert not found, f"controls printed (page, label): {found}"


def test_no_words_for_the_screen(pages):
    found = []
    for page in pages:
        text = " ".join(line.text for line in page.lines)
        found += [f"page {page.number}: ...{text[max(0, m.start() - 40):m.end() + 40]}..."
                  for m in SCREEN_WORDS.finditer(text)]
    assert not found, "words for the screen:\n" + "\n".join(found)


def test_headings_are_never_the_last_line_of_a_page(pages):
    stranded = [(page.number, body(page)[-1].text) for page in pages[:-1] if body(page)
                and body(page)[-1].bold and body(page)[-1].size > HEADING_SIZE]
    assert not stranded, f"headings at the foot of a page (page, heading): {stranded}"


def figure_captions():
    """{"Fig. N.M": first words of its caption} of every figure of the built book."""
    captions = {}
    pattern = re.compile(r'<span class="caption-number">(Fig\. [\d.]+) </span>'
                         r'<span class="caption-text">([^<]{1,40})')
    for path in PAGES:
        for number, text in pattern.findall((HTML / path).read_text(encoding="utf-8")):
            captions[number] = html.unescape(text)
    return captions


def test_figures_and_captions_share_a_page(pages):
    captions = figure_captions()
    assert captions, "no numbered figure in the built book"
    apart = []
    for number, text in captions.items():
        start = squeeze(number + text)[:16]
        place = [(page, line) for page in pages for line in body(page)
                 if squeeze(line.text).startswith(start)]
        if not place:
            apart.append(f"{number}: caption not found")
            continue
        page, line = place[0]
        if not any(y0 >= line.y - 2 for _, y0, _, _ in page.pictures):
            apart.append(f"{number}: no picture above its caption on page {page.number}")
    assert not apart, "\n".join(apart)


def test_few_pages_are_nearly_empty(pages):
    print(pdf_layout.fill_summary(pages, SPARSE))
    # a page's title prints at about 30 pt, a section's heading at 24
    chapter_ends = {1} | {page.number - 1 for page in pages
                          if body(page) and body(page)[0].size > 2.25 * HEADING_SIZE}
    sparse = [page.number for page in pages
              if page.fill < SPARSE and page.number not in chapter_ends | {len(pages)}]
    print(f"nearly empty pages that do not end a chapter: {sparse}")
    assert len(sparse) <= SPARSE_SHARE * len(pages), (
        f"{len(sparse)} of {len(pages)} pages less than {SPARSE:.0%} full: {sparse}")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_links_the_pdf(pages, path):
    page = (HTML / path).read_text(encoding="utf-8")
    if 'http-equiv="Refresh"' in page or 'http-equiv="refresh"' in page:
        pytest.skip(f"{path} only redirects to the first page")
    shown = re.sub(r"<!--.*?-->", "", page, flags=re.S)  # a link in a comment is not a link
    hrefs = re.findall(r'<a href="([^"]*book\.pdf)"', shown)
    assert hrefs, f"{path} has no link to the PDF"
    target = Path(urljoin(f"/{path}", hrefs[0]).lstrip("/"))
    assert (HTML / target).resolve() == PDF.resolve(), f"{path}: {hrefs[0]} is not the PDF"
