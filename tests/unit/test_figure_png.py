"""The PNG renderers: twice the pixels of the shown size, with that size in the metadata;
the live one redraws only what moved and gives the picture a whole draw would."""

import io

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

from mathnotes._figures import (
    PIXEL_DENSITY,
    CellFigure,
    FigureRedrawer,
    pixel_size,
    png_bytes,
    shown_size,
    smallest_text,
)


def _figure(width, height):
    fig = CellFigure(figsize=(width, height))
    fig.add_subplot().plot([0, 1], [0, 1])
    return fig


def test_png_has_twice_the_pixels_of_a_100_dpi_picture():
    fig = _figure(4.0, 3.0)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    width, height = pixel_size(png_bytes(fig))
    single_width, single_height = pixel_size(buffer.getvalue())
    assert PIXEL_DENSITY == 2
    assert abs(width - 2 * single_width) <= 2 and abs(height - 2 * single_height) <= 2


def test_cell_output_metadata_is_half_the_pixels():
    png, metadata = _figure(3.0, 2.0)._repr_png_()
    width, height = pixel_size(png)
    assert metadata == {"width": width / 2, "height": height / 2}
    assert (metadata["width"], metadata["height"]) == shown_size(png)


def test_both_renderers_record_the_smallest_text_of_a_kept_picture():
    fig = _figure(3.0, 2.0)
    fig.axes[0].set_title("a title", fontsize=12)
    fig.axes[0].tick_params(labelsize=6.5)
    assert smallest_text(png_bytes(fig)) == 6.5  # the tick labels, drawn by savefig
    assert smallest_text(FigureRedrawer().png(fig, kept=True)) == 6.5
    assert smallest_text(FigureRedrawer().png(fig, kept=False)) is None  # soon replaced
    assert smallest_text(png_bytes(CellFigure(figsize=(1, 1)))) is None  # no text at all


def test_text_form_is_the_same_as_before():
    assert repr(_figure(6.4, 4.8)) == "<Figure size 640x480 with 1 Axes>"


def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


def _unlike_share(png, other, tolerance=32):
    """The share of pixels of ``png`` found nowhere within one pixel of the same place of
    ``other``, give or take ``tolerance`` (of 255): two renderings of one picture that start a
    fraction of a pixel apart, or whose colours a palette rounded, share all their pixels."""
    near = sliding_window_view(np.pad(_pixels(other), ((1, 1), (1, 1), (0, 0)), mode="edge"),
                               (3, 3), axis=(0, 1))
    low, high = near.min(axis=(-2, -1)) - tolerance, near.max(axis=(-2, -1)) + tolerance
    pixels = _pixels(png)
    return ((pixels < low) | (pixels > high)).any(axis=2).mean()


def test_a_kept_picture_is_a_palette_png_alike_to_the_live_full_colour_one():
    fig = _figure(3.0, 2.0)
    kept = png_bytes(fig)
    live = FigureRedrawer().png(fig, kept=False)
    assert pixel_size(live) == pixel_size(kept)
    assert len(kept) < len(live)
    assert Image.open(io.BytesIO(kept)).mode == "P"
    assert _unlike_share(live, kept) < 0.002
    fig.axes[0].lines[0].set_ydata([1, 0])  # another picture of the same size is not alike
    assert _unlike_share(FigureRedrawer().png(fig, kept=False), kept) > 0.005


def _moving_picture():
    fig = CellFigure(figsize=(3.0, 2.0))
    ax = fig.add_subplot(xlim=(0, 1), ylim=(0, 1))
    ax.plot([0, 1], [0.5, 0.5], color="grey")
    (line,) = ax.plot([0, 1], [0, 1], animated=True, linewidth=3)
    label = ax.text(0.1, 0.8, "start", animated=True)
    return fig, ax, line, label


def test_moving_only_animated_artists_gives_the_picture_a_whole_draw_gives():
    fig, _, line, label = _moving_picture()
    redrawer = FigureRedrawer()
    first = redrawer.png(fig, kept=False)
    line.set_ydata([1, 0])
    label.set_text("moved")
    assert not fig.stale  # Matplotlib does not mark a figure stale for animated artists
    blitted = redrawer.png(fig, kept=False)
    whole = FigureRedrawer().png(fig, kept=False)  # a new redrawer draws the figure whole
    assert blitted != first
    assert np.array_equal(_pixels(blitted), _pixels(whole))


def test_a_change_to_a_plain_artist_redraws_the_figure():
    fig, ax, _, _ = _moving_picture()
    redrawer = FigureRedrawer()
    first = redrawer.png(fig, kept=False)
    ax.set_title("a new title")  # not animated: the figure is stale
    assert fig.stale
    second = redrawer.png(fig, kept=False)
    assert np.abs(_pixels(second) - _pixels(first)).sum() > 0
    assert pixel_size(second) == pixel_size(first)  # the same figure keeps its size


def test_a_new_figure_gets_its_own_size():
    redrawer = FigureRedrawer()
    narrow = redrawer.png(_figure(2.0, 2.0), kept=False)
    wide = redrawer.png(_figure(4.0, 2.0), kept=False)
    assert pixel_size(wide)[0] > pixel_size(narrow)[0]


@pytest.mark.parametrize("data", [b"GIF89a" + bytes(30), "not bytes"])
def test_pixel_size_refuses_what_is_not_a_png(data):
    with pytest.raises(ValueError, match="png must be the bytes of a PNG file"):
        pixel_size(data)


def test_an_animated_legend_leaves_the_figure_fresh_after_a_picture():
    fig, ax, line, _ = _moving_picture()
    line.set_label("moving")
    ax.legend().set_animated(True)  # its texts and box are drawn at every picture
    redrawer = FigureRedrawer()
    redrawer.png(fig, kept=False)
    assert not fig.stale  # so the next picture is a blit, not a whole redraw
    line.set_ydata([1, 0])
    blitted = redrawer.png(fig, kept=False)
    assert np.array_equal(_pixels(blitted), _pixels(FigureRedrawer().png(fig, kept=False)))
