"""Layers and losses written by hand: the pieces of a small network in NumPy.

Everything here uses the **sample-first** convention of NumPy and PyTorch code:
a batch is a 2-d array with one example per row, shape ``(N, features)``, and a
fully connected layer computes ``Y = X @ W + b``. Each layer caches what its
backward pass needs during ``forward``; ``backward(dY)`` takes the gradient of
a scalar loss with respect to the layer's output (shaped like the output) and
returns the gradient with respect to its input (shaped like the input).

Chapter 6 of the course derives every formula used here and checks each
backward pass numerically; chapter 7 trains a network built from these parts.
"""

import numpy as np

from mathnotes import _validate

__all__ = [
    "Linear",
    "ReLU",
    "Sequential",
    "squared_error",
    "softmax_cross_entropy",
]


# ---------------------------------------------------------------------------
# input checks shared by the layers and the losses


def _as_batch(name, array, *, features=None):
    """A float64 copy of a 2-d batch, after checking its shape and values."""
    if isinstance(array, (str, bytes)) or array is None:
        raise TypeError(f"{name} must be a 2-d array of numbers, got {type(array).__name__}")
    try:
        out = np.array(array, dtype=np.float64)  # a copy: the caller's array is never touched
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a 2-d array of numbers: {error}") from None
    if out.ndim != 2:
        hint = (
            f" A single example of shape {out.shape} is one row: pass {name}.reshape(1, -1)."
            if out.ndim == 1
            else ""
        )
        raise ValueError(
            f"{name} must be 2-d with one example per row, shape (N, features); "
            f"got shape {out.shape}.{hint}"
        )
    if features is not None and out.shape[1] != features:
        raise ValueError(
            f"{name} has {out.shape[1]} features per row (shape {out.shape}) "
            f"but this layer expects {features}"
        )
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return out


# ---------------------------------------------------------------------------
# layers


class Linear:
    """A fully connected (affine) layer, sample-first: ``Y = X @ W + b``.

    Parameters
    ----------
    n_in : int
        Number of input features (columns of ``X``).
    n_out : int
        Number of output features (columns of ``Y``).
    rng : int or numpy.random.Generator, optional
        Seed or generator for the initial weights (default 0, so two layers
        built the same way are equal).
    scale : float, optional
        Standard deviation of the initial weights. The default
        ``sqrt(2 / n_in)`` (He initialisation) suits a ReLU after the layer.

    Attributes
    ----------
    W : ndarray
        Shape (n_in, n_out).
        Weights; column ``j`` holds the weights of output unit ``j``.
    b : ndarray
        Shape (n_out,).
        Biases, one per output unit, broadcast over the rows of the batch.
    dW, db : ndarray or None
        Gradients of the loss with respect to ``W`` and ``b``, shaped like
        them; set by :meth:`backward`, ``None`` before.

    See Also
    --------
    Linear.from_weights : build a layer from given weights and biases.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Linear.from_weights([[0.5, -1.0], [1.5, 0.0]], [0.1, 0.2])
    >>> layer.forward(np.array([[1.0, 2.0]]))
    array([[ 3.6, -0.8]])
    >>> layer.backward(np.array([[1.0, 2.0]]))
    array([[-1.5,  1.5]])
    >>> layer.dW
    array([[1., 2.],
           [2., 4.]])
    """

    def __init__(self, n_in, n_out, *, rng=0, scale=None):
        n_in = _validate.integer(n_in, "n_in")
        n_out = _validate.integer(n_out, "n_out")
        if scale is None:
            scale = np.sqrt(2.0 / n_in)
        scale = _validate.real(scale, "scale", minimum=0)
        generator = np.random.default_rng(rng)
        self.W = scale * generator.standard_normal((n_in, n_out))
        self.b = np.zeros(n_out)
        self.dW = None
        self.db = None
        self._X = None

    @classmethod
    def from_weights(cls, W, b=None):
        """A layer with the given weights (copied) and biases (zeros if omitted).

        Parameters
        ----------
        W : array_like
            Shape (n_in, n_out).
            The weights.
        b : array_like, optional
            Shape (n_out,).
            The biases.

        Returns
        -------
        Linear
        """
        W = np.array(W, dtype=np.float64)
        if W.ndim != 2:
            raise ValueError(f"W must be 2-d with shape (n_in, n_out), got shape {W.shape}")
        if not np.all(np.isfinite(W)):
            raise ValueError("W contains NaN or infinite values")
        layer = cls(W.shape[0], W.shape[1], scale=0.0)
        layer.W = W
        if b is not None:
            b = np.array(b, dtype=np.float64)
            if b.shape != (W.shape[1],):
                raise ValueError(
                    f"b must have shape (n_out,) = ({W.shape[1]},), one bias per output unit; "
                    f"got shape {b.shape}"
                )
            if not np.all(np.isfinite(b)):
                raise ValueError("b contains NaN or infinite values")
            layer.b = b
        return layer

    @property
    def n_in(self):
        """Number of input features."""
        return self.W.shape[0]

    @property
    def n_out(self):
        """Number of output features."""
        return self.W.shape[1]

    def forward(self, X):
        """Compute ``Y = X @ W + b`` and remember ``X`` for the backward pass.

        Parameters
        ----------
        X : array_like
            Shape (N, n_in).
            A batch, one example per row.

        Returns
        -------
        ndarray
            Shape (N, n_out).
        """
        self._X = _as_batch("X", X, features=self.n_in)
        return self._X @ self.W + self.b

    def backward(self, dY):
        """Store ``dW`` and ``db`` and return ``dX``, given ``dY = ∂L/∂Y``.

        Parameters
        ----------
        dY : array_like
            Shape (N, n_out).
            Gradient of the scalar loss with respect to the output of the
            last :meth:`forward` call.

        Returns
        -------
        ndarray
            Shape (N, n_in).
            Gradient of the loss with respect to the input ``X``.
        """
        if self._X is None:
            raise RuntimeError("call forward(X) before backward(dY): the layer needs X")
        dY = _as_batch("dY", dY, features=self.n_out)
        if dY.shape[0] != self._X.shape[0]:
            raise ValueError(
                f"dY has {dY.shape[0]} rows but the last forward pass had {self._X.shape[0]}; "
                "dY must be shaped like the layer's output"
            )
        self.dW = self._X.T @ dY  # (n_in, N) @ (N, n_out)
        self.db = dY.sum(axis=0)  # b was broadcast over the rows: its gradient sums them
        return dY @ self.W.T  # (N, n_out) @ (n_out, n_in)

    def update(self, lr):
        """One gradient-descent step: ``W -= lr * dW`` and ``b -= lr * db``.

        Parameters
        ----------
        lr : float
            The learning rate, a positive number.
        """
        lr = _validate.real(lr, "lr", minimum=0, strict=True)
        if self.dW is None:
            raise RuntimeError("call backward(dY) before update(lr): there is no gradient yet")
        self.W -= lr * self.dW
        self.b -= lr * self.db

    def parameters(self):
        """The parameters by name: ``{"W": W, "b": b}`` (the arrays themselves)."""
        return {"W": self.W, "b": self.b}

    def gradients(self):
        """The gradients by name: ``{"W": dW, "b": db}`` (``None`` before backward)."""
        return {"W": self.dW, "b": self.db}

    def __repr__(self):
        return f"Linear(n_in={self.n_in}, n_out={self.n_out})"


class ReLU:
    """The rectifier ``max(0, x)`` applied element by element.

    Its backward pass lets the upstream gradient through where the input
    was positive and blocks it elsewhere; at exactly 0 the derivative is taken
    as 0.

    Examples
    --------
    >>> import numpy as np
    >>> relu = ReLU()
    >>> relu.forward(np.array([[-1.0, 2.0]]))
    array([[0., 2.]])
    >>> relu.backward(np.array([[5.0, 5.0]]))
    array([[0., 5.]])
    """

    def __init__(self):
        self._mask = None

    def forward(self, X):
        """Return ``max(0, X)`` and remember where ``X > 0``.

        Parameters
        ----------
        X : array_like
            Shape (N, features).

        Returns
        -------
        ndarray
            Shape (N, features).
        """
        X = _as_batch("X", X)
        self._mask = X > 0
        return np.where(self._mask, X, 0.0)

    def backward(self, dY):
        """Return ``dX = dY * (X > 0)``.

        Parameters
        ----------
        dY : array_like
            Shape (N, features).
            Gradient of the loss with respect to the output.

        Returns
        -------
        ndarray
            Shape (N, features).
        """
        if self._mask is None:
            raise RuntimeError("call forward(X) before backward(dY): the layer needs X")
        dY = _as_batch("dY", dY)
        if dY.shape != self._mask.shape:
            raise ValueError(
                f"dY has shape {dY.shape} but the last output had shape {self._mask.shape}"
            )
        return np.where(self._mask, dY, 0.0)

    def update(self, lr):
        """Nothing to learn: checks ``lr`` and returns."""
        _validate.real(lr, "lr", minimum=0, strict=True)

    def parameters(self):
        """No parameters: an empty dict."""
        return {}

    def gradients(self):
        """No parameters: an empty dict."""
        return {}

    def __repr__(self):
        return "ReLU()"


class Sequential:
    """Layers applied one after the other; backward runs them in reverse.

    Parameters
    ----------
    *layers
        Objects with ``forward``, ``backward`` and ``update`` methods, such as
        :class:`Linear` and :class:`ReLU`.

    Examples
    --------
    >>> import numpy as np
    >>> net = Sequential(Linear(2, 3, rng=1), ReLU(), Linear(3, 1, rng=2))
    >>> net.forward(np.ones((4, 2))).shape
    (4, 1)
    >>> net.backward(np.ones((4, 1))).shape
    (4, 2)
    """

    def __init__(self, *layers):
        if not layers:
            raise ValueError("give at least one layer, e.g. Sequential(Linear(2, 3), ReLU())")
        for layer in layers:
            missing = [m for m in ("forward", "backward", "update") if not hasattr(layer, m)]
            if missing:
                raise TypeError(
                    f"{layer!r} is not a layer: it has no {', '.join(missing)} method"
                )
        self.layers = list(layers)

    def forward(self, X):
        """Run every layer's forward pass in order and return the output."""
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, dY):
        """Run every layer's backward pass in reverse order and return ``dX``."""
        for layer in reversed(self.layers):
            dY = layer.backward(dY)
        return dY

    def update(self, lr):
        """Apply one gradient-descent step to every layer."""
        _validate.real(lr, "lr", minimum=0, strict=True)
        for layer in self.layers:
            layer.update(lr)

    def __repr__(self):
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential({inner})"


# ---------------------------------------------------------------------------
# losses: each returns (value, gradient with respect to its first argument)

def squared_error(prediction, target, *, reduction="sum"):
    """Squared-error loss ``½‖prediction − target‖²`` and its gradient.

    Parameters
    ----------
    prediction : array_like
        Shape (N, K).
        The network's outputs, one row per example.
    target : array_like
        Shape (N, K).
        The wanted outputs.
    reduction : str, optional
        ``"sum"`` (default) gives ``½ Σ (prediction − target)²``; ``"mean"``
        divides that by the batch size ``N``.

    Returns
    -------
    value : float
        The loss.
    gradient : ndarray
        Shape (N, K).
        ``∂L/∂prediction``: ``prediction − target`` (divided by ``N`` for
        ``"mean"``).

    Examples
    --------
    >>> value, grad = squared_error([[3.0], [1.0]], [[1.0], [1.0]])
    >>> value
    2.0
    >>> grad
    array([[2.],
           [0.]])
    """
    _validate.choice(reduction, "reduction", ("sum", "mean"))
    prediction = _as_batch("prediction", prediction)
    target = _as_batch("target", target)
    if target.shape != prediction.shape:
        raise ValueError(
            f"target has shape {target.shape} but prediction has shape {prediction.shape}; "
            "they must match"
        )
    residual = prediction - target
    scale = 1.0 if reduction == "sum" else 1.0 / prediction.shape[0]
    return float(0.5 * scale * np.sum(residual**2)), scale * residual


def softmax_cross_entropy(logits, labels, *, reduction="mean"):
    """Cross-entropy of the softmax of ``logits`` against integer labels, and its gradient.

    The loss of one example with scores ``z`` and true class ``c`` is
    ``−log softmax(z)_c = log Σ_k exp(z_k) − z_c``, computed stably (the row
    maximum is subtracted first).

    Parameters
    ----------
    logits : array_like
        Shape (N, K).
        Unnormalised class scores, one row per example.
    labels : array_like of int
        Shape (N,).
        The true class of each example, in ``0 .. K-1``.
    reduction : str, optional
        ``"sum"`` or ``"mean"``: sum or average (default) the per-example losses over the batch.

    Returns
    -------
    value : float
        The loss.
    gradient : ndarray
        Shape (N, K).
        ``∂L/∂logits = softmax(logits) − onehot(labels)`` (divided by ``N``
        for ``"mean"``).

    Examples
    --------
    >>> import numpy as np
    >>> value, grad = softmax_cross_entropy(np.zeros((1, 4)), [2])
    >>> bool(np.isclose(value, np.log(4)))
    True
    >>> grad
    array([[ 0.25,  0.25, -0.75,  0.25]])
    """
    _validate.choice(reduction, "reduction", ("sum", "mean"))
    logits = _as_batch("logits", logits)
    labels_array = np.asarray(labels)
    if labels_array.shape != (logits.shape[0],):
        raise ValueError(
            f"labels must have shape (N,) = ({logits.shape[0]},), one class index per row of "
            f"logits; got shape {labels_array.shape}"
        )
    if labels_array.size and not np.issubdtype(labels_array.dtype, np.integer):
        raise TypeError(
            f"labels must be integers (class indices), got dtype {labels_array.dtype}; "
            "convert with labels.astype(int) if they are whole numbers"
        )
    n_classes = logits.shape[1]
    if labels_array.size and (labels_array.min() < 0 or labels_array.max() >= n_classes):
        raise ValueError(f"labels must lie in 0 .. {n_classes - 1} for {n_classes} classes")
    return _softmax_cross_entropy(logits, labels_array, reduction)


def _softmax_cross_entropy(logits, labels, reduction):
    """The arithmetic of :func:`softmax_cross_entropy`, without its checks.

    For a caller that checked its data once and then calls this in a loop
    (the reference training loop of the book): ``logits`` a finite float64
    array (N, K), ``labels`` integers in ``0 .. K-1`` of shape (N,).
    """
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_probs = shifted - log_norm
    rows = np.arange(logits.shape[0])
    losses = -log_probs[rows, labels]
    grad = np.exp(log_probs)
    grad[rows, labels] -= 1.0
    if reduction == "mean":
        return float(losses.mean()), grad / logits.shape[0]
    return float(losses.sum()), grad
