"""The book's code for chapter 4, *The chain rules*: counts and figures.

The chain rule turns a derivative of a composition into a product of local
derivatives. This module draws that product (tangent lines of each stage, the
paths of a total derivative) and counts the scalar multiplications that
forward and reverse accumulation spend on a chain of Jacobians; the shapes of
a Jacobian product are drawn by :func:`bookcode.figures.plot_matmul_shapes`.
"""

import math

import ipywidgets as widgets
import numpy as np
from matplotlib.transforms import Bbox

from mathnotes import explore
from mathnotes._figures import CellFigure
from mathnotes._validate import choice, function, integer, real
from mathnotes.interactive import interactive_figure

_ORDERS = ("forward", "reverse")


def _sizes(sizes, name):
    """``sizes`` as a tuple of at least two positive ints."""
    sizes = tuple(sizes)
    if len(sizes) < 2:
        raise ValueError(f"{name} needs at least two sizes (input and output), got {sizes!r}")
    return tuple(integer(size, f"{name}[{i}]") for i, size in enumerate(sizes))


def chain_multiplication_counts(dims):
    """Scalar multiplications needed to form the Jacobian of a chain, both ways.

    The chain is ``x -> u_1 -> ... -> u_L`` with sizes ``dims = (d_0, d_1,
    ..., d_L)``; stage ``l`` has the Jacobian ``J_l`` of shape
    ``(d_l, d_{l-1})`` and the whole Jacobian is ``J_L @ ... @ J_1``. An
    ``(a, b) @ (b, c)`` product costs ``a * b * c`` multiplications.

    Parameters
    ----------
    dims : list or tuple of int
        Sizes of the input, the intermediate values and the output.

    Returns
    -------
    dict
        ``{"forward": int, "reverse": int}``. Forward accumulation starts at
        the input (``J_2 @ J_1`` first) and carries ``d_0`` columns;
        reverse accumulation starts at the output (``J_L @ J_{L-1}`` first)
        and carries ``d_L`` rows.

    Examples
    --------
    >>> chain_multiplication_counts((1000, 100, 100, 1))
    {'forward': 10100000, 'reverse': 110000}
    """
    d = _sizes(dims, "dims")
    n, m = d[0], d[-1]
    forward = sum(d[l] * d[l - 1] * n for l in range(2, len(d)))
    reverse = sum(m * d[l] * d[l - 1] for l in range(1, len(d) - 1))
    return {"forward": forward, "reverse": reverse}


def chain_product(jacobians, order="reverse"):
    """Multiply a chain of Jacobians in a given order and count the work.

    Parameters
    ----------
    jacobians : list of array_like
        ``[J_1, ..., J_L]`` in the order the stages are applied: ``J_1`` is
        the Jacobian of the first stage, shape ``(d_1, d_0)``, and ``J_l``
        has shape ``(d_l, d_{l-1})``.
    order : str, optional
        ``"reverse"`` (default) or ``"forward"``. ``"forward"`` forms ``J_L @ (... @ (J_2 @ J_1))``, starting from the
        input; ``"reverse"`` forms ``((J_L @ J_{L-1}) @ ...) @ J_1``,
        starting from the output.

    Returns
    -------
    product : ndarray
        The Jacobian ``J_L @ ... @ J_1`` of shape ``(d_L, d_0)``, float64.
    multiplications : int
        Scalar multiplications performed, ``a * b * c`` per ``(a, b) @ (b, c)``.

    Raises
    ------
    ValueError
        If the list is empty, a Jacobian is not 2-D, the shapes do not chain
        or ``order`` is unknown.
    """
    choice(order, "order", _ORDERS)
    mats = [np.array(J, dtype=np.float64) for J in jacobians]
    if not mats:
        raise ValueError("give at least one Jacobian")
    for i, J in enumerate(mats, start=1):
        if J.ndim != 2:
            raise ValueError(f"J_{i} must be a 2-D array, got shape {J.shape}")
    for i in range(1, len(mats)):
        if mats[i].shape[1] != mats[i - 1].shape[0]:
            raise ValueError(
                f"J_{i + 1} has shape {mats[i].shape} but J_{i} has shape {mats[i - 1].shape}: "
                f"J_{i + 1} needs {mats[i - 1].shape[0]} columns to follow J_{i}"
            )
    count = 0
    if order == "forward":
        product = mats[0]
        for J in mats[1:]:
            count += J.shape[0] * J.shape[1] * product.shape[1]
            product = J @ product
    else:
        product = mats[-1]
        for J in reversed(mats[:-1]):
            count += product.shape[0] * product.shape[1] * J.shape[1]
            product = product @ J
    return product, count


def plot_chain_tangents(stages, x0, *, width=1.0, ncols=3, figsize=None):
    """Draw each stage of a composition with its tangent, then the whole.

    Parameters
    ----------
    stages : list of tuple
        ``(label, f, df)`` for each stage in the order applied: ``f`` maps
        the previous value to the next and ``df`` is its derivative. Both
        must accept NumPy arrays.
    x0 : float
        The input at which the tangents are drawn.
    width : float, optional
        Half-width of the plotted window around each stage's input.
    ncols : int, optional
        Panels per row; the panels wrap onto as many rows as needed, and the
        panels of a shorter last row share its full width.
    figsize : tuple, optional
        Figure size; by default 3.2 inches wide and 2.8 inches tall per panel.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per stage and a last panel for the composition, whose
        tangent has the product of the stage slopes as its slope.
    """
    stages = list(stages)
    if not stages:
        raise ValueError("give at least one stage (label, f, df)")
    for i, stage in enumerate(stages):
        if len(stage) != 3 or not isinstance(stage[0], str):
            raise ValueError(f"stage {i} must be (label, f, df), got {stage!r}")
        function(stage[1], f"f of stage {i}", takes="one number")
        function(stage[2], f"df of stage {i}", takes="one number")
    x0 = real(x0, "x0")
    width = real(width, "width", minimum=0, strict=True)
    ncols = integer(ncols, "ncols")

    panels = len(stages) + 1
    ncols = min(ncols, panels)
    nrows = -(-panels // ncols)
    fig = CellFigure(figsize=figsize or (2.65 * ncols, 2.4 * nrows), layout="constrained")
    # A short last row is spread over the full width, so no grid cell is left empty.
    last = panels - ncols * (nrows - 1)
    span = ncols * last // math.gcd(ncols, last)  # grid columns: a multiple of both
    grid = fig.add_gridspec(nrows, span)
    axes = []
    for i in range(panels):
        row, col = divmod(i, ncols)
        cells = span // (last if row == nrows - 1 else ncols)
        axes.append(fig.add_subplot(grid[row, col * cells:(col + 1) * cells]))
    value, slopes = x0, []
    for ax, (label, f, df) in zip(axes, stages):
        t = np.linspace(value - width, value + width, 201)
        out, slope = float(f(value)), float(df(value))
        slopes.append(slope)
        ax.plot(t, f(t), color="C0", label=label)
        ax.plot(t, out + slope * (t - value), "--", color="C3", label=f"slope {slope:.3g}")
        ax.plot([value], [out], "o", color="k")
        ax.set_title(label)
        ax.set_xlabel(f"input (at {value:.3g})")
        ax.legend(loc="upper left")
        value = out

    def compose(t):
        for _, f, _ in stages:
            t = f(t)
        return t

    ax = axes[-1]
    t = np.linspace(x0 - width, x0 + width, 201)
    total = float(np.prod(slopes))
    ax.plot(t, compose(t), color="C2", label="composition")
    ax.plot(t, value + total * (t - x0), "--", color="C3", label=f"product {total:.3g}")
    ax.plot([x0], [value], "o", color="k")
    ax.set_title("whole chain")
    ax.set_xlabel(f"x (at {x0:.3g})")
    ax.legend(loc="upper left")
    return fig


class TotalDerivativePicture:
    """A function of ``x`` whose derivative is a sum over paths, drawn once and moved.

    The figure of chapter 4's explorer; :meth:`update` draws it at a point.
    Left: ``f`` with the tangent whose slope is the sum of the paths (solid)
    and the tangent of each path alone (dashed). Right: one bar per path and
    a bar for the total.

    The window follows the point, so every move redraws the whole figure,
    but the same figure, with Matplotlib's caches, and without placing the
    panels again: the layout of the first drawing is kept (making one costs
    as much as drawing), a panel only moving its left edge right when its
    y tick labels need more room than the first ones did.

    Parameters
    ----------
    f : callable
        The function of one variable (accepting NumPy arrays).
    paths : dict
        Maps a label for each path from ``x`` to the output to a function of
        ``x`` giving that path's contribution; the derivative of ``f`` is
        their sum.
    width : float, optional
        Half-width of the plotted window around the point.
    figsize : tuple, optional
        Figure size in inches.

    Examples
    --------
    >>> picture = TotalDerivativePicture(lambda x: x**2, {"only": lambda x: 2 * x})
    >>> fig = picture.update(1.0)
    >>> picture.update(-1.0) is fig
    True
    """

    def __init__(self, f, paths, *, width=1.5, figsize=(8.0, 3.2)):
        function(f, "f", takes="one number")
        if not isinstance(paths, dict) or not paths:
            raise ValueError("paths must be a non-empty dict {label: contribution(x)}")
        for label, path in paths.items():
            function(path, f"path {label!r}", takes="one number")
        self._f, self._paths = f, dict(paths)
        self._width = real(width, "width", minimum=0, strict=True)
        self.figure = CellFigure(figsize=figsize, layout="constrained")
        self._layout = None  # per panel: its place and the left end of its y tick labels
        self._first_drawing = self.figure.canvas.mpl_connect("draw_event", self._keep_layout)
        left, right = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
        self._left, self._right = left, right
        (self._curve,) = left.plot([], [], color="k", label="f(x)")
        (self._total,) = left.plot([], [], color="C2", linewidth=2, label="all paths")
        self._tangents = [left.plot([], [], "--", color=f"C{i}", label=label)[0]
                          for i, label in enumerate(paths)]
        (self._point,) = left.plot([], [], "o", color="k")
        self._legend = left.legend(loc="best")  # its texts are set by update
        left.set_xlabel("x")
        labels = [*paths, "sum"]
        colors = [f"C{i}" for i in range(len(paths))] + ["C2"]
        self._bars = right.bar(range(len(labels)), np.zeros(len(labels)), color=colors)
        self._bar_labels = right.bar_label(self._bars, fmt="%.3g")
        right.axhline(0, color="k", linewidth=0.8)
        right.set_xticks(range(len(labels)), labels)
        # y=1: the title's usual place, without a search for tick labels above the axes
        # (there are none) at every drawing
        right.set_title("contribution of each path to dy/dx", y=1.0)

    def update(self, x0):
        """Draw the tangents and contributions at ``x0``; returns the figure (the same one)."""
        x0 = real(x0, "x0")
        parts = [float(path(x0)) for path in self._paths.values()]
        total = sum(parts)
        y0 = float(self._f(x0))
        t = np.linspace(x0 - self._width, x0 + self._width, 201)
        values = self._f(t)
        left, right = self._left, self._right
        self._curve.set_data(t, values)
        self._total.set_data(t, y0 + total * (t - x0))
        self._total.set_label(f"all paths: {total:.3g}")
        for line, label, part in zip(self._tangents, self._paths, parts):
            line.set_data(t, y0 + part * (t - x0))
            line.set_label(f"{label} only: {part:.3g}")
        self._point.set_data([x0], [y0])
        pad = 0.15 * (values.max() - values.min() + 1e-12)
        left.set_ylim(values.min() - pad, values.max() + pad)
        left.relim()
        left.autoscale_view(scaley=False)
        left.set_title(f"tangents at x = {x0:.3g}", y=1.0)
        for text, line in zip(self._legend.texts, [self._curve, self._total, *self._tangents]):
            text.set_text(line.get_label())

        heights = [*parts, total]
        for bar, text, height in zip(self._bars, self._bar_labels, heights):
            bar.set_height(height)
            text.xy = (text.xy[0], height)  # at the end of the bar, as bar_label puts it
            text.set_text(f"{height:.3g}")
            text.set_verticalalignment("top" if height < 0 else "bottom")
        low, high = min(0.0, *heights), max(0.0, *heights)
        span = high - low or 1.0
        right.set_ylim(low - 0.15 * span, high + 0.15 * span)
        if self._layout is not None:
            self._make_room()
        return self.figure

    def _keep_layout(self, event):
        """After the first drawing, keep its layout (see the class)."""
        self.figure.set_layout_engine("none")
        self.figure.canvas.mpl_disconnect(self._first_drawing)
        self._layout = [(ax.get_position(), self._labels_left_end(ax, event.renderer))
                        for ax in self.figure.axes]

    def _make_room(self):
        """Each panel at its first place, its left edge moved right if its y labels need it."""
        renderer = self.figure._get_renderer()
        for ax, (place, labels_left_end) in zip(self.figure.axes, self._layout):
            ax.set_position(place)
            need = labels_left_end - self._labels_left_end(ax, renderer)
            if need > 0:
                ax.set_position(Bbox.from_extents(place.x0 + need, place.y0, place.x1, place.y1))

    def _labels_left_end(self, ax, renderer):
        """Where the y tick labels of ``ax`` begin, as a fraction of the figure's width.

        They reach further left than any x tick label (half of one sticks out).
        """
        return ax.yaxis.get_tightbbox(renderer).x0 / self.figure.bbox.width


def plot_total_derivative(f, paths, x0, *, width=1.5, figsize=(8.0, 3.2)):
    """Draw a function of ``x`` whose derivative is a sum over paths, at ``x0``.

    A static picture of :class:`TotalDerivativePicture`: see there for what
    it shows and for the other parameters.

    Parameters
    ----------
    x0 : float
        The point at which the tangents and contributions are drawn.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of the two panels.
    """
    return TotalDerivativePicture(f, paths, width=width, figsize=figsize).update(x0)


def paths_explorer(draw, paths, *, x0=1.0):
    """The slider of chapter 4's explorer of ``y = x + x**2``, around ``draw(x0)``.

    ``draw`` returns the figure at a point (a :class:`TotalDerivativePicture`
    updated in place); ``paths`` are its two paths, the direct one first.
    The slider starts at ``x0``; the alt text of the static picture gives
    the slopes of the paths there, computed from ``paths``.

    Returns
    -------
    mathnotes.interactive.LiveFigure
        Display it as a cell's last expression.
    """
    x0 = real(x0, "x0")
    direct, through = (float(path(x0)) for path in paths.values())
    total = direct + through
    return interactive_figure(
        draw,
        alt=(f"Left: the parabola y = x + x squared with a black dot at x = {x0:g}. "
             f"A solid green tangent with slope {total:g} touches the curve there; "
             f"dashed tangents with slopes {direct:g} (the direct path) and {through:g} "
             "(the path through u1) cross it instead. Right: bars of height "
             f"{direct:g} and {through:g} and a green bar of height {total:g} for their sum."),
        x0=widgets.FloatSlider(value=x0, min=-2.0, max=2.0, step=0.1, description="x"),
    )


def tanh_circuit_explorer(build, *, x=0.8, w=1.5):
    """Chapter 4's circuit of ``y = x tanh(w x)``: :func:`mathnotes.explore` with two sliders.

    ``build(x, w)`` returns the output :class:`~mathnotes.Value` of the traced
    computation. The sliders start at ``x`` and ``w``, which the alt text of
    the static picture gives.

    Returns
    -------
    mathnotes.interactive.LiveFigure
        Display it as a cell's last expression.
    """
    x, w = real(x, "x"), real(w, "w")
    return explore(
        build,
        alt=(f"A circuit for y = x tanh(w x) at x = {x:g} and w = {w:g}: x and w "
             "meet in a multiply, then tanh gives a, and a second multiply "
             "combines a with x again to give y. Every box shows its value "
             "and gradient."),
        x=widgets.FloatSlider(value=x, min=-2.0, max=2.0, step=0.1),
        w=widgets.FloatSlider(value=w, min=-3.0, max=3.0, step=0.1),
    )


def plot_mode_costs(n_values, *, hidden=(64, 64), outputs=1, ax=None, figsize=(6.5, 4.0)):
    """Plot the multiplications of forward and reverse accumulation against ``n``.

    The chain has sizes ``(n, *hidden, outputs)``; the counts come from
    :func:`chain_multiplication_counts`.

    Parameters
    ----------
    n_values : list of int
        Input sizes (numbers of parameters) to plot, increasing.
    hidden : tuple of int, optional
        Sizes of the intermediate values.
    outputs : int, optional
        Size of the output; 1 for a scalar loss.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made if omitted.
    figsize : tuple, optional
        Figure size in inches, for a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of the axes: a log-log plot with one line per mode.
    """
    n_values = list(_sizes(n_values, "n_values"))
    if any(b <= a for a, b in zip(n_values, n_values[1:])):
        raise ValueError(f"n_values must be increasing, got {n_values!r}")
    hidden = tuple(integer(size, f"hidden[{i}]") for i, size in enumerate(hidden))
    outputs = integer(outputs, "outputs")
    counts = [chain_multiplication_counts((n, *hidden, outputs)) for n in n_values]
    if ax is None:
        ax = CellFigure(figsize=figsize).add_subplot()
    for mode, style in (("forward", "o-"), ("reverse", "s-")):
        ax.loglog(n_values, [max(c[mode], 1) for c in counts], style, label=f"{mode} accumulation")
    ax.set_xlabel("number of inputs n (parameters)")
    ax.set_ylabel("scalar multiplications")
    sizes = " → ".join(str(s) for s in ("n", *hidden, outputs))
    ax.set_title(f"Jacobian of a chain with sizes {sizes}")
    ax.grid(True, which="major", alpha=0.4)
    ax.legend(loc="upper left")
    return ax.figure
