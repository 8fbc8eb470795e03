"""The book's figures as a reader's browser shows them (issue 13).

Every picture of a chapter (outputs and the static pictures of the
interactive figures) is checked in headless Chromium at a 1280 px window:
it has at least 1.5 times the pixels of its shown width (sharp on a
high-density screen), and its smallest text, the book style's smallest font
(``figures.SMALLEST_FONT_POINTS``, at 100 CSS pixels per figure inch) scaled
as the picture is scaled, is at least 9 CSS pixels. A figure drawn wider than
the column passes only if the page shows it at its natural size (in a box
that scrolls sideways). Uses the ``browser`` and ``server`` fixtures of
``conftest.py``.
"""

from pathlib import Path

import pytest

from bookcode.figures import SMALLEST_FONT_POINTS

HTML = Path(__file__).resolve().parents[2] / "_build" / "html"
CHAPTERS = sorted(str(p.relative_to(HTML)) for p in HTML.glob("book/ch*.html"))
MIN_DENSITY = 1.5  # image pixels per shown CSS pixel
MIN_TEXT_PX = 9.0
CSS_PX_PER_POINT = 100 / 72  # a figure inch is 100 CSS pixels at natural size

IMAGES_JS = """() => [...document.querySelectorAll('main img')]
  .filter(img => img.src.startsWith('data:image/png') || img.src.endsWith('.png'))
  .map(img => ({
    alt: (img.alt || '').slice(0, 60),
    natural: img.naturalWidth,
    shown: img.getBoundingClientRect().width,
    declared: img.getAttribute('width') ? parseFloat(img.getAttribute('width')) : null,
  }))"""


@pytest.mark.parametrize("path", CHAPTERS)
def test_every_figure_is_sharp_and_its_text_readable(browser, server, path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(server + path, wait_until="load")
        images = page.evaluate(IMAGES_JS)
    finally:
        context.close()
    assert images, f"{path}: no figure found"
    problems = []
    for image in images:
        density = image["natural"] / image["shown"]
        if density < MIN_DENSITY:
            problems.append(f"{image['alt']!r}: {density:.2f} pixels per CSS pixel")
        # the natural CSS size is half the pixels; a smaller shown size scales the text down
        natural_css = image["natural"] / 2
        smallest_text = SMALLEST_FONT_POINTS * CSS_PX_PER_POINT * image["shown"] / natural_css
        if smallest_text < MIN_TEXT_PX - 0.05:
            problems.append(f"{image['alt']!r}: text of {smallest_text:.1f} CSS px "
                            f"(shown {image['shown']:.0f} px of {natural_css:.0f})")
    assert problems == [], f"{path}: " + "; ".join(problems)


ASPECT_JS = """() => [...document.querySelectorAll('main img')]
  .filter(img => img.naturalWidth > 0 && img.getBoundingClientRect().width > 0)
  .map(img => {
    const r = img.getBoundingClientRect();
    return {alt: (img.alt || '').slice(0, 60),
            natural: img.naturalWidth / img.naturalHeight, shown: r.width / r.height};
  })"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", CHAPTERS)
def test_no_figure_is_stretched_or_squeezed(browser, server, path, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(server + path, wait_until="load")
        images = page.evaluate(ASPECT_JS)
    finally:
        context.close()
    bent = [f"{image['alt']!r}: {image['shown'] / image['natural']:.2f}"
            for image in images if abs(image["shown"] / image["natural"] - 1) > 0.02]
    assert bent == [], f"{path} at {width} px, shown / natural aspect ratio: " + "; ".join(bent)
