"""The book's figure style, and figures that several chapters draw.

The convention of all the book's pictures: a function that draws one panel
takes ``ax=None`` and draws into it (into a new
:class:`~mathnotes._figures.CellFigure` when omitted); a function that draws
several panels makes its own figure. Either way it returns the
``matplotlib.figure.Figure``, and none uses pyplot's global state. Every
chapter calls :func:`use_book_style` in its first cell: one set of sizes for
the whole book, chosen for its text column.
"""

import matplotlib
import numpy as np
from IPython import get_ipython
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy


from mathnotes._figures import CellFigure, png_with_size
from mathnotes._validate import finite_array, integer, real


# The book's text column shows a figure at most COLUMN_INCHES wide at its natural size (a
# figure inch is 100 CSS pixels: 671 px measured at a 1280 px window). A wider figure is
# scaled down, so its text must stay readable (at least 9 CSS pixels) at that scale.
COLUMN_INCHES = 6.7
MAX_FIGURE_INCHES = 8.0  # the widest figure: its smallest text (8 pt) is shown at 9.3 px
BOOK_STYLE = {
    "font.size": 9.0,
    "axes.titlesize": 10.0,  # one title size for every panel
    "axes.labelsize": 9.0,
    "xtick.labelsize": 8.0,  # the smallest text of the book
    "ytick.labelsize": 8.0,
    "legend.fontsize": 8.0,
    "figure.titlesize": 11.0,
    "axes.titlepad": 5.0,
    "lines.linewidth": 1.5,
    "figure.facecolor": "white",  # a white card also in dark mode
    "savefig.facecolor": "white",
    "axes.facecolor": "white",
    "figure.dpi": 100.0,  # CSS pixels per inch; the PNGs have twice as many
}
SMALLEST_FONT_POINTS = min(BOOK_STYLE[key] for key in BOOK_STYLE if key.endswith("size"))

_CELL_INCHES = 0.45  # side of one matrix entry in plot_matrices
_MIN_COLUMNS = 2.4  # a panel is at least this many cells wide, to leave room for its title


def use_book_style():
    """Set the book's Matplotlib style, and sharp pictures for pyplot's figures.

    Sets :data:`BOOK_STYLE` in ``matplotlib.rcParams``; in a notebook, also
    shows pyplot's figures through the one PNG renderer,
    :func:`mathnotes._figures.png_bytes` (twice the pixels of the shown size,
    a 256-colour palette), as :class:`~mathnotes._figures.CellFigure` does.
    Call it once, in a chapter's first cell, after importing pyplot.

    Examples
    --------
    >>> import matplotlib
    >>> use_book_style()
    >>> matplotlib.rcParams["xtick.labelsize"] == SMALLEST_FONT_POINTS
    True
    """
    matplotlib.rcParams.update(BOOK_STYLE)
    shell = get_ipython()
    if shell is not None:
        # importing the inline backend registers its own PNG printer for figures (once);
        # ours must come after it
        import matplotlib_inline.backend_inline  # noqa: F401

        shell.display_formatter.formatters["image/png"].for_type(Figure, png_with_size)


def as_matrix(array, name):
    """A float64 2-D copy of ``array``; 0-d becomes 1x1; 1-d is refused.

    Parameters
    ----------
    array : array_like
        A number or a 2-D array of finite numbers.
    name : str
        The argument's name, for the error messages.

    Returns
    -------
    numpy.ndarray
        A 2-D copy.

    Raises
    ------
    ValueError
        If ``array`` is 1-D (it has no orientation), more than 2-D, empty or
        not finite.
    """
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
    xlabel=None,
    ylabel=None,
):
    """Draw matrices side by side as annotated heat maps with equal cell sizes.

    Every entry is a square of the same size in every panel, so a 1x4 row
    looks like a row and a 4x1 column like a column. All panels share one
    colour scale, symmetric about zero (red positive, blue negative).
    :class:`MatrixPicture` draws the same picture and can show new values.

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
    xlabel, ylabel : str, optional
        Labels of the columns and of the rows, under and beside every panel.

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
    zero_below = real(zero_below, "zero_below", minimum=0)
    mats = [as_matrix(m, f"matrices[{k}]") for k, m in enumerate(matrices)]
    mats = [np.where(np.abs(m) < zero_below, 0.0, m) for m in mats]
    vmax = max(float(np.max(np.abs(m))) for m in mats) or 1.0
    picture = MatrixPicture([m.shape for m in mats], vmax, fmt=fmt, zero_below=zero_below,
                            cmap=cmap, suptitle=suptitle, show_shape=show_shape,
                            xlabel=xlabel, ylabel=ylabel)
    return picture.update(mats, titles)


class MatrixPicture:
    """The annotated heat maps of :func:`plot_matrices`, built once; ``update`` shows new values.

    For a picture drawn again and again (a slider): the matrices keep their
    shapes and the colour scale is fixed, so only the images, the numbers in
    the cells, their grid lines and the titles are redrawn. They are
    animated artists, drawn after the rest of the figure in the order they
    were made (see :class:`mathnotes._figures.FigureRedrawer`); a saved
    figure draws them as any other.

    Parameters
    ----------
    shapes : list of tuple of int
        The ``(rows, columns)`` of each matrix.
    vmax : float
        The colour scale runs from ``-vmax`` (blue) to ``vmax`` (red); choose
        it to fit every value the picture will show. Numbers larger than
        ``0.6 * vmax`` in size sit on dark cells and are written in white.
    fmt, zero_below, cmap, suptitle, show_shape, xlabel, ylabel
        As for :func:`plot_matrices`.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The picture, the same object after every update.
    axes : numpy.ndarray
        One axes per matrix.
    """

    def __init__(self, shapes, vmax, *, fmt="{:.2g}", zero_below=1e-9, cmap="RdBu_r",
                 suptitle=None, show_shape=True, xlabel=None, ylabel=None):
        self._fmt, self._zero_below, self._vmax = fmt, zero_below, vmax
        self._shapes = [tuple(shape) for shape in shapes]
        self._show_shape = show_shape
        rows = max(m for m, _ in self._shapes)
        # room for a title above a narrow column
        widths = [max(n, _MIN_COLUMNS) for _, n in self._shapes]
        cells_across = sum(widths) + 0.9 * len(widths)
        # many columns get smaller cells: the figure stays within the widest figure
        cell = min(_CELL_INCHES, (MAX_FIGURE_INCHES - 0.4) / cells_across)
        width = cell * cells_across + 0.4
        height = cell * rows + (1.6 if suptitle else 1.2)
        self.figure = CellFigure(figsize=(width, height), layout="constrained")
        self.axes = self.figure.subplots(1, len(widths), squeeze=False,
                                         gridspec_kw={"width_ratios": widths})[0]
        self._images, self._texts = [], []
        for ax, (m, n) in zip(self.axes, self._shapes):
            self._images.append(ax.imshow(np.zeros((m, n)), cmap=cmap, vmin=-vmax, vmax=vmax,
                                          aspect="equal", animated=True))
            # the outer borders lie on the axes' edges: unclipped, they are drawn whole
            ax.hlines(np.arange(m + 1) - 0.5, -0.5, n - 0.5, color="0.4", linewidth=0.6,
                      clip_on=False, animated=True)
            ax.vlines(np.arange(n + 1) - 0.5, -0.5, m - 0.5, color="0.4", linewidth=0.6,
                      clip_on=False, animated=True)
            self._texts.append([[ax.text(j, i, "", ha="center", va="center", fontsize=9,
                                         animated=True) for j in range(n)] for i in range(m)])
            ax.set_xticks(range(n), [str(j + 1) for j in range(n)])
            ax.set_yticks(range(m), [str(i + 1) for i in range(m)])
            ax.tick_params(length=0)
            ax.xaxis.tick_top()  # column numbers next to the cells, even for a short matrix
            ax.set_xlim(-0.5, max(n, _MIN_COLUMNS) - 0.5)  # narrow matrices keep the cell size
            ax.set_ylim(rows - 0.5, -0.5)
            for side in ("top", "right", "bottom", "left"):
                ax.spines[side].set_visible(False)
            ax.set_title("", animated=True)
            if xlabel:
                ax.set_xlabel(xlabel)
            if ylabel:
                ax.set_ylabel(ylabel)
        if suptitle:
            self.figure.suptitle(suptitle)

    def update(self, matrices, titles):
        """Show new matrices, of the shapes given at construction, and titles.

        Parameters
        ----------
        matrices : list of numpy.ndarray
            2-D float arrays, one per panel; not checked (check them once,
            before a slider moves).
        titles : list of str
            One title per panel.

        Returns
        -------
        matplotlib.figure.Figure
            The picture's figure, the same object every time.
        """
        for ax, image, texts, matrix, title, shape in zip(
                self.axes, self._images, self._texts, matrices, titles, self._shapes):
            matrix = np.where(np.abs(matrix) < self._zero_below, 0.0, matrix)
            image.set_data(matrix)
            for row, values in zip(texts, matrix):
                for text, value in zip(row, values):
                    text.set_text(self._fmt.format(value + 0.0))  # + 0.0: -0.0 becomes 0.0
                    text.set_color("white" if abs(value) > 0.6 * self._vmax else "black")
            label = f"{title}\n({_shape_text(shape)})" if self._show_shape else title
            ax.title.set_text(label.strip())
        return self.figure


def plot_matmul_shapes(left, right, *, names=("A", "B", "C"), title=None, ax=None,
                       figsize=(8.0, 3.0)):
    """Draw the product ``C = A @ B`` as grids of cells sized by the shapes.

    Each matrix is a grid with one cell per entry, named above and with its
    shape below, so the inner sizes that must agree sit side by side; arrows
    mark that shared size: the columns of ``A`` and the rows of ``B``.

    Parameters
    ----------
    left : tuple of int
        The shape ``(m, k)`` of the left factor.
    right : tuple of int
        The shape ``(k, n)`` of the right factor; its number of rows must
        equal the number of columns of the left one.
    names : tuple of str, optional
        Three labels: for the left factor, the right factor and the product.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made if omitted.
    figsize : tuple of float, optional
        Figure size in inches, for a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of the axes: one rectangle per entry of the three matrices.

    Raises
    ------
    TypeError
        If a size is not an integer.
    ValueError
        If a shape does not have two positive sizes, the inner sizes differ,
        or ``names`` does not hold three labels.
    """
    shapes = []
    for label, shape in (("left", left), ("right", right)):
        if len(shape) != 2:
            raise ValueError(f"{label} must be a shape (rows, columns), got {shape!r}")
        shapes.append(tuple(integer(size, f"{label}[{i}]") for i, size in enumerate(shape)))
    (m, k), (k_right, n) = shapes
    if len(names) != 3:
        raise ValueError(f"names must hold three labels, got {names!r}")
    if k != k_right:
        raise ValueError(
            f"inner sizes differ: {names[0]} is {m}x{k} and {names[1]} is {k_right}x{n}; "
            "a product needs the columns of the left to match the rows of the right"
        )
    if ax is None:
        ax = CellFigure(figsize=figsize).add_subplot()
    gap, x, top = 2.0, 0.0, max(m, k) + 0.5
    blocks = [(names[0], m, k), (names[1], k, n), (names[2], m, n)]
    for i, ((name, rows, cols), colour) in enumerate(zip(blocks, ("C0", "C1", "C2"))):
        for r in range(rows):
            for c in range(cols):
                ax.add_patch(Rectangle((x + c, top - r - 1), 1, 1, facecolor=colour, alpha=0.35,
                                       edgecolor="k", linewidth=0.6))
        ax.text(x + cols / 2, top + 0.3, name, ha="center", va="bottom", fontsize=11)
        ax.text(x + cols / 2, top - rows - 0.35, f"{rows} × {cols}", ha="center", va="top",
                fontsize=11)
        x += cols
        if i < 2:
            space = gap if i == 0 else gap + 0.6  # room for the arrow right of the second factor
            ax.text(x + space / 2 + (0.3 if i else 0.0), top - max(m, k) / 2, ("@", "=")[i],
                    ha="center", va="center", fontsize=16)
            x += space
    # the shared size: the columns of the left factor (below its shape, a fixed distance in
    # points whatever the scale) and the rows of the right one
    arrow_row = offset_copy(ax.transData, fig=ax.figure, y=-22, units="points")
    ax.annotate("", xy=(0, top - m - 0.35), xytext=(k, top - m - 0.35), xycoords=arrow_row,
                textcoords=arrow_row, arrowprops={"arrowstyle": "<->", "color": "C3"})
    ax.text(k / 2, top - m - 0.35, f"{k} columns", color="C3", ha="center", va="top", fontsize=9,
            transform=offset_copy(ax.transData, fig=ax.figure, y=-25, units="points"))
    right_edge = k + gap + n + 0.3
    ax.annotate("", xy=(right_edge, top), xytext=(right_edge, top - k),
                arrowprops={"arrowstyle": "<->", "color": "C3"})
    ax.text(right_edge + 0.15, top - k / 2, f"{k} rows", color="C3", ha="left", va="center",
            rotation=90, fontsize=9)
    ax.set_xlim(-0.5, x + 0.5)
    ax.set_ylim(top - max(m, k) - 2.2, top + 1.2)  # the tallest block: the left factor or the right
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax.figure


def _checked_curves(curves, log):
    """Float64 1-D copies of the curves, after checking what a loss plot needs."""
    if not isinstance(curves, dict):
        raise TypeError(f"curves must be a dict of label -> losses, got {type(curves).__name__}")
    if not curves:
        raise ValueError("give at least one curve")
    checked = {}
    for label, losses in curves.items():
        values = finite_array(losses, f"curves[{label!r}]", ndim=1)
        if log and np.any(values <= 0):
            raise ValueError(f"curves[{label!r}] has a loss <= 0; use log=False to draw it")
        checked[str(label)] = values
    return checked


def moving_average(values, window):
    """The moving average of ``values`` over ``window`` steps, centred, as the loss plots draw it.

    Parameters
    ----------
    values : ndarray
        Shape (n,), the losses of steps ``0 .. n-1``.
    window : int
        Steps averaged (shortened to ``n`` if longer).

    Returns
    -------
    steps, averages : ndarray
        The steps at which the averages are drawn and the averages, each of shape
        ``(n - window + 1,)``.
    """
    window = min(window, values.size)
    averages = np.convolve(values, np.ones(window) / window, mode="valid")
    offset = (values.size - averages.size) // 2
    return np.arange(offset, offset + averages.size), averages


def plot_loss_curves(curves, *, window=None, xlabel="step", ylabel="loss", title=None,
                     log=True, ax=None, figsize=(6.4, 3.6)):
    """Loss against step for one or more training runs, one colour each.

    Parameters
    ----------
    curves : dict of str to array_like
        Run label to the sequence of losses it recorded (1-D, finite, at
        least one value; positive if ``log`` is true).
    window : int, optional
        If given, each run is drawn faintly and its moving average over
        ``window`` steps (shortened to the run's length if needed) in bold:
        what to read when every step's loss is noisy. By default each run is
        one line.
    xlabel : str, optional
        Label of the horizontal axis.
    ylabel : str, optional
        Label of the vertical axis.
    title : str, optional
        Axes title.
    log : bool, optional
        Draw the loss on a logarithmic scale.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made if omitted.
    figsize : tuple of float, optional
        Figure size in inches, for a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of the axes: one line per run (two with ``window``: raw,
        then the moving average) and a legend naming the runs.

    Raises
    ------
    TypeError
        If ``curves`` is not a dict, or a curve is not a sequence of numbers.
    ValueError
        If it is empty, a curve is not a finite non-empty 1-D array, a loss
        is not positive on a logarithmic scale, or ``window`` is not a
        positive integer.
    """
    checked = _checked_curves(curves, log)
    if window is not None:
        window = integer(window, "window")
    if ax is None:
        fig = CellFigure(figsize=figsize, layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    for i, (label, values) in enumerate(checked.items()):
        steps = np.arange(values.size)
        if window is None:
            ax.plot(steps, values, color=f"C{i}", linewidth=1.4, label=label)
            continue
        ax.plot(steps, values, color=f"C{i}", alpha=0.25, linewidth=0.8)
        ax.plot(*moving_average(values, window), color=f"C{i}", linewidth=2.0, label=label)
    if log:
        ax.set_yscale("log")
    # steps and epochs are whole numbers; at most 6 labels of up to 4 digits fit a half-column
    # panel, whatever the number of steps
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return fig
