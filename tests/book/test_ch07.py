"""Tests of the chapter-7 training loop and its pictures."""

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

import mathnotes as mn


@pytest.fixture
def data():
    return mn.make_spirals(20, 3, seed=0)


def test_train_two_layer_is_reproducible_and_lowers_the_loss(data):
    X, y = data
    net_a, losses_a = mn.train_two_layer(X, y, hidden=16, steps=300, batch_size=20, seed=1)
    net_b, losses_b = mn.train_two_layer(X, y, hidden=16, steps=300, batch_size=20, seed=1)
    assert losses_a.shape == (300,)
    assert np.array_equal(losses_a, losses_b)
    assert losses_a[-50:].mean() < losses_a[:50].mean()
    assert net_a.forward(X).shape == (60, 3)


def test_train_two_layer_does_not_change_the_data(data):
    X, y = data
    X0, y0 = X.copy(), y.copy()
    mn.train_two_layer(X, y, steps=5, batch_size=4)
    assert np.array_equal(X, X0) and np.array_equal(y, y0)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(hidden=0), ValueError),
        (dict(steps=1.5), ValueError),
        (dict(batch_size=1000), ValueError),
        (dict(lr=-1.0), ValueError),
        (dict(activation=3), TypeError),
    ],
)
def test_train_two_layer_rejects_bad_arguments(data, kwargs, error):
    X, y = data
    with pytest.raises(error):
        mn.train_two_layer(X, y, **kwargs)


def test_decision_boundary_has_regions_and_one_scatter_per_class(data):
    X, y = data
    fig = mn.plot_decision_boundary(lambda P: (P[:, 0] > 0).astype(int), X, y, resolution=20)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    (image,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    regions = np.asarray(image.get_array())
    assert regions.shape == (20, 20)
    assert set(np.unique(regions).tolist()) == {0, 1}
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == 3
    assert sum(len(s.get_offsets()) for s in scatters) == len(X)


def test_decision_boundary_accepts_scores(data):
    X, y = data
    fig = mn.plot_decision_boundary(lambda P: np.column_stack([P[:, 1], -P[:, 1]]), X, y,
                                    resolution=10)
    image = [a for a in fig.axes[0].get_children() if isinstance(a, AxesImage)][0]
    regions = np.asarray(image.get_array())
    assert np.all(regions[-1] == 0) and np.all(regions[0] == 1)  # top rows: y > 0, class 0


@pytest.mark.parametrize(
    "predict, X, y, error",
    [
        ("not callable", np.zeros((3, 2)), np.zeros(3, int), TypeError),
        (lambda P: P[:, 0], np.zeros((3, 3)), np.zeros(3, int), ValueError),
        (lambda P: P[:, 0], np.zeros((3, 2)), np.zeros(4, int), ValueError),
        (lambda P: P[:, 0], np.zeros((3, 2)), np.zeros(3), TypeError),
        (lambda P: P[:2, 0], np.zeros((3, 2)), np.zeros(3, int), ValueError),
    ],
)
def test_decision_boundary_rejects_bad_input(predict, X, y, error):
    with pytest.raises(error):
        mn.plot_decision_boundary(predict, X, y, resolution=5)


def test_training_run_has_two_panels(data):
    X, y = data
    fig = mn.plot_training_run(X, y, hidden=8, steps=50, batch_size=10, resolution=10)
    assert len(fig.axes) == 2
    assert "accuracy" in fig.axes[0].get_title()
    assert len(fig.axes[1].lines) == 2
