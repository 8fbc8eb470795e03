"""Small toy data sets made by code, for training a network in a few seconds.

Nothing is downloaded: every point comes from a seeded NumPy generator, so
the same arguments always give the same arrays.
"""

import numbers

import numpy as np

__all__ = ["make_spirals"]


def _positive_int(name, value, minimum=1):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _non_negative(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def make_spirals(n_per_class=100, n_classes=3, *, turns=0.75, noise=0.2, seed=0):
    """Points on interleaved spiral arms in the plane, one arm per class.

    Arm ``k`` starts at the origin and winds outwards: its ``i``-th point
    has radius ``r = i / (n_per_class - 1)`` and angle
    ``2 pi (k / n_classes + turns * r)`` plus Gaussian noise of standard
    deviation ``noise`` (in radians). No straight line separates two arms,
    so a linear classifier does badly and a small ReLU network does well.

    Parameters
    ----------
    n_per_class : int, optional
        Points on each arm (at least 2).
    n_classes : int, optional
        Number of arms, i.e. classes (at least 2).
    turns : float, optional
        How many full turns an arm makes from the centre to radius 1
        (non-negative).
    noise : float, optional
        Standard deviation of the angular noise in radians (non-negative).
    seed : int or numpy.random.Generator, optional
        Seed for ``numpy.random.default_rng``.

    Returns
    -------
    X : ndarray
        Shape (n_classes * n_per_class, 2), float64.
        The points, one per row (sample-first), arm after arm.
    y : ndarray
        Shape (n_classes * n_per_class,), int.
        The class (arm) of each row, in ``0 .. n_classes - 1``.

    Raises
    ------
    ValueError
        If a count is too small or ``turns`` or ``noise`` is negative or not
        finite.
    TypeError
        If ``turns`` or ``noise`` is not a real number.

    Examples
    --------
    >>> X, y = make_spirals(50, 3, seed=1)
    >>> X.shape, y.shape
    ((150, 2), (150,))
    >>> sorted(set(y.tolist()))
    [0, 1, 2]
    """
    n_per_class = _positive_int("n_per_class", n_per_class, minimum=2)
    n_classes = _positive_int("n_classes", n_classes, minimum=2)
    turns = _non_negative("turns", turns)
    noise = _non_negative("noise", noise)
    rng = np.random.default_rng(seed)
    radius = np.linspace(0.0, 1.0, n_per_class)
    points, labels = [], []
    for k in range(n_classes):
        angle = 2 * np.pi * (k / n_classes + turns * radius)
        angle = angle + noise * rng.standard_normal(n_per_class)
        points.append(np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]))
        labels.append(np.full(n_per_class, k, dtype=int))
    return np.concatenate(points), np.concatenate(labels)
