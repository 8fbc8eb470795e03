"""The one PNG renderer: twice the pixels of the shown size, with that size in the metadata."""

import io

import numpy as np
import pytest
from PIL import Image

from mathnotes._figures import PIXEL_DENSITY, CellFigure, pixel_size, png_bytes, shown_size


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


def test_text_form_is_the_same_as_before():
    assert repr(_figure(6.4, 4.8)) == "<Figure size 640x480 with 1 Axes>"


def test_a_kept_picture_is_a_palette_png_close_to_the_fast_full_colour_one():
    fig = _figure(3.0, 2.0)
    fast, kept = png_bytes(fig, fast=True), png_bytes(fig)
    assert pixel_size(fast) == pixel_size(kept)
    assert len(kept) < len(fast)
    full = np.asarray(Image.open(io.BytesIO(fast)).convert("RGB"), dtype=float)
    palette = Image.open(io.BytesIO(kept))
    assert palette.mode == "P"
    reduced = np.asarray(palette.convert("RGB"), dtype=float)
    assert np.abs(full - reduced).mean() < 2.0   # out of 255: the same picture to the eye


@pytest.mark.parametrize("data", [b"GIF89a" + bytes(30), "not bytes"])
def test_pixel_size_refuses_what_is_not_a_png(data):
    with pytest.raises(ValueError, match="png must be the bytes of a PNG file"):
        pixel_size(data)
