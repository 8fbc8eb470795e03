"""The book's figures as a reader's browser shows them (issues 13 and 19).

Every picture of a chapter (outputs, and the static pictures of the interactive figures)
is checked in both views (``conftest.report``):

- it fits the column: nothing of it lies beyond the text column, and no box around it
  scrolls sideways;
- it keeps its proportions;
- at 1280 px it has at least 1.5 pixels per CSS pixel (sharp on a high-density screen),
  and its smallest text, scaled as the picture is scaled, is at least 9 CSS px. The size of
  that text comes from the PNG (``mathnotes._figures.smallest_text``; the book style's
  smallest size for a picture that did not record it), at 100 CSS px per figure inch;
- a picture shown smaller than its natural size opens at full size in a new tab (the PNG
  itself), where its smallest text is at least 9 CSS px;
- an interactive figure's stand-in is a numbered figure with the book's note under its
  caption, and captions are at the weight and colour of the text, not faint;
- in dark mode every picture of an output sits on the same card.
"""

import pytest
from conftest import CHAPTERS, per_page

MIN_DENSITY = 1.5  # image pixels per shown CSS pixel
MIN_TEXT_PX = 9.0
CSS_PX_PER_POINT = 100 / 72  # a figure inch is 100 CSS pixels at natural size
PIXEL_DENSITY = 2  # the PNGs have twice the pixels of their natural CSS size



def _figures(report, path, view):
    figures = [f for f in report(path, view)["layout"]["figures"] if f["naturalWidth"]]
    assert figures, f"{path}: no figure found"
    return figures


def _text_px(figure, shown_width):
    natural_css = figure["naturalWidth"] / PIXEL_DENSITY
    return figure["textPoints"] * CSS_PX_PER_POINT * shown_width / natural_css


def _beyond_the_column(report, path, view):
    return [f"{f['alt']!r}: {f['beyond']} px beyond the column" if f["beyond"] > 1
            else f"{f['alt']!r}: in a box that scrolls ({f['scroller']})"
            for f in _figures(report, path, view) if f["beyond"] > 1 or f["scroller"]]


@pytest.mark.parametrize("path", per_page(CHAPTERS))
def test_every_figure_fits_the_column_at_desktop_width(report, path):
    wide = _beyond_the_column(report, path, "desktop")
    assert not wide, f"{path} (desktop): " + "; ".join(wide)


@pytest.mark.parametrize("path", per_page(CHAPTERS))
def test_every_figure_fits_the_column_on_a_phone(report, path):
    wide = _beyond_the_column(report, path, "phone")
    assert not wide, f"{path} (phone): " + "; ".join(wide)


@pytest.mark.parametrize("view", ["desktop", "phone"])
@pytest.mark.parametrize("path", per_page(CHAPTERS))
def test_no_figure_is_stretched_or_squeezed(report, path, view):
    bent = []
    for f in _figures(report, path, view):
        ratio = (f["shownWidth"] / f["shownHeight"]) / (f["naturalWidth"] / f["naturalHeight"])
        if abs(ratio - 1) > 0.02:
            bent.append(f"{f['alt']!r}: {ratio:.2f}")
    assert bent == [], f"{path} ({view}), shown / natural aspect ratio: " + "; ".join(bent)


@pytest.mark.parametrize("path", per_page(CHAPTERS))
def test_every_figure_is_sharp(report, path):
    blurred = [f"{f['alt']!r}: {f['naturalWidth'] / f['shownWidth']:.2f} pixels per CSS pixel"
               for f in _figures(report, path, "desktop")
               if f["naturalWidth"] / f["shownWidth"] < MIN_DENSITY]
    assert blurred == [], f"{path}: " + "; ".join(blurred)


@pytest.mark.parametrize("path", per_page(CHAPTERS))
def test_figure_text_readable_at_desktop_width(report, path):
    small = []
    for f in _figures(report, path, "desktop"):
        text = _text_px(f, f["shownWidth"])
        if text < MIN_TEXT_PX - 0.05:
            small.append(f"{f['alt']!r}: {f['textPoints']:g} pt text shown at {text:.1f} CSS px "
                         f"(shown {f['shownWidth']:.0f} px of {f['naturalWidth'] / 2:.0f})")
    assert small == [], f"{path}: " + "; ".join(small)


@pytest.mark.parametrize("view", ["desktop", "phone"])
@pytest.mark.parametrize("path", per_page(CHAPTERS))
def test_a_reduced_figure_opens_at_full_size(report, path, view):
    page = report(path, view)
    links = {image["src"]: image for image in page["images"]}
    problems = []
    for f in _figures(report, path, view):
        if f["shownWidth"] >= f["naturalWidth"] / PIXEL_DENSITY - 1:
            continue  # at its natural size
        image = links[f["src"]]
        if not (f["zoomable"] and image["linkHref"] == f["src"] and image["linkTarget"] == "_blank"):
            problems.append(f"{f['alt']!r}: shown reduced with no full-size view")
        # a browser shows the PNG alone at one image pixel per CSS pixel
        full = _text_px(f, f["naturalWidth"])
        if full < MIN_TEXT_PX - 0.05:
            problems.append(f"{f['alt']!r}: text of {full:.1f} CSS px at full size")
    assert problems == [], f"{path} ({view}): " + "; ".join(problems)


@pytest.mark.parametrize("path", per_page(CHAPTERS))
def test_interactive_figures_read_like_numbered_figures(report, path):
    page = report(path, "desktop")
    problems = []
    if page["oldStandIns"]:
        problems.append(f"{page['oldStandIns']} stand-in(s) in the former form (no number)")
    for figure in page["liveFigures"]:
        if not figure["numbered"]:
            problems.append(f"{figure['id']}: no number")
        if not figure["note"]:
            problems.append(f"{figure['id']}: no note saying where the sliders work")
        elif figure["noteSize"] >= figure["captionSize"]:
            problems.append(f"{figure['id']}: the note is not smaller than the caption")
    assert problems == [], f"{path}: " + "; ".join(problems)


@pytest.mark.parametrize("view", ["desktop", "phone"])
@pytest.mark.parametrize("path", per_page(CHAPTERS))
def test_captions_are_not_faint(report, path, view):
    page = report(path, view)
    faint = [f"{c['text']!r}: weight {c['weight']}, colour {c['colour']}"
             for c in page["captions"]
             if c["weight"] < 400 or c["colour"] != page["textColour"]]
    assert faint == [], f"{path} ({view}): captions fainter than the text: " + "; ".join(faint)


@pytest.mark.parametrize("path", per_page(CHAPTERS))
def test_every_output_picture_sits_on_the_same_card_in_dark_mode(report, path):
    cards = {tuple(image["card"]) for image in report(path, "phone")["images"] if image["card"]}
    assert len(cards) <= 1, f"{path}: pictures on different cards in dark mode: {cards}"
