"""Tests of the chapter-7 data set, training loop and pictures (bookcode/ch07.py)."""

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from bookcode import ch07
from mathnotes import nn


@pytest.fixture
def data():
    return ch07.make_spirals(20, 3, seed=0)


def test_train_two_layer_is_reproducible_and_lowers_the_loss(data):
    X, y = data
    net_a, losses_a = ch07.train_two_layer(X, y, hidden=16, steps=300, batch_size=20, seed=1)
    net_b, losses_b = ch07.train_two_layer(X, y, hidden=16, steps=300, batch_size=20, seed=1)
    assert losses_a.shape == (300,)
    assert np.array_equal(losses_a, losses_b)
    assert losses_a[-50:].mean() < losses_a[:50].mean()
    assert net_a.forward(X).shape == (60, 3)


def _train_with_layers(X, y, relu, *, hidden, lr, steps, batch_size, seed):
    """The chapter's loop, one layer call at a time, with every check of mathnotes.nn."""
    rng = np.random.default_rng(seed)
    first = nn.Linear(2, hidden, rng=rng)
    second = nn.Linear(hidden, int(y.max()) + 1, rng=rng)
    losses = []
    for _ in range(steps):
        rows = rng.choice(len(X), size=batch_size, replace=False)
        scores = second.forward(relu.forward(first.forward(X[rows])))
        loss, dscores = nn.softmax_cross_entropy(scores, y[rows])
        first.backward(relu.backward(second.backward(dscores)))
        first.update(lr)
        second.update(lr)
        losses.append(loss)
    return (first, second), np.array(losses)


class _ReLUWithoutMask(nn.ReLU):
    def backward(self, dY):
        return np.array(dY, dtype=np.float64)


@pytest.mark.parametrize("mask, relu", [(True, nn.ReLU), (False, _ReLUWithoutMask)])
def test_train_two_layer_matches_the_layers_to_the_last_bit(data, mask, relu):
    X, y = data
    settings = dict(hidden=8, lr=0.3, steps=40, batch_size=10, seed=3)
    net, losses = ch07.train_two_layer(X, y, mask_relu_gradient=mask, **settings)
    reference, reference_losses = _train_with_layers(X, y, relu(), **settings)
    assert np.array_equal(losses, reference_losses)
    for ours, theirs in zip(net.layers[::2], reference):
        assert np.array_equal(ours.W, theirs.W) and np.array_equal(ours.b, theirs.b)


def test_train_two_layer_does_not_change_the_data(data):
    X, y = data
    X0, y0 = X.copy(), y.copy()
    ch07.train_two_layer(X, y, steps=5, batch_size=4)
    assert np.array_equal(X, X0) and np.array_equal(y, y0)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(hidden=0), ValueError),
        (dict(steps=1.5), TypeError),
        (dict(batch_size=1000), ValueError),
        (dict(lr=-1.0), ValueError),
        (dict(lr="fast"), TypeError),
    ],
)
def test_train_two_layer_rejects_bad_arguments(data, kwargs, error):
    X, y = data
    with pytest.raises(error):
        ch07.train_two_layer(X, y, **kwargs)


def test_decision_boundary_has_regions_and_one_scatter_per_class(data):
    X, y = data
    fig = ch07.plot_decision_boundary(lambda P: (P[:, 0] > 0).astype(int), X, y, resolution=20)
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
    fig = ch07.plot_decision_boundary(lambda P: np.column_stack([P[:, 1], -P[:, 1]]), X, y,
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
        ch07.plot_decision_boundary(predict, X, y, resolution=5)


def test_training_run_has_two_panels(data):
    X, y = data
    fig = ch07.plot_training_run(X, y, hidden=8, steps=50, batch_size=10, resolution=10)
    assert len(fig.axes) == 2
    assert "accuracy" in fig.axes[0].get_title()
    assert len(fig.axes[1].lines) == 2


# the spirals data set

def test_spirals_shapes_labels_and_dtype():
    X, y = ch07.make_spirals(40, 4, seed=3)
    assert X.shape == (160, 2) and X.dtype == np.float64
    assert y.shape == (160,) and np.issubdtype(y.dtype, np.integer)
    assert np.array_equal(np.bincount(y), [40, 40, 40, 40])


def test_spirals_are_reproducible_and_depend_on_the_seed():
    a, _ = ch07.make_spirals(30, seed=7)
    b, _ = ch07.make_spirals(30, seed=7)
    c, _ = ch07.make_spirals(30, seed=8)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_spiral_radii_run_from_centre_to_one():
    X, y = ch07.make_spirals(25, 2, noise=0.5, seed=0)
    for k in range(2):
        radius = np.hypot(*X[y == k].T)
        assert np.allclose(radius, np.linspace(0, 1, 25))


def test_noise_free_arms_are_rotations_of_each_other():
    X, y = ch07.make_spirals(10, 3, noise=0.0)
    turn = 2 * np.pi / 3
    R = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    assert np.allclose(X[y == 0] @ R.T, X[y == 1])


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(n_per_class=1), ValueError),
        (dict(n_per_class=2.5), TypeError),
        (dict(n_classes=1), ValueError),
        (dict(n_classes=True), TypeError),
        (dict(noise=-0.1), ValueError),
        (dict(noise=float("nan")), ValueError),
        (dict(turns="one"), TypeError),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, error):
    with pytest.raises(error):
        ch07.make_spirals(**kwargs)
