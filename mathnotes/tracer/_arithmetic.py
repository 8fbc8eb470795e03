"""The arithmetic gates of the tracer: ``+ - * / ** @`` and negation.

Each operation computes its forward value and defines, right below, one
vector-Jacobian product per input, ``vjp_self(g)`` and ``vjp_other(g)``: the
gradient that input receives when the output's gradient is ``g``. The backward
pass calls only those of inputs that require a gradient (in ``X @ w`` with a
constant ``X``, only ``vjp_other``). Inputs that were broadcast receive the sum
over the broadcast axes (:func:`unbroadcast`).
"""

import numbers

import numpy as np

from mathnotes.tracer._common import broadcast, shape_text, unbroadcast


class ArithmeticOps:
    """``+ - * / ** @`` and unary ``-`` for :class:`~mathnotes.Value` (a mixin)."""

    __slots__ = ()  # a mixin: the attributes are Value's

    def __add__(self, other):
        other = self._lift(other)
        data = broadcast(np.add, self, other, "addition (+)")

        def vjp_self(g):  # add distributes the upstream gradient to both inputs
            return unbroadcast(g, self.shape)

        def vjp_other(g):
            return unbroadcast(g, other.shape)

        return self._result(data, (self, other), "+", (vjp_self, vjp_other))

    def __sub__(self, other):
        other = self._lift(other)
        data = broadcast(np.subtract, self, other, "subtraction (-)")

        def vjp_self(g):
            return unbroadcast(g, self.shape)

        def vjp_other(g):
            return unbroadcast(-g, other.shape)

        return self._result(data, (self, other), "-", (vjp_self, vjp_other))

    def __mul__(self, other):
        other = self._lift(other)
        data = broadcast(np.multiply, self, other, "multiplication (*)")

        def vjp_self(g):  # multiply swaps: each input gets the other input times upstream
            return unbroadcast(other.data * g, self.shape)

        def vjp_other(g):
            return unbroadcast(self.data * g, other.shape)

        return self._result(data, (self, other), "*", (vjp_self, vjp_other))

    def __truediv__(self, other):
        other = self._lift(other)
        if np.any(other.data == 0):
            raise ZeroDivisionError(
                f"division (/): the divisor ({shape_text(other.shape)}) contains a zero"
            )
        data = broadcast(np.divide, self, other, "division (/)")

        def vjp_self(g):  # d(a/b) = da / b - a db / b**2
            return unbroadcast(g / other.data, self.shape)

        def vjp_other(g):
            return unbroadcast(-g * self.data / other.data**2, other.shape)

        return self._result(data, (self, other), "/", (vjp_self, vjp_other))

    def __pow__(self, exponent):
        if isinstance(exponent, ArithmeticOps) or not isinstance(exponent, numbers.Real):
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

        def vjp(g):  # d(x**n) = n x**(n-1) dx
            return exponent * self.data ** (exponent - 1) * g

        return self._result(self.data**exponent, (self,), f"**{exponent:g}", (vjp,))

    def __neg__(self):
        def vjp(g):
            return -g

        return self._result(-self.data, (self,), "neg", (vjp,))

    def __matmul__(self, other):
        other = self._lift(other)
        a, b = self.data, other.data
        try:  # NumPy checks the shapes; a message that explains them only if they do not fit
            data = np.matmul(a, b)
        except ValueError:
            raise _matmul_error(a.shape, b.shape) from None

        if a.ndim == 2 and b.ndim == 2:  # D = A B  ->  dA = dD Bᵀ,  dB = Aᵀ dD
            def vjp_self(g):
                return g @ b.T

            def vjp_other(g):
                return a.T @ g

            return self._result(data, (self, other), "@", (vjp_self, vjp_other))

        # the same rules for a 1-D side, a row (left) or a column (right) whose extra axis
        # the result drops, and for stacks of matrices (summed over broadcast batches)
        a2 = a if a.ndim > 1 else a[None, :]
        b2 = b if b.ndim > 1 else b[:, None]

        def as_2d(g):  # the upstream gradient with the axes a 1-D side dropped put back
            g2 = g if b.ndim > 1 else np.expand_dims(g, -1)
            return g2 if a.ndim > 1 else np.expand_dims(g2, -2)

        def vjp_self(g):
            return unbroadcast(as_2d(g) @ b2.swapaxes(-1, -2), a2.shape).reshape(a.shape)

        def vjp_other(g):
            return unbroadcast(a2.swapaxes(-1, -2) @ as_2d(g), b2.shape).reshape(b.shape)

        return self._result(data, (self, other), "@", (vjp_self, vjp_other))

    # reversed forms: ``2 * x`` and ``array @ x`` come here
    def __radd__(self, other):
        return self._lift(other) + self

    def __rsub__(self, other):
        return self._lift(other) - self

    def __rmul__(self, other):
        return self._lift(other) * self

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __rmatmul__(self, other):
        return self._lift(other) @ self

    def __rpow__(self, base):
        raise TypeError(
            "power (**): a traced exponent is not supported; write (x * math.log(base)).exp()"
        )


def _matmul_error(a, b):
    """The ``ValueError`` that says why shapes ``a`` and ``b`` cannot be multiplied with ``@``."""
    if len(a) == 0 or len(b) == 0:
        return ValueError(
            f"matmul (@): both sides need at least one axis, got shapes {a} and {b}; multiply "
            "by a scalar with *"
        )
    inner_b = b[0] if len(b) == 1 else b[-2]
    if a[-1] != inner_b:
        return ValueError(
            f"matmul (@): shapes {a} and {b} do not fit: the last axis of the left ({a[-1]}) "
            f"must equal the {'first' if len(b) == 1 else 'second-to-last'} axis of the right "
            f"({inner_b})"
        )
    return ValueError(
        f"matmul (@), over the leading (batch) axes,: shapes {a} and {b} do not broadcast "
        "together; trailing axes must be equal or 1"
    )
