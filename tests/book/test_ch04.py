"""Tests for bookcode/ch04.py: multiplication counts and chapter 4 figures."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402

from PIL import Image  # noqa: E402

from bookcode import ch04  # noqa: E402
from mathnotes._figures import FigureRedrawer  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _chain(dims, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((dims[i + 1], dims[i])) for i in range(len(dims) - 1)]


@pytest.mark.parametrize("dims", [(5, 4, 3, 2), (7, 3, 1), (2, 6, 6, 6, 1), (3, 4)])
def test_both_orders_give_the_same_jacobian_and_the_counted_work(dims):
    jacobians = _chain(dims)
    expected = jacobians[0]
    for J in jacobians[1:]:
        expected = J @ expected
    counts = ch04.chain_multiplication_counts(dims)
    for order in ("forward", "reverse"):
        product, count = ch04.chain_product(jacobians, order)
        assert product.shape == (dims[-1], dims[0])
        np.testing.assert_allclose(product, expected, rtol=1e-12, atol=1e-12)
        assert count == counts[order]


def test_reverse_is_cheaper_for_a_scalar_output_of_many_inputs():
    counts = ch04.chain_multiplication_counts((1000, 100, 100, 1))
    assert counts == {"forward": 100 * 100 * 1000 + 100 * 1000, "reverse": 100 * 100 + 100 * 1000}
    assert counts["reverse"] < counts["forward"]


def test_forward_is_cheaper_for_one_input_and_many_outputs():
    counts = ch04.chain_multiplication_counts((1, 100, 100, 1000))
    assert counts["forward"] < counts["reverse"]


def test_chain_product_leaves_inputs_alone():
    jacobians = _chain((3, 2, 2))
    copies = [J.copy() for J in jacobians]
    ch04.chain_product(jacobians, "forward")
    for J, copy in zip(jacobians, copies):
        np.testing.assert_array_equal(J, copy)


@pytest.mark.parametrize(
    "jacobians, order, message",
    [
        ([], "reverse", "at least one"),
        ([np.ones((2, 3)), np.ones((2, 4))], "reverse", "needs 2 columns"),
        ([np.ones(3)], "reverse", "2-D"),
        ([np.ones((2, 2))], "sideways", "order"),
    ],
)
def test_chain_product_rejects_bad_input(jacobians, order, message):
    with pytest.raises(ValueError, match=message):
        ch04.chain_product(jacobians, order)


@pytest.mark.parametrize("dims", [(3,), (3, 0)])
def test_counts_reject_bad_sizes(dims):
    with pytest.raises(ValueError):
        ch04.chain_multiplication_counts(dims)


def test_chain_tangents_has_a_panel_per_stage_and_one_for_the_whole():
    stages = [("u = x^2", np.square, lambda t: 2 * t), ("y = sin u", np.sin, np.cos)]
    fig = ch04.plot_chain_tangents(stages, 1.0)
    assert len(fig.axes) == 3
    # curve and tangent per panel
    assert all(len(ax.lines) == 3 for ax in fig.axes)
    last_tangent = fig.axes[-1].lines[1]
    t, y = last_tangent.get_data()
    slope = (y[-1] - y[0]) / (t[-1] - t[0])
    assert slope == pytest.approx(2.0 * np.cos(1.0))


def test_chain_tangents_wraps_panels_into_rows():
    stages = [(f"s{i}", np.sin, np.cos) for i in range(4)]
    fig = ch04.plot_chain_tangents(stages, 0.5, ncols=3)
    assert len(fig.axes) == 5  # three panels, then two: no empty sixth cell
    with pytest.raises(ValueError, match="ncols"):
        ch04.plot_chain_tangents(stages, 0.5, ncols=0)


def test_chain_tangents_short_last_row_fills_the_width():
    stages = [(f"s{i}", np.sin, np.cos) for i in range(4)]
    fig = ch04.plot_chain_tangents(stages, 0.5, ncols=3)
    fig.canvas.draw()
    boxes = [ax.get_position() for ax in fig.axes]
    top, bottom = boxes[:3], boxes[3:]
    assert all(b.y1 <= t.y0 for b in bottom for t in top)  # two rows
    # the two panels of the last row span the same width as the three above
    assert bottom[0].x0 == pytest.approx(top[0].x0, abs=0.02)
    assert bottom[-1].x1 == pytest.approx(top[-1].x1, abs=0.02)
    assert bottom[0].width > top[0].width
    plt.close(fig)


@pytest.mark.parametrize(
    "stages, x0, error",
    [
        ([], 1.0, ValueError),
        ([("f", np.sin)], 1.0, ValueError),
        ([("f", np.sin, 3)], 1.0, TypeError),
        ([("f", np.sin, np.cos)], "1", TypeError),
        ([("f", np.sin, np.cos)], float("nan"), ValueError),
    ],
)
def test_chain_tangents_rejects_bad_input(stages, x0, error):
    with pytest.raises(error):
        ch04.plot_chain_tangents(stages, x0)


def test_total_derivative_bars_add_up():
    fig = ch04.plot_total_derivative(lambda x: x + x**2, {"direct": lambda x: 1.0, "via u": lambda x: 2 * x}, 1.5)
    left, right = fig.axes
    heights = [p.get_height() for p in right.patches]
    assert heights == pytest.approx([1.0, 3.0, 4.0])
    assert len(left.lines) == 1 + 1 + 2 + 1  # curve, total tangent, one per path, point


def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)))


PATHS = {"x → y": lambda x: 1.0 + 0 * x, "x → u1 → y": lambda x: 2 * x}


def test_total_derivative_picture_moves_in_place_and_comes_back():
    picture = ch04.TotalDerivativePicture(lambda x: x + x**2, PATHS)
    fig = picture.update(1.0)
    redrawer = FigureRedrawer()
    start = redrawer.png(fig, kept=False)
    places = [ax.get_position().bounds for ax in fig.axes]
    assert picture.update(-1.0) is fig
    left, right = fig.axes
    assert [p.get_height() for p in right.patches] == pytest.approx([1.0, -2.0, -1.0])
    labels = right.texts  # at the ends of the bars: below those that point down
    assert [t.get_text() for t in labels] == ["1", "-2", "-1"]
    assert [t.get_verticalalignment() for t in labels] == ["bottom", "top", "top"]
    assert [t.get_text() for t in left.get_legend().get_texts()][1:] == [
        "all paths: -1", "x → y only: 1", "x → u1 → y only: -2"]
    assert left.get_title() == "tangents at x = -1"
    redrawer.png(fig, kept=False)
    picture.update(1.0)
    assert [ax.get_position().bounds for ax in fig.axes] == places
    assert np.array_equal(_pixels(redrawer.png(fig, kept=False)), _pixels(start))


def test_total_derivative_picture_keeps_its_layout_and_makes_room_for_labels():
    picture = ch04.TotalDerivativePicture(lambda x: x + x**2, PATHS)
    fig = picture.update(1.0)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # the first drawing lays out the panels, once
    left = fig.axes[0]
    place = left.get_position()
    picture.update(2.0)  # y tick labels up to 17.5, wider than the first ones (up to 10)
    canvas.draw()
    assert not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    assert left.get_position().x1 == place.x1 and left.get_position().x0 > place.x0
    assert left.yaxis.get_tightbbox(canvas.get_renderer()).x0 >= 0  # inside the figure


@pytest.mark.parametrize(
    "f, paths, error",
    [
        (None, {"a": abs}, TypeError),
        (abs, {}, ValueError),
        (abs, [abs], ValueError),
        (abs, {"a": 2.0}, TypeError),
    ],
)
def test_total_derivative_rejects_bad_input(f, paths, error):
    with pytest.raises(error):
        ch04.plot_total_derivative(f, paths, 0.0)


def test_mode_costs_plots_both_modes():
    fig = ch04.plot_mode_costs([10, 100, 1000], hidden=(8, 8))
    (ax,) = fig.axes
    forward, reverse = ax.lines
    assert list(forward.get_xdata()) == [10, 100, 1000]
    assert np.all(np.asarray(reverse.get_ydata()) < np.asarray(forward.get_ydata()))


@pytest.mark.parametrize("n_values", [[10], [100, 10], [0, 10]])
def test_mode_costs_rejects_bad_sizes(n_values):
    with pytest.raises(ValueError):
        ch04.plot_mode_costs(n_values)
