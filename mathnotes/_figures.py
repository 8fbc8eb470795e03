"""Figures that show themselves in a notebook without pyplot, and the one PNG renderer."""

import io

from matplotlib.figure import Figure


def png_bytes(fig, dpi=100):
    """Render a Matplotlib figure to PNG bytes, trimmed to what is drawn.

    The one renderer of the package: the pictures of :class:`CellFigure`
    and of the interactive figures are made here, so they look alike.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to render; it is not closed or changed.
    dpi : int, optional
        Resolution of the picture.

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
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


class CellFigure(Figure):
    """A Matplotlib figure that shows itself as a PNG when it is a cell's value.

    It is not managed by ``pyplot``: assigning it to a name shows nothing and
    ``plt.show()`` does not show it, and no figure is left open. IPython shows
    a plain ``Figure`` as a picture only once pyplot's inline backend is
    active; this one needs no backend.
    """

    def __repr__(self):
        # the same text as pyplot's figures, so stored outputs read alike
        width, height = self.get_size_inches() * self.dpi
        return f"<Figure size {width:g}x{height:g} with {len(self.axes)} Axes>"

    def _repr_png_(self):
        return png_bytes(self)
