"""What every browser test of the built book shares: the pages, a local web server, Chromium,
and one load of each page per view, measured once (``pages.py``) and checked by every test.

The book must be built first (``make test`` builds it, then runs these tests). Pages are
served from ``_build/html`` over HTTP on 127.0.0.1, so what is measured is what a reader's
browser fetches; any request to another host is refused and reported. Like every web host,
the server sends text files (HTML, CSS, JavaScript) gzip-compressed to a browser that
accepts it; fonts and pictures are compressed already and go as they are.

Two views of every page, as two kinds of readers see it:

- ``desktop``: a 1280 px window in light mode, with the always-visible scroll bars of most
  Windows and Linux desktops (Chromium is started without ``--hide-scrollbars``);
- ``phone``: a 390 px touch screen in dark mode, with the overlay scroll bars of a phone.

Each page is loaded once per view, the first time a test asks for it; the load measures
everything the tests check (``pages.measure``) and keeps the numbers, not the page. No test
waits a fixed time: a load waits until the page says its layout is done (MathJax has typeset
it, ``_static/mathnotes.js`` has fitted the formulas), with a limit generous enough for a
machine whose cores are all busy.
"""

import functools
import gzip
import http.server
import io
import os
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWS = {
    "desktop": {"viewport": DESKTOP, "color_scheme": "light"},
    "phone": {"viewport": PHONE, "color_scheme": "dark", "is_mobile": True, "has_touch": True},
}
# The longest any wait may take: a page load on a machine with every core busy took over 30 s.
PATIENCE_MS = 300_000


def book_pages():
    """Every HTML page of the built book, relative to ``_build/html`` (no theme files)."""
    if not HTML.is_dir():
        return []
    return sorted(
        str(p.relative_to(HTML))
        for p in HTML.rglob("*.html")
        if not p.relative_to(HTML).parts[0].startswith("_")
    )


PAGES = book_pages()
CHAPTERS = [p for p in PAGES if Path(p).name.startswith("ch")]


def per_page(paths):
    """``paths`` as parameters, each in its page's xdist group (``-n 2 --dist loadgroup``
    then loads each page in one worker only)."""
    return [pytest.param(path, marks=[pytest.mark.xdist_group(path)], id=path) for path in paths]


COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


class _BookHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text gzip-compressed when the browser accepts it, no log lines."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        kind = self.guess_type(str(path))
        if (
            path.is_file()
            and kind.startswith(COMPRESSED_TYPES)
            and "gzip" in self.headers.get("Accept-Encoding", "")
        ):
            body = gzip.compress(path.read_bytes(), compresslevel=6)
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()


@pytest.fixture(scope="session")
def server():
    if not PAGES:
        pytest.fail(f"no built book in {HTML}: run `make book` first")
    handler = functools.partial(_BookHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def _no_chromium(message):
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set, so this test may not skip)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def playwright_driver():
    if not Path(CHROMIUM).exists():
        _no_chromium(
            "Chromium is not installed: `apt-get install chromium` (as root) enables the "
            "browser tests of the built book"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver):
    # without --hide-scrollbars (Playwright adds it in headless mode), a desktop page has
    # the scroll bars a Windows or Linux reader sees, and they take their room
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, ignore_default_args=["--hide-scrollbars"]
    )
    yield browser
    browser.close()


class PageVisit:
    """Load one page in a fresh browser context and record what went wrong on the way.

    A fresh context has an empty cache: ``transferred()`` is the weight of a reader's
    first visit of the page. The load is done when the page's layout is (see the module's
    docstring); ``view`` is a key of :data:`VIEWS`.
    """

    def __init__(self, browser, server, path, view="desktop"):
        self.server = server
        self.problems = []
        self.context = browser.new_context(**VIEWS[view])
        self.context.set_default_timeout(PATIENCE_MS)
        self.context.route("**/*", self._only_local)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)
        self.page.goto(server + path, wait_until="load")
        self.page.wait_for_function(
            "() => document.documentElement.dataset.mathnotesLayout === 'ready'"
        )

    def _only_local(self, route):
        if route.request.url.startswith(self.server) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            self.problems.append(f"request to another host: {route.request.url}")
            route.abort()

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def _failed(self, request):
        self.problems.append(f"failed request: {request.url} ({request.failure})")

    def _response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def transferred(self):
        """Bytes fetched so far (the page and every resource it loaded, headers included)."""
        return self.page.evaluate(
            """() => performance.getEntriesByType('navigation')
                       .concat(performance.getEntriesByType('resource'))
                       .reduce((total, entry) => total + entry.transferSize, 0)"""
        )

    def settle(self):
        """Wait until what a change of the page set off has been laid out (two frames)."""
        self.page.evaluate(
            "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, server):
    """``visit(path, view=...)`` loads a page for one test; closed after the test."""
    visits = []

    def load(path, **options):
        visits.append(PageVisit(browser, server, path, **options))
        return visits[-1]

    yield load
    for v in visits:
        v.close()


@pytest.fixture(scope="session")
def report(browser, server):
    """``report(path, view)``: what one load of the page in that view measured (a dict,
    see ``pages.measure``), made the first time a test asks and kept for the others."""
    from pages import measure

    reports = {}

    def get(path, view):
        if (path, view) not in reports:
            visit = PageVisit(browser, server, path, view)
            try:
                reports[path, view] = measure(visit, path, view)
            finally:
                visit.close()
        return reports[path, view]

    return get
