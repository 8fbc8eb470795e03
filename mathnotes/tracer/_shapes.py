"""Shape changes and indexing in the tracer: ``reshape``, ``transpose``, ``T``, ``v[idx]``, ``take``, ``pad``.

A reshape or a transpose moves entries without changing them, so its backward
moves the gradient back. Indexing is a gather; its backward is a scatter-add
(``np.add.at``): an entry picked twice receives both gradients. Assigning with
fancy indexing (``grad[idx] += g``) would keep only one of them.
"""

import numbers

import numpy as np

from mathnotes.tracer._common import axis_index


def _shape_argument(shape, op):
    """``reshape(2, 3)`` and ``reshape((2, 3))`` as one tuple of ints."""
    if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
        shape = shape[0]
    try:
        shape = tuple(shape)
    except TypeError:
        raise TypeError(f"{op}: give the shape as ints or one tuple of ints, got {shape!r}") from None
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in shape):
        raise TypeError(f"{op}: every entry of the shape must be an int, got {shape!r}")
    return tuple(int(n) for n in shape)


def _frozen_index(index):
    """``index`` as a tuple whose arrays are private copies (a later change by the caller is harmless)."""
    parts = index if isinstance(index, tuple) else (index,)
    frozen = []
    for part in parts:
        if hasattr(part, "topological_order"):  # a Value
            raise TypeError("indexing: the index must be ints, slices or integer arrays, not a "
                            "Value; index with its .data converted to int")
        if isinstance(part, (list, np.ndarray)):
            part = np.array(part)
            if part.dtype != bool and not np.issubdtype(part.dtype, np.integer):
                raise TypeError(f"indexing: an index array must hold integers (or booleans), got "
                                f"dtype {part.dtype}")
        frozen.append(part)
    return tuple(frozen)


class ShapeOps:
    """Reshape, transpose, indexing and padding for :class:`~mathnotes.Value` (a mixin)."""

    __slots__ = ()  # a mixin: the attributes are Value's

    def reshape(self, *shape):
        """The same entries in a new shape, as ``ndarray.reshape`` (``-1`` infers one axis).

        Examples
        --------
        >>> import numpy as np, mathnotes as mn
        >>> x = mn.Value(np.arange(6.0))
        >>> x.reshape(2, 3).shape, x.reshape((3, -1)).shape
        ((2, 3), (3, 2))
        """
        shape = _shape_argument(shape, "reshape")
        try:
            data = self.data.reshape(shape)
        except ValueError as error:
            raise ValueError(
                f"reshape: cannot put {self.data.size} entries (shape {self.shape}) into shape "
                f"{shape} ({error}); the sizes must match, with at most one -1"
            ) from None

        def vjp(g):
            return g.reshape(self.shape)

        return self._result(data.copy(), (self,), "reshape", (vjp,))

    def transpose(self, *axes):
        """The axes permuted, as ``ndarray.transpose``: all reversed by default.

        Parameters
        ----------
        *axes : int
            The new order of the axes (or one tuple of them), e.g. ``(0, 2, 1)``.

        Examples
        --------
        >>> import numpy as np, mathnotes as mn
        >>> x = mn.Value(np.zeros((2, 3, 4)))
        >>> x.transpose(0, 2, 1).shape, x.transpose().shape
        ((2, 4, 3), (4, 3, 2))
        """
        ndim = self.data.ndim
        if not axes:
            return self._permuted(tuple(reversed(range(ndim))), "transpose")
        axes = _shape_argument(axes, "transpose")
        permutation = tuple(axis_index(a, ndim, "transpose") for a in axes)
        if sorted(permutation) != list(range(ndim)):
            raise ValueError(f"transpose: axes {axes} must name each of the {ndim} axes once")
        return self._permuted(permutation, "transpose")

    @property
    def T(self):
        """The transpose (all axes reversed, as ``ndarray.T``)."""
        return self._permuted(tuple(reversed(range(self.data.ndim))), "T")

    def _permuted(self, permutation, op):
        inverse = tuple(np.argsort(permutation))

        def vjp(g):  # move the gradient's axes back where they came from
            return g.transpose(inverse)

        return self._result(self.data.transpose(permutation).copy(), (self,), op, (vjp,))

    def __getitem__(self, index):
        """Entries picked by basic or integer-array indexing, as in NumPy: ``v[1:, [0, 0, 2]]``.

        The backward scatters the gradient back with ``np.add.at``, so an
        entry picked several times receives the sum of its gradients.

        Examples
        --------
        >>> import numpy as np, mathnotes as mn
        >>> table = mn.Value(np.zeros((3, 2)))
        >>> rows = table[[0, 2, 0]]
        >>> rows.backward(np.ones((3, 2)))
        >>> table.grad
        array([[2., 2.],
               [0., 0.],
               [1., 1.]])
        """
        return self._gather(_frozen_index(index), "[]")

    def take(self, indices, axis=0):
        """Slices along ``axis`` picked by integer ``indices``: an embedding look-up.

        ``v.take(ids, axis=0)`` equals ``v[ids]``; the result has shape
        ``shape[:axis] + ids.shape + shape[axis + 1:]``. Repeated indices add
        up in the backward, as for :meth:`__getitem__`.

        Parameters
        ----------
        indices : array_like of int
            Which slices to pick; negative ones count from the end.
        axis : int, optional
            The axis to pick along.

        Examples
        --------
        >>> import numpy as np, mathnotes as mn
        >>> embedding = mn.Value(np.arange(8.0).reshape(4, 2))
        >>> tokens = np.array([[3, 1], [1, 1]])
        >>> vectors = embedding.take(tokens)
        >>> vectors.shape
        (2, 2, 2)
        >>> vectors.sum().backward()
        >>> embedding.grad[:, 0]
        array([0., 3., 0., 1.])
        """
        axis = axis_index(axis, self.data.ndim, "take")
        indices = np.array(indices)
        if not np.issubdtype(indices.dtype, np.integer):
            raise TypeError(f"take: indices must be integers, got dtype {indices.dtype}")
        return self._gather((slice(None),) * axis + (indices,), "take")

    def _gather(self, index, op):
        try:
            data = np.array(self.data[index])  # a copy, also for a basic-index view
        except IndexError as error:
            raise IndexError(f"{op}: {error} (the value has shape {self.shape})") from None

        def vjp(g):  # scatter-add: repeated indices add up
            grad = np.zeros(self.shape)
            np.add.at(grad, index, g)
            return grad

        return self._result(data, (self,), op, (vjp,))

    def pad(self, pad_width):
        """Zeros added around the array, as ``np.pad(data, pad_width)``: padding for a convolution.

        Parameters
        ----------
        pad_width : int or sequence
            How many zeros before and after each axis: one int for all, a
            pair ``(before, after)`` for all, or one pair per axis.

        Examples
        --------
        >>> import numpy as np, mathnotes as mn
        >>> image = mn.Value(np.ones((2, 2)))
        >>> image.pad(((0, 0), (1, 1))).data
        array([[0., 1., 1., 0.],
               [0., 1., 1., 0.]])
        """
        ndim = self.data.ndim
        try:
            widths = np.broadcast_to(np.asarray(pad_width), (ndim, 2))
        except ValueError:
            raise ValueError(f"pad: pad_width {pad_width!r} must be an int, a pair, or one pair "
                             f"for each of the {ndim} axes") from None
        if not np.issubdtype(widths.dtype, np.integer):
            raise TypeError(f"pad: pad_width must hold ints, got {pad_width!r}")
        if np.any(widths < 0):
            raise ValueError(f"pad: pad_width must not be negative, got {pad_width!r}")
        inside = tuple(slice(int(before), int(before) + n) for (before, _), n in zip(widths, self.shape))

        def vjp(g):  # the padding's gradient is dropped; the inside goes back
            return g[inside]

        return self._result(np.pad(self.data, widths), (self,), "pad", (vjp,))
