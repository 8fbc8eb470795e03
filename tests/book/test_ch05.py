"""Tests of the non-circuit figures of the backpropagation chapter."""

import numpy as np
import pytest
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

import mathnotes as mn
from mathnotes._backprop_plots import _softmax


def test_softmax_is_a_distribution_and_does_not_overflow():
    p = _softmax([1000.0, 1000.0, 0.0])
    assert np.all(np.isfinite(p))
    assert np.isclose(p.sum(), 1.0)
    assert np.allclose(p[:2], 0.5)


def test_softmax_gradient_figure_has_two_panels_and_the_right_bars():
    scores = np.array([2.0, 1.0, -1.0, 0.5])
    fig = mn.plot_softmax_gradient(scores, 1)
    assert isinstance(fig, Figure)
    ax_p, ax_g = fig.axes
    assert len([c for c in ax_p.containers if isinstance(c, BarContainer)]) == 2
    (bars,) = ax_g.containers
    heights = np.array([patch.get_height() for patch in bars.patches])
    p = np.exp(scores) / np.exp(scores).sum()
    expected = p - np.eye(4)[1]
    assert np.allclose(heights, expected)
    assert np.isclose(heights.sum(), 0.0)


def test_softmax_gradient_accepts_a_distribution_and_names():
    fig = mn.plot_softmax_gradient([0.0, 0.0], [0.25, 0.75], class_names=["cat", "dog"])
    labels = [t.get_text() for t in fig.axes[1].get_xticklabels()]
    assert labels == ["cat", "dog"]


def test_softmax_gradient_does_not_change_its_inputs():
    scores = np.array([1.0, 2.0, 3.0])
    target = np.array([0.2, 0.3, 0.5])
    mn.plot_softmax_gradient(scores, target)
    assert np.array_equal(scores, [1.0, 2.0, 3.0])
    assert np.array_equal(target, [0.2, 0.3, 0.5])


@pytest.mark.parametrize(
    "scores, target, error",
    [
        ([1.0, 2.0], 2, ValueError),  # class index out of range
        ([1.0, 2.0], -1, ValueError),
        ([1.0, np.nan], 0, ValueError),  # not finite
        ([[1.0, 2.0]], 0, ValueError),  # not 1-D
        ([], 0, ValueError),  # empty
        ([1.0, 2.0], [0.5, 0.6], ValueError),  # does not sum to 1
        ([1.0, 2.0], [1.5, -0.5], ValueError),  # negative entry
        ([1.0, 2.0], [1.0, 0.0, 0.0], ValueError),  # wrong shape
        ([1.0, 2.0], True, TypeError),
        (["a", "b"], 0, TypeError),
    ],
)
def test_softmax_gradient_rejects_bad_input(scores, target, error):
    with pytest.raises(error):
        mn.plot_softmax_gradient(scores, target)


def test_softmax_gradient_rejects_wrong_number_of_names():
    with pytest.raises(ValueError, match="class names"):
        mn.plot_softmax_gradient([1.0, 2.0], 0, class_names=["only one"])


@pytest.mark.parametrize(
    "make",
    [lambda: mn.plot_softmax_gradient([1.0, 2.0], 0), lambda: mn.plot_loss_curves({"a": [2.0, 1.0]})],
)
def test_figures_show_themselves_as_png(make):
    png = make()._repr_png_()
    assert png.startswith(b"\x89PNG")
