"""Element-wise functions of the tracer: ``exp``, ``log``, ``sqrt``, ``sigmoid``, ``tanh``, ``relu``.

Each one's Jacobian is diagonal, so its vector-Jacobian product is the local
derivative times the upstream gradient, entry by entry.
"""

import numpy as np

from mathnotes.tracer._common import shape_text


class ElementwiseOps:
    """Element-wise functions for :class:`~mathnotes.Value` (a mixin)."""

    __slots__ = ()  # a mixin: the attributes are Value's

    def exp(self):
        """``e**x`` element-wise; its derivative is itself."""
        data = np.exp(self.data)

        def vjp(g):
            return data * g

        return self._result(data, (self,), "exp", (vjp,))

    def log(self):
        """Natural logarithm element-wise; all entries must be positive."""
        if np.any(self.data <= 0):
            raise ValueError(f"log: every entry must be positive ({shape_text(self.shape)})")

        def vjp(g):  # d(log x) = dx / x
            return g / self.data

        return self._result(np.log(self.data), (self,), "log", (vjp,))

    def sqrt(self):
        """Square root element-wise; all entries must be positive.

        Its derivative ``1 / (2 sqrt(x))`` is infinite at 0, so zero is
        refused too: add a small constant first, as batch normalisation does
        with ``(var + eps).sqrt()``.

        Examples
        --------
        >>> import mathnotes as mn
        >>> x = mn.Value(4.0)
        >>> y = x.sqrt()
        >>> y.backward()
        >>> float(y.data), float(x.grad)
        (2.0, 0.25)
        """
        if np.any(self.data <= 0):
            raise ValueError(
                f"sqrt: every entry must be positive ({shape_text(self.shape)}); the derivative "
                "is infinite at 0, so add a small constant first, e.g. (v + 1e-5).sqrt()"
            )
        data = np.sqrt(self.data)

        def vjp(g):  # d(sqrt x) = dx / (2 sqrt x)
            return g / (2.0 * data)

        return self._result(data, (self,), "sqrt", (vjp,))

    def sigmoid(self):
        """The logistic function ``1 / (1 + e**-x)`` element-wise, as one gate."""
        s = np.exp(-np.logaddexp(0.0, -self.data))  # 1/(1+e^-x) without overflow

        def vjp(g):  # dσ = σ (1 - σ) dx
            return s * (1.0 - s) * g

        return self._result(s, (self,), "σ", (vjp,))

    def tanh(self):
        """Hyperbolic tangent element-wise."""
        data = np.tanh(self.data)

        def vjp(g):  # d(tanh x) = (1 - tanh² x) dx
            return (1.0 - data**2) * g

        return self._result(data, (self,), "tanh", (vjp,))

    def relu(self):
        """``max(x, 0)`` element-wise; the gradient at 0 is taken as 0."""

        def vjp(g):  # the gradient passes where x > 0, stops elsewhere
            return (self.data > 0).astype(np.float64) * g  # two float arrays multiply faster

        return self._result(np.maximum(self.data, 0.0), (self,), "relu", (vjp,))
