"""The book's code for chapter 3: the four shape cases of a Jacobian, a deforming grid.

Matrices are drawn as annotated heat maps by :func:`bookcode.figures.plot_matrices`.
Every function returns a :class:`~mathnotes._figures.CellFigure`: it is shown
(as a PNG) when it is the value of a notebook cell, and nothing is shown if
it is only assigned.
"""

import numpy as np

from bookcode.figures import as_matrix, plot_matrices
from mathnotes._figures import CellFigure
from mathnotes._validate import finite_array, function, integer, real


def plot_shape_cases(jacobians, *, fmt="{:.2g}"):
    """The four shape cases of a Jacobian, drawn side by side.

    Parameters
    ----------
    jacobians : list of array_like
        The Jacobians, in numerator layout, of a scalar function of a scalar,
        a scalar function of a vector (a 1xn row), a vector function of a
        scalar (an mx1 column) and a vector function of a vector (mxn), in
        that order.
    fmt : str, optional
        Format of the numbers in the cells.

    Returns
    -------
    matplotlib.figure.Figure
        Four panels titled by case, each with the shape of its matrix.

    Raises
    ------
    ValueError
        If there are not four matrices, or a shape does not fit its case
        (the second must have one row, the third one column, the first be 1x1).
    """
    jacobians = list(jacobians)
    if len(jacobians) != 4:
        raise ValueError(f"give four Jacobians (ss, sv, vs, vv), got {len(jacobians)}")
    mats = [as_matrix(J, f"jacobians[{k}]") for k, J in enumerate(jacobians)]
    if mats[0].shape != (1, 1):
        raise ValueError(f"a scalar by a scalar is 1x1, got {mats[0].shape}")
    if mats[1].shape[0] != 1:
        raise ValueError(f"a scalar by a vector is a 1xn row, got {mats[1].shape}")
    if mats[2].shape[1] != 1:
        raise ValueError(f"a vector by a scalar is an mx1 column, got {mats[2].shape}")
    titles = ["scalar f\nscalar x", "scalar f\nvector x", "vector f\nscalar x", "vector f\nvector x"]
    return plot_matrices(mats, titles, fmt=fmt, suptitle=r"$\partial f/\partial x$ in numerator layout")


def _grid_lines(point, radius, lines, samples):
    """Polylines of a square grid centred at ``point``: a list of (samples, 2) arrays."""
    ticks = np.linspace(-radius, radius, lines)
    run = np.linspace(-radius, radius, samples)
    result = []
    for t in ticks:
        result.append(point + np.column_stack([run, np.full(samples, t)]))  # horizontal
        result.append(point + np.column_stack([np.full(samples, t), run]))  # vertical
    return result


def draw_grid_deformation(f, jacobian, point, *, radius=0.3, lines=5, figsize=(7.2, 3.7)):
    """A small grid around a point, its image under a 2-D map, and the Jacobian's prediction.

    The left panel shows a square grid of side ``2 * radius`` around
    ``point`` with the two basis steps. The right panel shows the grid's image
    under ``f`` (solid, curved in general) and under the linearisation
    ``f(p) + J (x - p)`` (dashed, always a parallelogram grid), with the
    images of the basis steps, which are the columns of ``J`` times ``radius``.

    Parameters
    ----------
    f : callable
        ``f(v)`` maps a float64 array of shape (2,) to an array of shape (2,).
    jacobian : callable or array_like
        The 2x2 Jacobian of ``f`` at ``point`` (numerator layout), or a
        function ``jacobian(v)`` returning it.
    point : array_like
        The point ``p``, shape (2,).
    radius : float, optional
        Half the side of the grid; positive.
    lines : int, optional
        Grid lines in each direction, at least 2.
    figsize : tuple of float, optional
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: input plane and output plane. The output axes title gives
        ``det J`` and the largest distance between the true and the linear
        image of the grid.

    Raises
    ------
    TypeError
        If ``f`` is not callable.
    ValueError
        If ``point`` is not two finite numbers, ``radius`` is not positive,
        ``lines`` < 2, or ``f`` or the Jacobian have the wrong shape.
    """
    function(f, "f", takes="a 2-vector")
    p = finite_array(point, "point", shape=(2,))
    radius = real(radius, "radius", minimum=0, strict=True)
    lines = integer(lines, "lines", minimum=2)
    J = finite_array(jacobian(p.copy()) if callable(jacobian) else jacobian, "jacobian",
                     shape=(2, 2))
    fp = np.array(f(p.copy()), dtype=np.float64)
    if fp.shape != (2,):
        raise ValueError(f"f must return shape (2,), got {fp.shape}")

    grid = _grid_lines(p, radius, lines, samples=41)
    curved = [np.array([f(v.copy()) for v in line], dtype=np.float64) for line in grid]
    linear = [fp + (line - p) @ J.T for line in grid]
    gap = max(float(np.max(np.linalg.norm(c - l, axis=1))) for c, l in zip(curved, linear))

    fig = CellFigure(figsize=figsize, layout="constrained")
    ax_in, ax_out = fig.subplots(1, 2)
    for line in grid:
        ax_in.plot(line[:, 0], line[:, 1], color="tab:blue", linewidth=1)
    for line in curved:
        ax_out.plot(line[:, 0], line[:, 1], color="tab:blue", linewidth=1.2)
    for line in linear:
        ax_out.plot(line[:, 0], line[:, 1], color="tab:orange", linewidth=1.2, linestyle="--")
    colours = ("tab:red", "tab:green")
    for k in range(2):
        step = np.zeros(2)
        step[k] = radius
        image = J @ step
        ax_in.annotate("", xy=p + step, xytext=p,
                       arrowprops=dict(arrowstyle="-|>", color=colours[k], linewidth=2))
        ax_out.annotate("", xy=fp + image, xytext=fp,
                        arrowprops=dict(arrowstyle="-|>", color=colours[k], linewidth=2))
    ax_in.plot(*p, "ko", markersize=4)
    ax_out.plot(*fp, "ko", markersize=4)
    ax_out.plot([], [], color="tab:blue", label="f(grid)")
    ax_out.plot([], [], color="tab:orange", linestyle="--", label="f(p) + J (grid - p)")
    ax_out.plot([], [], color="tab:red", linewidth=2, label="J e1 (column 1)")
    ax_out.plot([], [], color="tab:green", linewidth=2, label="J e2 (column 2)")
    ax_out.legend(loc="upper left", framealpha=0.85)
    ax_in.set_title(f"input: grid around p = ({p[0]:.2f}, {p[1]:.2f})")
    ax_out.set_title(f"output: det J = {np.linalg.det(J):.3f}, largest gap = {gap:.3f}")
    for ax, label in ((ax_in, ("$x_1$", "$x_2$")), (ax_out, ("$y_1$", "$y_2$"))):
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_xlabel(label[0])
        ax.set_ylabel(label[1])
        ax.grid(alpha=0.3)
    return fig
