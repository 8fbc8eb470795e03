"""Argument checks at the boundary of the public functions: one place, consistent errors.

Every checker takes the argument's ``name`` as the caller spells it, so the
message says which argument is wrong. A wrong type raises ``TypeError``, a wrong
value ``ValueError``, and each message says what was expected. Call them once,
where a public function receives its arguments, never inside a loop.
"""

import math
import numbers

import numpy as np


def finite_array(values, name, *, ndim=None, shape=None):
    """A float64 copy of ``values``, non-empty and finite.

    Parameters
    ----------
    values : array_like
        The argument as given; it is copied, never changed.
    name : str
        The argument's name, used in the messages.
    ndim : int, optional
        The number of dimensions it must have.
    shape : tuple of int, optional
        The shape it must have.

    Raises
    ------
    TypeError
        If ``values`` is not numeric.
    ValueError
        If it has another number of dimensions or shape, is empty, or holds NaN or infinity.

    Examples
    --------
    >>> finite_array([1, 2], "x")
    array([1., 2.])
    >>> finite_array([1.0, float("nan")], "x")
    Traceback (most recent call last):
    ...
    ValueError: x contains NaN or infinity at index 1; pass finite numbers
    """
    if isinstance(values, (str, bytes)) or values is None:
        raise TypeError(f"{name} must be a numeric array, got {type(values).__name__}")
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a numeric array, got {type(values).__name__}") from error
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-d, got shape {array.shape}")
    if shape is not None and array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape})")
    bad = ~np.isfinite(array)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        where = where[0] if len(where) == 1 else where
        raise ValueError(f"{name} contains NaN or infinity at index {where}; pass finite numbers")
    return array


def integer(value, name, *, minimum=1):
    """``value`` as an ``int``, checked to be a whole number at least ``minimum``.

    Examples
    --------
    >>> integer(3, "steps")
    3
    >>> integer(0, "steps")
    Traceback (most recent call last):
    ...
    ValueError: steps must be an integer >= 1, got 0
    """
    if type(value) is int and value >= minimum:  # the common case, without the ABC check
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def real(value, name, *, minimum=None, strict=False):
    """``value`` as a finite ``float``, at least (or, with ``strict``, above) ``minimum``.

    Examples
    --------
    >>> real(0.5, "lr", minimum=0, strict=True)
    0.5
    >>> real(-1, "lr", minimum=0, strict=True)
    Traceback (most recent call last):
    ...
    ValueError: lr must be a finite number > 0, got -1
    """
    if type(value) is float or type(value) is int:  # the common case, without the ABC check
        below = minimum is not None and (value <= minimum if strict else value < minimum)
        if math.isfinite(value) and not below:
            return float(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    below = minimum is not None and (value <= minimum if strict else value < minimum)
    if not np.isfinite(value) or below:
        bound = "" if minimum is None else f" {'>' if strict else '>='} {minimum:g}"
        raise ValueError(f"{name} must be a finite number{bound}, got {value!r}")
    return float(value)


def function(value, name, *, takes="its arguments"):
    """Check that ``value`` can be called; ``takes`` says what it is called with.

    Examples
    --------
    >>> function(3, "f", takes="a point of shape (2,)")
    Traceback (most recent call last):
    ...
    TypeError: f must be a function of a point of shape (2,), got int
    """
    if not callable(value):
        raise TypeError(f"{name} must be a function of {takes}, got {type(value).__name__}")
    return value


def choice(value, name, options):
    """Check that ``value`` is one of ``options``.

    Examples
    --------
    >>> choice("mean", "reduction", ("sum", "mean"))
    'mean'
    >>> choice("max", "reduction", ("sum", "mean"))
    Traceback (most recent call last):
    ...
    ValueError: reduction must be one of 'sum', 'mean'; got 'max'
    """
    if value not in options:
        listed = ", ".join(repr(option) for option in options)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return value


def interval(value, name):
    """``value`` as a pair ``(low, high)`` of finite floats with ``low < high``.

    Examples
    --------
    >>> interval((-1, 2), "xlim")
    (-1.0, 2.0)
    """
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high) of numbers, got {value!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"{name} must be finite with low < high, got {value!r}")
    return low, high


def batch(array, name, *, features=None):
    """A float64 copy of a 2-d batch, one example per row, after checking its shape and values.

    Examples
    --------
    >>> batch([[1, 2]], "X").shape
    (1, 2)
    >>> batch([1, 2], "X")
    Traceback (most recent call last):
    ...
    ValueError: X must be 2-d with one example per row, shape (N, features); got shape (2,). A single example of shape (2,) is one row: pass X.reshape(1, -1).
    """
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
        raise ValueError(f"{name} contains NaN or infinite values; pass finite numbers")
    return out


def generator(rng, name):
    """A ``numpy.random.Generator`` from ``rng``: None (fresh randomness), a seed or a generator.

    Examples
    --------
    >>> generator(0, "rng").standard_normal() == generator(0, "rng").standard_normal()
    True
    >>> generator("zero", "rng")
    Traceback (most recent call last):
    ...
    TypeError: rng must be None, an int seed or a numpy.random.Generator, got str
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        if rng is not None and rng < 0:
            raise ValueError(f"{name} must be a seed >= 0, got {rng!r}")
        return np.random.default_rng(rng)
    raise TypeError(
        f"{name} must be None, an int seed or a numpy.random.Generator, got {type(rng).__name__}"
    )
