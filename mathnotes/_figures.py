"""Figures that show themselves in a notebook without pyplot, and the one PNG renderer.

Every picture is rendered at :data:`PIXEL_DENSITY` pixels per CSS pixel and
shown at its natural CSS size (a figure inch is ``dpi`` CSS pixels), so it is
sharp on high-density screens and its text has the size the figure chose.
"""

import io
import struct

from matplotlib.figure import Figure
from PIL import Image

PIXEL_DENSITY = 2  # PNG pixels per CSS pixel, as on a phone or a "retina" screen


def png_bytes(fig, *, dpi=100, fast=False):
    """Render a Matplotlib figure to PNG bytes, trimmed to what is drawn.

    The one renderer of the package: the pictures of :class:`CellFigure`
    and of the interactive figures are made here, so they look alike. The
    PNG has :data:`PIXEL_DENSITY` pixels per CSS pixel; show it at
    :func:`shown_size`.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to render; it is not closed or changed.
    dpi : int, optional
        CSS pixels per figure inch, the size the picture is shown at.
    fast : bool, optional
        False (default) for a picture that is kept: its colours are reduced to
        a palette of 256 (Matplotlib's flat colours and smooth edges survive
        it), which makes the file about four times smaller in a notebook, a
        page and the PDF. True for a picture redrawn while a slider moves:
        full colour, light zlib compression, several times faster to encode.

    Returns
    -------
    bytes
        The PNG file.

    Examples
    --------
    >>> fig = CellFigure(figsize=(1, 1))
    >>> png_bytes(fig).startswith(b"\\x89PNG")
    True
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi * PIXEL_DENSITY, bbox_inches="tight",
                pil_kwargs={"compress_level": 1 if fast else 6})
    if fast:
        return buffer.getvalue()
    image = Image.open(buffer).convert("RGB")
    palette = image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="png", optimize=True)
    return buffer.getvalue()


def pixel_size(png):
    """The ``(width, height)`` in pixels of PNG bytes, read from the file's header.

    Raises
    ------
    ValueError
        If ``png`` is not the bytes of a PNG file.

    Examples
    --------
    >>> width, height = pixel_size(png_bytes(CellFigure(figsize=(2, 1))))
    >>> width > height
    True
    """
    if not isinstance(png, bytes) or png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("png must be the bytes of a PNG file, as png_bytes returns")
    return struct.unpack(">II", png[16:24])


def shown_size(png):
    """The ``(width, height)`` in CSS pixels at which a picture of :func:`png_bytes` is shown.

    Examples
    --------
    >>> png = png_bytes(CellFigure(figsize=(2, 1)))
    >>> shown_size(png) == (pixel_size(png)[0] / 2, pixel_size(png)[1] / 2)
    True
    """
    width, height = pixel_size(png)
    return width / PIXEL_DENSITY, height / PIXEL_DENSITY


class CellFigure(Figure):
    """A Matplotlib figure that shows itself as a PNG when it is a cell's value.

    It is not managed by ``pyplot``: assigning it to a name shows nothing and
    ``plt.show()`` does not show it, and no figure is left open. IPython shows
    a plain ``Figure`` as a picture only once pyplot's inline backend is
    active; this one needs no backend. The PNG has twice the pixels of its
    shown size (the output's metadata gives that size).
    """

    def __repr__(self):
        # the same text as pyplot's figures, so stored outputs read alike
        width, height = self.get_size_inches() * self.dpi
        return f"<Figure size {width:g}x{height:g} with {len(self.axes)} Axes>"

    def _repr_png_(self):
        return png_with_size(self)


def png_with_size(fig):
    """The kept PNG of ``fig`` and its shown size, as IPython's PNG formatters return them.

    Examples
    --------
    >>> png, size = png_with_size(CellFigure(figsize=(2, 1)))
    >>> size == dict(zip(("width", "height"), shown_size(png)))
    True
    """
    png = png_bytes(fig)
    width, height = shown_size(png)
    return png, {"width": width, "height": height}
