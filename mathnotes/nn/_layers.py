"""The layers: Linear, ReLU and Sequential, each with forward, backward and update."""

import numpy as np

from mathnotes import _validate


class Linear:
    """A fully connected (affine) layer, sample-first: ``Y = X @ W + b``.

    Parameters
    ----------
    n_in : int
        Number of input features (columns of ``X``).
    n_out : int
        Number of output features (columns of ``Y``).
    rng : int or numpy.random.Generator, optional
        Seed or generator of the initial weights. Pass one for reproducible
        weights: a seed gives the same weights every time, and one
        generator shared by several layers gives each its own. By default
        the weights are drawn from fresh randomness (as
        ``numpy.random.default_rng()`` does), so two layers never start
        equal.
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

    References
    ----------
    The numbers of the example (the weights, biases, input and upstream
    gradient) are those of the worked layer example of a source note of the
    course: Anonymous (n.d.), *Notes on a fully connected layer: forward,
    backward, bias gradient, update rule and a worked example* (the book's
    bibliography, and chapter 6, which works it through).

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

    def __init__(self, n_in, n_out, *, rng=None, scale=None):
        n_in = _validate.integer(n_in, "n_in")
        n_out = _validate.integer(n_out, "n_out")
        if scale is None:
            scale = np.sqrt(2.0 / n_in)
        scale = _validate.real(scale, "scale", minimum=0)
        generator = _validate.generator(rng, "rng")
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
        layer = cls(W.shape[0], W.shape[1], rng=0, scale=0.0)  # its weights are replaced
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
        self._X = _validate.batch(X, "X", features=self.n_in)
        return self._X @ self.W + self.b

    def backward(self, dY):
        """Store ``dW`` and ``db`` and return ``dX``, given ``dY``, the gradient ∇_Y L of the loss (shaped like Y).

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
        dY = _validate.batch(dY, "dY", features=self.n_out)
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
        X = _validate.batch(X, "X")
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
        dY = _validate.batch(dY, "dY")
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
        :class:`Linear` and :class:`ReLU` or a layer of your own.

    Attributes
    ----------
    layers : list
        The layers, in the order ``forward`` runs them: ``net.layers[0]``
        is the first. Unpack them to run the passes step by step, as in
        ``first, relu, second = net.layers``.

    Examples
    --------
    >>> import numpy as np
    >>> net = Sequential(Linear(2, 3, rng=1), ReLU(), Linear(3, 1, rng=2))
    >>> net.forward(np.ones((4, 2))).shape
    (4, 1)
    >>> net.backward(np.ones((4, 1))).shape
    (4, 2)
    >>> {name: array.shape for name, array in net.parameters().items()}
    {'0.W': (2, 3), '0.b': (3,), '2.W': (3, 1), '2.b': (1,)}
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

    def parameters(self):
        """Every layer's parameters by name: ``"i.name"`` for ``name`` of ``layers[i]``.

        Returns
        -------
        dict
            The arrays themselves, in the order of the layers, e.g. ``"0.W"``,
            ``"0.b"``, ``"2.W"``, ``"2.b"`` for ``Linear, ReLU, Linear``;
            ``sum(p.size for p in net.parameters().values())`` counts them.

        Raises
        ------
        TypeError
            If a layer has no ``parameters`` method (a layer without
            parameters returns ``{}``, as :meth:`ReLU.parameters` does).
        """
        return self._by_layer("parameters")

    def gradients(self):
        """Every layer's gradients, named as in :meth:`parameters` (``None`` before backward)."""
        return self._by_layer("gradients")

    def _by_layer(self, method):
        named = {}
        for i, layer in enumerate(self.layers):
            if not callable(getattr(layer, method, None)):
                raise TypeError(
                    f"Sequential.{method}: layer {i} ({layer!r}) has no {method}() method; give "
                    f"it one that returns a dict of its arrays by name ({{}} if it has none)"
                )
            named.update((f"{i}.{name}", array) for name, array in getattr(layer, method)().items())
        return named

    def __repr__(self):
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential({inner})"
