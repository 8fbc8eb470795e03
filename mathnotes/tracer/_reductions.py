"""Reductions of the tracer: ``sum``, ``mean``, ``max``, ``softmax`` and the softmax cross-entropy.

A reduction over some axes hands every reduced entry its share of the
upstream gradient: all of it for ``sum``, ``1/count`` for ``mean``, all of it
to the largest entry for ``max``. The backward therefore puts the reduced axes
back (as length 1) and broadcasts.
"""

import numpy as np

from mathnotes.tracer._common import axes_tuple, axis_index, restore_axes


class ReductionOps:
    """Reductions over axes for :class:`~mathnotes.Value` (a mixin)."""

    __slots__ = ()  # a mixin: the attributes are Value's

    def sum(self, axis=None, keepdims=False):
        """Sum over ``axis``.

        Parameters
        ----------
        axis : int or tuple of int, optional
            The axes to sum over (negative counts from the end); all of them by default.
        keepdims : bool, optional
            Keep the summed axes as axes of length 1, as in NumPy.

        Returns
        -------
        Value

        Examples
        --------
        >>> import numpy as np, mathnotes as mn
        >>> x = mn.Value(np.arange(6.0).reshape(2, 3))
        >>> s = x.sum(axis=0)
        >>> s.backward(np.array([1.0, 2.0, 3.0]))
        >>> s.data, x.grad
        (array([3., 5., 7.]), array([[1., 2., 3.],
               [1., 2., 3.]]))
        """
        axes = axes_tuple(axis, self.data.ndim, "sum")

        def vjp(g):  # every summed entry receives the upstream gradient
            return np.broadcast_to(restore_axes(g, axes, keepdims), self.shape)

        return self._result(self.data.sum(axis=axes, keepdims=keepdims), (self,), "sum", (vjp,))

    def mean(self, axis=None, keepdims=False):
        """Mean over ``axis``; the arguments are those of :meth:`sum`.

        Examples
        --------
        >>> import numpy as np, mathnotes as mn
        >>> x = mn.Value(np.arange(6.0).reshape(2, 3))
        >>> m = x.mean(axis=1, keepdims=True)
        >>> m.backward(np.ones((2, 1)))
        >>> m.data.shape, x.grad[0]
        ((2, 1), array([0.33333333, 0.33333333, 0.33333333]))
        """
        axes = axes_tuple(axis, self.data.ndim, "mean")
        count = int(np.prod([self.shape[i] for i in axes]))

        def vjp(g):  # each averaged entry gets upstream / count
            return np.broadcast_to(restore_axes(g, axes, keepdims) / count, self.shape)

        return self._result(self.data.mean(axis=axes, keepdims=keepdims), (self,), "mean", (vjp,))

    def max(self, axis=None, keepdims=False):
        """Largest entry over ``axis``; the arguments are those of :meth:`sum`.

        The gradient goes to the largest entry; where several entries tie for
        the largest, they share it equally (as :func:`mathnotes.maximum` splits
        a tie in halves).

        Examples
        --------
        >>> import numpy as np, mathnotes as mn
        >>> x = mn.Value(np.array([[1.0, 3.0, 3.0], [2.0, 0.0, -1.0]]))
        >>> m = x.max(axis=1)
        >>> m.backward(np.ones(2))
        >>> m.data, x.grad
        (array([3., 2.]), array([[0. , 0.5, 0.5],
               [1. , 0. , 0. ]]))
        """
        axes = axes_tuple(axis, self.data.ndim, "max")
        if self.data.size == 0:
            raise ValueError(f"max: the array of shape {self.shape} is empty")
        largest = self.data.max(axis=axes, keepdims=True)
        winners = self.data == largest
        share = winners / winners.sum(axis=axes, keepdims=True)

        def vjp(g):  # the largest entry takes the upstream gradient (shared on a tie)
            return share * restore_axes(g, axes, keepdims)

        data = largest if keepdims else largest.squeeze(axis=axes)
        return self._result(data, (self,), "max", (vjp,))

    def softmax(self, axis=-1):
        """Softmax along ``axis``, as one gate: ``exp(x) / exp(x).sum(axis)``.

        Parameters
        ----------
        axis : int, optional
            The axis whose entries become probabilities (the last one by default).

        Returns
        -------
        Value
            Same shape as this value; each slice along ``axis`` sums to 1.

        Notes
        -----
        The largest entry is subtracted first, so large scores do not
        overflow. The backward is the vector-Jacobian product of the Jacobian
        ``diag(s) - s sᵀ`` of each slice: ``s * (g - (g * s).sum(axis))``.

        Examples
        --------
        >>> import numpy as np, mathnotes as mn
        >>> x = mn.Value(np.log([[1.0, 3.0], [2.0, 2.0]]))
        >>> s = x.softmax(axis=1)
        >>> s.data
        array([[0.25, 0.75],
               [0.5 , 0.5 ]])
        """
        axis = axis_index(axis, self.data.ndim, "softmax")
        shifted = np.exp(self.data - self.data.max(axis=axis, keepdims=True))
        s = shifted / shifted.sum(axis=axis, keepdims=True)

        def vjp(g):  # each slice: (diag(s) - s sᵀ) g
            return s * (g - (g * s).sum(axis=axis, keepdims=True))

        return self._result(s, (self,), "softmax", (vjp,))

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
        z2 = z if z.ndim == 2 else z.reshape(1, -1)  # one row per example
        n, classes = z2.shape
        labels = np.array(labels)  # a copy: the backward uses them after the caller's code goes on
        if labels.dtype.kind not in "iu":  # signed or unsigned integers
            raise TypeError(
                f"softmax_cross_entropy: labels must be integer class indices, got dtype {labels.dtype}"
            )
        labels = labels.reshape(-1)
        if labels.shape[0] != n:
            raise ValueError(
                f"softmax_cross_entropy: scores of shape {z.shape} have {n} rows "
                f"but there are {labels.shape[0]} labels"
            )
        if labels.size and np.minimum.reduce(labels) < 0:  # NumPy would count them from the end
            raise _labels_out_of_range(z.shape)
        rows = np.arange(n)
        shifted = z2 - z2.max(axis=1, keepdims=True)  # same softmax, no overflow
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        try:
            picked = log_probs[rows, labels]  # NumPy refuses a label >= C
        except IndexError:
            raise _labels_out_of_range(z.shape) from None

        def vjp(g):  # dL/dz = (softmax(z) - onehot(labels)) / N
            d = np.exp(log_probs)
            d[rows, labels] -= 1.0
            d /= n
            d *= g
            return d if z.ndim == 2 else d.reshape(z.shape)

        loss = -picked.sum() / n  # the mean, as .mean() computes it
        return self._result(loss, (self,), "softmax-CE", (vjp,))


def _labels_out_of_range(shape):
    return ValueError(f"softmax_cross_entropy: labels must lie in 0..{shape[-1] - 1} (scores {shape})")
