"""The built HTML book, as a reader's browser sees it.

Run after the book is built (``make test`` does both). Every page of ``_build/html`` is
loaded from a local web server in headless Chromium (once per view, ``conftest.report``);
the test fails on a console error, a failed request, a request to any other host, a broken
internal link or image, an image without alt text, math left as raw TeX, or a widget shown
as a live control. With ``BOOK_SCREENSHOTS=1``, a screenshot of each page in each view is
saved under ``_build/screenshots`` for a person to look at (``pages.py``).
"""

from urllib.parse import unquote, urljoin, urlparse

import pytest
from conftest import HTML, PAGES, ROOT, per_page


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


@pytest.mark.parametrize("view", ["desktop", "phone"])
@pytest.mark.parametrize("path", per_page(PAGES))
def test_page_reads_offline(report, server, path, view):
    page = report(path, view)
    problems = list(page["problems"])
    prose = page["prose"]
    for raw in ("$", "\\(", "\\["):
        if raw in prose:
            at = prose.index(raw)
            problems.append(f"raw TeX {raw!r} in the text: ...{prose[max(0, at - 40):at + 40]!r}...")
    if page["mathErrors"]:
        problems.append("MathJax reported an error in a formula")
    for image in page["images"]:
        if not image["loaded"]:
            problems.append(f"broken image: {image['src'][:80]}")
        if not image["alt"].strip():
            problems.append(f"image without alt text: {image['src'][:80]}")
    if page["widgets"]:
        problems.append("a live widget view is shown where no kernel runs")
    if view == "desktop":  # the links are the same in both views
        targets = {}
        for href in page["hrefs"]:
            target = _local_target(server, page["url"], href)
            if target is not None:
                targets.setdefault(target, href)
        for (file, fragment), href in sorted(targets.items()):
            if not file.exists():
                problems.append(f"broken link: {href}")
            elif fragment and file.suffix == ".html":
                text = file.read_text(encoding="utf-8")
                if f'id="{fragment}"' not in text and f'name="{fragment}"' not in text:
                    problems.append(f"broken anchor: {href}")
    assert not problems, f"{path} ({view}):\n  " + "\n  ".join(problems)


def test_each_chapter_offers_its_notebook():
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


@pytest.mark.xdist_group("book/intro.html")
def test_navigation_lists_every_chapter(report):
    links = report("book/intro.html", "desktop")["navLinks"]
    for notebook in sorted((ROOT / "book").glob("ch*.ipynb")):
        assert any(href.endswith(f"{notebook.stem}.html") for href in links), (
            f"{notebook.stem} missing from the left navigation: {links}"
        )


def test_search_finds_a_word_of_the_book(visit):
    v = visit("search.html?q=Jacobian")
    v.page.wait_for_selector("#search-results li")
    assert v.page.locator("#search-results li").count() >= 1
    assert not v.problems, "\n".join(v.problems)
