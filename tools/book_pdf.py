"""Print the whole built book to one PDF with Chromium, no TeX: ``make pdf``.

Usage::

    python tools/book_pdf.py [--html _build/html] [--out _build/html/book.pdf]

The built HTML book (``make book``) is served from a local web server and opened in
headless Chromium (Debian's, driven by Playwright). In the page, the script joins the
articles of every page listed in ``_toc.yml`` into one document, behind a title page and a
table of contents: ids get the page's name as a prefix, links between pages become links
inside the PDF, solutions are shown open where the HTML has them (after their exercise).
MathJax typesets the whole document. Laid out for the page (print media, the width of the
text on A4), every block that fits in a third of a page (a code cell, its output, a box, a
table; a cell with its output in half a page) is marked to be kept on one page, and bigger
ones may break. Chromium then prints it twice: the contents of the first print carry
placeholders, the second the page on which each chapter and section landed (read from the
first PDF's link targets, and checked again in the second). The print rules are
``_static/print.css``.

The PDF is written into the built site, and every page of the site then links it: a page
built while no PDF existed carries the link as a comment (``tools/templates/pdf-link.html``,
with this module as a Sphinx extension that tells the template whether the PDF exists), which
this script turns into the link once the PDF is written.
"""

import argparse
import functools
import http.server
import io
import os
import re
import shutil
import sys
import threading
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PDF_NAME = "book.pdf"
# A4 less the margins of MARGIN, in CSS pixels (96 per inch): the text area of a page
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
TEXT_WIDTH = round((210 - 16 - 16) / 25.4 * 96)
TEXT_HEIGHT = round((297 - 16 - 18) / 25.4 * 96)
PLACEHOLDER = "000"  # as wide as any page number of the contents, so the second print lays out alike
# where a page built without the PDF has its link (tools/templates/pdf-link.html)
LINK_MARKER = re.compile(r"<!-- mathnotes-pdf-link (.*?) -->", re.S)

# Joins the pages into one printable document; runs inside the first page of the book.
ASSEMBLE_JS = """async ({pages, title, author, placeholder}) => {
  const stem = path => path.split('/').pop().replace(/\\.html$/, '');
  const own = new Set(pages.map(stem));
  const book = document.createElement('div');
  book.className = 'mathnotes-pdf';
  const front = document.createElement('section');
  front.className = 'mathnotes-pdf-title';
  front.innerHTML = '<h1></h1><p class="mathnotes-pdf-author"></p>';
  front.querySelector('h1').textContent = title;
  document.title = title;  // the PDF's title; the first page's names that page too
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
    const entry = (target, text) => {
      const item = document.createElement('li');
      item.innerHTML = '<a><span></span><span class="mathnotes-pdf-leader"></span>' +
          '<span class="mathnotes-pdf-page"></span></a>';
      item.querySelector('a').href = '#' + target;
      item.querySelector('span').textContent = text;
      item.querySelector('.mathnotes-pdf-page').textContent = placeholder;
      return item;
    };
    // the contents link the headings (a section can start at the foot of the page before)
    const target = (title, id) => { title.id = title.id || id + '--title'; return title.id; };
    const item = entry(heading ? target(heading, chapter.id) : chapter.id,
                       heading ? heading.textContent : name);
    item.append(document.createElement('ol'));
    for (const h2 of chapter.querySelectorAll('h2')) {
      const section = h2.closest('section[id]');
      item.querySelector('ol').append(
          entry(target(h2, section ? section.id : chapter.id), h2.textContent));
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
  // punctuation stays on the line of the formula it touches (_static/mathnotes.js)
  if (window.mathnotesGlueMath) mathnotesGlueMath(book);
  await Promise.all([...document.images].map(img => img.complete ? null :
      new Promise(done => { img.onload = img.onerror = done; })));
  return book.querySelectorAll('section.mathnotes-pdf-chapter').length;
}"""

# Laid out for print: marks what to keep on one page (print.css: .mathnotes-keep).
KEEP_JS = """(pageHeight) => {
  const book = document.querySelector('.mathnotes-pdf');
  const keep = (element, share) => {
    const fits = element.getBoundingClientRect().height <= share * pageHeight;
    if (fits) element.classList.add('mathnotes-keep');
    return fits;
  };
  for (const cell of book.querySelectorAll('div.cell')) {
    if (!keep(cell, 1 / 2))
      cell.querySelectorAll(':scope > .cell_input, :scope > .cell_output')
          .forEach(part => keep(part, 1 / 3));
  }
  for (const block of book.querySelectorAll(
      '.admonition, div.proof, table, div.highlight, dl, .mathnotes-check, blockquote')) {
    if (!block.closest('.mathnotes-keep')) keep(block, 1 / 3);
  }
  return book.querySelectorAll('.mathnotes-keep').length;
}"""

# The page numbers of the contents: {link target: page}.
NUMBER_JS = """(numbers) => {
  for (const link of document.querySelectorAll('.mathnotes-pdf-toc a')) {
    const page = numbers[link.getAttribute('href').slice(1)];
    link.querySelector('.mathnotes-pdf-page').textContent = page === undefined ? '' : page;
  }
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


def _contents_targets(page):
    """The link targets of the entries of the contents, in order."""
    return page.evaluate(
        "() => [...document.querySelectorAll('.mathnotes-pdf-toc a')]"
        ".map(a => a.getAttribute('href').slice(1))")


def _print(page):
    return page.pdf(
        format="A4",
        margin=MARGIN,
        print_background=True,
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=FOOTER,
        # no tagged=True: tags (and with them Chromium's bookmarks) triple the size
    )


def print_book(html_dir, out, toc_file, config_file):
    """Print the book into ``out``; return (chapters, pages, printings)."""
    from playwright.sync_api import sync_playwright
    from pdf_layout import destinations, page_count

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
            page.set_default_timeout(600_000)
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
                    "placeholder": PLACEHOLDER,
                },
            )
            page.emulate_media(media="print")
            page.set_viewport_size({"width": TEXT_WIDTH, "height": TEXT_HEIGHT})
            page.evaluate(KEEP_JS, TEXT_HEIGHT)
            targets = _contents_targets(page)
            numbers, printings = None, 0
            while True:  # until the contents' numbers are where their sections landed
                pdf = _print(page)
                printings += 1
                landed = destinations(io.BytesIO(pdf))
                found = {target: landed.get(target) for target in targets}
                if found == numbers:
                    break
                if printings == 3:
                    raise SystemExit("the contents' page numbers do not settle: "
                                     f"{[t for t in targets if found[t] != numbers[t]]}")
                numbers = found
                page.evaluate(NUMBER_JS, numbers)
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    out.parent.mkdir(parents=True, exist_ok=True)
    _write(out, pdf)
    return count, page_count(io.BytesIO(pdf)), printings


def _write(path, data):
    """Write ``data`` at once: a reader of ``path`` sees the old file or the new one."""
    scratch = path.with_name(path.name + ".part")
    scratch.write_bytes(data)
    os.replace(scratch, path)


def link_pages(html_dir):
    """Turn the PDF link's marker into the link in every page built without it; return count."""
    linked = 0
    for path in html_dir.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if "mathnotes-pdf-link" in text:
            new = LINK_MARKER.sub(lambda match: match.group(1), text)
            if new != text:
                _write(path, new.encode("utf-8"))
                linked += 1
    return linked


def page_context(app, pagename, templatename, context, doctree):
    """Tell tools/templates/pdf-link.html whether the PDF is there to link."""
    context["mathnotes_pdf"] = (Path(app.outdir) / PDF_NAME).exists()


def setup(app):
    """This module as a Sphinx extension (``_config.yml``): the PDF link of every page."""
    app.connect("html-page-context", page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=None, help=f"default: HTML/{PDF_NAME}")
    args = parser.parse_args(argv)
    out = args.out or args.html / PDF_NAME
    if not Path(CHROMIUM).exists():
        message = "Chromium is not installed: no PDF printed (`apt-get install chromium`)"
        if os.environ.get("CI"):
            sys.exit(message + " (CI is set, so the PDF may not be skipped)")
        print(message)
        return 0
    chapters, pages, printings = print_book(args.html, out, ROOT / "_toc.yml",
                                            ROOT / "_config.yml")
    linked = link_pages(args.html) if out == args.html / PDF_NAME else 0
    print(f"{out}: {chapters} pages of the book on {pages} pages of paper, "
          f"{out.stat().st_size / 1e6:.1f} MB ({printings} printings); "
          f"the link put in {linked} pages of the site")


if __name__ == "__main__":
    sys.exit(main())
