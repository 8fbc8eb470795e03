"""Pictures of Jacobians: annotated matrices, the four shape cases, a deforming grid.

Used by the chapter on the Jacobian. Every function returns a
``matplotlib.figure.Figure`` that pyplot does not manage: it is shown (as a
PNG) when it is the value of a notebook cell, and nothing is shown if it is
only assigned.
"""


import numpy as np
from mathnotes._validate import finite_array
from mathnotes._figures import CellFigure

_CELL_INCHES = 0.45  # side of one matrix entry in plot_matrices
_MIN_COLUMNS = 2.4  # a panel is at least this many cells wide, to leave room for its title


def _as_matrix(array, name):
    """A float64 2-D copy of ``array``; 0-d becomes 1x1; 1-d is refused."""
    matrix = finite_array(array, name)
    if matrix.ndim == 0:
        return matrix.reshape(1, 1)
    if matrix.ndim == 1:
        raise ValueError(
            f"{name} is 1-D with shape {matrix.shape}, and a 1-D array has no orientation: "
            "reshape it to (1, n) for a row or to (n, 1) for a column"
        )
    if matrix.ndim > 2:
        raise ValueError(
            f"{name} has shape {matrix.shape}; draw a 2-D slice of it, or reshape it to 2-D"
        )
    return matrix


def _shape_text(shape):
    return "\N{MULTIPLICATION SIGN}".join(str(n) for n in shape)


def plot_matrices(
    matrices,
    titles=None,
    *,
    fmt="{:.2g}",
    zero_below=1e-9,
    cmap="RdBu_r",
    suptitle=None,
    show_shape=True,
):
    """Draw matrices side by side as annotated heat maps with equal cell sizes.

    Every entry is a square of the same size in every panel, so a 1x4 row
    looks like a row and a 4x1 column like a column. All panels share one
    colour scale, symmetric about zero (red positive, blue negative).

    Parameters
    ----------
    matrices : list of array_like
        Each a 2-D array (or a 0-d number, drawn as 1x1). A 1-D array is
        refused because it has no orientation: reshape it first.
    titles : list of str, optional
        One title per matrix. Mathtext (``$...$``) is allowed.
    fmt : str, optional
        Format of the number written in each cell.
    zero_below : float, optional
        Entries with absolute value below this are written and coloured as
        0, so that the round-off of a numerical derivative does not show.
    cmap : str, optional
        A diverging Matplotlib colour map.
    suptitle : str, optional
        A title over all panels.
    show_shape : bool, optional
        Add the shape, e.g. ``(3×4)``, on a second line of each title.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per matrix.

    Raises
    ------
    ValueError
        If there is no matrix, a matrix is 1-D, more than 2-D, empty or not
        finite, the number of titles differs, or ``zero_below`` is negative.
    """
    if isinstance(matrices, np.ndarray) and matrices.ndim == 2:
        matrices = [matrices]
    matrices = list(matrices)
    if not matrices:
        raise ValueError("give at least one matrix")
    if titles is None:
        titles = [""] * len(matrices)
    titles = list(titles)
    if len(titles) != len(matrices):
        raise ValueError(f"got {len(matrices)} matrices but {len(titles)} titles")
    if not zero_below >= 0:
        raise ValueError(f"zero_below must be >= 0, got {zero_below!r}")
    mats = [_as_matrix(m, f"matrices[{k}]") for k, m in enumerate(matrices)]
    mats = [np.where(np.abs(m) < zero_below, 0.0, m) for m in mats]
    vmax = max(float(np.max(np.abs(m))) for m in mats) or 1.0

    rows = max(m.shape[0] for m in mats)
    widths = [max(m.shape[1], _MIN_COLUMNS) for m in mats]  # room for a title above a narrow column
    width = _CELL_INCHES * (sum(widths) + 0.9 * len(mats)) + 0.4
    height = _CELL_INCHES * rows + (1.6 if suptitle else 1.2)
    fig = CellFigure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, len(mats), squeeze=False, gridspec_kw={"width_ratios": widths})[0]
    for ax, matrix, title in zip(axes, mats, titles):
        ax.imshow(matrix, cmap=cmap, vmin=-vmax, vmax=vmax, aspect="equal")
        m, n = matrix.shape
        for i in range(m):
            for j in range(n):
                value = matrix[i, j]
                colour = "white" if abs(value) > 0.6 * vmax else "black"
                text = fmt.format(value + 0.0)  # + 0.0 turns -0.0 into 0.0
                ax.text(j, i, text, ha="center", va="center", color=colour, fontsize=9)
        ax.set_xticks(range(n), [str(j + 1) for j in range(n)], fontsize=8)
        ax.set_yticks(range(m), [str(i + 1) for i in range(m)], fontsize=8)
        ax.hlines(np.arange(m + 1) - 0.5, -0.5, n - 0.5, color="0.4", linewidth=0.6)
        ax.vlines(np.arange(n + 1) - 0.5, -0.5, m - 0.5, color="0.4", linewidth=0.6)
        ax.tick_params(length=0)
        ax.xaxis.tick_top()  # column numbers next to the cells, even for a short matrix
        ax.set_xlim(-0.5, max(n, _MIN_COLUMNS) - 0.5)  # narrow matrices keep the cell size
        ax.set_ylim(rows - 0.5, -0.5)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        label = f"{title}\n({_shape_text(matrix.shape)})" if show_shape else title
        ax.set_title(label.strip(), fontsize=10)
    if suptitle:
        fig.suptitle(suptitle, fontsize=11)
    return fig


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
    mats = [_as_matrix(J, f"jacobians[{k}]") for k, J in enumerate(jacobians)]
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
    if not callable(f):
        raise TypeError(f"f must be a function of a 2-vector, got {type(f).__name__}")
    p = np.array(point, dtype=np.float64)
    if p.shape != (2,) or not np.all(np.isfinite(p)):
        raise ValueError(f"point must be two finite numbers, got {point!r}")
    if not (np.isscalar(radius) and np.isfinite(radius) and radius > 0):
        raise ValueError(f"radius must be a positive number, got {radius!r}")
    if int(lines) != lines or lines < 2:
        raise ValueError(f"lines must be an integer >= 2, got {lines!r}")
    lines = int(lines)
    J = np.array(jacobian(p.copy()) if callable(jacobian) else jacobian, dtype=np.float64)
    if J.shape != (2, 2) or not np.all(np.isfinite(J)):
        raise ValueError(f"the Jacobian must be a finite 2x2 array, got shape {J.shape}")
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
    ax_out.legend(loc="upper left", fontsize=8, framealpha=0.85)
    ax_in.set_title(f"input: grid around p = ({p[0]:.2f}, {p[1]:.2f})", fontsize=9)
    ax_out.set_title(f"output: det J = {np.linalg.det(J):.3f}, largest gap = {gap:.3f}", fontsize=9)
    for ax, label in ((ax_in, ("x1", "x2")), (ax_out, ("y1", "y2"))):
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_xlabel(label[0])
        ax.set_ylabel(label[1])
        ax.grid(alpha=0.3)
    return fig
