"""Tests of the toy data sets."""

import numpy as np
import pytest

import mathnotes as mn


def test_spirals_shapes_labels_and_dtype():
    X, y = mn.make_spirals(40, 4, seed=3)
    assert X.shape == (160, 2) and X.dtype == np.float64
    assert y.shape == (160,) and np.issubdtype(y.dtype, np.integer)
    assert np.array_equal(np.bincount(y), [40, 40, 40, 40])


def test_spirals_are_reproducible_and_depend_on_the_seed():
    a, _ = mn.make_spirals(30, seed=7)
    b, _ = mn.make_spirals(30, seed=7)
    c, _ = mn.make_spirals(30, seed=8)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_spiral_radii_run_from_centre_to_one():
    X, y = mn.make_spirals(25, 2, noise=0.5, seed=0)
    for k in range(2):
        radius = np.hypot(*X[y == k].T)
        assert np.allclose(radius, np.linspace(0, 1, 25))


def test_noise_free_arms_are_rotations_of_each_other():
    X, y = mn.make_spirals(10, 3, noise=0.0)
    turn = 2 * np.pi / 3
    R = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    assert np.allclose(X[y == 0] @ R.T, X[y == 1])


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(n_per_class=1), ValueError),
        (dict(n_per_class=2.5), ValueError),
        (dict(n_classes=1), ValueError),
        (dict(n_classes=True), ValueError),
        (dict(noise=-0.1), ValueError),
        (dict(noise=float("nan")), ValueError),
        (dict(turns="one"), TypeError),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, error):
    with pytest.raises(error):
        mn.make_spirals(**kwargs)
