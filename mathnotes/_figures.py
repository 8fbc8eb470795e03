"""Figures that show themselves in a notebook without pyplot, and the PNG renderers.

Every picture is rendered at :data:`PIXEL_DENSITY` pixels per CSS pixel and
shown at its natural CSS size (a figure inch is ``dpi`` CSS pixels), so it is
sharp on high-density screens and its text has the size the figure chose. A
kept picture also records the size of its smallest text (:func:`smallest_text`),
so that a page can tell how small that text is once the picture is scaled.
"""

import io
import struct

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image
from PIL.PngImagePlugin import PngInfo

PIXEL_DENSITY = 2  # PNG pixels per CSS pixel, as on a phone or a "retina" screen
SMALLEST_TEXT_KEY = "mathnotes smallest text pt"  # the PNG text chunk of smallest_text


def png_bytes(fig, *, dpi=100):
    """Render a Matplotlib figure to PNG bytes, trimmed to what is drawn.

    The renderer of the pictures that are kept (in a notebook, a page and the
    PDF): those of :class:`CellFigure` and the book's figures. The PNG has
    :data:`PIXEL_DENSITY` pixels per CSS pixel; show it at :func:`shown_size`.
    :class:`FigureRedrawer` makes the interactive figures' pictures alike.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to render; it is not closed or changed.
    dpi : int, optional
        CSS pixels per figure inch, the size the picture is shown at.

    Returns
    -------
    bytes
        The PNG file, with a palette (see :func:`encode_png`) and the size of
        the figure's smallest text (see :func:`smallest_text`).

    Examples
    --------
    >>> fig = CellFigure(figsize=(1, 1))
    >>> png_bytes(fig).startswith(b"\\x89PNG")
    True
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi * PIXEL_DENSITY, bbox_inches="tight")
    return encode_png(Image.open(buffer), kept=True, text_points=_smallest_text_points(fig))


def _smallest_text_points(fig):
    """The font size in points of the smallest visible text of a drawn figure, or None."""
    sizes = [
        text.get_fontsize()
        for text in fig.findobj(Text)
        if text.get_visible() and text.get_text().strip()
    ]
    return min(sizes, default=None)


def smallest_text(png):
    """The font size in points of the smallest text in a kept picture, or None.

    :func:`png_bytes` and the kept pictures of :class:`FigureRedrawer`
    record it in the PNG (a text chunk); at the picture's natural size a
    point is ``100 / 72`` CSS pixels, and a picture shown smaller scales it
    down. None when the picture has no text or did not record it.

    Examples
    --------
    >>> fig = CellFigure(figsize=(2, 1))
    >>> label = fig.text(0.5, 0.5, "small", fontsize=7.5)
    >>> smallest_text(png_bytes(fig))
    7.5
    """
    value = Image.open(io.BytesIO(png)).text.get(SMALLEST_TEXT_KEY)
    return None if value is None else float(value)


def encode_png(image, *, kept, text_points=None):
    """PNG bytes of a PIL image, for a picture that is kept or one that is soon replaced.

    Parameters
    ----------
    image : PIL.Image.Image
        The picture, RGB or RGBA (the alpha channel is dropped).
    kept : bool
        True for a picture that is kept: its colours are reduced to a palette
        of 256 (Matplotlib's flat colours and smooth edges survive it), which
        makes the file about four times smaller. False for a picture redrawn
        while a slider moves: full colour, light zlib compression, several
        times faster to encode.
    text_points : float, optional
        For a kept picture, the size of its smallest text, recorded in the
        PNG (see :func:`smallest_text`).
    """
    image = image.convert("RGB")
    buffer = io.BytesIO()
    if kept:
        info = PngInfo()
        if text_points is not None:
            info.add_text(SMALLEST_TEXT_KEY, f"{text_points:g}")
        palette = image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        palette.save(buffer, format="png", optimize=True, pnginfo=info)
    else:
        image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


class FigureRedrawer:
    """Render figures one after another, fast, redrawing only what moved.

    The renderer of :class:`mathnotes.interactive.LiveFigure`. Its pictures
    look like those of :func:`png_bytes`: :data:`PIXEL_DENSITY` pixels per
    CSS pixel, trimmed to what is drawn. A new figure is drawn whole. A
    figure rendered again (the same object, updated in place) keeps
    Matplotlib's renderer, its cached text layouts and its trim box, so its
    picture keeps its size; and if only artists marked *animated* changed
    (Matplotlib does not mark the figure stale for them), the picture of
    everything else is restored from the last full draw and those artists
    are drawn on top of it: Matplotlib's blitting.

    Parameters
    ----------
    dpi : int, optional
        CSS pixels per figure inch, the size the picture is shown at.

    Examples
    --------
    >>> fig = CellFigure(figsize=(2, 1))
    >>> line, = fig.add_subplot().plot([0, 1], [0, 1], animated=True)
    >>> redrawer = FigureRedrawer()
    >>> first = redrawer.png(fig, kept=False)
    >>> line.set_ydata([1, 0])  # only an animated artist moves: a blit
    >>> second = redrawer.png(fig, kept=False)
    >>> first != second and pixel_size(first) == pixel_size(second)
    True
    """

    def __init__(self, dpi=100):
        self._dpi = dpi * PIXEL_DENSITY
        self._figure = None

    def png(self, fig, *, kept):
        """The PNG of ``fig`` now; ``kept`` as for :func:`encode_png`.

        The figure gets an Agg canvas and the pixel density of the picture
        (its size in inches, and so the picture's shown size, is unchanged).
        """
        new = fig is not self._figure
        if new:
            fig.set_dpi(self._dpi)
            FigureCanvasAgg(fig)  # becomes fig.canvas
        canvas = fig.canvas
        if new or fig.stale:
            canvas.draw()  # everything but the animated artists
            self._background = canvas.copy_from_bbox(fig.bbox)
        else:
            canvas.restore_region(self._background)
        if new:  # the box is kept while the figure is: its picture keeps its size
            self._figure, self._box = fig, self._trim_box(fig)
        for artist in fig.findobj(lambda artist: artist.get_animated()):
            fig.draw_artist(artist)
        # Measuring the box and drawing the parts of an animated legend or axis mark the
        # figure stale, though nothing drawn changed: without this, the next move would
        # redraw everything.
        fig.stale = False
        text_points = _smallest_text_points(fig) if kept else None
        return encode_png(Image.fromarray(self._trimmed(canvas)), kept=kept,
                          text_points=text_points)

    def _trim_box(self, fig):
        """The rectangle of pixels ``png_bytes`` keeps: what is drawn, and savefig's padding."""
        box = fig.get_tightbbox(fig.canvas.get_renderer())
        box = box.padded(matplotlib.rcParams["savefig.pad_inches"])
        width, height = int(box.width * self._dpi), int(box.height * self._dpi)
        left = round(box.x0 * self._dpi)  # savefig puts the box's lower left corner at (0, 0)
        top = round(fig.bbox.height - box.y0 * self._dpi - height)  # rows count from the top
        return left, top, width, height

    def _trimmed(self, canvas):
        """The canvas's pixels in the trim box; what lies outside the figure is its colour."""
        pixels = np.asarray(canvas.buffer_rgba())
        left, top, width, height = self._box
        face = np.round(np.multiply(to_rgba(canvas.figure.get_facecolor()), 255))
        out = np.empty((height, width, 4), np.uint8)
        out[...] = face
        rows = slice(max(top, 0), min(top + height, pixels.shape[0]))
        cols = slice(max(left, 0), min(left + width, pixels.shape[1]))
        out[rows.start - top:rows.stop - top, cols.start - left:cols.stop - left] = pixels[rows, cols]
        return out


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
