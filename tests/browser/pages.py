"""One load of a page, measured once for every browser test (``conftest.report``).

:func:`measure` takes a loaded :class:`conftest.PageVisit` and returns plain data: what
the page fetched and reported, its text, images and links, axe-core's findings, and,
with every dropdown open, the geometry the layout tests check (formulas, boxes that
scroll, code, figures). With ``BOOK_SCREENSHOTS=1`` in the environment, a full-page
screenshot of each page in each view goes to ``_build/screenshots/<view>/`` for a person
to look at (``BOOK_SCREENSHOTS=1 .venv/bin/python -m pytest tests/browser``); it is off by
default because drawing a chapter whole costs as much as loading it.
"""

import base64
import io
import os
import sys
from urllib.parse import unquote, urlparse

from PIL import Image

from bookcode.figures import SMALLEST_FONT_POINTS
from conftest import HTML, ROOT, SCREENSHOTS
from mathnotes._figures import SMALLEST_TEXT_KEY

sys.path.insert(0, str(ROOT / "tools"))
from axe_core import axe_script  # noqa: E402

AXE_BLOCKING = ("serious", "critical")

# Text of the rendered page (code, math and scripts removed) that must not contain raw TeX.
VISIBLE_PROSE_JS = """() => {
  const main = document.querySelector('main') || document.body;
  const copy = main.cloneNode(true);
  copy.querySelectorAll('pre, code, mjx-container, script, style, .MathJax, textarea')
      .forEach(node => node.remove());
  return copy.textContent;
}"""

# What the page shows before anything is opened: images, links, figures and their captions.
CONTENT_JS = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const style = e => getComputedStyle(e);
  return {
    theme: document.documentElement.dataset.theme,
    mathErrors: document.querySelectorAll('mjx-container [data-mjx-error], mjx-merror').length,
    coloredMath: document.querySelectorAll('mjx-container [style*="color"]').length,
    widgets: document.querySelectorAll(
        '.jupyter-widgets, .widget-area, .jp-OutputArea-output .widget-box').length,
    hrefs: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
    navLinks: [...document.querySelectorAll('nav.bd-links a[href]')].map(a => a.getAttribute('href')),
    images: [...document.querySelectorAll('main img')].map(img => {
      const link = img.closest('a.image-reference');
      const figure = img.closest('figure');
      const card = style(img);
      return {
        src: img.getAttribute('src') || '',
        alt: img.getAttribute('alt') || '',
        loaded: img.complete && img.naturalWidth > 0,
        naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight,
        inOutput: !!img.closest('div.cell_output'),
        figure: figure ? (figure.id || figure.className) : null,
        linkHref: link ? link.getAttribute('href') : null,
        linkTarget: link ? link.target : null,
        card: img.closest('div.cell_output') ? [card.backgroundColor, card.filter, card.padding] : null,
      };
    }),
    liveFigures: [...article.querySelectorAll('figure.mathnotes-live')].map(f => ({
      id: f.id,
      numbered: !!f.querySelector('figcaption .caption-number'),
      note: !!f.querySelector('figcaption .mathnotes-live-note'),
      noteSize: f.querySelector('.mathnotes-live-note p') ?
          parseFloat(style(f.querySelector('.mathnotes-live-note p')).fontSize) : null,
      captionSize: f.querySelector('figcaption .caption-text') ?
          parseFloat(style(f.querySelector('figcaption .caption-text')).fontSize) : null,
    })),
    oldStandIns: article.querySelectorAll('figure.mathnotes-static-widget').length,
    // (the former stand-ins of interactive figures carry their own card: see oldStandIns)
    captions: [...article.querySelectorAll('figure:not(.mathnotes-static-widget) figcaption')].map(c => ({
      text: c.textContent.trim().slice(0, 50),
      weight: parseInt(style(c).fontWeight), colour: style(c).color,
    })),
    textColour: style(article).color,
  };
}"""

# Geometry, with every dropdown open. Everything is measured inside the article (not the
# sidebars). A box "scrolls" when its computed overflow-x is auto or scroll and its content
# is wider than it (a scroll bar where scroll bars are always shown); it "clips" when
# overflow-x is hidden or clip and its content is wider.
LAYOUT_JS = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const overflowX = e => getComputedStyle(e).overflowX;
  const scrolls = e => ['auto', 'scroll'].includes(overflowX(e));
  const wider = e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1;
  const where = e => {  // the section it is in (not the content boxes of directives)
    let section = e.closest('section[id]');
    while (section && section.id.endsWith('-content')) {
      section = section.parentElement.closest('section[id]');
    }
    return (section ? '#' + section.id : '?');
  };
  const text = e => (e.matches('mjx-container') ?
      (e.querySelector('mjx-assistive-mml') || e).textContent : e.textContent)
      .replace(/\\s+/g, ' ').trim().slice(0, 60);
  const describe = e => `${where(e)}: <${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : ''}> ${text(e)}`;
  const shown = e => e.getClientRects().length > 0;
  const all = [...article.querySelectorAll('*:not(mjx-container *)')].filter(shown);

  const inline = [];
  for (const math of article.querySelectorAll('mjx-container:not([display="true"])')) {
    if (!shown(math) || math.getBoundingClientRect().width === 0) continue;
    const box = math.getBoundingClientRect();
    let problem = null;
    if (scrolls(math) && wider(math)) problem = 'scrolls in its own box';
    for (let a = math.parentElement; !problem && a && a !== article; a = a.parentElement) {
      if (scrolls(a)) break;  // a box that scrolls (a table): checked for its cue below
      const edge = a.getBoundingClientRect().right;
      if (['hidden', 'clip'].includes(overflowX(a)) && box.right > edge + 1) problem = 'clipped';
      else if (getComputedStyle(a).display !== 'inline' && box.right > edge + 1)
        problem = `sticks out of its line by ${Math.round(box.right - edge)} px`;
      if (getComputedStyle(a).display !== 'inline') break;
    }
    if (problem) inline.push(describe(math) + ' (' + problem + ')');
  }

  const scrollers = all.filter(e => scrolls(e) && wider(e)).map(e => ({
    what: describe(e),
    cue: e.classList.contains('mathnotes-more-right'),
    hidden: e.scrollWidth - e.clientWidth,
  }));
  const clipped = all.filter(e => ['hidden', 'clip'].includes(overflowX(e)) && wider(e)
                                  && !e.closest('mjx-assistive-mml'))
      .map(describe);

  const displays = [...article.querySelectorAll('mjx-container[display="true"]')]
      .filter(m => shown(m) && m.clientWidth > 0).map(m => {
        const inner = m.querySelector(':scope > mjx-math');
        const scale = inner && inner.style.fontSize ? parseFloat(inner.style.fontSize) / 100 : 1;
        return {what: describe(m), scale, scrolls: wider(m)};
      });

  const wideCode = [...article.querySelectorAll('div.highlight pre')]
      .filter(pre => !pre.closest('div.cell_output') && wider(pre)).map(pre => {
        const longest = pre.textContent.split('\\n').reduce((a, b) => a.length >= b.length ? a : b);
        return where(pre) + ': ' + longest.trim();
      });

  // printed text and the tables of HTML outputs (numbers); Markdown output wraps as text
  const wrapping = [...article.querySelectorAll(
        'div.cell_output pre, div.cell_output .text_html td, div.cell_output .text_html th')]
      .filter(e => !['pre', 'nowrap'].includes(getComputedStyle(e).whiteSpace))
      .map(e => e.textContent.slice(0, 50));

  const cellWidth = c => c.getBoundingClientRect().width;
  const code = [...article.querySelectorAll('div.cell')].filter(c => !c.closest('.solution'));
  const widths = code.map(cellWidth).sort((a, b) => a - b);
  const solutions = [...article.querySelectorAll('.solution div.cell')].map(cellWidth);

  const articleRight = article.getBoundingClientRect().right;
  const figures = [...article.querySelectorAll('img')].filter(shown).map(img => {
    const r = img.getBoundingClientRect(), st = getComputedStyle(img);
    const across = ['Left', 'Right'].reduce((sum, side) => sum + parseFloat(st['padding' + side])
                                            + parseFloat(st['border' + side + 'Width']), 0);
    const down = ['Top', 'Bottom'].reduce((sum, side) => sum + parseFloat(st['padding' + side])
                                          + parseFloat(st['border' + side + 'Width']), 0);
    let scroller = null;
    for (let a = img.parentElement; a && a !== article; a = a.parentElement) {
      if (scrolls(a) && wider(a)) { scroller = describe(a); break; }
    }
    const link = img.closest('a.image-reference');
    return {
      src: img.getAttribute('src') || '', alt: (img.alt || '').slice(0, 60),
      naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight,
      shownWidth: r.width - across, shownHeight: r.height - down,  // the picture, not its card
      beyond: Math.round(r.right - articleRight), scroller,
      zoomable: !!(link && link.classList.contains('mathnotes-zoomable')),
    };
  });

  // tables of three or more columns (mathnotes.js labels their cells): does the box scroll?
  const tables = [...article.querySelectorAll('.pst-scrollable-table-container > table')]
      .filter(shown).map(t => ({
        what: describe(t), columns: t.tHead ? t.tHead.rows[0].cells.length : 0,
        stacked: t.classList.contains('mathnotes-stack'), scrolls: wider(t.parentElement),
      }));

  return {
    sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    inline, scrollers, clipped, displays, wideCode, wrapping, tables,
    column: widths.length ? widths[Math.floor(widths.length / 2)] : null, solutions,
    figures,
  };
}"""

# Every dropdown opened as a reader opens it (sphinx-togglebutton's button, or <details>).
OPEN_DROPDOWNS_JS = """() => {
  document.querySelectorAll('main details').forEach(d => d.open = true);
  document.querySelectorAll('main button.toggle-button[aria-expanded="false"]')
      .forEach(b => b.click());
}"""


# axe-core in two runs: every rule but colour contrast on the whole page, and colour contrast
# on all but the formulas and repeated code. A formula takes the colour of its text (the book
# colours none; ``coloredMath`` counts those that do), and its glyphs are two fifths of the
# elements of a chapter: checking them again took two thirds of axe's time. Code is as many
# (in chapter 1, 6,235 and 6,802 of 15,037 elements): one span per token, coloured by its
# token class on its block's background. So the contrast run keeps every code block that
# shows its plain text or a token class in a setting (the block's and its pre's background,
# colour and size, the box it is in) not seen in an earlier block, and leaves out the others,
# whose text and tokens all have the style of one checked already (an output's block has
# plain text only: 41 of the 96 blocks of chapter 1).
AXE_RUNS_JS = """async () => {
  const options = {resultTypes: ['violations']};
  const rest = await axe.run(document, {...options, rules: {'color-contrast': {enabled: false}}});
  const seen = new Set();
  for (const block of document.querySelectorAll('div.highlight')) {
    const pre = block.querySelector('pre') || block;
    const [b, p] = [getComputedStyle(block), getComputedStyle(pre)];
    const box = block.parentElement.closest(
      '.admonition, details, .cell_input, .cell_output, aside');
    const setting = [b.backgroundColor, p.backgroundColor, p.color, p.fontSize,
                     box ? box.className : ''].join('|');
    const tokens = [...block.querySelectorAll('span[class]')].map(span => span.className);
    const keys = ['plain text', ...tokens].map(token => setting + '|' + token);
    if (keys.some(key => !seen.has(key))) keys.forEach(key => seen.add(key));
    else block.dataset.mathnotesAxe = 'repeat';
  }
  const contrast = await axe.run({exclude: [['mjx-container'], ['[data-mathnotes-axe="repeat"]']]},
                                 {...options, runOnly: ['color-contrast']});
  return rest.violations.concat(contrast.violations);
}"""


def _axe_violations(page):
    """axe-core's violations of impact serious or critical on ``page`` (``tools/axe_core.py``
    pins the version and fetches it from npm on first use)."""
    page.add_script_tag(path=str(axe_script()))
    return [v for v in page.evaluate(AXE_RUNS_JS) if v["impact"] in AXE_BLOCKING]


def picture_png(page_path, src):
    """The PNG bytes an ``<img src>`` of the page ``page_path`` shows (a file or data URI)."""
    if src.startswith("data:image/png;base64,"):
        return base64.b64decode(src.split(",", 1)[1])
    target = (HTML / page_path).parent / unquote(urlparse(src).path)
    return target.resolve().read_bytes()


def smallest_text_points(page_path, src):
    """The smallest font size of a picture, in points, as recorded in its PNG
    (``mathnotes._figures.smallest_text``); the book style's smallest size for a
    picture that recorded none (made before the record existed, or with no text)."""
    png = picture_png(page_path, src)
    value = Image.open(io.BytesIO(png)).text.get(SMALLEST_TEXT_KEY)
    return SMALLEST_FONT_POINTS if value is None else float(value)


def measure(visit, path, view):
    """Everything the tests check on one load of ``path`` in ``view`` (see the module)."""
    page = visit.page
    data = {"path": path, "view": view, "transferred": visit.transferred(), "url": page.url}
    data["prose"] = page.evaluate(VISIBLE_PROSE_JS)
    data.update(page.evaluate(CONTENT_JS))
    if os.environ.get("BOOK_SCREENSHOTS"):
        shots = SCREENSHOTS / view
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / (path.replace("/", "__") + ".png")), full_page=True)
    data["axe"] = _axe_violations(page)
    page.evaluate(OPEN_DROPDOWNS_JS)
    visit.settle()
    data["layout"] = page.evaluate(LAYOUT_JS)
    for figure in data["layout"]["figures"]:
        if figure["naturalWidth"]:
            figure["textPoints"] = smallest_text_points(path, figure["src"])
    data["problems"] = list(visit.problems)  # last: axe and the clicks may report too
    return data
