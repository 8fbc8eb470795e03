"""Chapter 10, through time: a vanilla RNN and an LSTM with their backward passes through time,
the Jacobians whose products vanish or explode, clipping, initialisation of deep stacks,
dropout and max-pooling, and the chapter's pictures.

A sequence is one array ``xs`` of shape ``(T, D)``: row ``t`` is the input of time step
``t + 1`` (NumPy counts from 0, the text from 1). A hidden state is a 1-D array of ``H``
numbers, a column vector in the text, so a cell computes ``W_h @ h + W_x @ x + b`` as the
formulas do. Every layer is a pair of functions, as in chapter 8: ``*_forward`` returns its
output and a cache, ``*_backward`` turns the upstream gradient into the gradient of every
input, each shaped like its variable. The ``*_traced`` twins are written with
:class:`mathnotes.Value` operations and leave the backward pass to the tracer.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Circle, Rectangle
from matplotlib.ticker import MaxNLocator

from mathnotes import Value, nn
from mathnotes._figures import CellFigure
from mathnotes._validate import finite_array, function, integer, real
from mathnotes.interactive import interactive_figure


# ------------------------------------------------------------------------------ arguments

def _sequence_arguments(xs, h0, Wh, Wx, b, rows):
    """Float64 copies of a recurrent layer's arguments, their shapes checked against each other.

    ``rows`` is the number of rows of ``Wh``, ``Wx`` and ``b`` per hidden unit: 1 for the RNN,
    4 for the LSTM (its four gates are stacked).
    """
    xs = finite_array(xs, "xs", ndim=2)
    h0 = finite_array(h0, "h0", ndim=1)
    H, D = len(h0), xs.shape[1]
    Wh = finite_array(Wh, "Wh", shape=(rows * H, H))
    Wx = finite_array(Wx, "Wx", shape=(rows * H, D))
    b = finite_array(b, "b", shape=(rows * H,))
    return xs, h0, Wh, Wx, b


def _upstream(dhs, shape, name="dhs"):
    """``dhs`` as float64 (not copied if it is already), shaped like the states it belongs to."""
    if isinstance(dhs, (str, bytes)) or dhs is None:
        raise TypeError(f"{name} must be a numeric array, got {type(dhs).__name__}")
    dhs = np.asarray(dhs, dtype=np.float64)
    if dhs.shape != shape:
        raise ValueError(f"{name} must have the shape of the hidden states, {shape}, "
                         f"got {dhs.shape}: one row of upstream gradient per time step")
    if not np.isfinite(dhs).all():
        raise ValueError(f"{name} contains NaN or infinity; pass finite numbers")
    return dhs


# ------------------------------------------------------------------------------ vanilla RNN

def rnn_step_forward(x, h_prev, Wh, Wx, b):
    """One step ``h = tanh(Wh @ h_prev + Wx @ x + b)``; returns ``h`` and the cache."""
    h = np.tanh(Wh @ h_prev + Wx @ x + b)
    return h, (x, h_prev, h, Wh, Wx)


def rnn_step_backward(dh, cache):
    """Gradients of one step from ``dh``, the whole gradient arriving at its output ``h``.

    Returns ``dx, dh_prev, dWh, dWx, db``; the weight gradients are this step's share only.
    """
    x, h_prev, h, Wh, Wx = cache
    da = dh * (1.0 - h**2)         # tanh' = 1 - tanh²
    dx, dh_prev = Wx.T @ da, Wh.T @ da
    return dx, dh_prev, np.outer(da, h_prev), np.outer(da, x), da


def rnn_forward(xs, h0, Wh, Wx, b):
    """Run a vanilla RNN over a sequence.

    Parameters
    ----------
    xs : array_like
        Shape (T, D).
        The inputs, one time step per row.
    h0 : array_like
        Shape (H,).
        The initial state.
    Wh : array_like
        Shape (H, H).
        Recurrent weights.
    Wx : array_like
        Shape (H, D).
        Input weights.
    b : array_like
        Shape (H,).
        Bias.

    Returns
    -------
    hs : numpy.ndarray
        Shape (T, H).
        The states ``h_1 ... h_T``, one per row.
    cache : list
        One cache per step, for :func:`rnn_backward`.

    Raises
    ------
    ValueError
        If a shape does not fit the others (the message names the argument).

    Examples
    --------
    >>> hs, cache = rnn_forward(np.ones((5, 2)), np.zeros(3), np.eye(3) / 2,
    ...                         np.ones((3, 2)) / 4, np.zeros(3))
    >>> hs.shape, len(cache)
    ((5, 3), 5)
    """
    xs, h, Wh, Wx, b = _sequence_arguments(xs, h0, Wh, Wx, b, rows=1)
    hs, cache = np.empty((len(xs), len(h))), []
    for t, x in enumerate(xs):
        h, step = rnn_step_forward(x, h, Wh, Wx, b)
        hs[t] = h
        cache.append(step)
    return hs, cache


def rnn_backward(dhs, cache):
    """Backpropagation through time for :func:`rnn_forward`.

    Parameters
    ----------
    dhs : array_like
        Shape (T, H).
        Row ``t``: the gradient the loss sends to state ``h_{t+1}`` directly (not through
        later states).
    cache : list
        From :func:`rnn_forward`.

    Returns
    -------
    dict
        The gradients ``{"xs", "h0", "Wh", "Wx", "b"}``, each shaped like its variable.
    """
    T, H = len(cache), len(cache[0][2])
    dhs = _upstream(dhs, (T, H))
    x, _, _, Wh, Wx = cache[0]
    grads = {"xs": np.empty((T, len(x))), "h0": None,
             "Wh": np.zeros_like(Wh), "Wx": np.zeros_like(Wx),
             "b": np.zeros(H)}
    dh_next = np.zeros(H)          # what h_t receives from step t + 1
    for t in reversed(range(T)):
        dh = dhs[t] + dh_next      # h_t feeds the loss and step t + 1
        dx, dh_next, dWh, dWx, db = rnn_step_backward(dh, cache[t])
        grads["xs"][t] = dx
        grads["Wh"] += dWh         # the same weights at every step
        grads["Wx"] += dWx
        grads["b"] += db
    grads["h0"] = dh_next
    return grads


def rnn_truncated_gradients(xs, h0, Wh, Wx, b, dhs, window):
    """Truncated BPTT: the weight gradients when backpropagation stops at chunk boundaries.

    The sequence is cut into chunks of ``window`` steps. Each chunk runs forward from the
    state the previous chunk ended in, then backward to its own first step only: the state it
    started from is treated as a constant. Only one chunk's cache is alive at a time.

    Parameters
    ----------
    xs, h0, Wh, Wx, b : array_like
        As for :func:`rnn_forward`.
    dhs : array_like
        Shape (T, H).
        As for :func:`rnn_backward`.
    window : int
        Steps per chunk, at least 1; ``window >= T`` gives full BPTT.

    Returns
    -------
    dict
        ``{"Wh", "Wx", "b"}``: the truncated gradients, shaped like the weights.
    """
    xs, h, Wh, Wx, b = _sequence_arguments(xs, h0, Wh, Wx, b, rows=1)
    dhs = _upstream(dhs, (len(xs), len(h)))
    window = integer(window, "window")
    grads = {"Wh": np.zeros_like(Wh), "Wx": np.zeros_like(Wx),
             "b": np.zeros_like(b)}
    for start in range(0, len(xs), window):
        chunk = slice(start, start + window)
        hs, cache = rnn_forward(xs[chunk], h, Wh, Wx, b)
        chunk_grads = rnn_backward(dhs[chunk], cache)
        for name in grads:
            grads[name] += chunk_grads[name]
        h = hs[-1]         # carried forward; no gradient comes back
    return grads


def rnn_traced(xs, h0, Wh, Wx, b):
    """:func:`rnn_forward` with :class:`mathnotes.Value` operations: one graph over all steps.

    ``xs`` is a sequence of ``T`` inputs (Values or arrays of shape ``(D,)``); ``h0``, ``Wh``,
    ``Wx`` and ``b`` are Values. Returns the list of the ``T`` states, each a Value labelled
    ``h1``, ``h2``, ...; the pre-activations are labelled ``a1``, ``a2``, ...
    """
    h, hs = h0, []
    for t, x in enumerate(xs, start=1):
        a = Wh @ h + Wx @ x + b
        h = a.tanh()
        a.label, h.label = f"a{t}", f"h{t}"
        hs.append(h)
    return hs


def state_jacobian_norms(hs, Wh, *, linear=False, at=None):
    """Spectral norms of ``∂h_T/∂h_{T-k}``, from the states of a run.

    The Jacobian of one step is ``diag(1 - h_t²) Wh`` (``Wh`` alone if ``linear``); the norms
    are those of the products ``J_T J_{T-1} ... J_{T-k+1}``, built from the last step back.

    Parameters
    ----------
    hs : array_like
        Shape (T, H).
        The states ``h_1 ... h_T`` of :func:`rnn_forward`.
    Wh : array_like
        Shape (H, H).
        The recurrent weights of that run.
    linear : bool, optional
        Use the steps of a linear RNN, ``h_t = Wh h_{t-1} + ...``, whose Jacobian is ``Wh``.
    at : sequence of int, optional
        The numbers of steps back ``k`` whose norms to return, each in ``0 ... T``; by
        default every one, in order.

    Returns
    -------
    numpy.ndarray
        The norms ``‖∂h_T/∂h_{T-k}‖₂`` for the ``k`` of ``at`` (entry ``k`` for every
        ``k = 0 ... T`` by default; ``k = 0`` gives 1, the identity).

    Examples
    --------
    >>> ch_hs = np.tanh(np.ones((3, 2)))
    >>> state_jacobian_norms(ch_hs, 2 * np.eye(2), linear=True).tolist()
    [1.0, 2.0, 4.0, 8.0]
    """
    hs = finite_array(hs, "hs", ndim=2)
    Wh = finite_array(Wh, "Wh", shape=(hs.shape[1],) * 2)
    wanted = range(len(hs) + 1) if at is None else [integer(k, "at[j]", minimum=0) for k in at]
    if max(wanted) > len(hs):
        raise ValueError(f"at asks for {max(wanted)} steps back, but the run has {len(hs)}")
    product, norms = np.eye(len(Wh)), {0: 1.0}
    for k, h in enumerate(hs[::-1], start=1):
        product = product @ (Wh if linear else (1.0 - h**2)[:, None] * Wh)
        if k in wanted:
            norms[k] = np.linalg.norm(product, 2)
    return np.array([norms[k] for k in wanted])


def scaled_orthogonal(H, scale, rng):
    """``scale`` times a random orthogonal ``(H, H)`` matrix: every singular value is ``scale``.

    Its spectral norm and its spectral radius are both ``scale``.
    """
    H = integer(H, "H")
    scale = real(scale, "scale", minimum=0)
    Q, R = np.linalg.qr(np.random.default_rng(rng).standard_normal((H, H)))
    return scale * Q * np.sign(np.diag(R))   # signs fixed: the same Q on every computer


# ------------------------------------------------------------------------------------ LSTM

def sigmoid(z):
    """The logistic function ``1 / (1 + e^-z)``, element-wise, without overflow."""
    return np.exp(-np.logaddexp(0.0, -z))


def lstm_gates(z):
    """The four gates from the stacked pre-activation ``z`` (4H,): ``i, f, o, c̃``."""
    i, f, o, cand = np.split(z, 4)
    return sigmoid(i), sigmoid(f), sigmoid(o), np.tanh(cand)


def lstm_cell(i, f, o, cand, c_prev):
    """The cell's update from its gates: ``c = f c_prev + i c̃`` and ``h = o tanh(c)``.

    Returns ``h`` and ``c``.
    """
    c = f * c_prev + i * cand
    return o * np.tanh(c), c


def lstm_cell_backward(dh, dc, i, f, o, cand, c_prev):
    """The gradients of :func:`lstm_cell`'s inputs from ``dh`` and ``dc`` (the gradient that
    reaches ``c`` from the next step).

    Returns ``di, df, do, dcand, dc_prev``.
    """
    tanh_c = np.tanh(f * c_prev + i * cand)
    dc = dc + dh * o * (1.0 - tanh_c**2)    # c feeds h and step t + 1
    return dc * cand, dc * c_prev, dh * tanh_c, dc * i, dc * f


def lstm_step_forward(x, h_prev, c_prev, Uh, Ux, u):
    """One LSTM step; returns ``h``, ``c`` and the cache."""
    gates = lstm_gates(Uh @ h_prev + Ux @ x + u)
    h, c = lstm_cell(*gates, c_prev)
    return h, c, (x, h_prev, c_prev, gates, Uh, Ux)


def lstm_step_backward(dh, dc, cache):
    """Gradients of one LSTM step from ``dh`` and ``dc``, the whole gradients at ``h`` and ``c``.

    Returns ``dx, dh_prev, dc_prev, dUh, dUx, du``; the weight gradients are this step's share.
    """
    x, h_prev, c_prev, gates, Uh, Ux = cache
    i, f, o, cand = gates
    di, df, do, dcand, dc_prev = lstm_cell_backward(dh, dc, *gates, c_prev)
    # the four blocks of dz: sigmoid' = σ (1 - σ), tanh' = 1 - tanh²
    dz = np.concatenate([di * i * (1 - i), df * f * (1 - f),
                         do * o * (1 - o), dcand * (1 - cand**2)])
    dx, dh_prev = Ux.T @ dz, Uh.T @ dz
    dUh, dUx = np.outer(dz, h_prev), np.outer(dz, x)
    return dx, dh_prev, dc_prev, dUh, dUx, dz


def lstm_forward(xs, h0, c0, Uh, Ux, u):
    """Run an LSTM over a sequence.

    Parameters
    ----------
    xs : array_like
        Shape (T, D).
        The inputs, one time step per row.
    h0, c0 : array_like
        Shape (H,).
        The initial hidden state and cell.
    Uh : array_like
        Shape (4H, H).
        Recurrent weights of the four gates, stacked in the order input, forget, output,
        candidate.
    Ux : array_like
        Shape (4H, D).
        Input weights, stacked the same way.
    u : array_like
        Shape (4H,).
        Biases, stacked the same way.

    Returns
    -------
    hs : numpy.ndarray
        Shape (T, H).
        The hidden states ``h_1 ... h_T``.
    cs : numpy.ndarray
        Shape (T, H).
        The cells ``c_1 ... c_T``.
    cache : list
        One cache per step, for :func:`lstm_backward`.

    Raises
    ------
    ValueError
        If a shape does not fit the others (the message names the argument).
    """
    xs, h, Uh, Ux, u = _sequence_arguments(xs, h0, Uh, Ux, u, rows=4)
    c = finite_array(c0, "c0", shape=h.shape)
    hs, cs, cache = np.empty((len(xs), len(h))), np.empty((len(xs), len(h))), []
    for t, x in enumerate(xs):
        h, c, step = lstm_step_forward(x, h, c, Uh, Ux, u)
        hs[t], cs[t] = h, c
        cache.append(step)
    return hs, cs, cache


def lstm_backward(dhs, cache):
    """Backpropagation through time for :func:`lstm_forward`.

    Parameters
    ----------
    dhs : array_like
        Shape (T, H).
        Row ``t``: the gradient the loss sends to ``h_{t+1}`` directly.
    cache : list
        From :func:`lstm_forward`.

    Returns
    -------
    dict
        ``{"xs", "h0", "c0", "Uh", "Ux", "u"}``, each shaped like its variable.
    """
    x, h_prev, _, _, Uh, Ux = cache[0]
    T, H = len(cache), len(h_prev)
    dhs = _upstream(dhs, (T, H))
    grads = {"xs": np.empty((T, len(x))), "h0": None, "c0": None, "Uh": np.zeros_like(Uh),
             "Ux": np.zeros_like(Ux), "u": np.zeros(4 * H)}
    dh_next, dc_next = np.zeros(H), np.zeros(H)
    for t in reversed(range(T)):
        dx, dh_next, dc_next, dUh, dUx, du = lstm_step_backward(dhs[t] + dh_next, dc_next,
                                                                cache[t])
        grads["xs"][t] = dx
        grads["Uh"] += dUh
        grads["Ux"] += dUx
        grads["u"] += du
    grads["h0"], grads["c0"] = dh_next, dc_next
    return grads


def lstm_traced(xs, h0, c0, Uh, Ux, u):
    """:func:`lstm_forward` with :class:`mathnotes.Value` operations; returns the list of the
    ``T`` hidden states (Values)."""
    H = h0.shape[0]
    h, c, hs = h0, c0, []
    for x in xs:
        z = Uh @ h + Ux @ x + u
        i, f, o = (z[k * H:(k + 1) * H].sigmoid() for k in range(3))
        c = f * c + i * z[3 * H:].tanh()
        h = o * c.tanh()
        hs.append(h)
    return hs


# -------------------------------------------------------------------------------- clipping

def global_norm(grads):
    """The Euclidean norm of all the arrays of ``grads`` (a dict) taken as one long vector."""
    return float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))


def clip_by_global_norm(grads, threshold):
    """Scale all gradients by one factor so that their global norm is at most ``threshold``.

    Parameters
    ----------
    grads : dict
        Parameter name to gradient array.
    threshold : float
        The largest norm allowed, positive.

    Returns
    -------
    clipped : dict
        The same names; every array multiplied by ``min(1, threshold / norm)``.
    norm : float
        The global norm before clipping (:func:`global_norm`).

    Raises
    ------
    TypeError
        If ``grads`` is not a dict.
    ValueError
        If ``threshold`` is not positive or a gradient is not finite.

    Examples
    --------
    >>> clipped, norm = clip_by_global_norm({"a": np.array([3.0]), "b": np.array([4.0])}, 2.5)
    >>> norm, clipped["a"].tolist(), clipped["b"].tolist()
    (5.0, [1.5], [2.0])
    """
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict of arrays, name to gradient, "
                        f"got {type(grads).__name__}")
    grads = {name: finite_array(g, f"grads[{name!r}]") for name, g in grads.items()}
    threshold = real(threshold, "threshold", minimum=0, strict=True)
    norm = global_norm(grads)
    factor = min(1.0, threshold / norm) if norm > 0 else 1.0
    return {name: factor * g for name, g in grads.items()}, norm


# --------------------------------------------------------------------------------- dropout

def dropout_forward(x, keep, rng, *, train=True):
    """Inverted dropout: in training, keep each entry with probability ``keep`` and divide by it.

    Parameters
    ----------
    x : array_like
        The activations.
    keep : float
        Probability ``p`` of keeping an entry, ``0 < keep <= 1``.
    rng : int or numpy.random.Generator
        Seed or generator of the mask.
    train : bool, optional
        False at inference: the output is ``x`` unchanged, and no mask is drawn.

    Returns
    -------
    y : numpy.ndarray
        ``x * r / keep`` with the mask ``r`` in training, ``x`` at inference.
    cache : tuple
        ``(r, keep)`` for :func:`dropout_backward`; ``r`` is all ones at inference.

    Examples
    --------
    >>> y, (r, keep) = dropout_forward(np.ones(6), 0.5, rng=1)
    >>> y.tolist(), r.tolist()
    ([0.0, 0.0, 2.0, 0.0, 2.0, 2.0], [False, False, True, False, True, True])
    """
    x = finite_array(x, "x")
    keep = real(keep, "keep", minimum=0, strict=True)
    if keep > 1:
        raise ValueError(f"keep is a probability, at most 1; got {keep}")
    if not train:
        return x, (np.ones(x.shape, dtype=bool), 1.0)
    r = np.random.default_rng(rng).random(x.shape) < keep
    return x * r / keep, (r, keep)


def dropout_backward(dy, cache):
    """The gradient of :func:`dropout_forward`'s input: ``dy * r / keep``."""
    r, keep = cache
    return dy * r / keep


# ----------------------------------------------------------------------------- max-pooling

def _windows(x, size):
    """``x`` (N, C, rows, cols) as ``(N, C, rows/size, cols/size, size*size)`` windows."""
    N, C, rows, cols = x.shape
    blocks = x.reshape(N, C, rows // size, size, cols // size, size)
    return blocks.transpose(0, 1, 2, 4, 3, 5).reshape(N, C, rows // size, cols // size, -1)


def maxpool_forward(x, size=2):
    """Max-pooling over non-overlapping ``size x size`` windows of the last two axes.

    Parameters
    ----------
    x : array_like
        Shape (N, C, rows, cols).
        A batch of images; ``rows`` and ``cols`` must be multiples of ``size``.
    size : int, optional
        Side of a window (and the stride).

    Returns
    -------
    y : numpy.ndarray
        Shape (N, C, rows/size, cols/size).
        The largest entry of each window.
    cache : tuple
        For :func:`maxpool_backward`.

    Raises
    ------
    ValueError
        If ``x`` is not 4-d or a side is not a multiple of ``size``.

    Examples
    --------
    >>> y, _ = maxpool_forward(np.arange(16.0).reshape(1, 1, 4, 4))
    >>> y[0, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    """
    x = finite_array(x, "x", ndim=4)
    size = integer(size, "size")
    if x.shape[2] % size or x.shape[3] % size:
        raise ValueError(f"the last two sides of x, {x.shape[2:]}, must be "
                         f"multiples of size = {size}: crop or pad x")
    return _windows(x, size).max(axis=-1), (x, size)


def maxpool_backward(dy, cache, *, ties="first"):
    """The gradient of :func:`maxpool_forward`'s input: each window's ``dy`` goes to its maximum.

    Parameters
    ----------
    dy : array_like
        Shape of the pooled output.
    cache : tuple
        From :func:`maxpool_forward`.
    ties : {"first", "split"}, optional
        Where several entries of a window share the maximum: ``"first"`` gives ``dy`` to the
        first of them (row by row), ``"split"`` shares it equally among them.

    Returns
    -------
    numpy.ndarray
        Shaped like the input ``x``.
    """
    x, size = cache
    if ties not in ("first", "split"):
        raise ValueError(f'ties must be "first" or "split", got {ties!r}')
    windows = _windows(x, size)                  # (N, C, rows', cols', size²)
    dy = finite_array(dy, "dy", shape=windows.shape[:-1])
    if ties == "first":                          # all to the first maximum
        first = windows.argmax(axis=-1)[..., None]
        share = np.zeros(windows.shape)
        np.put_along_axis(share, first, 1.0, axis=-1)
    else:                                        # equal shares of a tie
        share = windows == windows.max(axis=-1, keepdims=True)
        share = share / share.sum(axis=-1, keepdims=True)
    dwindows = share * dy[..., None]
    N, C, rows, cols = x.shape
    blocks = dwindows.reshape(N, C, rows // size, cols // size, size, size)
    return blocks.transpose(0, 1, 2, 4, 3, 5).reshape(x.shape)


def maxpool_traced(x, size=2):
    """:func:`maxpool_forward` with :class:`mathnotes.Value` operations: a reshape and a max
    (the tracer shares the gradient equally among tied entries)."""
    N, C, rows, cols = x.shape
    return x.reshape(N, C, rows // size, size, cols // size, size).max(axis=(3, 5))


# -------------------------------------------------------------------------- initialisation

class Tanh:
    """``tanh`` as a layer with the interface of :mod:`mathnotes.nn` (no parameters)."""

    def forward(self, X):
        self._out = np.tanh(X)
        return self._out

    def backward(self, dY):
        return dY * (1.0 - self._out**2)

    def update(self, lr):
        pass

    def parameters(self):
        return {}

    def gradients(self):
        return {}

    def __repr__(self):
        return "Tanh()"


class Identity(Tanh):
    """No activation at all (a linear network), with the interface of :mod:`mathnotes.nn`."""

    def forward(self, X):
        return np.asarray(X, dtype=np.float64)

    def backward(self, dY):
        return np.asarray(dY, dtype=np.float64)

    def __repr__(self):
        return "Identity()"


#: the standard deviation of the weights of a layer with ``n_in`` inputs and ``n_out`` outputs
INIT_RULES = {
    "small": lambda n_in, n_out: 0.01,
    "LeCun": lambda n_in, n_out: np.sqrt(1.0 / n_in),
    "Glorot": lambda n_in, n_out: np.sqrt(2.0 / (n_in + n_out)),
    "He": lambda n_in, n_out: np.sqrt(2.0 / n_in),
}


def deep_stack(widths, activation, rule, *, rng=0):
    """A stack ``Linear -> activation`` repeated, as a :class:`mathnotes.nn.Sequential`.

    Parameters
    ----------
    widths : sequence of int
        ``n_0, n_1, ..., n_M``: the input size, then the width of each of the ``M`` layers.
    activation : {"linear", "tanh", "relu"}
        The activation after every linear layer.
    rule : {"small", "LeCun", "Glorot", "He"}
        The initialisation: the standard deviation of layer ``l``'s weights is
        ``INIT_RULES[rule](n_{l-1}, n_l)``; biases start at zero.
    rng : int or numpy.random.Generator, optional
        Seed or generator of all the weights.

    Returns
    -------
    mathnotes.nn.Sequential
    """
    widths = [integer(n, "widths[k]") for n in widths]
    if len(widths) < 2:
        raise ValueError("widths needs the input size and at least one layer width")
    layers = {"linear": Identity, "tanh": Tanh, "relu": nn.ReLU}
    if activation not in layers or rule not in INIT_RULES:
        raise ValueError(f"activation must be one of {sorted(layers)} and rule one of "
                         f"{sorted(INIT_RULES)}; got {activation!r} and {rule!r}")
    generator = np.random.default_rng(rng)
    stack = []
    for n_in, n_out in zip(widths, widths[1:]):
        scale = INIT_RULES[rule](n_in, n_out)
        stack += [nn.Linear(n_in, n_out, rng=generator, scale=scale), layers[activation]()]
    return nn.Sequential(*stack)


def layer_statistics(net, X, dY):
    """Root mean squares of the activations and of their gradients, layer by layer.

    Runs ``net`` (a :func:`deep_stack`) forward on ``X`` and backward from ``dY``, keeping
    the output of every activation.

    Returns
    -------
    activations, gradients : numpy.ndarray
        Shape (M + 1,).
        Entry ``l``: the RMS of the entries of ``x_l`` (``x_0 = X``) and of ``∇_{x_l} L``.
    """
    blocks = list(zip(net.layers[::2], net.layers[1::2]))
    activations, gradients = [X], [dY]
    for linear, activation in blocks:
        y = linear.forward(activations[-1])
        activations.append(activation.forward(y))
    for linear, activation in reversed(blocks):
        dy = activation.backward(gradients[-1])
        gradients.append(linear.backward(dy))

    def rms(arrays):
        return np.array([np.sqrt(np.mean(a**2)) for a in arrays])

    return rms(activations), rms(gradients[::-1])


def rnn_cell_traced(h_prev, x, Wh, Wx, b):
    """One RNN step as a single tracer operation, ``"cell"``, whose backward is
    :func:`rnn_step_backward`: the tracer then does only what BPTT adds to it, adding up the
    gradients of the values used at several steps.

    All arguments are :class:`mathnotes.Value`; 0-d values make a scalar RNN (``H = D = 1``).
    """
    inputs = (h_prev, x, Wh, Wx, b)
    H, D = h_prev.data.size, x.data.size
    h, cache = rnn_step_forward(x.data.reshape(D), h_prev.data.reshape(H),
                                Wh.data.reshape(H, H), Wx.data.reshape(H, D), b.data.reshape(H))
    # where each input's gradient stands in what rnn_step_backward returns
    positions = {"h_prev": 1, "x": 0, "Wh": 2, "Wx": 3, "b": 4}

    def vjp_of(position, shape):
        def vjp(g):
            return rnn_step_backward(g.reshape(H), cache)[position].reshape(shape)
        return vjp

    vjps = tuple(vjp_of(position, v.shape) for position, v in zip(positions.values(), inputs))
    return Value._result(h.reshape(h_prev.shape), inputs, "cell", vjps)


# -------------------------------------------------------------------------------- pictures

def _single_axes(ax, figsize):
    """``(figure, axes)``: the given axes and its figure, or a new figure with one axes."""
    if ax is None:
        fig = CellFigure(figsize=figsize, layout="constrained")
        return fig, fig.add_subplot()
    return ax.figure, ax


class StepNormPicture:
    """Norms against the number of steps back, on a logarithmic axis, built once for fixed
    labels, steps and limits; :meth:`update` gives the lines new values.

    Parameters
    ----------
    labels : sequence of str
        One line per label, in the legend in this order.
    steps : int
        The lines run over ``k = 0 ... steps``.
    ylabel : str
        Label of the vertical axis.
    ylim : tuple of float
        Limits of the vertical axis, positive; fixed, so that pictures compare by eye.
    styles : dict, optional
        Label to keyword arguments of ``Axes.plot`` (for example a dashed bound).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made if omitted.
    figsize : tuple of float, optional
        Size of a new figure, in inches.

    The lines, the title, the legend and the frame are animated artists (see
    :class:`mathnotes.interactive.LiveFigure`): a slider move redraws only them.
    """

    def __init__(self, labels, steps, *, ylabel, ylim, styles=None, ax=None,
                 figsize=(6.4, 3.6)):
        steps = integer(steps, "steps")
        low, high = (real(v, "ylim", minimum=0, strict=True) for v in ylim)
        self.figure, self.ax = _single_axes(ax, figsize)
        styles = styles or {}
        k = np.arange(steps + 1)
        self._lines = [self.ax.plot(k, np.ones(k.size), label=label, animated=True,
                                    **styles.get(label, {}))[0] for label in labels]
        self.ax.set_yscale("log")
        self.ax.set_ylim(low, high)
        self.ax.set_xlim(0, steps)
        self.ax.set_xlabel("steps back, $k$")
        self.ax.set_ylabel(ylabel)
        self.ax.grid(alpha=0.3)
        # the legend and the frame are animated too, so that a blitted picture draws them
        # over the lines, as a saved one does
        for artist in (self.ax.legend(loc="lower left"), *self.ax.spines.values()):
            artist.set_animated(True)
        self._title = self.ax.set_title("", animated=True)

    def update(self, curves, title=""):
        """Give the lines the values ``curves`` (one array of ``steps + 1`` values per label);
        returns the figure, the same every time."""
        if len(curves) != len(self._lines):
            raise ValueError(f"give {len(self._lines)} curves, one per label; got {len(curves)}")
        for line, values in zip(self._lines, curves):
            line.set_ydata(values)
        self._title.set_text(title)
        return self.figure


def plot_step_norms(curves, *, ylabel, ylim, title="", styles=None, ax=None):
    """The picture of :class:`StepNormPicture` for ``curves`` (a dict, label to the norms at
    ``k = 0, 1, ...`` steps back, all of one length); returns the figure."""
    if not isinstance(curves, dict) or not curves:
        raise TypeError("curves must be a non-empty dict: label -> norms at k = 0, 1, ...")
    arrays = [finite_array(v, f"curves[{label!r}]", ndim=1) for label, v in curves.items()]
    if len({len(a) for a in arrays}) != 1:
        raise ValueError("every curve must have the same number of steps")
    picture = StepNormPicture(list(curves), len(arrays[0]) - 1, ylabel=ylabel, ylim=ylim,
                              styles=styles, ax=ax)
    return picture.update(arrays, title)



def _slider_start(value, name, low, high):
    """``value`` as a float between ``low`` and ``high``, a slider's range."""
    value = real(value, name, minimum=low)
    if value > high:
        raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value!r}")
    return value


def fate_explorer(draw, norms, *, rho=1.0, inputs=0.5):
    """The sliders of chapter 10's figure of the gradient's fate, around ``draw(rho, inputs)``.

    ``draw`` returns the figure (a :class:`StepNormPicture` updated in place) for
    recurrent weights of scale ``rho`` and inputs scaled by ``inputs``; ``norms(rho,
    inputs)`` returns what it draws for the network, the norms of ``∂h_T/∂h_{T-k}`` for
    ``k = 0 ... T``. The sliders start at ``rho`` and ``inputs``; the alt text of the
    static picture gives the bound and the network's norm ``T`` steps back there,
    computed from ``norms``.

    Returns
    -------
    mathnotes.interactive.LiveFigure
        Display it as a cell's last expression.

    Raises
    ------
    TypeError
        If ``norms`` is not callable.
    ValueError
        For a start outside the sliders' ranges (``rho`` from 0.5 to 2, ``inputs`` from
        0 to 2), or if ``norms`` returns fewer than two positive finite values.
    """
    function(norms, "norms", takes="rho and inputs")
    rho, inputs = _slider_start(rho, "rho", 0.5, 2.0), _slider_start(inputs, "inputs", 0.0, 2.0)
    values = finite_array(norms(rho, inputs), "norms(rho, inputs)", ndim=1)
    if values.size < 2 or np.any(values <= 0):
        raise ValueError("norms(rho, inputs) must return at least two positive norms")
    steps, last = values.size - 1, float(values[-1])
    bound = ("level at 1" if rho == 1 else
             f"{'falling' if rho < 1 else 'rising'} to about {rho**steps:.0e}")
    fate = "vanishes" if last < 1 else "explodes"
    return interactive_figure(
        draw,
        alt=(f"On a logarithmic axis against the number of steps back, from 0 to {steps}: a "
             f"dashed line for the bound rho to the power k with rho = {rho:g}, {bound}, and "
             f"a solid line for the tanh network with its inputs scaled by {inputs:g}, which "
             f"ends at about {last:.0e}: the gradient {fate} over {steps} steps."),
        rho=widgets.FloatSlider(value=rho, min=0.5, max=2.0, step=0.05, description="ρ"),
        inputs=widgets.FloatSlider(value=inputs, min=0.0, max=2.0, step=0.1,
                                   description="inputs ×"),
    )

def plot_layer_statistics(stats, *, figsize=(8.0, 3.4)):
    """Root mean squares of the activations (left) and of their gradients (right), per layer.

    Parameters
    ----------
    stats : dict
        Label to a pair of arrays of ``M + 1`` values, as :func:`layer_statistics` returns.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(stats, dict) or not stats:
        raise TypeError("stats must be a non-empty dict: label -> (activations, gradients)")
    fig = CellFigure(figsize=figsize, layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    titles = ("activations $x_l$", r"gradients $\nabla_{x_l} L$")
    for panel, (ax, title) in enumerate(zip(axes, titles)):
        for label, pair in stats.items():
            values = finite_array(pair[panel], f"stats[{label!r}][{panel}]", ndim=1)
            ax.plot(np.arange(values.size), values, marker=".", label=label)
        ax.set_yscale("log")
        ax.set_title(f"root mean square of the {title}")
        ax.set_xlabel("layer $l$")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("root mean square")
    axes[0].legend(loc="lower left")
    return fig


def plot_clipping(g, threshold, *, ax=None, figsize=(4.2, 3.8)):
    """A 2-D gradient ``g`` clipped by its norm and entry by entry, against the threshold.

    Draws the circle of radius ``threshold`` (clipping by norm lands on it, along ``g``) and
    the square of half-side ``threshold`` (clipping each entry lands in it, in another
    direction). Returns the figure.
    """
    g = finite_array(g, "g", shape=(2,))
    threshold = real(threshold, "threshold", minimum=0, strict=True)
    fig, ax = _single_axes(ax, figsize)
    by_norm = g * min(1.0, threshold / np.linalg.norm(g))
    by_entry = np.clip(g, -threshold, threshold)
    ax.add_patch(Circle((0, 0), threshold, fill=False, color="0.5", linestyle="--"))
    ax.add_patch(Rectangle((-threshold, -threshold), 2 * threshold, 2 * threshold,
                           fill=False, color="0.5", linestyle=":"))
    arrows = {"g": (g, "0.2"), "clipped by norm": (by_norm, "C0"),
              "clipped entry by entry": (by_entry, "C3")}
    for label, (vector, colour) in arrows.items():
        ax.annotate("", xy=vector, xytext=(0, 0),
                    arrowprops=dict(arrowstyle="-|>", color=colour, linewidth=1.8))
        ax.plot([], [], color=colour, linewidth=1.8, label=label)
    reach = 1.15 * max(np.abs(g).max(), threshold)
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)
    ax.set_aspect("equal")
    ax.axhline(0, color="0.85", linewidth=0.8, zorder=0)
    ax.axvline(0, color="0.85", linewidth=0.8, zorder=0)
    ax.set_xlabel("first entry")
    ax.set_ylabel("second entry")
    ax.legend(loc="lower right")
    return fig
