"""Figures shared by chapters: bookcode/figures.py."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bookcode import figures  # noqa: E402


def test_one_line_per_run_on_a_log_scale():
    fig = figures.plot_loss_curves({"a": [4.0, 2.0, 1.0], "b": np.array([3.0, 1.0])}, title="runs")
    (ax,) = fig.axes
    assert len(ax.lines) == 2
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    assert np.array_equal(ax.lines[0].get_ydata(), [4.0, 2.0, 1.0])


def test_window_adds_a_moving_average_over_each_run():
    losses = {"a": np.linspace(2, 1, 100), "b": np.linspace(3, 0.5, 40)}
    fig = figures.plot_loss_curves(losses, window=10)
    (ax,) = fig.axes
    assert len(ax.lines) == 4  # raw and smoothed, per run
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    assert len(ax.lines[1].get_xdata()) == 91
    assert np.allclose(ax.lines[1].get_ydata()[0], losses["a"][:10].mean())


def test_window_longer_than_a_run_is_shortened():
    fig = figures.plot_loss_curves({"a": [3.0, 2.0, 1.0]}, window=50)
    assert np.allclose(fig.axes[0].lines[1].get_ydata(), [2.0])


def test_linear_scale_allows_zero():
    fig = figures.plot_loss_curves({"a": [1.0, 0.0]}, log=False)
    assert fig.axes[0].get_yscale() == "linear"


def test_draws_into_given_axes():
    fig, ax = plt.subplots()
    assert figures.plot_loss_curves({"a": [2.0, 1.0]}, ax=ax) is fig
    assert len(ax.lines) == 1
    plt.close(fig)


def test_input_is_not_changed():
    losses = np.array([3.0, 2.0, 1.0])
    figures.plot_loss_curves({"a": losses}, window=2)
    assert np.array_equal(losses, [3.0, 2.0, 1.0])


@pytest.mark.parametrize(
    "curves, kwargs, error",
    [
        ([1.0, 2.0], {}, TypeError),
        ({}, {}, ValueError),
        ({"a": []}, {}, ValueError),
        ({"a": [1.0, np.inf]}, {}, ValueError),
        ({"a": [1.0, np.nan]}, {}, ValueError),
        ({"a": [1.0, 0.0]}, {}, ValueError),  # zero on a log scale
        ({"a": [[1.0, 2.0]]}, {}, ValueError),
        ({"a": ["x", object()]}, {}, TypeError),
        ({"a": [1.0]}, {"window": 0}, ValueError),
        ({"a": [1.0]}, {"window": 2.5}, TypeError),
    ],
)
def test_rejects_bad_input(curves, kwargs, error):
    with pytest.raises(error):
        figures.plot_loss_curves(curves, **kwargs)
