"""Training a small classifier and drawing what it learned.

Used by the chapter that trains a two-layer network from scratch: a
reference training loop built from the layers of ``mathnotes.nn``,
the decision regions of a classifier over a 2-D data set, and those regions
beside the loss recorded during training (the picture the chapter's widget
redraws). Every drawing function returns a ``matplotlib.figure.Figure`` that
pyplot does not manage: it is shown when it is the value of a notebook cell.
"""

import numbers

import numpy as np
from matplotlib.colors import ListedColormap

from mathnotes._figures import CellFigure
from mathnotes.nn import Linear, ReLU, Sequential, softmax_cross_entropy
from mathnotes._loss_plots import plot_loss_curves

__all__ = [
    "train_two_layer",
    "plot_decision_boundary",
    "plot_training_run",
]

_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
_MARKERS = ["o", "s", "^", "D", "v", "P"]


def _points_and_labels(X, y):
    """Float64 copy of 2-d points ``X`` (N, 2) and int labels ``y`` (N,), checked."""
    X = np.array(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(f"X must have shape (N, 2) with N >= 1, one point per row; got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values")
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


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def train_two_layer(X, y, *, hidden=32, lr=0.5, steps=2000, batch_size=32, seed=0,
                    activation=ReLU):
    """Train ``Linear -> activation -> Linear`` with softmax cross-entropy and mini-batch SGD.

    Each step draws ``batch_size`` distinct rows at random, runs the forward
    pass, the loss (mean over the batch), the backward pass and one update
    ``p -= lr * dp`` of every parameter. All randomness (initial weights and
    batches) comes from one ``numpy.random.default_rng(seed)``, so a run is
    reproducible.

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
    activation : callable, optional
        Called with no argument to make the middle layer (default
        ``mathnotes.ReLU``); pass a class with a deliberately broken
        ``backward`` to see what a wrong gradient does to training.

    Returns
    -------
    net : mathnotes.Sequential
        The trained network.
    losses : ndarray
        Shape (steps,).
        The mini-batch loss before each update.

    Raises
    ------
    ValueError
        If a count is not a positive integer, ``batch_size`` exceeds ``N``,
        or ``X`` or ``y`` have the wrong shape.
    """
    X, y = _points_and_labels(X, y)
    hidden = _positive_int("hidden", hidden)
    steps = _positive_int("steps", steps)
    batch_size = _positive_int("batch_size", batch_size)
    if batch_size > X.shape[0]:
        raise ValueError(f"batch_size={batch_size} is larger than the {X.shape[0]} points in X")
    if not callable(activation):
        raise TypeError("activation must be a class or function returning a layer, e.g. ReLU")
    rng = np.random.default_rng(seed)
    n_classes = int(y.max()) + 1
    net = Sequential(Linear(2, hidden, rng=rng), activation(), Linear(hidden, n_classes, rng=rng))
    losses = np.empty(steps)
    for step in range(steps):
        rows = rng.choice(X.shape[0], size=batch_size, replace=False)
        loss, dscores = softmax_cross_entropy(net.forward(X[rows]), y[rows])
        net.backward(dscores)
        net.update(lr)
        losses[step] = loss
    return net, losses


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
    if not callable(predict):
        raise TypeError(f"predict must be a function of an (M, 2) array, got {type(predict).__name__}")
    X, y = _points_and_labels(X, y)
    resolution = _positive_int("resolution", resolution)
    if resolution < 2:
        raise ValueError("resolution must be at least 2")
    if ax is None:
        fig = CellFigure(figsize=figsize, layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
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
    return fig


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
