"""Linear systems: elimination with row exchanges, and row and column pictures.

The book's code for chapter 1. The pictures follow the two readings of ``A x = b``
popularised by Strang: each row is a line (2-D) or a plane (3-D), and the
solution is where they meet; or ``b`` is a combination of the columns of
``A`` and the unknowns are its weights.

Each picture draws into ``ax`` (or ``axes``) when given, else into a new
:class:`~mathnotes._figures.CellFigure`, and returns the figure.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from mathnotes._figures import CellFigure
from mathnotes._validate import finite_array, real
from mathnotes.interactive import interactive_figure

_NAMES = ("x", "y", "z")


# ----------------------------------------------------------------------------
# input checks
# ----------------------------------------------------------------------------
def _as_system(A, b, *, sizes=None):
    """Float64 copies of ``A`` (2-D) and ``b`` (flat, one entry per row of ``A``), checked.

    With ``sizes``, ``A`` must also be square with a side in ``sizes``.
    """
    A = finite_array(A, "A", ndim=2)
    b = finite_array(b, "b")
    if sizes is not None and (A.shape[0] != A.shape[1] or A.shape[0] not in sizes):
        raise ValueError(
            f"A must be {' or '.join(f'{n}x{n}' for n in sizes)} for this picture, got {A.shape}"
        )
    if b.shape not in ((A.shape[0],), (A.shape[0], 1)):
        raise ValueError(f"b must have {A.shape[0]} entries to match A {A.shape}, got shape {b.shape}")
    return A, b.reshape(-1)


def _rank_tol(M):
    """The tolerance ``np.linalg.matrix_rank`` uses by default."""
    s = np.linalg.svd(M, compute_uv=False)
    return (s.max() if s.size else 0.0) * max(M.shape) * np.finfo(float).eps


# ----------------------------------------------------------------------------
# algebra
# ----------------------------------------------------------------------------
def classify_system(A, b):
    """Say whether ``A x = b`` has no, one, or infinitely many solutions.

    The test compares ``rank(A)`` with the rank of the augmented matrix
    ``[A | b]`` (both with NumPy's default tolerance).

    Parameters
    ----------
    A : array_like
        Shape ``(m, n)``.
        The matrix.
    b : array_like
        Shape ``(m,)``.
        The right-hand side.

    Returns
    -------
    str
        ``"unique"``, ``"infinite"`` or ``"none"``.

    Examples
    --------
    >>> classify_system([[1, 2], [2, 4]], [3, 6])
    'infinite'
    >>> classify_system([[1, 2], [2, 4]], [3, 7])
    'none'
    """
    A, b = _as_system(A, b)
    rank_A = np.linalg.matrix_rank(A)
    rank_Ab = np.linalg.matrix_rank(np.column_stack([A, b]))
    if rank_Ab > rank_A:
        return "none"
    return "unique" if rank_A == A.shape[1] else "infinite"


def lu_partial_pivoting(A, *, record=False):
    """Gaussian elimination with row exchanges: ``P @ A == L @ U``.

    At step ``k`` the row with the largest entry (in absolute value) in
    column ``k``, at or below the diagonal, is swapped up to be the pivot;
    multiples of it are then subtracted from the rows below. A column whose
    candidate pivots are all zero (up to rounding) is skipped, so a singular
    matrix gives a ``U`` with a zero on the diagonal instead of an error.

    Parameters
    ----------
    A : array_like
        Shape ``(n, n)``.
        A square matrix. It is not modified.
    record : bool, optional
        If true, also return the steps: a list of ``(text, U_now)`` pairs
        describing each exchange and each elimination.

    Returns
    -------
    P : ndarray
        Shape ``(n, n)``.
        A permutation matrix.
    L : ndarray
        Shape ``(n, n)``.
        Unit lower-triangular; ``L[i, k]`` is the multiple of pivot row
        ``k`` that was subtracted from row ``i``.
    U : ndarray
        Shape ``(n, n)``.
        Upper-triangular.
    steps : list of tuple
        Pairs ``(text, U_now)``.
        Only when ``record`` is true.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[0., 1], [2, 3]])
    >>> P, L, U = lu_partial_pivoting(A)
    >>> bool(np.allclose(P @ A, L @ U))
    True
    """
    U = finite_array(A, "A", ndim=2)  # a copy: the caller's array is never changed
    if U.shape[0] != U.shape[1]:
        raise ValueError(f"A must be a square 2-D array, got shape {U.shape}")
    n = U.shape[0]
    perm = np.arange(n)
    L = np.eye(n)
    tol = n * np.finfo(float).eps * np.abs(U).max()
    steps = []
    for k in range(n - 1):
        p = k + int(np.argmax(np.abs(U[k:, k])))
        if abs(U[p, k]) <= tol:
            U[k:, k] = 0.0
            steps.append((f"column {k + 1}: no nonzero pivot, skip", U.copy()))
            continue
        if p != k:
            U[[k, p]] = U[[p, k]]
            L[[k, p], :k] = L[[p, k], :k]
            perm[[k, p]] = perm[[p, k]]
            steps.append((f"exchange rows {k + 1} and {p + 1}", U.copy()))
        for i in range(k + 1, n):
            m = U[i, k] / U[k, k]
            L[i, k] = m
            U[i, k:] -= m * U[k, k:]
            U[i, k] = 0.0  # exactly zero, not a rounding leftover
            if m != 0.0:
                steps.append((f"row {i + 1} -= {m:.4g} * row {k + 1}", U.copy()))
    P = np.eye(n)[perm]
    if record:
        return P, L, U, steps
    return P, L, U


def rotating_row_system(angle, b2, *, fixed_angle=60.0, b1=1.0):
    """A 2x2 system whose second row is a unit normal turned by ``angle`` degrees.

    Row ``i`` reads ``cos(t_i) x + sin(t_i) y = b_i``: a line at distance
    ``|b_i|`` from the origin, perpendicular to the direction ``t_i``. The
    first row is fixed at ``fixed_angle``. When ``angle`` equals
    ``fixed_angle`` (or differs by 180 degrees) the two lines are parallel
    and the matrix is singular. Entries are rounded to 12 decimals so that
    ``cos(90)`` is exactly zero and equal angles give exactly equal rows.

    Parameters
    ----------
    angle : float
        Direction of the second row's normal, in degrees.
    b2 : float
        Right-hand side of the second equation.
    fixed_angle : float, optional
        Direction of the first row's normal, in degrees.
    b1 : float, optional
        Right-hand side of the first equation.

    Returns
    -------
    A : ndarray
        Shape ``(2, 2)``.
    b : ndarray
        Shape ``(2,)``.
    """
    angle, b2 = real(angle, "angle"), real(b2, "b2")
    fixed_angle, b1 = real(fixed_angle, "fixed_angle"), real(b1, "b1")
    t = np.deg2rad([fixed_angle, angle])
    A = np.round(np.column_stack([np.cos(t), np.sin(t)]), 12) + 0.0  # + 0.0 turns -0 into 0
    return A, np.array([b1, b2], dtype=float)


def equation_text(a, rhs, names=_NAMES):
    """Write one equation ``a . x = rhs`` as text, e.g. ``'x + 2y + 3z = 12'``."""
    terms = []
    for coef, name in zip(np.asarray(a, dtype=float), names):
        if coef == 0:
            continue
        size = "" if abs(coef) == 1 else f"{abs(coef):.3g}"
        sign = "-" if coef < 0 else "+"
        terms.append((sign, f"{size}{name}"))
    if not terms:
        return f"0 = {rhs:.3g}"
    first_sign, first = terms[0]
    text = ("-" if first_sign == "-" else "") + first
    text += "".join(f" {sign} {term}" for sign, term in terms[1:])
    return f"{text} = {float(rhs):.3g}"


# ----------------------------------------------------------------------------
# pictures
# ----------------------------------------------------------------------------
_COLORS = ("tab:blue", "tab:orange", "tab:green")


def _legend_options(legend_kw, **defaults):
    """Legend keywords: ``legend_kw`` over ``defaults`` over the module's."""
    if legend_kw is not None and not isinstance(legend_kw, dict):
        raise TypeError(f"legend_kw must be a dict of ax.legend arguments, got {type(legend_kw).__name__}")
    return {"loc": "upper left", **defaults, **(legend_kw or {})}


def _solution_line(A, b):
    """Particular solution and null space basis (rows) of a consistent system."""
    x0 = np.linalg.lstsq(A, b, rcond=None)[0]
    _, s, Vt = np.linalg.svd(A)
    null = Vt[np.sum(s > _rank_tol(A)):]
    return x0, null


def plot_row_picture(A, b, *, ax=None, center=None, radius=None, show_solution=True, legend=True,
                     legend_kw=None):
    """Row picture of a 3x3 system: one plane per equation, in 3-D.

    Parameters
    ----------
    A : array_like
        Shape ``(3, 3)``.
        The matrix; row ``i`` is the normal of plane ``i``.
    b : array_like
        Shape ``(3,)``.
        Right-hand sides.
    ax : matplotlib.axes.Axes, optional
        A 3-D axes to draw in; a new figure is made if omitted.
    center : array_like, optional
        Shape ``(3,)``.
        Middle of the box drawn; default the least-squares solution.
    radius : float, optional
        Half-width of the box; default 6.
    show_solution : bool, optional
        Draw the solution set (a point or a line) when there is one.
    legend : bool, optional
        Label the planes with their equations.
    legend_kw : dict, optional
        Keyword arguments for ``ax.legend`` (placement, font size), used
        over the default ``loc="upper left"``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of the 3-D axes, which hold one surface per plane and, if
        drawn, the solution.
    """
    A, b = _as_system(A, b, sizes=(3,))
    if np.any(np.all(A == 0, axis=1)):
        raise ValueError("every row of A must have a nonzero entry to define a plane")
    radius = 6.0 if radius is None else real(radius, "radius", minimum=0, strict=True)
    x0, null = _solution_line(A, b)
    center = x0 if center is None else finite_array(center, "center", shape=(3,))
    if ax is None:
        ax = CellFigure(figsize=(6, 5)).add_subplot(projection="3d")
    grid = np.linspace(-radius, radius, 2)
    handles = []
    for i in range(3):
        a = A[i]
        k = int(np.argmax(np.abs(a)))  # solve for the coordinate with the largest coefficient
        others = [j for j in range(3) if j != k]
        U, V = np.meshgrid(center[others[0]] + grid, center[others[1]] + grid)
        W = (b[i] - a[others[0]] * U - a[others[1]] * V) / a[k]
        coords = [None] * 3
        coords[others[0]], coords[others[1]], coords[k] = U, V, W
        ax.plot_surface(*coords, color=_COLORS[i], alpha=0.3, linewidth=0, shade=False)
        ring = [0, 1, 3, 2, 0]  # the corners of the 2x2 grid, in order around the edge
        ax.plot(*[np.ravel(c)[ring] for c in coords], color=_COLORS[i], lw=1.5)
        handles.append(Patch(color=_COLORS[i], alpha=0.6, label=equation_text(a, b[i])))
    kind = classify_system(A, b)
    if show_solution and kind != "none":
        if len(null) == 0:
            ax.scatter(*x0, color="black", s=40, depthshade=False)
            handles.append(Line2D([], [], color="black", marker="o", ls="", label="solution"))
        elif len(null) == 1:
            t = np.linspace(-radius, radius, 2)
            pts = x0[:, None] + null[0][:, None] * t
            ax.plot(*pts, color="black", lw=3, gid="solution")
            handles.append(Line2D([], [], color="black", lw=3, label="solution line"))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("z")
    ax.set_aspect("equal")  # true angles between the planes
    if legend:
        ax.legend(handles=handles, **_legend_options(legend_kw))
    return ax.figure


def row_picture_legend(A, rhs_list, *, places=("left", "right")):
    """Legend handles for row pictures of one matrix with several right-hand sides.

    One patch per plane, in the colours of :func:`plot_row_picture`, labelled
    with its equation; an equation whose right-hand side differs between the
    pictures names each value with its place (``"= 10 (left), 20 (right)"``).
    A line handle for the solution line follows when one of the systems has
    infinitely many solutions.

    Parameters
    ----------
    A : array_like
        Shape ``(3, 3)``.
    rhs_list : sequence of array_like
        The right-hand sides, each of shape ``(3,)``, one per picture.
    places : sequence of str, optional
        Where each picture stands, in the order of ``rhs_list``.

    Returns
    -------
    list of matplotlib.artist.Artist
        Handles for ``fig.legend(handles=...)``.
    """
    systems = [_as_system(A, rhs, sizes=(3,)) for rhs in rhs_list]
    if len(places) < len(systems):
        raise ValueError(f"places must name {len(systems)} pictures, got {len(places)}")
    A = systems[0][0]
    handles = []
    for i in range(3):
        values = [b[i] for _, b in systems]
        label = equation_text(A[i], values[0])
        if len(set(values)) > 1:
            label = label.rsplit("= ", 1)[0] + "= " + ", ".join(
                f"{value:.3g} ({place})" for value, place in zip(values, places))
        handles.append(Patch(color=_COLORS[i], alpha=0.6, label=label))
    if any(classify_system(A, b) == "infinite" for _, b in systems):
        handles.append(Line2D([], [], color="black", lw=3, label="solution line"))
    return handles


def view_along(ax, direction):
    """Turn a 3-D axes so that the eye looks along ``direction``.

    Looking along the line where planes meet shows each plane edge-on, as
    a line: the 3-D row picture becomes a 2-D one.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to turn.
    direction : array_like
        Shape ``(3,)``.
        A nonzero vector pointing from the scene towards the eye.

    Returns
    -------
    tuple of float
        The ``(elev, azim)`` angles set, in degrees.
    """
    d = finite_array(direction, "direction", shape=(3,))
    if not np.any(d):
        raise ValueError(f"direction must be a nonzero 3-vector, got {direction!r}")
    if getattr(ax, "name", "") != "3d":
        raise ValueError("view_along needs 3-D axes (projection='3d')")
    d = d / np.linalg.norm(d)
    elev = float(np.degrees(np.arcsin(d[2])))
    azim = float(np.degrees(np.arctan2(d[1], d[0])))
    ax.set_proj_type("ortho")
    ax.view_init(elev=elev, azim=azim)
    return elev, azim


def pairwise_crossings(A, b, direction):
    """Where the planes of a 3x3 system cross in pairs, seen along ``direction``.

    Two of the planes ``A[i] . x = b[i]`` meet in a line; when every row of
    ``A`` is orthogonal to ``direction`` (the null-space direction of a
    singular ``A``), each such line runs along ``direction`` and shows as a
    point when the planes are seen edge-on from there (:func:`view_along`).
    The point returned for a pair is where its line meets the plane through
    the origin orthogonal to ``direction``.

    Parameters
    ----------
    A : array_like
        Shape ``(3, 3)``.
    b : array_like
        Shape ``(3,)``.
    direction : array_like
        Shape ``(3,)``. A nonzero vector orthogonal to every row of ``A``.

    Returns
    -------
    ndarray
        Shape ``(3, 3)``: row ``k`` is the crossing of the pair of planes
        ``(0, 1)``, ``(0, 2)``, ``(1, 2)`` for ``k = 0, 1, 2``.

    Examples
    --------
    >>> A = np.array([[1.0, 0, 0], [0, 1, 0], [1, 1, 0]])
    >>> pairwise_crossings(A, [0, 0, 1], [0, 0, 1])
    array([[0., 0., 0.],
           [0., 1., 0.],
           [1., 0., 0.]])
    """
    A, b = _as_system(A, b, sizes=(3,))
    d = finite_array(direction, "direction", shape=(3,))
    if not np.any(d):
        raise ValueError(f"direction must be a nonzero 3-vector, got {direction!r}")
    if not np.allclose(A @ d, 0, atol=1e-12 * np.abs(A).max() * np.abs(d).max()):
        raise ValueError("every row of A must be orthogonal to direction: the planes are then "
                         "seen edge-on along it")
    pairs = [(0, 1), (0, 2), (1, 2)]
    return np.array([np.linalg.solve(np.vstack([A[i], A[j], d]), [b[i], b[j], 0.0])
                     for i, j in pairs])


def _clip_polygon(corners, lims):
    """Clip a planar polygon (rows are 3-D corners) to the box ``lims``."""
    poly = [np.asarray(c, dtype=float) for c in corners]
    for axis, (low, high) in enumerate(lims):
        for sign, bound in ((1.0, low), (-1.0, high)):  # keep sign * (p - bound) >= 0
            out = []
            for k, cur in enumerate(poly):
                prev = poly[k - 1]
                d_cur, d_prev = sign * (cur[axis] - bound), sign * (prev[axis] - bound)
                if (d_cur >= 0) != (d_prev >= 0):
                    out.append(prev + (cur - prev) * d_prev / (d_prev - d_cur))
                if d_cur >= 0:
                    out.append(cur)
            poly = out
            if not poly:
                return np.zeros((0, 3))
    return np.array(poly)


def _span_patch(ax, basis, reach, color="0.6", *, middle=None, lims=None):
    """A translucent square of the plane spanned by two orthonormal vectors.

    The square is centred on ``middle`` (a point of the plane, default the
    origin); with ``lims`` it is cut to that box, so it never leaves the axes.
    """
    middle = np.zeros(3) if middle is None else np.asarray(middle, dtype=float)
    corners = [middle + reach * (u * basis[:, 0] + v * basis[:, 1])
               for u, v in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
    poly = np.array(corners) if lims is None else _clip_polygon(corners, lims)
    if len(poly) >= 3:
        ax.add_collection3d(Poly3DCollection([poly], facecolor=color, alpha=0.25, linewidth=0))


def _column_window(A, b, x, fit):
    """The square window of a column picture: ``(center, reach)``, its middle and half-width.

    It holds the origin, ``b``, the columns and, when ``x`` is given, the
    points of the head-to-tail path, with a margin; centred on the origin,
    or with ``fit`` on the middle of those points.
    """
    n = A.shape[0]
    points = [np.zeros(n), b, *A.T]
    if x is not None:
        points += list(np.cumsum(A * x, axis=1).T)
    reach = 1.1 * max(np.abs(np.array(points)).max(), 1e-12)
    center = np.zeros(n)
    if fit:  # a cube around the points, with a margin
        low, high = np.min(points, axis=0), np.max(points, axis=0)
        center = (low + high) / 2
        reach = max(0.55 * np.max(high - low), 1e-12)
    return center, reach


def _column_space(A):
    """The left singular vectors of ``A`` (columns) and its rank."""
    U, s, _ = np.linalg.svd(A)
    return U, int(np.sum(s > _rank_tol(A)))


def plot_column_picture(A, b, x=None, *, ax=None, show_span=True, fit=False, legend=True,
                        legend_kw=None):
    """Column picture: ``b`` as a combination ``x_1 a_1 + ... + x_n a_n`` of the columns.

    Draws each column as an arrow from the origin, ``b`` as a black arrow,
    and, if ``x`` is given, the path that adds ``x_1 a_1``, ``x_2 a_2``, ...
    head to tail. For a 2x2 system the axes are 2-D; for 3x3 they are 3-D.
    When the columns span only a line (2-D) or a plane (3-D), that span is
    drawn in grey so one can see whether ``b`` lies in it.

    Parameters
    ----------
    A : array_like
        Shape ``(n, n)``, with n = 2 or 3.
        The matrix whose columns are drawn.
    b : array_like
        Shape ``(n,)``.
        The right-hand side.
    x : array_like, optional
        Shape ``(n,)``.
        Weights of the combination to draw head to tail.
    ax : matplotlib.axes.Axes, optional
        Where to draw: 2-D axes for n = 2, 3-D axes for n = 3.
    show_span : bool, optional
        Draw the column space when it is smaller than the whole space.
    fit : bool, optional
        If true, the window is fitted around the arrows instead of centred
        on the origin, so that short arrows are drawn larger.
    legend : bool, optional
        Draw a legend in the axes. The artists keep their labels either
        way, so ``ax.get_legend_handles_labels()`` can feed a figure legend.
    legend_kw : dict, optional
        Keyword arguments for ``ax.legend`` (placement, font size), used
        over the default ``loc="upper left"``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of the axes drawn in.
    """
    A, b = _as_system(A, b, sizes=(2, 3))
    n = A.shape[0]
    if x is not None:
        x = finite_array(x, "x", shape=(n,))
    if ax is None:
        ax = CellFigure(figsize=(5, 5)).add_subplot(projection="3d" if n == 3 else None)
    if (n == 3) != (getattr(ax, "name", "") == "3d"):
        raise ValueError(f"a {n}x{n} system needs {'3-D' if n == 3 else '2-D'} axes")
    legend_kw = _legend_options(legend_kw) if legend else None
    if n == 2:
        return _ColumnPanel(ax, show_span=show_span, fit=fit, legend_kw=legend_kw).update(A, b, x)
    center, reach = _column_window(A, b, x, fit)
    lims = [(c - reach, c + reach) for c in center]
    U, rank = _column_space(A)

    def draw(p, q, color, ls="-"):
        ax.quiver(*p, *(q - p), color=color, linestyle=ls, lw=2, arrow_length_ratio=0.08)

    if show_span and rank == 2:
        basis = U[:, :2]
        middle = basis @ (basis.T @ center)  # the box centre, projected on the plane
        _span_patch(ax, basis, reach * 2 if fit else reach, middle=middle,
                    lims=lims if fit else None)
    for j in range(n):
        draw(np.zeros(n), A[:, j], color=_COLORS[j])
        ax.plot(*[[c] for c in A[:, j]], marker="o", ms=4, color=_COLORS[j],
                label=f"column {j + 1}")
    draw(np.zeros(n), b, color="black")
    ax.plot(*[[c] for c in b], marker="o", color="black", label="b")
    if x is not None:
        ax.plot([], [], color="0.3", ls="--", label="weights x times columns")
        start = np.zeros(n)
        for j in range(n):
            step = x[j] * A[:, j]
            draw(start, start + step, color=_COLORS[j], ls="--")
            start = start + step
    for setter, lim in zip((ax.set_xlim, ax.set_ylim, ax.set_zlim), lims):
        setter(*lim)
    ax.set_aspect("equal")
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):  # few ticks: 3-D labels crowd at the corners
        axis.set_major_locator(MaxNLocator(nbins=4))
    ax.set_zlabel("component 3")
    ax.set_xlabel("component 1")
    ax.set_ylabel("component 2")
    if legend:
        ax.legend(**legend_kw)
    return ax.figure


# ----------------------------------------------------------------------------
# the 2x2 explorer: pictures made once and moved
# ----------------------------------------------------------------------------
def _moving_line(ax, **style):
    """An empty animated line in ``ax``: drawn last, redrawn alone when it moves."""
    (line,) = ax.plot([], [], animated=True, **style)
    return line


def _moving_arrow(ax, **style):
    """An animated arrow in ``ax``; its ends are set with :func:`_place_arrow`."""
    props = dict(arrowstyle="-|>", lw=2, shrinkA=0, shrinkB=0, **style)
    return ax.annotate("", xy=(0, 0), xytext=(0, 0), arrowprops=props, animated=True)


def _quiet(artist):
    """Stop the parts of an animated ``artist`` from marking the figure stale; returns it.

    The parts of a legend or of an axis (texts, ticks) tell the axes when
    they change, also inside an animated artist, and drawing changes them:
    the next picture would be drawn whole. An animated artist needs no such
    redraw. Parts made later (ticks for a new window) tell again until this
    is called again.
    """
    for part in artist.findobj(include_self=False):
        part.stale_callback = None
    return artist


class _Legend:
    """The legend of ``ax``'s labelled artists, made again only when its entries change.

    An ``animated`` legend is drawn last, like the moving artists, and new
    texts for the same entries need no full redraw. ``options`` go to
    ``ax.legend``.
    """

    def __init__(self, ax, *, animated, **options):
        self._ax, self._animated, self._options = ax, animated, options
        self._handles = None

    def update(self):
        """Show the labels of now; a new legend (a full redraw) if the entries changed."""
        handles, labels = self._ax.get_legend_handles_labels()
        if handles != self._handles:
            self._handles = handles
            legend = self._ax.legend(handles, labels, **self._options)
            if self._animated:
                legend.set_animated(True)
                _quiet(legend)
        else:
            for text, label in zip(self._ax.get_legend().texts, labels):
                text.set_text(label)


def _frame_on_top(ax):
    """Animate the frame of ``ax``: drawn after the moving lines, as a saved picture draws it."""
    for spine in ax.spines.values():
        spine.set_animated(True)


def _place_arrow(arrow, start, end):
    """Move an arrow of :func:`_moving_arrow` to run from ``start`` to ``end``."""
    arrow.xy, arrow.xyann = tuple(end), tuple(start)


def _show(artist, shown, label=None):
    """Show or hide ``artist``; a hidden one keeps no legend entry (its label starts with _)."""
    artist.set_visible(shown)
    label = artist.get_label().lstrip("_") if label is None else label
    artist.set_label(label if shown else f"_{label}")


class _ColumnPanel:
    """The column picture of a 2x2 system in ``ax``: made once, moved by :meth:`update`.

    Everything that moves is animated (see :class:`System2x2Picture`), the
    window included: its ticks, frame and lines through the origin. They
    are made in the order of their z-orders, so that a live picture (where
    animated artists are drawn last, in the order they were made) and a
    saved one draw them alike. ``legend_kw`` of None draws no legend.
    """

    def __init__(self, ax, *, show_span=True, fit=False, legend_kw=None):
        self.ax, self._show_span, self._fit = ax, show_span, fit
        # not animated: its texts stay, its entries change with the verdict (a full redraw)
        self._legend = None if legend_kw is None else _Legend(ax, animated=False, **legend_kw)
        # what a new window moves is animated too: lines through the origin, ticks, frame
        ax.axhline(0, color="0.8", lw=0.8, zorder=0, animated=True)
        ax.axvline(0, color="0.8", lw=0.8, zorder=0, animated=True)
        for artist in (*ax.spines.values(), ax.xaxis, ax.yaxis):
            artist.set_animated(True)
        self._span = _moving_line(ax, color="0.6", lw=6, alpha=0.4, label="column space")
        self._tips = [_moving_line(ax, marker="o", ms=4, color=color, label=f"column {j + 1}")
                      for j, color in enumerate(_COLORS[:2])]
        self._b_tip = _moving_line(ax, marker="o", color="black", label="b")
        self._key = _moving_line(ax, color="0.3", ls="--", label="weights x times columns")
        self._arrows = [_moving_arrow(ax, color=color) for color in (*_COLORS[:2], "black")]
        self._steps = [_moving_arrow(ax, color=color, ls="--") for color in _COLORS[:2]]
        ax.set_aspect("equal")
        ax.xaxis.set_major_locator(MaxNLocator(5))  # a narrow panel: labels that do not touch
        ax.set_xlabel("component 1")
        ax.set_ylabel("component 2")

    def update(self, A, b, x):
        """Show the columns of ``A``, ``b`` and, unless ``x`` is None, the path.

        Returns the figure of the axes.
        """
        center, reach = _column_window(A, b, x, self._fit)
        U, rank = _column_space(A)
        d = U[:, 0] * reach * 1.5
        self._span.set_data([-d[0], d[0]], [-d[1], d[1]])
        _show(self._span, self._show_span and rank == 1)
        for tip, arrow, end in zip((*self._tips, self._b_tip), self._arrows, (*A.T, b)):
            tip.set_data([end[0]], [end[1]])
            _place_arrow(arrow, np.zeros(2), end)
        if x is not None:
            ends = np.cumsum(A * x, axis=1).T
            for step, start, end in zip(self._steps, [np.zeros(2), ends[0]], ends):
                _place_arrow(step, start, end)
        for artist in (self._key, *self._steps):
            _show(artist, x is not None)
        self.ax.set_xlim(center[0] - reach, center[0] + reach)
        self.ax.set_ylim(center[1] - reach, center[1] + reach)
        _quiet(self.ax.xaxis)  # its ticks made for the last window
        _quiet(self.ax.yaxis)
        if self._legend is not None:
            self._legend.update()
        return self.ax.figure


_VERDICT = {
    "unique": "one solution: the lines cross",
    "none": "singular, no solution: parallel lines",
    "infinite": "singular, infinitely many solutions: one line",
}


class System2x2Picture:
    """Row picture and column picture of a 2x2 system, side by side, built once.

    This is the drawing of chapter 1's explorer; :meth:`update` draws a
    system. The left panel shows each equation as a line and marks the
    solution; the right panel shows the columns, ``b``, and (when a solution
    exists) the combination of the columns that makes ``b``. The title says
    whether the system has one, no, or infinitely many solutions. The
    legends sit below the panels, so they never hide a line.

    Everything that moves with the system is made with ``animated=True``, so
    a new system with the same verdict redraws only those artists on the
    picture of the rest (blitting, see
    :class:`mathnotes._figures.FigureRedrawer`); a new verdict redraws the
    whole figure.

    Parameters
    ----------
    axes : tuple of matplotlib.axes.Axes, optional
        Where to draw the row and the column picture. If omitted, a new
        figure is made and the verdict becomes its title; otherwise the
        verdict goes in the title of the first axes, and the caller lays
        out the figure.
    reach : float, optional
        Half-width of the row-picture window.
    figsize : tuple of float, optional
        Size of a new figure, in inches.

    Examples
    --------
    >>> picture = System2x2Picture()
    >>> fig = picture.update([[1, 2], [3, 4]], [5, 6])
    >>> picture.update([[1, 2], [2, 4]], [3, 6]) is fig
    True
    """

    _BELOW = dict(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)

    def __init__(self, *, axes=None, reach=3.0, figsize=(8.0, 5.1)):
        self._reach = real(reach, "reach", minimum=0, strict=True)
        if axes is None:
            self.figure = CellFigure(figsize=figsize)
            left, right = self.figure.subplots(1, 2)
        else:
            if len(axes) != 2:
                raise ValueError(
                    f"axes must be a pair (row picture, column picture), got {len(axes)}")
            left, right = axes
            self.figure = left.figure
        self._own_figure = axes is None
        self._layout = None  # (legend rows, subplot parameters) of the first layout
        self._left = left
        self._lines = [_moving_line(left, color=color, lw=2 + 2 * (i == 0), alpha=0.8)
                       for i, color in enumerate(_COLORS[:2])]
        self._solution = _moving_line(left, marker="o", ls="", color="black", ms=8)
        self._legend = _Legend(left, animated=True, **_legend_options(self._BELOW))
        left.set_xlim(-self._reach, self._reach)
        left.set_ylim(-self._reach, self._reach)
        _frame_on_top(left)
        left.set_aspect("equal")
        left.axhline(0, color="0.8", lw=0.8, zorder=0)
        left.axvline(0, color="0.8", lw=0.8, zorder=0)
        left.set_xlabel("x")
        left.set_ylabel("y")
        self._columns = _ColumnPanel(right, legend_kw=_legend_options(self._BELOW))
        right.set_title("Column picture")
        if self._own_figure:
            left.set_title("Row picture")
            self._verdict = self.figure.suptitle("")
        else:
            self._verdict = left.set_title("")

    def update(self, A, b):
        """Draw the system ``A x = b`` and return the figure (the same one every time).

        Parameters
        ----------
        A : array_like
            Shape ``(2, 2)``.
        b : array_like
            Shape ``(2,)``.

        Returns
        -------
        matplotlib.figure.Figure
            The figure holding the two axes.
        """
        A, b = _as_system(A, b, sizes=(2,))
        kind = classify_system(A, b)
        x = None
        if kind == "unique":
            x = np.linalg.solve(A, b)
        elif kind == "infinite":
            x = np.linalg.lstsq(A, b, rcond=None)[0]  # the shortest solution
        self._draw_rows(A, b, x if kind == "unique" else None)
        self._columns.update(A, b, x)
        # a text set to what it was does not make the figure redraw
        self._verdict.set_text(_VERDICT[kind] if self._own_figure
                               else f"Row picture: {_VERDICT[kind]}")
        if self._own_figure:
            self._lay_out()
        return self.figure

    def _draw_rows(self, A, b, solution):
        """Each equation as a line and, if given, the solution as a point."""
        t = np.linspace(-self._reach, self._reach, 2)
        for line, a, rhs in zip(self._lines, A, b):
            if np.any(a != 0):
                n = a / np.linalg.norm(a)
                foot = n * rhs / np.linalg.norm(a)  # closest point of the line to the origin
                direction = np.array([-n[1], n[0]])
                line.set_data(*(foot[:, None] + direction[:, None] * 2 * t))
            _show(line, np.any(a != 0), equation_text(a, rhs))
        if solution is not None:
            self._solution.set_data(*solution[:, None])
            _show(self._solution, True, f"solution ({solution[0]:.2f}, {solution[1]:.2f})")
        else:
            _show(self._solution, False)
        self._legend.update()

    def _lay_out(self):
        """Lay out the figure for its first system; again only for taller legends.

        The first layout is kept while the legends need no more rows than
        then: the panels stay still and a move can be a blit. A system whose
        legend needs a row more gets a layout of its own (until the next).
        """
        rows = max(-(-len(ax.get_legend().texts) // self._BELOW["ncol"])
                   for ax in self.figure.axes)
        params = self.figure.subplotpars
        if self._layout is None or rows > self._layout[0]:
            self.figure.tight_layout()
            if self._layout is None:
                self._layout = rows, dict(vars(params))
        elif vars(params) != self._layout[1]:
            self.figure.subplots_adjust(**self._layout[1])


def plot_system_2x2(A, b, *, axes=None, reach=3.0, figsize=(8.0, 5.1)):
    """Row picture and column picture of a 2x2 system, side by side.

    A static picture of :class:`System2x2Picture`: see there for what it
    shows and for the parameters.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the two axes.
    """
    return System2x2Picture(axes=axes, reach=reach, figsize=figsize).update(A, b)


def explorer_2x2(draw):
    """The sliders of chapter 1's explorer, around ``draw(angle, b2)``.

    ``draw`` returns the figure of :func:`rotating_row_system` at those
    values (a :class:`System2x2Picture` updated in place). The sliders turn
    the second row (``angle``, in degrees) and shift its line (``b2``); they
    start at 0 and 0.5, a system with one solution, which the alt text of
    the static picture describes.

    Returns
    -------
    mathnotes.interactive.LiveFigure
        Display it as a cell's last expression.
    """
    return interactive_figure(
        draw,
        alt=("Left, the row picture: a fixed blue line and an orange line "
             "crossing it at one black point. Right, the column picture: two "
             "column arrows and the black arrow b, reached by dashed multiples "
             "of the columns."),
        angle=widgets.FloatSlider(value=0, min=-90, max=180, step=5, description="angle (deg)"),
        b2=widgets.FloatSlider(value=0.5, min=-2, max=2, step=0.25, description="b2"),
    )


def plot_least_squares(s, y, coef, *, figsize=(8.0, 4.3)):
    """A straight-line fit by least squares, and the loss it minimises.

    The model is ``y ~ coef[0] + coef[1] * s``. The left panel shows the data,
    the line and the residuals; the right panel shows the contours of the
    loss ``f(c) = ||F c - y||^2`` (with ``F = [1, s]``), the minimiser
    ``coef`` and arrows along minus the gradient ``-2 F^T (F c - y)`` at a
    few points.

    Parameters
    ----------
    s, y : array_like
        Shape ``(N,)``.
        The data, N >= 2 with at least two distinct ``s``.
    coef : array_like
        Shape ``(2,)``.
        Intercept and slope to draw, normally the least-squares solution.
    figsize : tuple of float, optional
        Size of the figure in inches.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with two axes.
    """
    s = finite_array(s, "s", ndim=1)
    y = finite_array(y, "y", shape=s.shape)
    coef = finite_array(coef, "coef", shape=(2,))
    if np.ptp(s) == 0:
        raise ValueError("s needs at least two distinct values to fit a line")
    F = np.column_stack([np.ones_like(s), s])
    fig = CellFigure(figsize=figsize)
    left, right = fig.subplots(1, 2)
    fit = F @ coef
    left.vlines(s, np.minimum(y, fit), np.maximum(y, fit), color="tab:red", lw=1, label="residuals")
    left.plot(s, y, "o", color="tab:blue", ms=4, label="data")
    left.plot(s, fit, color="black", label=f"fit {coef[0]:.2f} + {coef[1]:.2f} s")
    left.set_xlabel("s")
    left.set_ylabel("y")
    left.legend(**_legend_options(None, loc="lower right"))
    left.set_title("Data and least-squares line")

    span = 1.5 * max(np.abs(coef).max(), 1.0)
    c0 = np.linspace(coef[0] - span, coef[0] + span, 121)
    c1 = np.linspace(coef[1] - span, coef[1] + span, 121)
    C0, C1 = np.meshgrid(c0, c1)
    R = C0[..., None] * F[:, 0] + C1[..., None] * F[:, 1] - y
    loss = np.sum(R**2, axis=-1)
    right.contour(C0, C1, loss, levels=np.quantile(loss, np.linspace(0.02, 0.9, 12)),
                  cmap="viridis", linewidths=1)
    g = np.linspace(-0.7, 0.7, 3) * span
    P = np.array([(coef[0] + u, coef[1] + v) for u in g for v in g if u or v])
    G = np.array([2 * F.T @ (F @ p - y) for p in P])
    scale = 0.35 * span / np.abs(G).max()
    right.quiver(P[:, 0], P[:, 1], -G[:, 0] * scale, -G[:, 1] * scale, angles="xy",
                 scale_units="xy", scale=1, color="tab:red", width=0.006, label="minus gradient")
    right.plot(*coef, "*", color="black", ms=14, label="minimiser")
    right.set_xlabel("intercept c0")
    right.set_ylabel("slope c1")
    right.set_aspect("equal")
    # the contours fill the panel: the legend goes below it
    right.legend(**_legend_options(dict(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)))
    right.set_title("Loss contours and gradient")
    fig.tight_layout(rect=(0, 0.07, 1, 1))  # room for the legend below
    return fig
