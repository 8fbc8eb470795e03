"""The arithmetic gates of the tracer: ``+ - * / ** @`` and negation.

Each operation computes its forward value and defines, right below, its
vector-Jacobian product ``vjp(g)``: the gradient each input receives when the
output's gradient is ``g``. Inputs that were broadcast receive the sum over the
broadcast axes (:func:`unbroadcast`).
"""

import numbers

import numpy as np

from mathnotes.tracer._common import broadcast, shape_text, unbroadcast


class ArithmeticOps:
    """``+ - * / ** @`` and unary ``-`` for :class:`~mathnotes.Value` (a mixin)."""

    def __add__(self, other):
        other = self._lift(other)
        data = broadcast(np.add, self, other, "addition (+)")

        def vjp(g):  # add distributes the upstream gradient to both inputs
            return unbroadcast(g, self.shape), unbroadcast(g, other.shape)

        return self._result(data, (self, other), "+", vjp)

    def __sub__(self, other):
        other = self._lift(other)
        data = broadcast(np.subtract, self, other, "subtraction (-)")

        def vjp(g):
            return unbroadcast(g, self.shape), unbroadcast(-g, other.shape)

        return self._result(data, (self, other), "-", vjp)

    def __mul__(self, other):
        other = self._lift(other)
        data = broadcast(np.multiply, self, other, "multiplication (*)")

        def vjp(g):  # multiply swaps: each input gets the other input times upstream
            return unbroadcast(other.data * g, self.shape), unbroadcast(self.data * g, other.shape)

        return self._result(data, (self, other), "*", vjp)

    def __truediv__(self, other):
        other = self._lift(other)
        if np.any(other.data == 0):
            raise ZeroDivisionError(
                f"division (/): the divisor ({shape_text(other.shape)}) contains a zero"
            )
        data = broadcast(np.divide, self, other, "division (/)")

        def vjp(g):  # d(a/b) = da / b - a db / b**2
            return (unbroadcast(g / other.data, self.shape),
                    unbroadcast(-g * self.data / other.data**2, other.shape))

        return self._result(data, (self, other), "/", vjp)

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
            return (exponent * self.data ** (exponent - 1) * g,)

        return self._result(self.data**exponent, (self,), f"**{exponent:g}", vjp)

    def __neg__(self):
        def vjp(g):
            return (-g,)

        return self._result(-self.data, (self,), "neg", vjp)

    def __matmul__(self, other):
        other = self._lift(other)
        a, b = self.data, other.data
        if a.ndim not in (1, 2) or b.ndim not in (1, 2):
            raise ValueError(
                f"matmul (@): both sides must be 1-D or 2-D, got shapes {a.shape} and {b.shape}"
            )
        inner_a, inner_b = a.shape[-1], b.shape[0]
        if inner_a != inner_b:
            raise ValueError(
                f"matmul (@): shapes {a.shape} and {b.shape} do not fit: the last axis of the "
                f"left ({inner_a}) must equal the first axis of the right ({inner_b})"
            )

        def vjp(g):  # D = A B  ->  dA = dD B^T,  dB = A^T dD
            g2 = g.reshape(a.shape[0] if a.ndim == 2 else 1, b.shape[1] if b.ndim == 2 else 1)
            a2, b2 = a.reshape(-1, inner_a), b.reshape(inner_b, -1)
            return (g2 @ b2.T).reshape(a.shape), (a2.T @ g2).reshape(b.shape)

        return self._result(a @ b, (self, other), "@", vjp)

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
