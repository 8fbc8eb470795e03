"""A small reverse-mode tracer: values that remember how they were computed.

Every arithmetic operation on a :class:`Value` returns a new ``Value`` that
keeps its inputs, the name of the operation, and a ``_backward`` function.
That function turns the gradient of the output into gradients of the inputs
(the local derivative times the upstream gradient) and adds them, with
``+=``, to the inputs' ``.grad``. :meth:`Value.backward` calls these
functions from the output back to the inputs, in reverse topological order.

Each operation's backward is written right below its forward, so the code
reads like the rules of the backpropagation chapter.
"""

import numbers

import numpy as np

__all__ = ["Value", "maximum"]


def _as_array(data, what):
    """``data`` as a fresh float64 array, or a clear error."""
    if isinstance(data, Value):
        raise TypeError(f"{what}: got a Value; pass its .data, or use the Value itself in an operation")
    array = np.asarray(data)
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == bool
    ):
        raise TypeError(f"{what}: expected a number or an array of numbers, got {type(data).__name__}")
    if np.iscomplexobj(array):
        raise TypeError(f"{what}: complex numbers are not supported, got dtype {array.dtype}")
    array = np.array(array, dtype=np.float64)  # a copy: the caller's array is never changed
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what}: contains NaN or infinity; give finite numbers")
    return array


def _unbroadcast(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched, to get ``shape``.

    When a bias of shape ``(3,)`` is added to every row of a ``(4, 3)`` array,
    each bias entry was used 4 times, so its gradient is the column sum.
    """
    while grad.ndim > len(shape):  # axes added in front
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):  # axes of length 1 that were stretched
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def _broadcast(function, a, b, what):
    """``function(a.data, b.data)`` with NumPy broadcasting, or an error naming both shapes."""
    try:
        return function(a.data, b.data)
    except ValueError:
        raise ValueError(
            f"{what}: shapes {a.shape} and {b.shape} do not broadcast together; trailing axes "
            "must be equal or 1"
        ) from None


def _shape_text(shape):
    return "a scalar" if shape == () else f"shape {shape}"


class Value:
    """A number or array that records the operations applied to it.

    Parameters
    ----------
    data : float or array_like
        The value. It is copied and stored as float64 (a scalar becomes a
        0-d array), so ``float(v.data)`` prints a scalar.
    label : str, optional
        A name shown in drawings (:func:`mathnotes.draw`) and in the repr.

    Attributes
    ----------
    data : numpy.ndarray
        The forward value, float64.
    grad : numpy.ndarray
        The gradient of the output that :meth:`backward` was called on, with
        respect to this value; same shape as ``data``, zero until then.
    label : str or None
        The name given at creation or set later.
    op : str
        The operation that produced this value (``""`` for an input).
    inputs : tuple of Value
        The values this one was computed from (empty for an input).

    Notes
    -----
    Supported: ``+ - * /`` and ``**`` with a number exponent, unary ``-``,
    ``@``, each also with a plain number or array on either side, NumPy
    broadcasting; the methods :meth:`exp`, :meth:`log`, :meth:`sigmoid`,
    :meth:`tanh`, :meth:`relu`, :meth:`sum`, :meth:`mean`, the property
    :attr:`T`; the function :func:`mathnotes.maximum`; and the loss
    :meth:`softmax_cross_entropy`. The design follows the
    circuit view of backpropagation :cite:p:`cs231n2016backprop`.

    Examples
    --------
    >>> import mathnotes as mn
    >>> x, y, z = mn.Value(-2.0, label="x"), mn.Value(5.0, label="y"), mn.Value(-4.0, label="z")
    >>> f = (x + y) * z
    >>> f.backward()
    >>> float(f.data), float(x.grad), float(y.grad), float(z.grad)
    (-12.0, -4.0, -4.0, 3.0)
    """

    __array_ufunc__ = None  # ``array + value`` calls Value.__radd__, not NumPy

    def __init__(self, data, label=None, *, _inputs=(), _op=""):
        if _op:  # the result of an operation: a fresh array already, no copy needed
            self.data = np.asarray(data, dtype=np.float64)
        else:
            self.data = _as_array(data, "Value(data)")
        self.grad = np.zeros(self.data.shape)  # np.zeros: pages are zeroed lazily
        self.label = label
        self.inputs = tuple(_inputs)
        self.op = _op
        self._backward = lambda: None

    # ----------------------------------------------------------------- helpers
    @property
    def shape(self):
        """The shape of ``data``."""
        return self.data.shape

    def __repr__(self):
        name = f", label={self.label!r}" if self.label is not None else ""
        if self.data.ndim == 0:
            return f"Value(data={float(self.data):.6g}, grad={float(self.grad):.6g}{name})"
        return f"Value(shape={self.data.shape}{name})"

    def _result(self, data, inputs, op):
        return Value(data, _inputs=inputs, _op=op)

    # -------------------------------------------------------------- arithmetic
    def __add__(self, other):
        other = _as_value(other)
        data = _broadcast(np.add, self, other, "addition (+)")
        out = self._result(data, (self, other), "+")

        def _backward():  # add distributes the upstream gradient to both inputs
            self.grad += _unbroadcast(out.grad, self.shape)
            other.grad += _unbroadcast(out.grad, other.shape)

        out._backward = _backward
        return out

    def __sub__(self, other):
        other = _as_value(other)
        data = _broadcast(np.subtract, self, other, "subtraction (-)")
        out = self._result(data, (self, other), "-")

        def _backward():
            self.grad += _unbroadcast(out.grad, self.shape)
            other.grad += _unbroadcast(-out.grad, other.shape)

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _as_value(other)
        data = _broadcast(np.multiply, self, other, "multiplication (*)")
        out = self._result(data, (self, other), "*")

        def _backward():  # multiply swaps: each input gets the other input times upstream
            self.grad += _unbroadcast(other.data * out.grad, self.shape)
            other.grad += _unbroadcast(self.data * out.grad, other.shape)

        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = _as_value(other)
        if np.any(other.data == 0):
            raise ZeroDivisionError(
                f"division (/): the divisor ({_shape_text(other.shape)}) contains a zero"
            )
        data = _broadcast(np.divide, self, other, "division (/)")
        out = self._result(data, (self, other), "/")

        def _backward():  # d(a/b) = da / b - a db / b**2
            self.grad += _unbroadcast(out.grad / other.data, self.shape)
            other.grad += _unbroadcast(-out.grad * self.data / other.data**2, other.shape)

        out._backward = _backward
        return out

    def __pow__(self, exponent):
        if isinstance(exponent, Value) or not isinstance(exponent, numbers.Real):
            raise TypeError(
                "power (**): the exponent must be a plain number, got "
                f"{type(exponent).__name__}; for a traced exponent write (b * x.log()).exp()"
            )
        exponent = float(exponent)
        if exponent != int(exponent) and np.any(self.data < 0):
            raise ValueError(
                f"power (**{exponent:g}): a non-integer power of a negative number is not real"
            )
        if exponent < 0 and np.any(self.data == 0):
            raise ZeroDivisionError(f"power (**{exponent:g}): the base contains a zero")
        out = self._result(self.data**exponent, (self,), f"**{exponent:g}")

        def _backward():  # d(x**n) = n x**(n-1) dx
            self.grad += exponent * self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out

    def __neg__(self):
        out = self._result(-self.data, (self,), "neg")

        def _backward():
            self.grad += -out.grad

        out._backward = _backward
        return out

    def __matmul__(self, other):
        other = _as_value(other)
        a, b = self.data, other.data
        if a.ndim not in (1, 2) or b.ndim not in (1, 2):
            raise ValueError(
                f"matmul (@): both sides must be 1-D or 2-D, got shapes {a.shape} and {b.shape}"
            )
        inner_a = a.shape[-1]
        inner_b = b.shape[0]
        if inner_a != inner_b:
            raise ValueError(
                f"matmul (@): shapes {a.shape} and {b.shape} do not fit: the last axis of the "
                f"left ({inner_a}) must equal the first axis of the right ({inner_b})"
            )
        out = self._result(a @ b, (self, other), "@")

        def _backward():  # D = A B  ->  dA = dD B^T,  dB = A^T dD
            g = out.grad
            g2 = g.reshape(a.shape[0] if a.ndim == 2 else 1, b.shape[1] if b.ndim == 2 else 1)
            a2 = a.reshape(-1, inner_a)
            b2 = b.reshape(inner_b, -1)
            self.grad += (g2 @ b2.T).reshape(a.shape)
            other.grad += (a2.T @ g2).reshape(b.shape)

        out._backward = _backward
        return out

    # reversed forms: ``2 * x`` and ``array @ x`` come here
    def __radd__(self, other):
        return _as_value(other) + self

    def __rsub__(self, other):
        return _as_value(other) - self

    def __rmul__(self, other):
        return _as_value(other) * self

    def __rtruediv__(self, other):
        return _as_value(other) / self

    def __rmatmul__(self, other):
        return _as_value(other) @ self

    def __rpow__(self, base):
        raise TypeError(
            "power (**): a traced exponent is not supported; write (x * math.log(base)).exp()"
        )

    # ------------------------------------------------------------ element-wise
    def exp(self):
        """``e**x`` element-wise; its derivative is itself."""
        out = self._result(np.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self):
        """Natural logarithm element-wise; all entries must be positive."""
        if np.any(self.data <= 0):
            raise ValueError(f"log: every entry must be positive ({_shape_text(self.shape)})")
        out = self._result(np.log(self.data), (self,), "log")

        def _backward():  # d(log x) = dx / x
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def sigmoid(self):
        """The logistic function ``1 / (1 + e**-x)`` element-wise, as one gate."""
        s = np.exp(-np.logaddexp(0.0, -self.data))  # 1/(1+e^-x) without overflow
        out = self._result(s, (self,), "σ")

        def _backward():  # dσ = σ (1 - σ) dx
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        """Hyperbolic tangent element-wise."""
        out = self._result(np.tanh(self.data), (self,), "tanh")

        def _backward():  # d(tanh x) = (1 - tanh² x) dx
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        """``max(x, 0)`` element-wise; the gradient at 0 is taken as 0."""
        out = self._result(np.maximum(self.data, 0.0), (self,), "relu")

        def _backward():  # the gradient passes where x > 0, stops elsewhere
            self.grad += (self.data > 0) * out.grad

        out._backward = _backward
        return out

    # -------------------------------------------------------------- reductions
    def sum(self, axis=None):
        """Sum over ``axis`` (an int, a tuple of ints, or None for all)."""
        axes = _normalize_axis(axis, self.data.ndim, "sum")
        out = self._result(self.data.sum(axis=axes), (self,), "sum")

        def _backward():  # every summed entry receives the upstream gradient
            g = np.expand_dims(out.grad, axes) if axes is not None else out.grad
            self.grad += np.broadcast_to(g, self.shape)

        out._backward = _backward
        return out

    def mean(self, axis=None):
        """Mean over ``axis`` (an int, a tuple of ints, or None for all)."""
        axes = _normalize_axis(axis, self.data.ndim, "mean")
        count = self.data.size if axes is None else int(np.prod([self.shape[i] for i in axes]))
        out = self._result(self.data.mean(axis=axes), (self,), "mean")

        def _backward():  # each entry gets upstream / count
            g = np.expand_dims(out.grad, axes) if axes is not None else out.grad
            self.grad += np.broadcast_to(g / count, self.shape)

        out._backward = _backward
        return out

    @property
    def T(self):
        """The transpose (all axes reversed, as ``ndarray.T``)."""
        out = self._result(self.data.T.copy(), (self,), "T")

        def _backward():
            self.grad += out.grad.T

        out._backward = _backward
        return out

    # ------------------------------------------------------------------ losses
    def softmax_cross_entropy(self, labels):
        """Mean cross-entropy of a softmax over the last axis, as one gate.

        Parameters
        ----------
        labels : array_like of int
            The correct class of each example: shape ``(N,)`` when this
            value holds scores of shape ``(N, C)`` (sample-first, one row per
            example), or a single int for scores of shape ``(C,)``.

        Returns
        -------
        Value
            A scalar: the mean over examples of ``-log softmax(scores)[label]``.

        Notes
        -----
        Its backward is ``(softmax(scores) - onehot(labels)) / N``
        :cite:p:`goodfellow2016deep`.

        Examples
        --------
        >>> import numpy as np, mathnotes as mn
        >>> scores = mn.Value(np.zeros((2, 4)))
        >>> loss = scores.softmax_cross_entropy([1, 3])
        >>> bool(np.isclose(float(loss.data), np.log(4)))
        True
        """
        z = self.data
        if z.ndim not in (1, 2):
            raise ValueError(
                f"softmax_cross_entropy: scores must have shape (N, C) or (C,), got {z.shape}"
            )
        z2 = z.reshape(-1, z.shape[-1])
        labels = np.asarray(labels)
        if not np.issubdtype(labels.dtype, np.integer):
            raise TypeError(
                f"softmax_cross_entropy: labels must be integer class indices, got dtype {labels.dtype}"
            )
        labels = labels.reshape(-1)
        if labels.shape[0] != z2.shape[0]:
            raise ValueError(
                f"softmax_cross_entropy: scores of shape {z.shape} have {z2.shape[0]} rows "
                f"but there are {labels.shape[0]} labels"
            )
        if np.any(labels < 0) or np.any(labels >= z2.shape[1]):
            raise ValueError(
                f"softmax_cross_entropy: labels must lie in 0..{z2.shape[1] - 1} (scores {z.shape})"
            )
        rows = np.arange(z2.shape[0])
        shifted = z2 - z2.max(axis=1, keepdims=True)  # same softmax, no overflow
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        out = self._result(-log_probs[rows, labels].mean(), (self,), "softmax-CE")

        def _backward():  # dL/dz = (softmax(z) - onehot(labels)) / N
            d = np.exp(log_probs)
            d[rows, labels] -= 1.0
            self.grad += (d / z2.shape[0] * out.grad).reshape(z.shape)

        out._backward = _backward
        return out

    # ---------------------------------------------------------------- backward
    def topological_order(self):
        """Every value this one depends on, inputs first, itself last.

        An iterative depth-first search (no recursion), so a chain of any
        length works. The order is deterministic: inputs are visited in the
        order the operations received them.

        Returns
        -------
        list of Value
        """
        order, visited = [], set()
        stack = [(self, False)]
        while stack:
            node, inputs_done = stack.pop()
            if inputs_done:  # all its inputs are already in ``order``
                order.append(node)
                continue
            if node in visited:
                continue
            visited.add(node)
            stack.append((node, True))
            for parent in reversed(node.inputs):
                if parent not in visited:
                    stack.append((parent, False))
        return order

    def backward(self, upstream=None):
        """Backpropagate from this value to every value it was computed from.

        Parameters
        ----------
        upstream : array_like, optional
            The gradient of the final scalar with respect to this value, of
            the same shape. Needed when this value is an array; a scalar
            value is seeded with 1.

        Notes
        -----
        Gradients of the inputs (values made directly by ``Value(...)``)
        are added to what they already hold, so two calls add up; reset
        them with :meth:`zero_grad`. Gradients of the intermediate values
        are recomputed from zero on each call.
        """
        if upstream is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward: this value has shape {self.shape}, not a scalar; pass the "
                    f"upstream gradient, e.g. out.backward(np.ones({self.shape}))"
                )
            upstream = np.ones_like(self.data)
        else:
            upstream = _as_array(upstream, "backward(upstream)")
            if upstream.shape != self.shape:
                raise ValueError(
                    f"backward: upstream has shape {upstream.shape} but this value has shape "
                    f"{self.shape}; they must be equal"
                )
        order = self.topological_order()
        for node in order:
            if node.inputs:
                node.grad = np.zeros(node.data.shape)
        self.grad += upstream
        for node in reversed(order):
            node._backward()

    def zero_grad(self):
        """Set ``.grad`` to zero for this value and every value it depends on."""
        for node in self.topological_order():
            node.grad = np.zeros(node.data.shape)


def _as_value(x):
    """A Value, wrapping a plain number or array as a constant input."""
    return x if isinstance(x, Value) else Value(x)


def _normalize_axis(axis, ndim, op):
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    normalized = []
    for a in axes:
        if not isinstance(a, numbers.Integral) or not -ndim <= a < ndim:
            raise ValueError(f"{op}: axis {a!r} is out of range for an array with {ndim} axes")
        normalized.append(int(a) % ndim)
    return tuple(sorted(set(normalized)))


def maximum(a, b):
    """Element-wise maximum of two values (or a value and a number or array).

    Parameters
    ----------
    a, b : Value or array_like
        Broadcast against each other as in NumPy.

    Returns
    -------
    Value

    Notes
    -----
    The max gate routes the upstream gradient to the larger input
    :cite:p:`cs231n2016backprop`. Where the two are equal the gradient is
    split in halves, which is what central differences measure there.

    Examples
    --------
    >>> import mathnotes as mn
    >>> x, y = mn.Value(3.0), mn.Value(-1.0)
    >>> m = mn.maximum(x, y)
    >>> m.backward()
    >>> float(x.grad), float(y.grad)
    (1.0, 0.0)
    """
    a, b = _as_value(a), _as_value(b)
    out = Value(_broadcast(np.maximum, a, b, "maximum"), _inputs=(a, b), _op="max")

    def _backward():  # the larger input takes the whole gradient (half each on a tie)
        share_a = (a.data > b.data) + 0.5 * (a.data == b.data)
        a.grad += _unbroadcast(share_a * out.grad, a.shape)
        b.grad += _unbroadcast((1.0 - share_a) * out.grad, b.shape)

    out._backward = _backward
    return out

