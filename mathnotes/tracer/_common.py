"""What the tracer's operations share: the input conversion, broadcasting and its backward."""

import math
import numbers

import numpy as np


def as_array(data, what):
    """``data`` as a fresh float64 array, or a clear error naming ``what``."""
    if type(data) is float:  # the common constant, checked cheaply
        if not math.isfinite(data):
            raise _not_finite(what)
        return np.array(data, dtype=np.float64)
    if type(data) is np.ndarray and data.dtype == np.float64:  # the common array, likewise
        array = data.copy()  # a copy: the caller's array is never changed
        if not np.isfinite(array).all():
            raise _not_finite(what)
        return array
    if hasattr(data, "topological_order"):  # a Value
        raise TypeError(f"{what}: got a Value; pass its .data, or use the Value itself in an operation")
    array = np.asarray(data)
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == bool
    ):
        raise TypeError(f"{what}: expected a number or an array of numbers, got {type(data).__name__}")
    if np.iscomplexobj(array):
        raise TypeError(f"{what}: complex numbers are not supported, got dtype {array.dtype}")
    array = np.array(array, dtype=np.float64)  # a copy: the caller's array is never changed
    if not np.isfinite(array).all():
        raise _not_finite(what)
    return array


def _not_finite(what):
    return ValueError(f"{what}: contains NaN or infinity; give finite numbers")


def unbroadcast(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched, to get ``shape``.

    When a bias of shape ``(3,)`` is added to every row of a ``(4, 3)`` array,
    each bias entry was used 4 times, so its gradient is the column sum.
    """
    if grad.shape == shape:  # nothing was broadcast
        return grad
    while grad.ndim > len(shape):  # axes added in front
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):  # axes of length 1 that were stretched
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def broadcast(function, a, b, what):
    """``function(a.data, b.data)`` with NumPy broadcasting, or an error naming both shapes."""
    try:
        return function(a.data, b.data)
    except ValueError:
        raise ValueError(
            f"{what}: shapes {a.shape} and {b.shape} do not broadcast together; trailing axes "
            "must be equal or 1"
        ) from None


def shape_text(shape):
    return "a scalar" if shape == () else f"shape {shape}"


def axis_index(axis, ndim, op):
    """One axis as a non-negative int, checked against ``ndim``."""
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{op}: axis must be an int, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for an array with {ndim} axes")
    return int(axis) % ndim


def axes_tuple(axis, ndim, op):
    """``axis`` (None, an int or a sequence of ints) as a sorted tuple of distinct axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, numbers.Integral) else axis
    try:
        axes = tuple(axes)
    except TypeError:
        raise TypeError(f"{op}: axis must be None, an int or a tuple of ints, got "
                        f"{type(axis).__name__}") from None
    normalized = [axis_index(a, ndim, op) for a in axes]
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"{op}: axis {axis!r} names an axis twice")
    return tuple(sorted(normalized))


def restore_axes(grad, axes, keepdims):
    """The gradient of a reduction with the reduced ``axes`` put back as length 1."""
    return grad if keepdims else np.expand_dims(grad, axes)
