"""The :class:`Value` itself: its data, its inputs, the backward pass; and :func:`maximum`."""

import numpy as np

from mathnotes.tracer._arithmetic import ArithmeticOps
from mathnotes.tracer._common import as_array, broadcast, unbroadcast
from mathnotes.tracer._elementwise import ElementwiseOps
from mathnotes.tracer._reductions import ReductionOps
from mathnotes.tracer._shapes import ShapeOps


class Value(ArithmeticOps, ElementwiseOps, ReductionOps, ShapeOps):
    """A number or array that records the operations applied to it.

    Parameters
    ----------
    data : float or array_like
        The value. It is copied and stored as float64 (a scalar becomes a
        0-d array), so ``float(v.data)`` prints a scalar.
    label : str, optional
        A name shown in drawings (:func:`mathnotes.draw`) and in the repr.
    requires_grad : bool, optional
        Whether :meth:`backward` computes a gradient for this value (default
        ``True``). Pass ``False`` for a constant, such as a batch of data.

    Attributes
    ----------
    data : numpy.ndarray
        The forward value, float64.
    grad : numpy.ndarray or None
        The gradient of the output that :meth:`backward` was called on, with
        respect to this value; same shape as ``data``, zero until then.
        ``None`` for a constant, whose gradient is never computed.
    label : str or None
        The name given at creation or set later.
    requires_grad : bool
        Whether a gradient is computed for this value: ``True`` for a
        ``Value`` made with the default, and for every result of an
        operation with at least one input that requires one; ``False`` for
        a constant. Read only.
    op : str
        The operation that produced this value (``""`` for an input).
    inputs : tuple of Value
        The values this one was computed from (empty for an input).

    Notes
    -----
    **Constants.** A plain number or NumPy array in an operation (the data
    ``X`` in ``X @ w``) becomes a constant input, and so does
    ``Value(x, requires_grad=False)``. A value computed only from constants
    is a constant too. :meth:`backward` skips every vector-Jacobian
    product that would only feed a constant (in ``X @ w`` it computes the
    gradient of ``w`` and not that of ``X``, half the work), and a
    constant's ``.grad`` stays ``None``. The gradients of the other values
    are the same, to the last bit, as if everything required a gradient.
    The flag plays the part of ``requires_grad`` in PyTorch, except that a
    ``Value`` you make requires a gradient unless told otherwise.

    **What is kept.** An array given as ``data`` or as an operand is copied,
    so changing it afterwards (shuffling a data set in place for the next
    epoch) changes nothing recorded, nor any gradient. Each value's ``.grad``
    is an array of its own. A ``Value`` has only the attributes listed above:
    no others can be set (no dictionary per value, so a graph of many
    scalars stays small and quick to build).

    Supported: ``+ - * /`` and ``**`` with a number exponent, unary ``-``,
    ``@`` (as ``np.matmul``: 1-D, 2-D or batches of matrices), each also with a plain number or array on either
    side, NumPy broadcasting; the element-wise methods :meth:`exp`,
    :meth:`log`, :meth:`sqrt`, :meth:`sigmoid`, :meth:`tanh`, :meth:`relu`;
    the reductions :meth:`sum`, :meth:`mean`, :meth:`max` over any axes and
    :meth:`softmax` along one; the shape changes :meth:`reshape`,
    :meth:`transpose`, :attr:`T`, :meth:`pad`; indexing ``v[idx]`` and
    :meth:`take`; the function :func:`mathnotes.maximum`; and the loss
    :meth:`softmax_cross_entropy`. The design follows the circuit view of
    backpropagation :cite:p:`cs231n2016backprop`.

    Examples
    --------
    >>> import mathnotes as mn
    >>> x, y = mn.Value(-2.0, label="x"), mn.Value(5.0, label="y")
    >>> z = mn.Value(-4.0, label="z")
    >>> f = (x + y) * z
    >>> f.backward()
    >>> float(f.data), float(x.grad), float(y.grad), float(z.grad)
    (-12.0, -4.0, -4.0, 3.0)

    A plain array is a constant: no gradient is computed for it.

    >>> import numpy as np
    >>> X = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> w = mn.Value([0.5, -1.0], label="w")
    >>> loss = (X @ w).sum()
    >>> loss.backward()
    >>> w.grad, loss.inputs[0].inputs[0].grad
    (array([4., 6.]), None)
    """

    __array_ufunc__ = None  # ``array + value`` calls Value.__radd__, not NumPy
    # the attributes every value has, and no others: a graph of 10,000 scalar operations makes
    # 10,000 values, and without a dictionary each one is smaller and quicker to make
    __slots__ = ("data", "label", "inputs", "op", "_requires_grad", "_grad", "_grad_unsettled",
                 "_vjps", "_ancestors")

    def __init__(self, data, label=None, *, requires_grad=True):
        if not isinstance(requires_grad, bool):
            raise TypeError(f"Value(requires_grad): expected True or False, got {requires_grad!r}")
        self.data = as_array(data, "Value(data)")
        self.label = label
        self.inputs = ()
        self.op = ""
        self._requires_grad = requires_grad
        self._grad = None  # zero, made when first read or added to
        self._grad_unsettled = False  # see _accumulate
        self._vjps = ()
        self._ancestors = None  # see _backward_order

    @classmethod
    def _result(cls, data, inputs, op, vjps):
        """The output of an operation on ``inputs``.

        ``vjps`` holds one function per input: ``vjps[i](g)`` is the gradient
        that input ``i`` receives when the output's gradient is ``g``. It is
        called only for an input that requires a gradient; the output
        requires one if any input does. It returns ``g`` itself, a view of
        ``g``, or a new array that nothing else keeps (:meth:`backward` may
        keep that array as the input's gradient); and it is linear in ``g``,
        as a vector-Jacobian product is (products and sums of ``g`` with
        other numbers, never a division by ``g``).
        """
        out = cls.__new__(cls)
        out.data = np.asarray(data, dtype=np.float64)  # a fresh array already: no copy, no check
        out.label = None
        out.inputs = inputs
        out.op = op
        out._grad = None
        out._grad_unsettled = False
        out._ancestors = None
        for parent in inputs:
            if parent._requires_grad:
                out._requires_grad = True
                out._vjps = vjps
                return out
        out._requires_grad = False  # computed from constants only
        out._vjps = ()
        return out

    @staticmethod
    def _lift(x):
        """A Value, wrapping a plain number or array as a constant input."""
        return x if isinstance(x, Value) else Value(x, requires_grad=False)

    @property
    def requires_grad(self):
        """Whether :meth:`backward` computes a gradient for this value (read only)."""
        return self._requires_grad

    @property
    def grad(self):
        """The gradient held by this value: zero until :meth:`backward`; ``None`` for a constant."""
        if self._grad is None:
            if self._requires_grad:
                self._grad = np.zeros(self.data.shape)  # zero: made only when someone looks
                self._grad_unsettled = False
        elif self._grad_unsettled:  # the sign of its zeros, settled once, when first read
            self._grad += 0.0  # -0.0 + 0.0 is +0.0; every other number stays as it is
            self._grad_unsettled = False
        return self._grad

    @grad.setter
    def grad(self, value):
        self._grad = value
        self._grad_unsettled = False

    @property
    def shape(self):
        """The shape of ``data``."""
        return self.data.shape

    def __repr__(self):
        name = f", label={self.label!r}" if self.label is not None else ""
        if self.data.ndim == 0:
            grad = f"grad={float(self.grad):.6g}" if self._requires_grad else "requires_grad=False"
            return f"Value(data={float(self.data):.6g}, {grad}{name})"
        constant = "" if self._requires_grad else ", requires_grad=False"
        return f"Value(shape={self.data.shape}{constant}{name})"

    # ---------------------------------------------------------------- backward
    def input_gradients(self):
        """What each input receives from this value's current ``.grad``, one array per wire.

        The gradient that flows back along each input wire of the operation
        that made this value: the operation's vector-Jacobian product applied
        to ``self.grad``. An input used twice (``x * x``) appears twice, with
        one contribution per use. A constant input receives nothing: its
        entry is ``None``. Nothing is changed: no ``.grad`` is touched.

        Returns
        -------
        tuple of numpy.ndarray or None
            In the order of ``inputs``, each shaped like its input, or
            ``None`` for a constant input (all ``None`` when this value is a
            constant); empty for an input value.

        Examples
        --------
        >>> import mathnotes as mn
        >>> x = mn.Value(3.0)
        >>> y = x * x
        >>> y.backward()
        >>> [float(g) for g in y.input_gradients()], float(x.grad)
        ([3.0, 3.0], 6.0)
        """
        if not self._requires_grad:
            return (None,) * len(self.inputs)
        return tuple(np.array(vjp(self.grad), dtype=np.float64) if parent._requires_grad else None
                     for parent, vjp in zip(self.inputs, self._vjps))

    def topological_order(self):
        """Every value this one depends on, inputs first, itself last.

        An iterative depth-first search (no recursion), so a chain of any
        length works. The order is deterministic: inputs are visited in the
        order the operations received them.

        Returns
        -------
        list of Value
        """
        return self._walk(constants=True)

    def _walk(self, *, constants):
        """The topological order; without ``constants``, only the values that require a gradient.

        Leaving a constant out leaves out everything it was computed from
        (constants too), so the rest come in the same order either way.
        """
        order, visited = [], {self}
        stack = [(self, iter(self.inputs))]  # the values being visited, each with its inputs to go
        while stack:
            node, inputs = stack[-1]
            for parent in inputs:
                if parent not in visited and (constants or parent._requires_grad):
                    visited.add(parent)
                    stack.append((parent, iter(parent.inputs)))  # visit it, then come back here
                    break
            else:  # all its inputs are already in ``order``
                stack.pop()
                order.append(node)
        return order

    def _backward_order(self):
        """``_walk(constants=False)``: what backward visits, computed once and kept.

        The inputs of a value never change, so neither does this order. It is
        kept without ``self``, which would otherwise hold itself (a reference
        cycle keeps a graph's arrays alive until the garbage collector runs).
        """
        if self._ancestors is None:
            self._ancestors = tuple(self._walk(constants=False)[:-1])
        return (*self._ancestors, self)

    def backward(self, upstream=None):
        """Backpropagate from this value to every value it was computed from.

        Parameters
        ----------
        upstream : array_like, optional
            The gradient of the final scalar with respect to this value, of
            the same shape. Needed when this value is an array; a scalar
            value is seeded with 1.

        Raises
        ------
        ValueError
            If this value is a constant (nothing it depends on requires a
            gradient), or ``upstream`` is missing or has the wrong shape.

        Notes
        -----
        Gradients of the inputs (values made directly by ``Value(...)``)
        are added to what they already hold, so two calls add up; reset
        them with :meth:`zero_grad`. Gradients of the intermediate values
        are recomputed from zero on each call. Only the values that require
        a gradient are visited: constants, and everything computed from
        constants only, are skipped.
        """
        if not self._requires_grad:
            raise ValueError(
                "backward: this value is a constant: nothing it was computed from requires a "
                "gradient; make the parameters with mn.Value(x) (requires_grad=True, the default)"
            )
        if upstream is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward: this value has shape {self.shape}, not a scalar; pass the "
                    f"upstream gradient, e.g. out.backward(np.ones({self.shape}))"
                )
            upstream = np.ones(self.data.shape)
        else:
            upstream = as_array(upstream, "backward(upstream)")
            if upstream.shape != self.shape:
                raise ValueError(
                    f"backward: upstream has shape {upstream.shape} but this value has shape "
                    f"{self.shape}; they must be equal"
                )
        order = self._backward_order()
        for node in order:
            if node.inputs:
                node._grad = None  # zero: an intermediate value's gradient is computed anew
        _accumulate(self, upstream, None)
        for node in reversed(order):
            g = node._grad
            for parent, vjp in zip(node.inputs, node._vjps):
                if parent._requires_grad:  # a constant's vector-Jacobian product is skipped
                    _accumulate(parent, vjp(g), g)  # a value used several times adds them up

    def zero_grad(self):
        """Set ``.grad`` to zero for this value and every value it depends on (constants keep ``None``)."""
        if not self._requires_grad:
            return
        for node in self._backward_order():
            node._grad = None  # zero, made again when read


def _accumulate(value, grad, upstream):
    """``value.grad += grad``, where a gradient not yet made (``None``) is zero.

    ``grad`` is what a vector-Jacobian product returned for the upstream
    gradient ``upstream``. The first contribution becomes the gradient: the
    array itself if it is a new one (not ``upstream`` itself nor a view of
    another array), else a copy. Adding it to an array of zeros would give
    the same numbers, except that a zero comes out as +0.0 even where the
    contribution holds -0.0 (as ``-3.0 * 0.0`` is). That sign is settled
    when the gradient is first read (:attr:`grad` adds 0.0 once), so
    gradients are the same to the last bit, and in the sign of every zero,
    as a sum started from zero, without a pass over the array now. A
    vector-Jacobian product is linear in its upstream gradient, so an
    unsettled zero sign in ``upstream`` changes nothing but the signs of
    zeros in what it returns, which are settled in turn.
    """
    if value._grad is not None:
        value._grad += grad
        return
    if not (type(grad) is np.ndarray and grad.base is None and grad is not upstream
            and grad.dtype == np.float64):
        grad = np.array(grad, dtype=np.float64)  # a copy: the input gets an array of its own
    value._grad = grad
    value._grad_unsettled = True


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
    a, b = Value._lift(a), Value._lift(b)
    data = broadcast(np.maximum, a, b, "maximum")
    share_a = (a.data > b.data) + 0.5 * (a.data == b.data)

    # the larger input takes the whole gradient (half each on a tie)
    def vjp_a(g):
        return unbroadcast(share_a * g, a.shape)

    def vjp_b(g):
        return unbroadcast((1.0 - share_a) * g, b.shape)

    return Value._result(data, (a, b), "max", (vjp_a, vjp_b))
