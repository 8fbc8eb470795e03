"""mathnotes.interactive_figure: live sliders, a static picture for the book."""

import base64
import io
import sys
from pathlib import Path

import ipywidgets
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

import mathnotes as mn  # noqa: E402
from mathnotes._figures import shown_size, smallest_text  # noqa: E402
from mathnotes.interactive import BOOK_NOTE, LAB_NOTE, PLAIN_PREFIX  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import live_figures  # noqa: E402  (the book's side of the bundle)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def draw_line(slope):
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, slope])
    return fig


def draw_wide(width):
    fig, ax = plt.subplots(figsize=(width, 2))
    ax.plot([0, 1], [0, 1])
    return fig


def _pixel_width(png):
    return Image.open(io.BytesIO(png)).size[0]


def make(**kwargs):
    options = dict(alt="A line of slope 1.", slope=ipywidgets.FloatSlider(value=1.0, min=-2, max=2))
    options.update(kwargs)
    return mn.interactive_figure(draw_line, **options)


def test_defaults_come_from_the_controls():
    assert make().defaults == {"slope": 1.0}


def test_abbreviation_starts_in_the_middle():
    live = make(slope=(0.0, 4.0, 0.5))
    assert live.defaults == {"slope": 2.0}
    assert live.controls["slope"].description == "slope"


def test_bundle_has_widget_and_static_fallback():
    bundle, _ = make(caption="Move it.")._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    html = bundle["text/html"]
    assert html.startswith('<figure class="mathnotes-static-widget">')
    assert 'alt="A line of slope 1."' in html
    assert "data:image/png;base64," in html
    assert "Move it." in html and "JupyterLab" in html
    assert bundle["text/plain"] == "LiveFigure: A line of slope 1."


def test_bundle_carries_the_picture_as_a_png_at_its_natural_size():
    # myst-nb shows it like any figure output: in the figure of the cell's metadata
    live = make()
    bundle, metadata = live._repr_mimebundle_()
    png = base64.b64decode(bundle["image/png"])
    assert png == live.static_png
    width, height = shown_size(png)
    assert metadata == {"image/png": {"width": width, "height": height}}
    assert smallest_text(png) is not None  # the browser tests read it


def test_the_book_recognises_the_bundle_and_finds_its_note_and_alt():
    # tools/live_figures.py reads these marks from the stored output
    bundle, _ = make()._repr_mimebundle_()
    assert live_figures.STATIC_PICTURE in bundle["text/html"]
    assert live_figures.BOOK_NOTE.search(bundle["text/html"]).group(1) == BOOK_NOTE
    assert live_figures.PLAIN_PREFIX == PLAIN_PREFIX
    assert bundle["text/plain"].removeprefix(live_figures.PLAIN_PREFIX) == "A line of slope 1."


def test_static_picture_has_a_note_for_the_book_and_one_for_jupyterlab():
    html = make().static_html()
    assert f'<em class="mathnotes-note-book">{BOOK_NOTE}</em>' in html
    # hidden in the book; lab/custom/custom.css shows it (and hides the other) in JupyterLab
    assert f'<em class="mathnotes-note-lab" hidden>{LAB_NOTE}</em>' in html
    assert "Run this cell" in LAB_NOTE and "Open this chapter in JupyterLab" in BOOK_NOTE


def test_static_picture_declares_its_natural_size_half_its_pixels():
    live = make()
    width, height = Image.open(io.BytesIO(live.static_png)).size
    assert f'width="{round(width / 2)}" height="{round(height / 2)}"' in live.static_html()


def test_live_picture_is_shown_at_its_natural_size():
    live = mn.interactive_figure(draw_wide, alt="A line.", width=(1.0, 5.0, 1.0))
    before = _pixel_width(live.image.value)
    assert live.image.layout.width == f"{before / 2:g}px"  # twice the pixels: sharp
    assert live.image.layout.max_width == "100%"  # shrinks in a narrow window, never stretches
    live.controls["width"].value = 5.0
    after = _pixel_width(live.image.value)
    assert after > before
    assert live.image.layout.width == f"{after / 2:g}px"


def test_static_picture_is_the_same_on_every_run():
    assert make().static_html() == make().static_html()


def test_moving_a_slider_redraws_the_picture():
    live = make()
    before = live.image.value
    live.controls["slope"].value = -1.5
    assert live.image.value != before
    assert live.static_png == before  # the book's picture stays the default state


def test_no_figure_is_left_open():
    plt.close("all")
    live = make()
    live.controls["slope"].value = 0.5
    assert plt.get_fignums() == []


def test_alt_text_is_required():
    with pytest.raises(ValueError, match="alt"):
        make(alt=" ")


def test_draw_must_return_a_figure():
    with pytest.raises(TypeError, match="return fig"):
        mn.interactive_figure(lambda slope: None, alt="x", slope=(0.0, 1.0, 0.1))


def test_draw_must_be_callable():
    with pytest.raises(TypeError, match="draw must be a function"):
        mn.interactive_figure("plot", alt="x", slope=(0.0, 1.0, 0.1))


def test_unusable_slider_is_named():
    with pytest.raises(ValueError, match="slope"):
        make(slope=object())


def test_at_least_one_slider():
    with pytest.raises(ValueError, match="slider"):
        mn.interactive_figure(draw_line, alt="x")


def test_a_figure_updated_in_place_is_redrawn_and_keeps_its_size():
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.set(xlim=(0, 1), ylim=(-2, 2))
    (line,) = ax.plot([0, 1], [0, 1], animated=True)

    def draw_again(slope):
        line.set_ydata([0, slope])
        return fig

    live = mn.interactive_figure(draw_again, alt="A line.",
                                 slope=ipywidgets.FloatSlider(value=1.0, min=-2, max=2))
    static = live.static_png
    live.controls["slope"].value = -1.0
    moved = live.image.value
    assert moved != static and live.static_png == static
    assert Image.open(io.BytesIO(moved)).size == Image.open(io.BytesIO(static)).size
    live.controls["slope"].value = 1.0  # back to the start: the picture of the start
    back = np.asarray(Image.open(io.BytesIO(live.image.value)).convert("RGB"), dtype=float)
    start = np.asarray(Image.open(io.BytesIO(static)).convert("RGB"), dtype=float)
    assert np.abs(back - start).mean() < 2.0  # the static one has a palette
