"""The book's code for chapter 7: a toy data set, a reference training loop, its pictures.

The spirals data set is made by code from a seeded generator (nothing is
downloaded). The reference training loop trains the two-layer network of the
chapter with mini-batch SGD: it checks its arguments once, then runs plain
NumPy arithmetic, that of the layers of :mod:`mathnotes.nn` in the same
order, with no checks inside the loop. :class:`TrainingRuns` remembers runs
so that the chapter's widget looks a run up or resumes it instead of
training it anew on every slider move. The pictures show a classifier's
decision regions over the data and those regions beside the loss recorded
during training; each returns a :class:`~mathnotes._figures.CellFigure`,
shown when it is the value of a notebook cell. :class:`TrainingRunPicture`,
the widget's figure, is built once and updated in place; :func:`explorer_sliders`
and :func:`training_explorer` put sliders around it.
"""

from collections import OrderedDict
from weakref import WeakValueDictionary

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import ListedColormap

from bookcode.figures import moving_average, plot_loss_curves
from mathnotes._figures import CellFigure
from mathnotes._validate import finite_array, function, integer, real
from mathnotes.interactive import interactive_figure
from mathnotes.nn import Linear, ReLU, Sequential

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


def _initial_parameters(hidden, n_classes, rng):
    """``W1, b1, W2, b2`` of ``Linear(2, hidden)``, ``Linear(hidden, n_classes)``, from ``rng``."""
    first = Linear(2, hidden, rng=rng)
    second = Linear(hidden, n_classes, rng=rng)
    return first.W, first.b, second.W, second.b


def _classes(parameters, points, block=1024):
    """The class ``Linear -> ReLU -> Linear`` predicts for each row of ``points`` (largest score).

    The scores are those of ``Sequential.forward``; the points go through in
    blocks of ``block`` rows, whose arrays stay in the CPU's cache (on a grid
    of 14400 points, ten times faster than all at once).
    """
    W1, b1, W2, b2 = parameters
    classes = np.empty(len(points), np.intp)
    for start in range(0, len(points), block):
        Z = points[start:start + block] @ W1
        Z += b1
        S = np.maximum(Z, 0.0, out=Z) @ W2
        S += b2
        classes[start:start + block] = S.argmax(axis=1)
    return classes


def _sgd_steps(parameters, X, y, rows, lr, mask_relu_gradient):
    """Train ``parameters = (W1, b1, W2, b2)`` in place, one SGD step per row of ``rows``.

    Step ``t`` trains on the rows ``rows[t]`` of ``X`` and ``y``: the
    arithmetic of ``forward``, ``softmax_cross_entropy``, ``backward`` and
    ``update`` of :mod:`mathnotes.nn` in the same order, with fewer NumPy
    calls and temporary arrays. The ReLU is ``maximum(Z, 0)`` and its
    backward pass ``dA * (Z > 0)`` where the layers use ``np.where``, twice
    as fast at width 64; they differ only in the sign of a zero, which
    changes no result: a zero's sign can differ only in a sum whose terms
    are all zero, and subtracting ``lr`` times such a sum leaves a parameter
    as it is (no parameter is ever ``-0.0``: each starts random or ``+0.0``,
    and ``x - z`` is ``-0.0`` only if ``x`` is). So the losses and the
    parameters equal the layers' to the last bit (a test checks it).
    Returns the loss of every step, shape (len(rows),).
    """
    steps, size = rows.shape
    # the parameters and their gradients as views of two flat arrays: one update per step
    flat = np.concatenate([parameter.ravel() for parameter in parameters])
    W1, b1, W2, b2 = _views(flat, parameters)
    gradient = np.empty_like(flat)
    dW1, db1, dW2, db2 = _views(gradient, parameters)
    batches = X[rows]  # every step's batch, (steps, size, 2)
    one_hot = np.eye(W2.shape[1])[y[rows]]  # its labels, (steps, size, K)
    log_probs = np.empty_like(one_hot)
    dot, exp, log, maximum, subtract = np.dot, np.exp, np.log, np.maximum, np.subtract
    row_max, add_up = np.maximum.reduce, np.add.reduce
    W2_T = W2.T  # a view: follows the updates of W2
    for batch, target, log_prob in zip(batches, one_hot, log_probs):
        Z = dot(batch, W1)  # forward: Z = X W1 + b1, A = relu(Z), S = A W2 + b2
        Z += b1
        active = Z > 0
        A = maximum(Z, 0.0)
        S = dot(A, W2)
        S += b2
        S -= row_max(S, axis=1, keepdims=True)  # the loss: log-softmax, then dS
        subtract(S, log(add_up(exp(S), axis=1, keepdims=True)), out=log_prob)
        dS = exp(log_prob)
        dS -= target
        dS /= size
        dZ = dot(dS, W2_T)  # backward, then the update, as Sequential.backward and .update
        if mask_relu_gradient:
            dZ *= active
        dot(A.T, dS, out=dW2)
        add_up(dS, axis=0, out=db2)
        dot(batch.T, dZ, out=dW1)
        add_up(dZ, axis=0, out=db1)
        gradient *= lr
        flat -= gradient
    for parameter, trained in zip(parameters, (W1, b1, W2, b2)):
        parameter[...] = trained
    picked = log_probs[one_hot == 1.0].reshape(steps, size)  # log-probability of each label
    return (-picked).mean(axis=1)


def _views(flat, like):
    """Views of ``flat``, one after another, with the shapes of the arrays ``like``."""
    views, start = [], 0
    for array in like:
        views.append(flat[start:start + array.size].reshape(array.shape))
        start += array.size
    return views


class _Batches:
    """The generator of a run after its initial weights, and the batch rows it drew.

    The initial weights and the batches come from one generator, weights
    first, so they depend on ``hidden`` but not on the learning rate: runs
    that differ only in it share one ``_Batches``.
    """

    def __init__(self, n_rows, n_classes, hidden, batch_size, seed):
        self._rng = np.random.default_rng(seed)
        self.initial = _initial_parameters(hidden, n_classes, self._rng)
        self._n_rows = n_rows
        # the smallest integer type that holds a row number (2 bytes up to 65536 rows)
        self._rows = np.empty((0, batch_size), np.min_scalar_type(n_rows - 1))

    def rows(self, start, stop):
        """The rows of the batches of steps ``start .. stop - 1``, shape (stop - start, size)."""
        drawn, size = self._rows.shape
        if stop > drawn:
            more = np.empty((stop - drawn, size), self._rows.dtype)
            for row in more:
                row[:] = self._rng.choice(self._n_rows, size=size, replace=False)
            self._rows = np.concatenate([self._rows, more])
        return self._rows[start:stop]


class _Run:
    """One run: its parameters after the steps trained so far, every loss, and snapshots."""

    def __init__(self, X, y, batches, lr, mask_relu_gradient, every):
        self._data, self._batches, self._every = (X, y), batches, every
        self._settings = lr, mask_relu_gradient
        self._parameters = [array.copy() for array in batches.initial]
        self._snapshots = [batches.initial]  # the parameters after 0, every, 2 every, ... steps
        self._losses = np.empty(0)
        self._done = 0

    def after(self, steps):
        """Copies of the parameters after ``steps`` steps, and the losses of those steps."""
        if steps > self._done:
            self._train(steps)
        if steps == self._done:
            parameters = [array.copy() for array in self._parameters]
        else:  # from the last snapshot at or before ``steps``
            start = steps - steps % self._every
            parameters = [array.copy() for array in self._snapshots[start // self._every]]
            _sgd_steps(parameters, *self._data, self._batches.rows(start, steps), *self._settings)
        return parameters, self._losses[:steps]

    def _train(self, steps):
        losses = [self._losses]
        while self._done < steps:
            stop = min(steps, self._done - self._done % self._every + self._every)
            rows = self._batches.rows(self._done, stop)
            losses.append(_sgd_steps(self._parameters, *self._data, rows, *self._settings))
            self._done = stop
            if stop % self._every == 0:
                self._snapshots.append([array.copy() for array in self._parameters])
        self._losses = np.concatenate(losses)
        self._losses.flags.writeable = False  # shared with every caller


class TrainingRuns:
    """Runs of the chapter's SGD on one data set, remembered to be looked up or resumed.

    A run is fixed by its width, learning rate and ReLU backward pass (the
    batch size and seed are those of the set), and its first ``k`` steps are
    the run of ``k`` steps (one generator: initial weights, then batches). So
    each run keeps the loss of every step trained so far and its parameters
    every ``snapshot_every`` steps: asking for fewer steps is a lookup (and at
    most ``snapshot_every - 1`` steps from the snapshot before), asking for
    more trains only the difference. Runs of one width share their batches.
    The ``max_runs`` runs used last are kept (a run of 3000 steps at width 64
    keeps about 120 kB: snapshots and losses; the batch rows of 3000 steps
    of 32 rows out of 300 take 190 kB per width).

    Parameters
    ----------
    X, y : array_like
        Shapes (N, 2) and (N,): the data, as for :func:`train_two_layer`.
    batch_size : int, optional
        Rows per mini-batch, at most ``N``.
    seed : int, optional
        Seed of the generator of every run.
    snapshot_every : int, optional
        Steps between two kept copies of a run's parameters.
    max_runs : int, optional
        How many runs are kept.

    Raises
    ------
    TypeError, ValueError
        As :func:`train_two_layer`, for bad data or a bad count.
    """

    def __init__(self, X, y, *, batch_size=32, seed=0, snapshot_every=100, max_runs=32):
        self.X, self.y = _points_and_labels(X, y)
        self.batch_size = integer(batch_size, "batch_size")
        if self.batch_size > self.X.shape[0]:
            raise ValueError(
                f"batch_size={batch_size} is larger than the {self.X.shape[0]} points in X"
            )
        self.seed = integer(seed, "seed", minimum=0)
        self._every = integer(snapshot_every, "snapshot_every")
        self._max_runs = integer(max_runs, "max_runs")
        self._runs = OrderedDict()  # least recently used first
        self._batches = WeakValueDictionary()  # by width, while a kept run uses them

    def train(self, hidden, lr, steps, *, mask_relu_gradient=True):
        """The parameters and losses of the run of ``steps`` steps.

        Parameters
        ----------
        hidden, lr, steps, mask_relu_gradient
            As for :func:`train_two_layer`.

        Returns
        -------
        parameters : list of ndarray
            Copies of ``W1, b1, W2, b2`` after the last step.
        losses : ndarray
            Shape (steps,), read-only. The mini-batch loss before each update.
        """
        hidden = integer(hidden, "hidden")
        lr = real(lr, "lr", minimum=0, strict=True)
        steps = integer(steps, "steps")
        key = hidden, lr, bool(mask_relu_gradient)
        run = self._runs.pop(key, None)
        if run is None:
            batches = self._batches.get(hidden)
            if batches is None:
                batches = _Batches(self.X.shape[0], int(self.y.max()) + 1, hidden,
                                   self.batch_size, self.seed)
                self._batches[hidden] = batches
            run = _Run(self.X, self.y, batches, *key[1:], self._every)
        self._runs[key] = run  # the most recently used, last
        if len(self._runs) > self._max_runs:
            self._runs.popitem(last=False)
        return run.after(steps)


def train_two_layer(X, y, *, hidden=32, lr=0.5, steps=2000, batch_size=32, seed=0,
                    mask_relu_gradient=True):
    """Train ``Linear -> ReLU -> Linear`` with softmax cross-entropy and mini-batch SGD.

    Each step draws ``batch_size`` distinct rows at random, runs the forward
    pass, the loss (mean over the batch), the backward pass and one update
    ``p -= lr * dp`` of every parameter. All randomness (initial weights and
    batches) comes from one ``numpy.random.default_rng(seed)``, so a run is
    reproducible. The arguments are checked once; the loop is plain NumPy,
    the arithmetic of ``forward``, ``backward`` and ``update`` of the layers
    of :mod:`mathnotes.nn` in the same order (so the losses are equal to the
    last bit), without their checks at every step. :class:`TrainingRuns`
    runs the same loop and remembers its runs.

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
    runs = TrainingRuns(X, y, batch_size=batch_size, seed=seed, max_runs=1)
    (W1, b1, W2, b2), losses = runs.train(hidden, lr, steps,
                                          mask_relu_gradient=mask_relu_gradient)
    first, second = Linear.from_weights(W1, b1), Linear.from_weights(W2, b2)
    return Sequential(first, ReLU(), second), losses.copy()


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


def _grid(X, resolution, margin):
    """The grid of the decision regions: its x and y values, and its points, one per row."""
    low, high = X.min(axis=0), X.max(axis=0)
    pad = margin * np.maximum(high - low, 1e-9)
    xs = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
    ys = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


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
    xs, ys, grid = _grid(X, resolution, margin)
    regions = _class_predictions(predict, grid).reshape(resolution, resolution)
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


_WINDOW = 50  # steps in the moving average of the loss plot


class TrainingRunPicture:
    """The figure of the chapter's widget, built once: a run's decision regions and losses.

    :meth:`update` gets the run from ``runs`` (a lookup or a resumption when
    it is remembered) and moves only what a run changes, all of it animated
    artists (Matplotlib then redraws only those): the regions with the points
    and the frame over them, the titles (the training accuracy, the number of
    steps) and the two loss lines. The rest stays: the loss axes are fixed,
    steps ``0`` to ``max_steps`` and losses within ``loss_limits`` on a log
    scale.

    Parameters
    ----------
    runs : TrainingRuns
        The data and the runs on it.
    max_steps : int
        The most steps :meth:`update` draws: the end of the step axis.
    loss_limits : tuple of float
        ``(low, high)``, positive: the loss axis. A loss outside falls off it.
    resolution : int, optional
        Grid points per axis for the decision regions.
    figsize : tuple of float, optional
        Figure size in inches.

    Attributes
    ----------
    figure : mathnotes._figures.CellFigure
        Two axes: the regions (left) and the loss history (right).
    """

    def __init__(self, runs, *, max_steps, loss_limits, resolution=120, figsize=(7.4, 3.5)):
        if not isinstance(runs, TrainingRuns):
            raise TypeError(f"runs must be a TrainingRuns, got {type(runs).__name__}")
        self.runs = runs
        self._max_steps = integer(max_steps, "max_steps")
        low = real(loss_limits[0], "loss_limits[0]", minimum=0, strict=True)
        high = real(loss_limits[1], "loss_limits[1]", minimum=low, strict=True)
        resolution = integer(resolution, "resolution", minimum=2)
        self._grid = _grid(runs.X, resolution, 0.2)[2]
        self.figure = CellFigure(figsize=figsize, layout="constrained")
        self._regions, self._losses = self.figure.subplots(1, 2)
        nowhere = np.zeros(resolution * resolution, int)  # regions to come with a run
        plot_decision_boundary(lambda points: nowhere, runs.X, runs.y, ax=self._regions,
                               resolution=resolution, title=" ")
        # losses to come: the x-axis is that of a run of max_steps steps
        plot_loss_curves({"steps": np.ones(self._max_steps)}, window=_WINDOW, ax=self._losses,
                         xlabel="SGD step", ylabel="mini-batch loss", title=" ")
        self._losses.get_legend().remove()  # the title gives the number of steps
        self._losses.set_xlim(self._losses.get_xlim())
        self._losses.set_ylim(low, high)
        for artist in (*self._regions.images, *self._regions.collections,
                       *self._regions.spines.values(), self._regions.title,
                       *self._losses.lines, self._losses.title):
            artist.set_animated(True)  # drawn after the rest, in this order

    def update(self, hidden, lr, steps):
        """Show the run of ``steps`` steps at width ``hidden`` and learning rate ``lr``.

        Returns
        -------
        mathnotes._figures.CellFigure
            The same figure every time, updated in place.

        Raises
        ------
        ValueError
            If ``steps`` exceeds ``max_steps``, or as :meth:`TrainingRuns.train`.
        """
        steps = integer(steps, "steps")
        if steps > self._max_steps:
            raise ValueError(f"steps={steps} is beyond the step axis, which ends at "
                             f"max_steps={self._max_steps}")
        parameters, losses = self.runs.train(hidden, lr, steps)
        image = self._regions.images[0]
        image.set_data(_classes(parameters, self._grid).reshape(image.get_array().shape))
        right = _classes(parameters, self.runs.X) == self.runs.y
        self._regions.title.set_text(f"hidden={hidden}, lr={lr:g}: accuracy {right.mean():.1%}")
        raw, smooth = self._losses.lines
        raw.set_data(np.arange(steps), losses)
        smooth.set_data(*moving_average(losses, _WINDOW))
        self._losses.title.set_text(f"loss during training: {steps} steps")
        return self.figure


def plot_training_run(X, y, *, hidden=32, lr=0.5, steps=2000, batch_size=32, seed=0,
                      resolution=120, figsize=(7.4, 3.5)):
    """Train with ``train_two_layer`` and draw the decision regions next to the loss.

    One :class:`TrainingRunPicture` of one run, its axes fitted to that run.

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
    runs = TrainingRuns(X, y, batch_size=batch_size, seed=seed, max_runs=1)
    losses = runs.train(hidden, lr, steps)[1]
    picture = TrainingRunPicture(runs, max_steps=steps, loss_limits=_log_limits(losses),
                                 resolution=resolution, figsize=figsize)
    return picture.update(hidden, lr, steps)


def _log_limits(values, margin=0.05):
    """Limits of a log axis around positive ``values``, with Matplotlib's default margins."""
    low, high = values.min(), values.max()
    pad = max(high / low, 1.1) ** margin  # equal values get a range too
    return low / pad, high * pad


def explorer_sliders(*, hidden=32, lr=0.5, steps=2000):
    """The sliders of chapter 7's explorer, starting at a run: hidden width, learning rate, steps.

    Each slider redraws when it is released, not while it moves (a move may
    train a run).

    Returns
    -------
    dict
        ``{"hidden": IntSlider, "lr": FloatSlider, "steps": IntSlider}``.
    """
    return dict(
        hidden=widgets.IntSlider(value=integer(hidden, "hidden"), min=2, max=64, step=2,
                                 continuous_update=False),
        lr=widgets.FloatSlider(value=real(lr, "lr"), min=0.05, max=2.0, step=0.05,
                               continuous_update=False),
        steps=widgets.IntSlider(value=integer(steps, "steps"), min=100, max=3000, step=100,
                                continuous_update=False),
    )


def training_explorer(draw, sliders):
    """Chapter 7's interactive figure: ``sliders`` (from :func:`explorer_sliders`) around ``draw``.

    ``draw(hidden, lr, steps)`` returns the figure of that run (a
    :class:`TrainingRunPicture` updated in place). The alt text of the static
    picture gives the sliders' starting values.

    Returns
    -------
    mathnotes.interactive.LiveFigure
        Display it as a cell's last expression.
    """
    hidden, lr, steps = (sliders[name].value for name in ("hidden", "lr", "steps"))
    return interactive_figure(
        draw,
        alt=(f"Left: decision regions of a two-layer network with {hidden} hidden units trained "
             f"for {steps} steps at learning rate {lr:g}, curling along the three spiral arms. "
             "Right: its loss curve falling on a logarithmic axis that runs on to the largest "
             "number of steps the slider allows."),
        **sliders,
    )
