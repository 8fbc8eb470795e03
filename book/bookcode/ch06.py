"""The book's code for chapter 6: the weight gradient as a sum of outer products.

The shapes of a product are drawn by :func:`bookcode.figures.plot_matmul_shapes`.
"""

import ipywidgets as widgets
import numpy as np

from bookcode.figures import MatrixPicture
from mathnotes._validate import finite_array, integer
from mathnotes.interactive import interactive_figure


class OuterProductSumPicture:
    """The sample-first weight gradient ``X.T @ dY`` as a sum over the batch, built once.

    ``X.T @ dY`` equals the sum over examples ``n`` of the outer products
    ``outer(X[n], dY[n])``. Three heat maps
    (:class:`bookcode.figures.MatrixPicture`) share one colour scale, fixed
    to fit every count of examples: the outer product of the last example
    added, the running sum, and the full product. Each cell is annotated
    with its value. Rows, columns and examples are numbered from 1, as in
    the text. :meth:`update` shows another count of examples.

    Parameters
    ----------
    X : array_like
        Shape (N, n_in).
        The layer's input batch.
    dY : array_like
        Shape (N, n_out).
        The upstream gradient, one row per example.
    """

    def __init__(self, X, dY):
        X = finite_array(X, "X", ndim=2)
        dY = finite_array(dY, "dY", ndim=2)
        if X.shape[0] != dY.shape[0]:
            raise ValueError(
                f"X has {X.shape[0]} rows and dY has {dY.shape[0]}: both need one row per example"
            )
        self._outers = [np.outer(x, dy) for x, dy in zip(X, dY)]
        # the running sums, as the text computes them; the last is X.T @ dY
        self._sums = [X[:n].T @ dY[:n] for n in range(1, len(X) + 1)]
        vmax = max(np.max(np.abs(self._outers)), np.max(np.abs(self._sums))) or 1.0
        self._picture = MatrixPicture([self._sums[0].shape] * 3, float(vmax), fmt="{:.2f}",
                                      show_shape=False, xlabel="output unit j",
                                      ylabel="input feature i")
        self.figure = self._picture.figure

    def update(self, upto):
        """Show the sum of the first ``upto`` examples, from 1 to ``N``; returns the figure."""
        n_rows = len(self._outers)
        upto = integer(upto, "upto")
        if upto > n_rows:
            raise ValueError(f"upto must be an integer from 1 to {n_rows}, got {upto!r}")
        matrices = [self._outers[upto - 1], self._sums[upto - 1], self._sums[-1]]
        titles = [f"example {upto}:\nouter(x, dy)", f"sum of examples\n1..{upto}",
                  f"Xᵀ dY\n(all {n_rows})"]
        return self._picture.update(matrices, titles)


def plot_outer_product_sum(X, dY, upto):
    """Draw the sample-first weight gradient ``X.T @ dY`` as a sum over the batch.

    The picture of :class:`OuterProductSumPicture` for the first ``upto``
    examples, from 1 to ``N``; the arguments are as there.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with three axes, each holding one image.
    """
    return OuterProductSumPicture(X, dY).update(upto)


def batch_sum_explorer(draw, n_examples):
    """The slider of chapter 6's sum over the batch, around ``draw(examples)``.

    ``draw`` returns the figure for the first ``examples`` examples (an
    :class:`OuterProductSumPicture` updated in place). The slider runs from 1
    to ``n_examples`` and starts at the whole batch, the state the static
    picture shows and its alt text describes.

    Returns
    -------
    mathnotes.interactive.LiveFigure
        Display it as a cell's last expression.
    """
    n_examples = integer(n_examples, "n_examples")
    return interactive_figure(
        draw,
        alt=("Three heat maps with one row per input feature and one column per output "
             "unit, numbered from 1, each cell showing its value. Left, the outer product of "
             f"the input row and the upstream-gradient row of example {n_examples}; middle, "
             f"the running sum over examples 1 to {n_examples}; right, the full product "
             "X transpose dY. The middle and right maps are the same."),
        examples=widgets.IntSlider(value=n_examples, min=1, max=n_examples, step=1,
                                   description="examples"),
    )
