"""Print the whole built book to one PDF with Chromium, no TeX: ``make pdf``.

Usage::

    python tools/book_pdf.py [--html _build/html] [--out _build/html/book.pdf]

The built HTML book (``make book``) is served from a local web server and opened in
headless Chromium (Debian's, driven by Playwright). In the page, the script joins the
articles of every page listed in ``_toc.yml`` into one document, behind a title page and a
table of contents: ids get the page's name as a prefix, links between pages become links
inside the PDF, solutions are shown open where the HTML has them (after their exercise).
MathJax typesets the whole document, then Chromium prints it (A4, page numbers in the
footer; the table of contents and the cross-references are links inside the PDF).
The print rules (page breaks, code that wraps on paper, no box shadows: Chromium prints
those as page-wide bitmaps) are the ``@media print`` part of ``_static/mathnotes.css``.

The PDF is written into the built site, where the sidebar of every page links to it.
"""

import argparse
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Joins the pages into one printable document; runs inside the first page of the book.
ASSEMBLE_JS = """async ({pages, title, author}) => {
  const stem = path => path.split('/').pop().replace(/\\.html$/, '');
  const own = new Set(pages.map(stem));
  const book = document.createElement('div');
  book.className = 'mathnotes-pdf';
  const front = document.createElement('section');
  front.className = 'mathnotes-pdf-title';
  front.innerHTML = '<h1></h1><p class="mathnotes-pdf-author"></p>';
  front.querySelector('h1').textContent = title;
  front.querySelector('p').textContent = author;
  const toc = document.createElement('nav');
  toc.className = 'mathnotes-pdf-toc';
  toc.innerHTML = '<h2>Contents</h2><ol></ol>';
  book.append(front, toc);
  for (const path of pages) {
    const name = stem(path);
    const html = await (await fetch(path)).text();
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const article = doc.querySelector('article.bd-article');
    article.querySelectorAll('a.headerlink, script, .toggle-button, button').forEach(e => e.remove());
    article.querySelectorAll('[id]').forEach(e => { e.id = name + '--' + e.id; });
    article.querySelectorAll('.toggle-hidden, .dropdown').forEach(e =>
        e.classList.remove('toggle-hidden', 'dropdown', 'toggle'));
    article.querySelectorAll('details').forEach(d => { d.open = true; });
    article.querySelectorAll('a[href]').forEach(a => {
      const href = a.getAttribute('href');
      const match = href.match(/^([^\\/#:?]*)\\.html(#(.*))?$/);
      if (href.startsWith('#')) a.setAttribute('href', '#' + name + '--' + href.slice(1));
      else if (match && own.has(match[1]))
        a.setAttribute('href', '#' + match[1] + '--' + (match[3] || 'top'));
    });
    const chapter = document.createElement('section');
    chapter.className = 'mathnotes-pdf-chapter';
    chapter.id = name + '--top';
    chapter.append(...article.childNodes);
    book.append(chapter);
    const heading = chapter.querySelector('h1');
    const item = document.createElement('li');
    item.innerHTML = '<a></a><ol></ol>';
    item.querySelector('a').href = '#' + chapter.id;
    item.querySelector('a').textContent = heading ? heading.textContent : name;
    for (const h2 of chapter.querySelectorAll('h2')) {
      const section = h2.closest('section[id]');
      const sub = document.createElement('li');
      sub.innerHTML = '<a></a>';
      sub.querySelector('a').href = '#' + (section ? section.id : chapter.id);
      sub.querySelector('a').textContent = h2.textContent;
      item.querySelector('ol').append(sub);
    }
    toc.querySelector('ol').append(item);
  }
  document.body.replaceChildren(book);
  document.body.className = 'mathnotes-pdf-body';
  if (window.MathJax && MathJax.typesetPromise) {
    await MathJax.startup.promise;
    MathJax.typesetClear();
    await MathJax.typesetPromise([book]);
  }
  await Promise.all([...document.images].map(img => img.complete ? null :
      new Promise(done => { img.onload = img.onerror = done; })));
  return book.querySelectorAll('section.mathnotes-pdf-chapter').length;
}"""

FOOTER = (
    '<div style="width: 100%; font-size: 8px; color: #444; text-align: center;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def toc_pages(toc_file):
    """The HTML pages of the book in the order of ``_toc.yml`` (root first)."""
    toc = yaml.safe_load(Path(toc_file).read_text(encoding="utf-8"))
    docs = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                docs.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [doc + ".html" for doc in docs]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def print_book(html_dir, out, toc_file, config_file):
    from playwright.sync_api import sync_playwright

    config = yaml.safe_load(Path(config_file).read_text(encoding="utf-8"))
    pages = toc_pages(toc_file)
    missing = [p for p in pages if not (html_dir / p).exists()]
    if missing:
        raise SystemExit(f"not in {html_dir}: {missing}; build the book first (make book)")
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(color_scheme="light")
            page.set_default_timeout(300_000)
            page.goto(base + pages[0], wait_until="load")
            # the first page's URL is the base of every page's links: all live in one folder
            folders = {str(Path(p).parent) for p in pages}
            if len(folders) != 1:
                raise SystemExit(f"pages in more than one folder: {sorted(folders)}")
            count = page.evaluate(
                ASSEMBLE_JS,
                {
                    "pages": [Path(p).name for p in pages],
                    "title": config.get("title", ""),
                    "author": config.get("author", ""),
                },
            )
            out.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(
                path=str(out),
                format="A4",
                margin={"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
                # no tagged=True: tags (and with them Chromium's bookmarks) triple the size
            )
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return count


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=None, help="default: HTML/book.pdf")
    args = parser.parse_args(argv)
    out = args.out or args.html / "book.pdf"
    count = print_book(args.html, out, ROOT / "_toc.yml", ROOT / "_config.yml")
    print(f"{out}: {count} pages of the book, {out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    sys.exit(main())
