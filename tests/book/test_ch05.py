"""Tests of the non-circuit figures of the backpropagation chapter (bookcode/ch05.py)."""

import numpy as np
import pytest
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from bookcode import ch05, figures


def test_softmax_gradient_does_not_overflow():
    fig = ch05.plot_softmax_gradient([1000.0, 1000.0, 0.0], 0)
    bars = fig.axes[0].containers[0]
    p = np.array([patch.get_height() for patch in bars.patches])
    assert np.all(np.isfinite(p)) and np.isclose(p.sum(), 1.0)
    assert np.allclose(p[:2], 0.5)


def test_softmax_gradient_figure_has_two_panels_and_the_right_bars():
    scores = np.array([2.0, 1.0, -1.0, 0.5])
    fig = ch05.plot_softmax_gradient(scores, 1)
    assert isinstance(fig, Figure)
    ax_p, ax_g = fig.axes
    assert len([c for c in ax_p.containers if isinstance(c, BarContainer)]) == 2
    (bars,) = ax_g.containers
    heights = np.array([patch.get_height() for patch in bars.patches])
    p = np.exp(scores) / np.exp(scores).sum()
    expected = p - np.eye(4)[1]
    assert np.allclose(heights, expected)
    assert np.isclose(heights.sum(), 0.0)


def test_softmax_gradient_names_the_classes():
    fig = ch05.plot_softmax_gradient([0.0, 0.0], 1, class_names=["cat", "dog"])
    labels = [t.get_text() for t in fig.axes[1].get_xticklabels()]
    assert labels == ["cat", "dog"]


def test_softmax_gradient_does_not_change_its_inputs():
    scores = np.array([1.0, 2.0, 3.0])
    ch05.plot_softmax_gradient(scores, 2)
    assert np.array_equal(scores, [1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    "scores, target, error",
    [
        ([1.0, 2.0], 2, ValueError),  # class index out of range
        ([1.0, 2.0], -1, ValueError),
        ([1.0, np.nan], 0, ValueError),  # not finite
        ([[1.0, 2.0]], 0, ValueError),  # not 1-D
        ([], 0, ValueError),  # empty
        ([1.0, 2.0], 1.0, TypeError),  # not a class index
        ([1.0, 2.0], True, TypeError),
        (["a", "b"], 0, TypeError),
    ],
)
def test_softmax_gradient_rejects_bad_input(scores, target, error):
    with pytest.raises(error):
        ch05.plot_softmax_gradient(scores, target)


def test_softmax_gradient_rejects_wrong_number_of_names():
    with pytest.raises(ValueError, match="class names"):
        ch05.plot_softmax_gradient([1.0, 2.0], 0, class_names=["only one"])


@pytest.mark.parametrize(
    "make",
    [lambda: ch05.plot_softmax_gradient([1.0, 2.0], 0), lambda: figures.plot_loss_curves({"a": [2.0, 1.0]})],
)
def test_figures_show_themselves_as_png(make):
    png, _ = make()._repr_png_()
    assert png.startswith(b"\x89PNG")


def _neuron(w0, w1, w2, x0, x1):
    import mathnotes as mn

    ws = [mn.Value(v, label=f"w{i}") for i, v in enumerate((w0, w1, w2))]
    xs = [mn.Value(v, label=f"x{i}") for i, v in enumerate((x0, x1))]
    return (ws[0] * xs[0] + ws[1] * xs[1] + ws[2]).sigmoid()


def test_neuron_explorer_starts_at_the_given_neuron_and_says_so_in_its_alt_text():
    live = ch05.neuron_explorer(_neuron, [1.0, -0.5, 2.0], [0.5, -1.0])
    assert live.defaults == {"w0": 1.0, "w1": -0.5, "w2": 2.0, "x0": 0.5, "x1": -1.0}
    assert "weights 1, -0.5, 2 and inputs 0.5, -1" in live.alt


@pytest.mark.parametrize("w, x", [([1.0, 2.0], [0.5, -1.0]), ([1.0, 2.0, 3.0], [0.5])])
def test_neuron_explorer_wants_three_weights_and_two_inputs(w, x):
    with pytest.raises(ValueError, match="three weights and two inputs"):
        ch05.neuron_explorer(_neuron, w, x)
