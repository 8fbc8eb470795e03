"""The book's code for chapter 2: gradient fields, step-size errors and linearisation.

Each function returns a :class:`~mathnotes._figures.CellFigure` (one that
shows itself as the value of a notebook cell, without pyplot);
:func:`plot_gradient_field` draws into ``ax`` when given. The
functions of two variables take a point as one array ``p`` of shape ``(2,)``,
the convention used by the gradient checks (``f(p)`` is a number,
``grad(p)`` an array of shape ``(2,)``).

To draw contour lines quickly, ``f`` is first called once on the whole grid,
an array of shape ``(2, n, n)`` (a function written as ``x, y = p`` followed
by NumPy arithmetic handles that). If that call fails, returns another shape
or disagrees with single-point calls at a few grid points, ``f`` is called
point by point instead.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.lines import Line2D

from mathnotes._figures import CellFigure
from mathnotes._validate import finite_array, function, integer, interval, real
from mathnotes.interactive import interactive_figure


def _map_arguments(f, grad, xlim, ylim, levels, resolution):
    """Check the arguments every contour map takes; return ``xlim, ylim, levels, resolution``."""
    function(f, "f", takes="a point p of shape (2,)")
    function(grad, "grad", takes="a point p of shape (2,)")
    return (interval(xlim, "xlim"), interval(ylim, "ylim"),
            integer(levels, "levels", minimum=2), integer(resolution, "resolution", minimum=10))


def _scalar(f, p):
    value = np.asarray(f(p), dtype=np.float64)
    if value.size != 1:
        raise ValueError(f"f must return a single number, got an array of shape {value.shape}")
    return float(value.reshape(()))


def _vector(grad, p):
    g = np.asarray(grad(p), dtype=np.float64)
    if g.shape != (2,):
        raise ValueError(f"grad must return an array of shape (2,), got shape {g.shape}")
    return g


def _grid_values(f, xlim, ylim, resolution):
    """``f`` on a grid: one call on the stacked grid if ``f`` broadcasts, else point by point."""
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    X, Y = np.meshgrid(xs, ys)
    try:
        with np.errstate(all="ignore"):
            Z = np.asarray(f(np.stack([X, Y])), dtype=np.float64)
    except Exception:  # f does not broadcast over a grid: evaluate point by point below
        Z = None
    if Z is not None and Z.shape == X.shape:
        # spot-check the broadcast call against single-point calls at a few grid points
        picks = [(0, 0), (resolution // 2, resolution // 3), (resolution - 1, resolution - 1)]
        if all(np.isclose(Z[i], _scalar(f, np.array([X[i], Y[i]])), rtol=1e-12, atol=0, equal_nan=True)
               for i in picks):
            return X, Y, Z
    Z = np.empty_like(X)
    for index in np.ndindex(X.shape):
        Z[index] = _scalar(f, np.array([X[index], Y[index]]))
    return X, Y, Z


def arrow_points(xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), arrows=9):
    """The points on which :func:`plot_gradient_field` centres its arrows.

    They are the midpoints of the cells of an ``arrows`` x ``arrows`` grid over
    the rectangle, row by row from the bottom: an array of shape ``(arrows**2, 2)``.

    Raises
    ------
    TypeError
        If ``arrows`` is not an integer.
    ValueError
        For a bad rectangle or fewer than two arrows per side.
    """
    xlim, ylim = interval(xlim, "xlim"), interval(ylim, "ylim")
    arrows = integer(arrows, "arrows", minimum=2)
    xs = xlim[0] + (np.arange(arrows) + 0.5) * (xlim[1] - xlim[0]) / arrows
    ys = ylim[0] + (np.arange(arrows) + 0.5) * (ylim[1] - ylim[0]) / arrows
    X, Y = np.meshgrid(xs, ys)
    return np.column_stack([X.ravel(), Y.ravel()])


def plot_gradient_field(
    f,
    grad,
    *,
    xlim=(-2.0, 2.0),
    ylim=(-2.0, 2.0),
    arrows=9,
    levels=14,
    resolution=121,
    title=None,
    ax=None,
    figsize=(5.6, 5.2),
):
    """Contour lines of ``f`` with its gradient drawn as arrows on a grid.

    Each arrow is the gradient at its midpoint, one of :func:`arrow_points`.
    The axes have equal scales, so an arrow meets a contour line at a right
    angle exactly when the gradient is perpendicular to that level set. All
    arrows share one scale factor (the longest fits one grid cell), so their
    lengths compare the gradient's size across the picture.

    Parameters
    ----------
    f : callable
        ``f(p)`` for a point ``p`` of shape ``(2,)``; returns a number.
    grad : callable
        ``grad(p)`` returns the gradient of ``f`` at ``p``, shape ``(2,)``.
    xlim, ylim : tuple of float, optional
        The plotted rectangle.
    arrows : int, optional
        Arrows per side of the grid (at least 2).
    levels : int, optional
        Number of contour levels (at least 2).
    resolution : int, optional
        Grid points per side for the contour lines (at least 10).
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made if omitted.
    figsize : tuple of float, optional
        Figure size in inches, for a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of the axes, which hold the contour set and one quiver.

    Raises
    ------
    TypeError
        If ``f`` or ``grad`` is not callable.
    ValueError
        For a bad rectangle or grid size, or if ``f``/``grad`` return the
        wrong shape or a non-finite value.
    """
    xlim, ylim, levels, resolution = _map_arguments(f, grad, xlim, ylim, levels, resolution)
    arrows = integer(arrows, "arrows", minimum=2)

    X, Y, Z = _grid_values(f, xlim, ylim, resolution)
    if not np.all(np.isfinite(Z)):
        raise ValueError("f returned a non-finite value inside the plotted rectangle")

    # arrows sit in the middle of the cells of an arrows x arrows grid
    centres = arrow_points(xlim, ylim, arrows)
    AX, AY = (centres[:, k].reshape(arrows, arrows) for k in (0, 1))
    U = np.empty_like(AX)
    V = np.empty_like(AX)
    for index in np.ndindex(AX.shape):
        U[index], V[index] = _vector(grad, np.array([AX[index], AY[index]]))
    if not (np.all(np.isfinite(U)) and np.all(np.isfinite(V))):
        raise ValueError("grad returned a non-finite value inside the plotted rectangle")
    longest = float(np.max(np.hypot(U, V)))
    cell = 0.9 * min(xlim[1] - xlim[0], ylim[1] - ylim[0]) / arrows
    scale = longest / cell if longest > 0 else 1.0

    if ax is None:
        ax = CellFigure(figsize=figsize).add_subplot()
    contours = ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=1.0)
    ax.clabel(contours, fmt="%.3g")
    # centred on its grid point, an arrow (at most 0.9 cell long) stays inside the picture
    ax.quiver(AX, AY, U, V, angles="xy", scale_units="xy", scale=scale, pivot="middle",
              color="crimson", width=0.005)
    ax.set_aspect("equal")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    if title:
        ax.set_title(title)
    return ax.figure


def plot_step_size_errors(steps, panels, *, slopes=None, roundoff=None, figsize=(8.0, 3.6)):
    """Log-log plots of finite-difference errors against the step size.

    Parameters
    ----------
    steps : array_like
        Positive step sizes ``h``, one-dimensional.
    panels : dict
        Panel title -> dict of curve label -> absolute errors, one per step
        (same length as ``steps``, non-negative). One axes per panel, side by
        side, sharing the y-axis. Exact zeros are left out (a logarithmic axis
        cannot show them).
    slopes : dict, optional
        Curve label -> slope ``p``. In every panel holding that curve, a
        dashed guide ``C h**p`` is drawn over the steps at and above the
        curve's smallest error, a factor 4 above the curve so both stay
        visible.
    roundoff : dict, optional
        Panel title -> unit round-off ``eps``: a dotted line ``eps / h``, the
        size of the rounding error of a difference quotient.
    figsize : tuple of float, optional
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per panel, each with a line per curve, guide and round-off line.

    Raises
    ------
    ValueError
        If the steps are not positive and finite, a curve has the wrong
        length or negative entries, or ``slopes``/``roundoff`` name a curve or
        panel that does not exist.
    """
    h = finite_array(steps, "steps", ndim=1)
    if h.size < 2 or np.any(h <= 0):
        raise ValueError(f"steps must hold at least two positive step sizes, got {h}")
    if not isinstance(panels, dict) or not panels:
        raise ValueError("panels must be a non-empty dict: panel title -> {curve label: errors}")
    checked = {}
    for title, curves in panels.items():
        if not isinstance(curves, dict) or not curves:
            raise ValueError(f"panels[{title!r}] must be a non-empty dict: curve label -> errors")
        checked[title] = {}
        for label, values in curves.items():
            e = np.asarray(values, dtype=np.float64)
            if e.shape != h.shape:
                raise ValueError(
                    f"errors of {label!r} in panel {title!r} have shape {e.shape}; "
                    f"give one error per step, shape {h.shape}"
                )
            if np.any(np.isnan(e)) or np.any(e < 0):
                raise ValueError(f"errors of {label!r} in panel {title!r} must be non-negative numbers")
            checked[title][label] = np.where(e > 0, e, np.nan)
    slopes = {} if slopes is None else dict(slopes)
    roundoff = {} if roundoff is None else dict(roundoff)
    labels = {label for curves in checked.values() for label in curves}
    for label in slopes:
        if label not in labels:
            raise ValueError(f"slopes names {label!r}, which is not a curve in any panel")
    for title in roundoff:
        if title not in checked:
            raise ValueError(f"roundoff names {title!r}, which is not a panel")

    fig = CellFigure(figsize=figsize)
    axes = fig.subplots(1, len(checked), sharey=True, squeeze=False)
    markers = "osD^v<>"
    every = np.concatenate([e[np.isfinite(e)] for curves in checked.values() for e in curves.values()])
    for ax, (title, curves) in zip(axes[0], checked.items()):
        for i, (label, e) in enumerate(curves.items()):
            (line,) = ax.loglog(h, e, marker=markers[i % len(markers)], markersize=3.5, linewidth=1.3,
                                label=label)
            if label in slopes and np.any(np.isfinite(e)):
                best = int(np.nanargmin(e))
                side = h >= h[best]
                anchor_index = int(np.argmax(np.where(side, h, -np.inf)))
                anchor = e[anchor_index]
                if np.isfinite(anchor):
                    p = float(slopes[label])
                    guide = 4 * anchor * (h[side] / h[anchor_index]) ** p
                    ax.loglog(h[side], guide, linestyle="--", linewidth=1.2, color=line.get_color(),
                              alpha=0.8, label=f"slope {p:g}")
        if title in roundoff:
            eps = float(roundoff[title])
            ax.loglog(h, eps / h, linestyle=":", color="0.3", linewidth=1.2, label=r"$\varepsilon / h$")
        ax.set_title(title)
        ax.set_xlabel("step size $h$")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="lower left")
    if every.size:
        axes[0, 0].set_ylim(every.min() / 5, every.max() * 20)
    axes[0, 0].set_ylabel("absolute error of the derivative")
    fig.tight_layout()
    return fig


class LinearisationPicture:
    """The figure of :func:`plot_linearisation`, built once; :meth:`update` moves it.

    The contour map is drawn once. A move redraws what it changes on top of
    it: on the map, the segment, the point, the two arrows (above the legend)
    and the title, all animated artists; and the whole slice panel, whose
    value axis follows its curves (fixed limits that fit every point and
    direction would squeeze most slices into a strip of the panel). In a
    live figure that panel is an animated axes (see
    :class:`mathnotes._figures.FigureRedrawer`), which Matplotlib leaves out
    of a saved file: a picture to save or to show as a cell's value is built
    with ``live=False``.

    Parameters
    ----------
    f, grad : callable
        The function and its gradient, as for :func:`plot_linearisation`.
    reach : float, optional
        Largest step ``t`` shown (positive).
    xlim, ylim : tuple of float, optional
        The rectangle of the contour map.
    levels : int, optional
        Number of contour levels.
    resolution : int, optional
        Grid points per side for the contour lines.
    figsize : tuple of float, optional
        Figure size in inches.
    live : bool, optional
        True for a figure that :func:`mathnotes.interactive_figure` redraws.
    name : str, optional
        The function's name in the legends (``"q"`` gives ``q(p + t u)``).

    Raises
    ------
    TypeError
        If ``f`` or ``grad`` is not callable, or ``name`` is not a string.
    ValueError
        For a non-positive reach, a bad rectangle or an empty name.
    """

    def __init__(self, f, grad, *, reach=1.0, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), levels=14,
                 resolution=101, figsize=(8.0, 3.6), live=True, name="f"):
        xlim, ylim, levels, resolution = _map_arguments(f, grad, xlim, ylim, levels, resolution)
        if not isinstance(name, str):
            raise TypeError(f"name must be a string such as 'f', got {type(name).__name__}")
        if not name.strip():
            raise ValueError("name must be a non-empty string such as 'f'")
        self._f, self._grad = f, grad
        self._reach = real(reach, "reach", minimum=0, strict=True)
        self._t = np.linspace(-self._reach, self._reach, 101)
        self._size = 0.22 * min(xlim[1] - xlim[0], ylim[1] - ylim[0])  # length of the arrows
        X, Y, Z = _grid_values(f, xlim, ylim, resolution)

        self.figure = fig = CellFigure(figsize=figsize)
        ax_map, ax_cut = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.15]})
        ax_map.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.9)
        # what moves on the map: animated, created in drawing order, above the legend
        moving = {"animated": True, "zorder": 6}
        (self._segment,) = ax_map.plot([], [], color="0.35", linewidth=2.5, alpha=0.5, **moving)
        (self._point,) = ax_map.plot([], [], "ko", markersize=5, **moving)
        self._arrows = [
            ax_map.annotate("", xy=(0, 0), xytext=(0, 0), **moving,
                            arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 2})
            for color in ("crimson", "tab:blue")  # the gradient's direction, then u
        ]
        ax_map.set_title(" ")  # the book's title style; update sets the text
        ax_map.title.set_animated(True)
        ax_map.legend(handles=[
            Line2D([], [], color="0.35", linewidth=2.5, alpha=0.5, label=r"$p + t\,u$"),
            Line2D([], [], color="crimson", linewidth=2, label=rf"direction of $\nabla {name}(p)$"),
            Line2D([], [], color="tab:blue", linewidth=2, label="$u$"),
        ], loc="upper left")
        ax_map.set_aspect("equal")
        ax_map.set_xlim(*xlim)
        ax_map.set_ylim(*ylim)
        ax_map.set_xlabel("$x$")
        ax_map.set_ylabel("$y$")

        ax_cut.set_animated(live)
        (self._along,) = ax_cut.plot(self._t, self._t, color="black", linewidth=1.8,
                                     label=rf"${name}(p + t\,u)$")
        (self._linear,) = ax_cut.plot(
            self._t, self._t, color="tab:blue", linestyle="--", linewidth=1.5,
            label=rf"${name}(p) + t\,\nabla {name}(p)^{{\mathsf{{T}}}} u$")
        self._gap = ax_cut.fill_between(self._t, self._t, self._t, color="orange", alpha=0.3,
                                        label="linearisation error")
        ax_cut.axvline(0, color="0.6", linewidth=0.8)
        ax_cut.set_title(" ", y=1)  # its place when no ticks are on top: not searched each draw
        ax_cut.set_xlabel("step $t$ along $u$")
        ax_cut.set_ylabel("value")
        ax_cut.legend(loc="best")
        self._ax_map, self._ax_cut = ax_map, ax_cut
        self._placed = False

    def update(self, point, angle):
        """Show the point ``p`` and the direction ``u`` at ``angle`` degrees; return the figure.

        Raises
        ------
        ValueError
            For a point of the wrong shape or a non-finite angle.
        """
        p = finite_array(point, "point", shape=(2,))
        angle = real(angle, "angle")
        u = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
        f0 = _scalar(self._f, p)
        g = _vector(self._grad, p)
        slope = float(g @ u)
        t, reach = self._t, self._reach
        along = np.array([_scalar(self._f, p + ti * u) for ti in t])
        linear = f0 + slope * t

        ends = p + np.outer([-reach, reach], u)
        self._segment.set_data(ends[:, 0], ends[:, 1])
        self._point.set_data([p[0]], [p[1]])
        norm = float(np.hypot(*g))
        gradient, direction = self._arrows
        gradient.set_visible(norm > 0)  # a zero gradient has no direction
        if norm > 0:
            gradient.xy = p + self._size * g / norm
        direction.xy = p + self._size * u
        for arrow in self._arrows:
            arrow.set_position(tuple(p))
        self._ax_map.title.set_text(f"p = ({p[0]:.2f}, {p[1]:.2f}), angle {angle:.0f} deg")

        self._along.set_ydata(along)
        self._linear.set_ydata(linear)
        self._gap.set_data(t, along, linear)
        self._ax_cut.relim()
        self._ax_cut.autoscale_view()
        error_at_reach = abs(along[-1] - linear[-1])
        self._ax_cut.title.set_text(
            f"slope along u = {slope:.3g};  error at t = {reach:g}: {error_at_reach:.3g}"
        )
        if not self._placed:  # laid out once, for the labels of the first state
            self.figure.tight_layout()
            self._placed = True
        return self.figure


def plot_linearisation(f, grad, point, angle, *, reach=1.0, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0),
                       levels=14, resolution=101, figsize=(8.0, 3.6), name="f"):
    """A point, a direction and the tangent-plane prediction along it.

    Left: contour lines of ``f``, the point ``p``, the direction of the
    gradient there (drawn with a fixed length), the unit direction ``u`` at
    ``angle`` degrees and the segment ``p + t u`` for ``|t| <= reach``.
    Right: ``f(p + t u)`` against its linearisation
    ``f(p) + t grad(p) . u``, with the gap between them shaded; the title
    gives the directional derivative and the error at ``t = reach``. A live
    figure uses :class:`LinearisationPicture` and moves it.

    Parameters
    ----------
    f : callable
        ``f(p)`` for a point of shape ``(2,)``; returns a number.
    grad : callable
        ``grad(p)`` returns the gradient of ``f`` at ``p``, shape ``(2,)``.
    point : array_like
        The point ``p``, shape ``(2,)``.
    angle : float
        Direction of ``u`` in degrees, counter-clockwise from the x-axis.
    reach : float, optional
        Largest step ``t`` shown (positive).
    xlim, ylim : tuple of float, optional
        The rectangle of the contour map.
    levels : int, optional
        Number of contour levels.
    resolution : int, optional
        Grid points per side for the contour lines.
    figsize : tuple of float, optional
        Figure size in inches.
    name : str, optional
        The function's name in the legends.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: the map and the slice along ``u``.

    Raises
    ------
    TypeError
        If ``f`` or ``grad`` is not callable.
    ValueError
        For a point of the wrong shape, a non-finite angle, a non-positive
        reach or a bad rectangle.
    """
    picture = LinearisationPicture(f, grad, reach=reach, xlim=xlim, ylim=ylim, levels=levels,
                                   resolution=resolution, figsize=figsize, live=False, name=name)
    return picture.update(point, angle)


def linearisation_explorer(draw, f, grad, *, point=(1.0, 0.5), angle=30, reach=1.0):
    """The sliders of chapter 2's linearisation figure, around ``draw(x0, y0, angle)``.

    ``draw`` returns the figure for a point and a direction (a
    :class:`LinearisationPicture` of ``f`` and ``grad`` updated in place).
    The sliders start at ``point`` and ``angle`` (degrees); the alt text of
    the static picture gives the angle between the gradient and ``u``, the
    slope along ``u`` and the error of the prediction at ``t = reach`` there,
    computed from ``f`` and ``grad``.

    Returns
    -------
    mathnotes.interactive.LiveFigure
        Display it as a cell's last expression.

    Raises
    ------
    TypeError
        If ``f`` or ``grad`` is not callable.
    ValueError
        For a point of the wrong shape, a non-finite angle or a non-positive reach.
    """
    function(f, "f", takes="a point p of shape (2,)")
    function(grad, "grad", takes="a point p of shape (2,)")
    p = finite_array(point, "point", shape=(2,))
    angle, reach = real(angle, "angle"), real(reach, "reach", minimum=0, strict=True)
    u = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
    g = _vector(grad, p)
    between = np.degrees(np.arccos(np.clip(g @ u / np.hypot(*g), -1.0, 1.0)))
    kind = "an acute" if between < 90 else "a right" if between == 90 else "an obtuse"
    error = abs(_scalar(f, p + reach * u) - _scalar(f, p) - reach * float(g @ u))

    def slider(value, low, high, step, name):
        return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=name)

    return interactive_figure(
        draw,
        alt=(f"Left: tilted elliptical contour lines of the bowl with a black point at "
             f"({p[0]:g}, {p[1]:g}), a red arrow along the gradient and a blue arrow along "
             f"the direction u at {angle:g} degrees, at {kind} angle of {between:.0f} "
             f"degrees to each other. Right: the bowl's values along the line p + t u, a "
             f"curve, with the dashed line of slope {float(g @ u):.3g} that the gradient "
             f"predicts, touching it at t = 0, and an orange band between them that widens "
             f"away from the point, to {error:.3g} at t = {reach:g}."),
        x0=slider(p[0], -1.5, 1.5, 0.1, "x"),
        y0=slider(p[1], -1.5, 1.5, 0.1, "y"),
        angle=widgets.IntSlider(value=int(round(angle)), min=0, max=359, step=1,
                                description="angle"),
    )


def plot_partial_slices(f, grad, point, *, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), levels=14, resolution=101,
                        figsize=(8.0, 5.5)):
    """Partial derivatives as slopes of slices through a point.

    Left: contour lines of ``f`` with the two slices through ``p = (x0, y0)``:
    the horizontal line ``y = y0`` (only x moves) and the vertical line
    ``x = x0`` (only y moves). Right, top: ``f(x, y0)`` against ``x`` with
    the tangent line of slope ``grad(p)[0]``. Right, bottom: ``f(x0, y)``
    against ``y`` with the tangent line of slope ``grad(p)[1]``.

    Parameters
    ----------
    f : callable
        ``f(p)`` for a point of shape ``(2,)``; returns a number.
    grad : callable
        ``grad(p)`` returns ``(df/dx, df/dy)`` at ``p``, shape ``(2,)``.
    point : array_like
        The point ``p = (x0, y0)``, shape ``(2,)``, inside the rectangle.
    xlim, ylim : tuple of float, optional
        The rectangle of the contour map and the range of each slice.
    levels : int, optional
        Number of contour levels.
    resolution : int, optional
        Grid points per side for the contour lines.
    figsize : tuple of float, optional
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Three axes: the map and the two slices. In each slice the first line
        is the slice and the second its tangent line.

    Raises
    ------
    TypeError
        If ``f`` or ``grad`` is not callable.
    ValueError
        For a point of the wrong shape or outside the rectangle, or a bad
        rectangle.
    """
    xlim, ylim, levels, resolution = _map_arguments(f, grad, xlim, ylim, levels, resolution)
    p = finite_array(point, "point", shape=(2,))
    if not (xlim[0] <= p[0] <= xlim[1] and ylim[0] <= p[1] <= ylim[1]):
        raise ValueError(f"point {tuple(p)} lies outside the rectangle xlim={xlim}, ylim={ylim}")

    f0 = _scalar(f, p)
    g = _vector(grad, p)
    X, Y, Z = _grid_values(f, xlim, ylim, resolution)
    xs = np.linspace(*xlim, 121)
    ys = np.linspace(*ylim, 121)
    along_x = np.array([_scalar(f, np.array([x, p[1]])) for x in xs])
    along_y = np.array([_scalar(f, np.array([p[0], y])) for y in ys])

    fig = CellFigure(figsize=figsize)
    layout = fig.add_gridspec(2, 2, width_ratios=[1.15, 1])
    ax_map = fig.add_subplot(layout[:, 0])  # the map spans both rows
    ax_x = fig.add_subplot(layout[0, 1])
    ax_y = fig.add_subplot(layout[1, 1])
    ax_map.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.9)
    ax_map.axhline(p[1], color="tab:orange", linewidth=2, label=f"$y = {p[1]:g}$ fixed")
    ax_map.axvline(p[0], color="tab:blue", linewidth=2, label=f"$x = {p[0]:g}$ fixed")
    ax_map.plot(*p, "ko", markersize=5)
    ax_map.set_aspect("equal")
    ax_map.set_xlim(*xlim)
    ax_map.set_ylim(*ylim)
    ax_map.set_xlabel("$x$")
    ax_map.set_ylabel("$y$")
    # below the map, where it hides no contour line
    ax_map.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    ax_map.set_title("two slices through $p$")

    for ax, grid, values, centre, slope, color, name, fixed in (
        (ax_x, xs, along_x, p[0], g[0], "tab:orange", "x", f"y = {p[1]:g}"),
        (ax_y, ys, along_y, p[1], g[1], "tab:blue", "y", f"x = {p[0]:g}"),
    ):
        ax.plot(grid, values, color=color, linewidth=2, label=f"$f$ with ${fixed}$")
        ax.plot(grid, f0 + slope * (grid - centre), color="black", linestyle="--", linewidth=1.2,
                label=rf"tangent, slope $\partial f/\partial {name} = {slope:.3g}$")
        ax.plot(centre, f0, "ko", markersize=5)
        spread = values.max() - values.min()
        ax.set_ylim(values.min() - 0.1 * spread - 1e-12, values.max() + 0.1 * spread + 1e-12)
        ax.set_xlabel(f"${name}$")
        ax.set_ylabel("$f$")
        ax.legend(loc="best")
        ax.set_title(f"only ${name}$ moves")
    fig.tight_layout()
    return fig
