"""Pictures of matrix-product gradients for chapter 6: shapes and sums of outer products."""

import numbers

import numpy as np

from mathnotes.nn import _as_batch


def plot_matmul_shapes(left, right, *, names=("A", "B", "C"), title=None, ax=None):
    """Draw the product ``C = A @ B`` as rectangles sized by the array shapes.

    Each matrix is a rectangle whose height is its number of rows and whose
    width is its number of columns, labelled with its name and shape, so the
    inner dimensions that must agree sit side by side.

    Parameters
    ----------
    left : tuple
        The shape ``(m, k)`` of the left factor ``A``: its rows and columns.
    right : tuple
        The shape ``(k, n)`` of the right factor ``B``; its number of rows
        must equal the number of columns of ``A``.
    names : tuple, optional
        Three labels: for ``A``, ``B`` and the product.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made if omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the drawing (three rectangles and their labels).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    shapes = []
    for label, shape in (("left", left), ("right", right)):
        if (
            not isinstance(shape, tuple)
            or len(shape) != 2
            or not all(isinstance(s, numbers.Integral) and s >= 1 for s in shape)
        ):
            raise ValueError(f"{label} must be a shape (rows, columns) of positive ints, got {shape!r}")
        shapes.append(tuple(int(s) for s in shape))
    (m, k), (k2, n) = shapes
    if k != k2:
        raise ValueError(
            f"inner dimensions differ: {names[0]} is {m}x{k} and {names[1]} is {k2}x{n}; "
            "a product needs the columns of the left to match the rows of the right"
        )
    if len(names) != 3:
        raise ValueError(f"names must hold three labels, got {names!r}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 3))
    else:
        fig = ax.figure
    gap = 1.5
    boxes = [((m, k), names[0]), ((k, n), names[1]), ((m, n), names[2])]
    colours = ["tab:blue", "tab:orange", "tab:green"]
    x = 0.0
    top = max(m, k)
    for index, (((rows, cols), name), colour) in enumerate(zip(boxes, colours)):
        ax.add_patch(
            Rectangle((x, top - rows), cols, rows, facecolor=colour, alpha=0.35,
                      edgecolor=colour, linewidth=2)
        )
        ax.text(x + cols / 2, top - rows / 2, f"{name}\n{rows}×{cols}",
                ha="center", va="center", fontsize=11)
        x += cols
        if index < 2:
            ax.text(x + gap / 2, top - m / 2, "@" if index == 0 else "=",
                    ha="center", va="center", fontsize=16)
            x += gap
    ax.set_xlim(-0.5, x + 0.5)
    ax.set_ylim(-0.5, top + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return fig


def plot_outer_product_sum(X, dY, upto, *, figsize=(9.5, 3.2)):
    """Draw the sample-first weight gradient ``X.T @ dY`` as a sum over the batch.

    ``X.T @ dY`` equals the sum over examples ``n`` of the outer products
    ``outer(X[n], dY[n])``. Three heat maps share one colour scale: the outer
    product of example ``upto``, the running sum of the first ``upto``
    examples, and the full product. Each cell is annotated with its value.
    Rows, columns and examples are numbered from 1, as in the text.

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
    figsize : tuple, optional
        Width and height of the figure in inches.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with three axes, each holding one image.
    """
    import matplotlib.pyplot as plt

    X = _as_batch("X", X)
    dY = _as_batch("dY", dY)
    if X.shape[0] != dY.shape[0]:
        raise ValueError(
            f"X has {X.shape[0]} rows and dY has {dY.shape[0]}: both need one row per example"
        )
    n_rows = X.shape[0]
    if isinstance(upto, bool) or not isinstance(upto, numbers.Integral) or not 1 <= upto <= n_rows:
        raise ValueError(f"upto must be an integer from 1 to {n_rows}, got {upto!r}")
    upto = int(upto)
    panels = [
        (np.outer(X[upto - 1], dY[upto - 1]), f"example {upto}: outer(x, dy)"),
        (X[:upto].T @ dY[:upto], f"sum of examples 1..{upto}"),
        (X.T @ dY, f"Xᵀ dY (all {n_rows})"),
    ]
    limit = max(np.abs(values).max() for values, _ in panels) or 1.0
    fig, axes = plt.subplots(1, 3, figsize=figsize, layout="constrained")
    for ax, (values, title) in zip(axes, panels):
        image = ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for (i, j), value in np.ndenumerate(values):
            colour = "white" if abs(value) > 0.6 * limit else "black"
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=9, color=colour)
        ax.set_title(title, fontsize=10)
        # numbered from 1, like the examples in the titles and the indices in the text
        ax.set_xticks(range(values.shape[1]), [str(j + 1) for j in range(values.shape[1])])
        ax.set_yticks(range(values.shape[0]), [str(i + 1) for i in range(values.shape[0])])
        ax.set_xlabel("output unit j")
        ax.set_ylabel("input feature i")
    fig.colorbar(image, ax=axes, shrink=0.8)
    return fig
