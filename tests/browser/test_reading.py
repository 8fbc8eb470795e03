"""Reading the built book at desktop (1280 px) and phone (390 px) width, light and dark.

- both menus (chapters, contents) open and close on a click at both widths;
- the page follows the reader's system colour scheme;
- at 390 px no page scrolls sideways and no formula is cut off: a formula wider than
  its column sits in a box that scrolls;
- printed output keeps its lines (tables of numbers scroll, never wrap);
- code boxes fit the column at 1280 px, solutions (dropdowns) as wide as other code.
"""

import pytest
from conftest import CHAPTERS, DESKTOP, PAGES, PHONE

# Formulas whose right edge is hidden: cut by an ancestor that clips and does not scroll,
# or past the right edge of the page.
CLIPPED_FORMULAS_JS = """() => {
  const clipped = [];
  const pageRight = document.documentElement.clientWidth;
  for (const math of document.querySelectorAll('main mjx-container')) {
    const box = math.getBoundingClientRect();
    if (box.width === 0) continue;            // inside a closed dropdown
    let hidden = box.right > pageRight + 1;
    for (let a = math.parentElement; a && a !== document.body; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if (overflow === 'auto' || overflow === 'scroll') { hidden = false; break; }
      if ((overflow === 'hidden' || overflow === 'clip') &&
          box.right > a.getBoundingClientRect().right + 1) { hidden = true; break; }
    }
    if (hidden) {
      const where = math.closest('section[id], div[id]');
      clipped.push((where ? '#' + where.id : '?') + ': ' +
                   (math.querySelector('mjx-assistive-mml') || math).textContent.slice(0, 60));
    }
  }
  return clipped;
}"""

# Code boxes (cell inputs, code blocks) whose text is wider than the box.
WIDE_CODE_JS = """() => {
  const wide = [];
  for (const pre of document.querySelectorAll('main div.highlight pre')) {
    if (pre.closest('div.cell_output')) continue;
    if (pre.clientWidth > 0 && pre.scrollWidth > pre.clientWidth + 1) {
      const where = pre.closest('section[id]');
      wide.push((where ? '#' + where.id : '?') + ': ' +
                pre.textContent.split('\\n').reduce((a, b) => a.length >= b.length ? a : b).trim());
    }
  }
  return wide;
}"""

SIDEWAYS_JS = (
    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
)

# Pages with code lines too long for the column at 1280 px. The notebooks own those
# lines: shorten them, then delete the page from this list (the mark is strict, so a
# fixed page fails until it is removed from here).
LONG_CODE_LINES = {
}


def _open_all_dropdowns(page):
    page.evaluate(
        "() => document.querySelectorAll('main details').forEach(d => d.open = true)"
    )
    page.evaluate(
        "() => document.querySelectorAll('main .toggle-hidden, main .dropdown.toggle-hidden')"
        ".forEach(e => e.classList.remove('toggle-hidden'))"
    )
    page.evaluate(
        "() => document.querySelectorAll('main button.toggle-button').forEach(b => {"
        " if (b.getAttribute('aria-expanded') !== 'true') b.click(); })"
    )


# At 1280 px the contents sidebar is always shown and has no button.
@pytest.mark.parametrize(
    "viewport, toggles",
    [(PHONE, (".primary-toggle", ".secondary-toggle")), (DESKTOP, (".primary-toggle",))],
    ids=["phone", "desktop"],
)
def test_menus_open_and_close(visit, viewport, toggles):
    v = visit("book/ch01_linear_systems.html", viewport=viewport)
    page = v.page
    # on a phone the theme moves the sidebars' contents into a modal dialog
    chapter_link = page.locator('nav.bd-links a[href$="ch02_partial_derivatives.html"]')
    toc_link = page.locator("#pst-page-toc-nav a").first
    links = {".primary-toggle": chapter_link, ".secondary-toggle": toc_link}
    for toggle in toggles:
        link = links[toggle]
        button = page.locator(f"{toggle}:visible")
        assert button.count() == 1, f"{button.count()} visible {toggle} buttons"
        before = link.is_visible()
        button.click()
        page.wait_for_timeout(400)
        assert link.is_visible() != before, f"clicking {toggle} did not open or close its menu"
        if page.locator("dialog[open]").count():
            page.keyboard.press("Escape")
        else:
            button.click()
        page.wait_for_timeout(400)
        assert link.is_visible() == before, f"the {toggle} menu did not close again"
    assert not v.problems, "\n".join(v.problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colour_mode_follows_the_system(visit, scheme):
    v = visit("book/intro.html", color_scheme=scheme)
    assert v.page.evaluate("document.documentElement.dataset.theme") == scheme


@pytest.mark.parametrize("path", PAGES)
def test_phone_page_never_cut_or_sideways(visit, path):
    v = visit(path, viewport=PHONE)
    _open_all_dropdowns(v.page)
    sideways = v.page.evaluate(SIDEWAYS_JS)
    clipped = v.page.evaluate(CLIPPED_FORMULAS_JS)
    assert sideways <= 0, f"{path} scrolls sideways by {sideways} px at 390 px"
    assert not clipped, f"{path}: formulas cut off at 390 px:\n  " + "\n  ".join(clipped)


@pytest.mark.parametrize("path", PAGES)
def test_printed_output_scrolls_never_wraps(visit, path):
    v = visit(path, viewport=PHONE)
    wrapping = v.page.evaluate(
        """() => [...document.querySelectorAll(
                     'main div.cell_output pre, main div.cell_output td, main div.cell_output th')]
                 .filter(e => !['pre', 'nowrap'].includes(getComputedStyle(e).whiteSpace))
                 .map(e => e.textContent.slice(0, 50))"""
    )
    assert not wrapping, f"{path}: output text that wraps:\n  " + "\n  ".join(wrapping)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=LONG_CODE_LINES[p]))
        if p in LONG_CODE_LINES
        else p
        for p in PAGES
    ],
)
def test_code_fits_its_box_at_desktop_width(visit, path):
    v = visit(path, viewport=DESKTOP)
    _open_all_dropdowns(v.page)
    wide = v.page.evaluate(WIDE_CODE_JS)
    assert not wide, f"{path}: code boxes that scroll sideways at 1280 px:\n  " + "\n  ".join(wide)


@pytest.mark.parametrize("path", CHAPTERS)
def test_solutions_as_wide_as_the_column(visit, path):
    v = visit(path, viewport=DESKTOP)
    _open_all_dropdowns(v.page)
    widths = v.page.evaluate(
        """() => {
          const w = e => e.getBoundingClientRect().width;
          const code = [...document.querySelectorAll('main div.cell')]
              .filter(c => !c.closest('.solution'));
          const solutions = [...document.querySelectorAll('main .solution div.cell')];
          const widths = code.map(w).sort((a, b) => a - b);
          return {column: widths[Math.floor(widths.length / 2)], solutions: solutions.map(w)};
        }"""
    )
    # the dropdown's left rule (a few px) is the only difference allowed
    narrow = [w for w in widths["solutions"] if w < widths["column"] - 4]
    assert not narrow, f"{path}: solution code {narrow} px wide, other code {widths['column']} px"
