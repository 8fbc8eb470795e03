"""The book's code for chapter 3: the four shape cases of a Jacobian, a deforming grid.

Matrices are drawn as annotated heat maps by :func:`bookcode.figures.plot_matrices`.
Every function returns a :class:`~mathnotes._figures.CellFigure`: it is shown
(as a PNG) when it is the value of a notebook cell, and nothing is shown if
it is only assigned.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import MaxNLocator

from bookcode.figures import as_matrix, plot_matrices
from mathnotes._figures import CellFigure
from mathnotes._validate import finite_array, function, integer, real
from mathnotes.interactive import interactive_figure


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


# The layout is made once, for the labels of the first picture; this room (inches at the right
# edge, a fraction of the width between the panels) takes the widest labels and titles of the
# other pictures, measured over the slider ranges of chapter 3's widget.
_RIGHT_ROOM, _PANEL_SPACE = 0.12, 0.045


class GridDeformationPicture:
    """The figure of :func:`draw_grid_deformation`, built once; :meth:`update` moves it.

    Each panel is a zoom on its grid (its limits follow the grid), so a move
    changes every axis and the figure is drawn whole; fixed limits that fit
    every grid would shrink a small grid to a few pixels. What a move saves
    is a new figure, the renderer's caches and the layout: the figure is
    laid out once, at the first :meth:`update`, with room for wider labels
    (a layout engine would take half the time of every draw). Ticks are
    multiples of 1, 2 or 5 times a power of ten, not 2.5, which keeps their
    labels short enough to fit that room and not to run into each other.

    Parameters
    ----------
    f : callable
        ``f(v)`` maps a float64 array of shape (2,) to an array of shape (2,).
    jacobian : callable or array_like
        The 2x2 Jacobian of ``f`` (numerator layout), or a function
        ``jacobian(v)`` returning it at ``v``.
    lines : int, optional
        Grid lines in each direction, at least 2.
    figsize : tuple of float, optional
        Figure size in inches.

    Raises
    ------
    TypeError
        If ``f`` is not callable.
    ValueError
        If ``lines`` < 2.
    """

    def __init__(self, f, jacobian, *, lines=5, figsize=(7.2, 3.7)):
        function(f, "f", takes="a 2-vector")
        self._f, self._jacobian = f, jacobian
        self._lines = integer(lines, "lines", minimum=2)
        layout = ConstrainedLayoutEngine(rect=(0, 0, 1 - _RIGHT_ROOM / figsize[0], 1),
                                         wspace=_PANEL_SPACE)
        self.figure = fig = CellFigure(figsize=figsize, layout=layout)
        self._placed = False
        self._axes = ax_in, ax_out = fig.subplots(1, 2)

        def polylines(ax, count, **style):
            return [ax.plot([], [], **style)[0] for _ in range(count)]

        self._grid = polylines(ax_in, 2 * lines, color="tab:blue", linewidth=1)
        self._curved = polylines(ax_out, 2 * lines, color="tab:blue", linewidth=1.2)
        self._linear = polylines(ax_out, 2 * lines, color="tab:orange", linewidth=1.2,
                                 linestyle="--")
        self._arrows = [
            [ax.annotate("", xy=(0, 0), xytext=(0, 0),
                         arrowprops=dict(arrowstyle="-|>", color=colour, linewidth=2))
             for ax in (ax_in, ax_out)]
            for colour in ("tab:red", "tab:green")  # the two unit steps and their images
        ]
        self._points = [ax.plot([], [], "ko", markersize=4)[0] for ax in (ax_in, ax_out)]
        ax_out.plot([], [], color="tab:blue", label="f(grid)")
        ax_out.plot([], [], color="tab:orange", linestyle="--", label="f(p) + J (grid - p)")
        ax_out.plot([], [], color="tab:red", linewidth=2, label="J e1 (column 1)")
        ax_out.plot([], [], color="tab:green", linewidth=2, label="J e2 (column 2)")
        ax_out.legend(loc="upper left", framealpha=0.85)
        for ax, label in ((ax_in, ("$x_1$", "$x_2$")), (ax_out, ("$y_1$", "$y_2$"))):
            ax.set_aspect("equal", adjustable="datalim")
            ax.set_xlabel(label[0])
            ax.set_ylabel(label[1])
            ax.grid(alpha=0.3)
            for axis in (ax.xaxis, ax.yaxis):
                axis.set_major_locator(MaxNLocator("auto", steps=[1, 2, 5, 10]))

    def update(self, point, radius=0.3):
        """Show the grid of half side ``radius`` around ``point`` and its images; return the figure.

        Raises
        ------
        ValueError
            If ``point`` is not two finite numbers, ``radius`` is not
            positive, or ``f`` or the Jacobian have the wrong shape.
        """
        f, jacobian = self._f, self._jacobian
        p = finite_array(point, "point", shape=(2,))
        radius = real(radius, "radius", minimum=0, strict=True)
        J = finite_array(jacobian(p.copy()) if callable(jacobian) else jacobian, "jacobian",
                         shape=(2, 2))
        fp = np.array(f(p.copy()), dtype=np.float64)
        if fp.shape != (2,):
            raise ValueError(f"f must return shape (2,), got {fp.shape}")

        grid = _grid_lines(p, radius, self._lines, samples=41)
        curved = [np.array([f(v.copy()) for v in line], dtype=np.float64) for line in grid]
        linear = [fp + (line - p) @ J.T for line in grid]
        gap = max(float(np.max(np.linalg.norm(c - l, axis=1))) for c, l in zip(curved, linear))
        for artists, shapes in ((self._grid, grid), (self._curved, curved),
                                (self._linear, linear)):
            for artist, line in zip(artists, shapes):
                artist.set_data(line[:, 0], line[:, 1])
        for k, (arrow_in, arrow_out) in enumerate(self._arrows):
            step = np.zeros(2)
            step[k] = radius
            arrow_in.xy, arrow_out.xy = p + step, fp + J @ step
            arrow_in.set_position(tuple(p))
            arrow_out.set_position(tuple(fp))
        for marker, centre in zip(self._points, (p, fp)):
            marker.set_data([centre[0]], [centre[1]])

        ax_in, ax_out = self._axes
        # y=1, where a title goes when no ticks are on top: spares searching for a place each draw
        ax_in.set_title(f"input: grid around p = ({p[0]:.2f}, {p[1]:.2f})", y=1)
        ax_out.set_title(f"output: det J = {np.linalg.det(J):.3f}, largest gap = {gap:.3f}", y=1)
        for ax in self._axes:  # zoom on the grid; a draw then makes the scales equal
            ax.relim()
            ax.autoscale_view()
        if not self._placed:  # laid out once, for the labels of the first state
            self.figure.draw_without_rendering()
            self.figure.set_layout_engine("none")
            for ax in self._axes:  # undo the scales fitted to the draft boxes of the layout
                ax.autoscale_view()
            self._placed = True
        return self.figure


def draw_grid_deformation(f, jacobian, point, *, radius=0.3, lines=5, figsize=(7.2, 3.7)):
    """A small grid around a point, its image under a 2-D map, and the Jacobian's prediction.

    The left panel shows a square grid of side ``2 * radius`` around
    ``point`` with the two basis steps. The right panel shows the grid's image
    under ``f`` (solid, curved in general) and under the linearisation
    ``f(p) + J (x - p)`` (dashed, always a parallelogram grid), with the
    images of the basis steps, which are the columns of ``J`` times ``radius``.
    A live figure uses :class:`GridDeformationPicture` and moves it.

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
    return GridDeformationPicture(f, jacobian, lines=lines, figsize=figsize).update(point, radius)


def grid_explorer(draw, start, *, radius=0.15):
    """The sliders of chapter 3's deforming grid, around ``draw(x1, x2, radius)``.

    ``draw`` returns the figure for a point and a grid radius (a
    :class:`GridDeformationPicture` updated in place). The sliders start at
    ``start`` and ``radius``; the alt text of the static picture describes
    the start the chapter chose, near the line where ``det J = 0``.

    Returns
    -------
    mathnotes.interactive.LiveFigure
        Display it as a cell's last expression.
    """
    x1, x2 = finite_array(start, "start", shape=(2,))

    def slider(name, value, low, high):
        return widgets.FloatSlider(value=value, min=low, max=high, step=0.05, description=name)

    return interactive_figure(
        draw,
        alt=(f"A square grid around the point ({x1:g}, {x2:g}) and its image "
             "under the map: a thin sliver in which both arrows, the "
             "columns of J, point up and to the right at nearly the "
             "same angle, and the dashed linear mesh follows the "
             "curved one closely."),
        x1=slider("x1", x1, -1.5, 1.5),
        x2=slider("x2", x2, -1.5, 1.5),
        radius=slider("radius", real(radius, "radius"), 0.05, 0.8),
    )
