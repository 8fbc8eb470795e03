"""The built HTML book, as a reader's browser sees it.

Run after the book is built (``make test`` does both). Every page of
``_build/html`` is loaded from a local web server in headless Chromium; the
test fails on a console error, a failed request, a request to any other host,
a broken internal link or image, an image without alt text, math left as raw
TeX, or a widget shown as a live control. A screenshot of each page is saved
under ``_build/screenshots`` for a person to look at.
"""

from urllib.parse import unquote, urljoin, urlparse

import pytest
from conftest import HTML, PAGES, ROOT, SCREENSHOTS

# Text of the rendered page (code, math and scripts removed) that must not contain raw TeX.
VISIBLE_PROSE_JS = """() => {
  const main = document.querySelector('main') || document.body;
  const copy = main.cloneNode(true);
  copy.querySelectorAll('pre, code, mjx-container, script, style, .MathJax, textarea')
      .forEach(node => node.remove());
  return copy.textContent;
}"""


def _local_target(server, page_url, href):
    """The file and fragment an internal link points at, or None for other hosts."""
    url = urljoin(page_url, href)
    if not url.startswith(server):
        return None
    parsed = urlparse(url)
    path = HTML / unquote(parsed.path[len(urlparse(server).path):])
    if path.is_dir():
        path = path / "index.html"
    return path, parsed.fragment


@pytest.mark.parametrize("path", PAGES)
def test_page_reads_offline(visit, server, path):
    v = visit(path)
    page = v.page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / (path.replace("/", "__") + ".png")), full_page=True)

    problems = list(v.problems)
    prose = page.evaluate(VISIBLE_PROSE_JS)
    for raw in ("$", "\\(", "\\["):
        if raw in prose:
            at = prose.index(raw)
            problems.append(f"raw TeX {raw!r} in the text: ...{prose[max(0, at - 40):at + 40]!r}...")
    if page.locator("mjx-container [data-mjx-error], mjx-merror").count():
        problems.append("MathJax reported an error in a formula")

    for img in page.locator("main img").all():
        src = img.get_attribute("src") or ""
        loaded = img.evaluate("i => i.complete && i.naturalWidth > 0")
        if not loaded:
            problems.append(f"broken image: {src[:80]}")
        if not (img.get_attribute("alt") or "").strip():
            problems.append(f"image without alt text: {src[:80]}")

    if page.locator(".jupyter-widgets, .widget-area, .jp-OutputArea-output .widget-box").count():
        problems.append("a live widget view is shown where no kernel runs")

    targets = {}
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
        target = _local_target(server, page.url, href)
        if target is not None:
            targets.setdefault(target, href)
    for (file, fragment), href in sorted(targets.items()):
        if not file.exists():
            problems.append(f"broken link: {href}")
        elif fragment and file.suffix == ".html":
            text = file.read_text(encoding="utf-8")
            if f'id="{fragment}"' not in text and f'name="{fragment}"' not in text:
                problems.append(f"broken anchor: {href}")

    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


def test_each_chapter_offers_its_notebook(server):
    chapters = sorted((ROOT / "book").glob("*.ipynb"))
    assert chapters, "no chapter notebooks in book/"
    for notebook in chapters:
        page = HTML / "book" / (notebook.stem + ".html")
        assert page.exists(), f"no page for {notebook.name}"
        source = HTML / "_sources" / "book" / notebook.name
        assert source.exists(), f"{notebook.name} is not downloadable from the built book"
        assert f"_sources/book/{notebook.name}" in page.read_text(encoding="utf-8"), (
            f"the page of {notebook.name} has no download link for it"
        )


def test_navigation_lists_every_chapter(visit):
    v = visit("book/intro.html")
    nav = v.page.locator("nav.bd-links").inner_text()
    for notebook in sorted((ROOT / "book").glob("ch*.ipynb")):
        link = v.page.locator(f'nav.bd-links a[href$="{notebook.stem}.html"]')
        assert link.count() >= 1, f"{notebook.stem} missing from the left navigation:\n{nav}"


def test_search_finds_a_word_of_the_book(visit):
    v = visit("search.html?q=Jacobian")
    v.page.wait_for_selector("#search-results li", timeout=15000)
    assert v.page.locator("#search-results li").count() >= 1
    assert not v.problems, "\n".join(v.problems)
