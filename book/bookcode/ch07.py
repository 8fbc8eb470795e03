"""The book's code for chapter 7: a toy data set, a reference training loop, its pictures.

The spirals data set is made by code from a seeded generator (nothing is
downloaded). The reference training loop trains the two-layer network of the
chapter with mini-batch SGD: it checks its arguments once, then runs plain
NumPy arithmetic, the same operations in the same order as the layers of
:mod:`mathnotes.nn`, with no checks inside the loop (the chapter's widget
retrains on every slider move). The pictures show a classifier's decision
regions over the data and those regions beside the loss recorded during
training; each returns a :class:`~mathnotes._figures.CellFigure`, shown when
it is the value of a notebook cell.
"""

import numpy as np
from matplotlib.colors import ListedColormap

from bookcode.figures import plot_loss_curves
from mathnotes._figures import CellFigure
from mathnotes._validate import finite_array, function, integer, real
from mathnotes.nn import Linear, ReLU, Sequential
from mathnotes.nn._losses import _softmax_cross_entropy

_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
_MARKERS = ["o", "s", "^", "D", "v", "P"]


def make_spirals(n_per_class=100, n_classes=3, *, turns=0.75, noise=0.2, seed=0):
    """Points on interleaved spiral arms in the plane, one arm per class.

    Arm ``k`` starts at the origin and winds outwards: its ``i``-th point
    has radius ``r = i / (n_per_class - 1)`` and angle
    ``2 pi (k / n_classes + turns * r)`` plus Gaussian noise of standard
    deviation ``noise`` (in radians). No straight line separates two arms,
    so a linear classifier does badly and a small ReLU network does well.

    Parameters
    ----------
    n_per_class : int, optional
        Points on each arm (at least 2).
    n_classes : int, optional
        Number of arms, i.e. classes (at least 2).
    turns : float, optional
        How many full turns an arm makes from the centre to radius 1
        (non-negative).
    noise : float, optional
        Standard deviation of the angular noise in radians (non-negative).
    seed : int or numpy.random.Generator, optional
        Seed for ``numpy.random.default_rng``.

    Returns
    -------
    X : ndarray
        Shape (n_classes * n_per_class, 2), float64.
        The points, one per row (sample-first), arm after arm.
    y : ndarray
        Shape (n_classes * n_per_class,), int.
        The class (arm) of each row, in ``0 .. n_classes - 1``.

    Raises
    ------
    ValueError
        If a count is too small or ``turns`` or ``noise`` is negative or not
        finite.
    TypeError
        If ``turns`` or ``noise`` is not a real number.

    Examples
    --------
    >>> X, y = make_spirals(50, 3, seed=1)
    >>> X.shape, y.shape
    ((150, 2), (150,))
    >>> sorted(set(y.tolist()))
    [0, 1, 2]
    """
    n_per_class = integer(n_per_class, "n_per_class", minimum=2)
    n_classes = integer(n_classes, "n_classes", minimum=2)
    turns = real(turns, "turns", minimum=0)
    noise = real(noise, "noise", minimum=0)
    rng = np.random.default_rng(seed)
    radius = np.linspace(0.0, 1.0, n_per_class)
    points, labels = [], []
    for k in range(n_classes):
        angle = 2 * np.pi * (k / n_classes + turns * radius)
        angle = angle + noise * rng.standard_normal(n_per_class)
        points.append(np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]))
        labels.append(np.full(n_per_class, k, dtype=int))
    return np.concatenate(points), np.concatenate(labels)


def _points_and_labels(X, y):
    """Float64 copy of 2-d points ``X`` (N, 2) and int labels ``y`` (N,), checked."""
    X = finite_array(X, "X", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2), one point per row; got {X.shape}")
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape (N,) = ({X.shape[0]},), one label per row of X; got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
    if y.min() < 0:
        raise ValueError("class labels in y must be >= 0")
    if y.max() >= len(_COLORS):
        raise ValueError(f"at most {len(_COLORS)} classes can be drawn, got labels up to {y.max()}")
    return X, y.astype(int)


def train_two_layer(X, y, *, hidden=32, lr=0.5, steps=2000, batch_size=32, seed=0,
                    mask_relu_gradient=True):
    """Train ``Linear -> ReLU -> Linear`` with softmax cross-entropy and mini-batch SGD.

    Each step draws ``batch_size`` distinct rows at random, runs the forward
    pass, the loss (mean over the batch), the backward pass and one update
    ``p -= lr * dp`` of every parameter. All randomness (initial weights and
    batches) comes from one ``numpy.random.default_rng(seed)``, so a run is
    reproducible. The arguments are checked once; the loop is plain NumPy,
    the same operations in the same order as ``forward``, ``backward`` and
    ``update`` of the layers of :mod:`mathnotes.nn` (so the losses are equal
    to the last bit), without their checks at every step.

    Parameters
    ----------
    X : array_like
        Shape (N, 2).
        Training points, one per row.
    y : array_like of int
        Shape (N,).
        Class labels in ``0 .. K-1``; the network gets ``K = max(y) + 1`` outputs.
    hidden : int, optional
        Width of the hidden layer.
    lr : float, optional
        Learning rate (positive).
    steps : int, optional
        Number of SGD steps.
    batch_size : int, optional
        Rows per mini-batch, at most ``N``.
    seed : int, optional
        Seed of the generator for the weights and the batches.
    mask_relu_gradient : bool, optional
        If false, the backward pass of the ReLU wrongly lets the gradient
        through unchanged (the mask is dropped): the pitfall of the chapter,
        to see what a wrong gradient does to training.

    Returns
    -------
    net : mathnotes.nn.Sequential
        The trained network, ``Linear -> ReLU -> Linear``.
    losses : ndarray
        Shape (steps,).
        The mini-batch loss before each update.

    Raises
    ------
    TypeError
        If a count is not an integer or ``y`` does not hold integers.
    ValueError
        If a count is below 1, ``lr`` is not positive, ``batch_size``
        exceeds ``N``, or ``X`` or ``y`` have the wrong shape.
    """
    X, y = _points_and_labels(X, y)
    hidden = integer(hidden, "hidden")
    lr = real(lr, "lr", minimum=0, strict=True)
    steps = integer(steps, "steps")
    batch_size = integer(batch_size, "batch_size")
    if batch_size > X.shape[0]:
        raise ValueError(f"batch_size={batch_size} is larger than the {X.shape[0]} points in X")
    rng = np.random.default_rng(seed)
    first = Linear(2, hidden, rng=rng)
    second = Linear(hidden, int(y.max()) + 1, rng=rng)
    W1, b1, W2, b2 = first.W, first.b, second.W, second.b  # updated in place below
    losses = np.empty(steps)
    for step in range(steps):
        rows = rng.choice(X.shape[0], size=batch_size, replace=False)
        batch = X[rows]
        Z = batch @ W1 + b1  # forward
        active = Z > 0
        A = np.where(active, Z, 0.0)
        losses[step], dS = _softmax_cross_entropy(A @ W2 + b2, y[rows], "mean")
        dA = dS @ W2.T  # backward, then the update, as Sequential.backward and .update
        dZ = np.where(active, dA, 0.0) if mask_relu_gradient else dA
        W2 -= lr * (A.T @ dS)
        b2 -= lr * dS.sum(axis=0)
        W1 -= lr * (batch.T @ dZ)
        b1 -= lr * dZ.sum(axis=0)
    return Sequential(first, ReLU(), second), losses


def _class_predictions(predict, points):
    out = np.asarray(predict(points))
    if out.ndim == 2 and out.shape[0] == points.shape[0]:
        return out.argmax(axis=1)  # scores, one column per class
    if out.shape == (points.shape[0],):
        return out.astype(int)
    raise ValueError(
        "predict must return class labels of shape (M,) or scores of shape (M, K) for an "
        f"(M, 2) array of points; for M={points.shape[0]} it returned shape {out.shape}"
    )


def plot_decision_boundary(predict, X, y, *, ax=None, resolution=200, margin=0.2, title=None,
                           figsize=(4.6, 4.4)):
    """Colour the plane by the class a classifier predicts, and show the data on top.

    Parameters
    ----------
    predict : callable
        ``predict(P)`` for an array ``P`` of shape (M, 2) returns class labels,
        shape (M,), or class scores, shape (M, K) (the largest score wins).
    X : array_like
        Shape (N, 2).
        The data points.
    y : array_like of int
        Shape (N,).
        Their classes (at most six).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made if omitted.
    resolution : int, optional
        Grid points per axis at which ``predict`` is evaluated.
    margin : float, optional
        Extra space around the data, as a fraction of its range.
    title : str, optional
        Axes title.
    figsize : tuple of float, optional
        Figure size in inches, for a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of ``ax``. The axes holds one image of the predicted
        regions and one scatter collection per class (a distinct colour and
        marker each).

    Raises
    ------
    ValueError
        If ``X`` or ``y`` have the wrong shape, ``resolution`` is below 2,
        or ``predict`` returns the wrong shape.
    TypeError
        If ``predict`` is not callable.
    """
    function(predict, "predict", takes="an (M, 2) array of points")
    X, y = _points_and_labels(X, y)
    resolution = integer(resolution, "resolution", minimum=2)
    margin = real(margin, "margin", minimum=0)
    if ax is None:
        ax = CellFigure(figsize=figsize, layout="constrained").add_subplot()
    low, high = X.min(axis=0), X.max(axis=0)
    pad = margin * np.maximum(high - low, 1e-9)
    xs = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
    ys = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    regions = _class_predictions(predict, grid).reshape(gx.shape)
    n_colors = max(int(y.max()), int(regions.max()), 0) + 1
    if n_colors > len(_COLORS) or regions.min() < 0:
        raise ValueError(f"predict returned labels outside 0 .. {len(_COLORS) - 1}")
    cmap = ListedColormap(_COLORS[:n_colors])
    ax.imshow(regions, origin="lower", extent=(xs[0], xs[-1], ys[0], ys[-1]), cmap=cmap,
              vmin=-0.5, vmax=n_colors - 0.5, alpha=0.25, interpolation="nearest", aspect="auto")
    for k in range(int(y.max()) + 1):
        mine = y == k
        ax.scatter(X[mine, 0], X[mine, 1], s=14, c=_COLORS[k], marker=_MARKERS[k],
                   edgecolors="black", linewidths=0.4, label=f"class {k}")
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    if title is not None:
        ax.set_title(title)
    return ax.figure


def plot_training_run(X, y, *, hidden=32, lr=0.5, steps=2000, batch_size=32, seed=0,
                      resolution=120, figsize=(7.4, 3.5)):
    """Train with ``train_two_layer`` and draw the decision regions next to the loss.

    This is the draw function of the chapter's widget: every argument can
    be a slider.

    Parameters
    ----------
    X, y : array_like
        Shapes (N, 2) and (N,): the data, as for ``train_two_layer``.
    hidden, lr, steps, batch_size, seed
        Passed to ``train_two_layer``.
    resolution : int, optional
        Grid points per axis for the decision regions.
    figsize : tuple of float, optional
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: the decision regions with the data (left; the title gives
        the training accuracy) and the loss history (right).
    """
    net, losses = train_two_layer(X, y, hidden=hidden, lr=lr, steps=steps,
                                  batch_size=batch_size, seed=seed)
    X, y = _points_and_labels(X, y)
    accuracy = float(np.mean(net.forward(X).argmax(axis=1) == y))
    fig = CellFigure(figsize=figsize, layout="constrained")
    left, right = fig.subplots(1, 2)
    plot_decision_boundary(net.forward, X, y, ax=left, resolution=resolution,
                           title=f"hidden={hidden}, lr={lr:g}: accuracy {accuracy:.1%}")
    plot_loss_curves({f"{steps} steps": losses}, window=50, ax=right, xlabel="SGD step",
                     ylabel="mini-batch loss", title="loss during training")
    return fig
