"""Argument checks at the boundary of the public functions: one place, consistent errors."""

import numpy as np


def finite_array(values, name, *, ndim=None):
    """A float64 copy of ``values``, non-empty and finite, with ``ndim`` dimensions if given.

    Raises
    ------
    TypeError
        If ``values`` is not numeric.
    ValueError
        If it has another number of dimensions, is empty, or holds NaN or infinity.
    """
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a numeric array, got {type(values).__name__}") from error
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape})")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinity")
    return array
