"""The book's code for chapter 6: the weight gradient as a sum of outer products.

The shapes of a product are drawn by :func:`bookcode.figures.plot_matmul_shapes`.
"""

import numpy as np

from bookcode.figures import plot_matrices
from mathnotes._validate import finite_array, integer


def plot_outer_product_sum(X, dY, upto):
    """Draw the sample-first weight gradient ``X.T @ dY`` as a sum over the batch.

    ``X.T @ dY`` equals the sum over examples ``n`` of the outer products
    ``outer(X[n], dY[n])``. Three heat maps (:func:`bookcode.figures.plot_matrices`)
    share one colour scale: the outer product of example ``upto``, the
    running sum of the first ``upto`` examples, and the full product. Each
    cell is annotated with its value. Rows, columns and examples are
    numbered from 1, as in the text.

    Parameters
    ----------
    X : array_like
        Shape (N, n_in).
        The layer's input batch.
    dY : array_like
        Shape (N, n_out).
        The upstream gradient, one row per example.
    upto : int
        How many examples to add up, from 1 to ``N``.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with three axes, each holding one image.
    """
    X = finite_array(X, "X", ndim=2)
    dY = finite_array(dY, "dY", ndim=2)
    if X.shape[0] != dY.shape[0]:
        raise ValueError(
            f"X has {X.shape[0]} rows and dY has {dY.shape[0]}: both need one row per example"
        )
    n_rows = X.shape[0]
    upto = integer(upto, "upto")
    if upto > n_rows:
        raise ValueError(f"upto must be an integer from 1 to {n_rows}, got {upto!r}")
    panels = [
        (np.outer(X[upto - 1], dY[upto - 1]), f"example {upto}:\nouter(x, dy)"),
        (X[:upto].T @ dY[:upto], f"sum of examples\n1..{upto}"),
        (X.T @ dY, f"Xᵀ dY\n(all {n_rows})"),

    ]
    matrices, titles = zip(*panels)
    return plot_matrices(matrices, titles, fmt="{:.2f}", show_shape=False,
                         xlabel="output unit j", ylabel="input feature i")
