"""Figures that show themselves in a notebook without pyplot."""

import io

from matplotlib.figure import Figure


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
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        return buffer.getvalue()
