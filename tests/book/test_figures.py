"""Figures shared by chapters: bookcode/figures.py."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from bookcode import figures  # noqa: E402
from mathnotes._figures import FigureRedrawer  # noqa: E402


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


# --- the book's style and the figure defects of issue 13 -------------------------------------


def test_use_book_style_sets_every_size_of_the_style():
    figures.use_book_style()
    for key, value in figures.BOOK_STYLE.items():
        assert matplotlib.rcParams[key] == value, key
    assert figures.SMALLEST_FONT_POINTS == 8.0


def test_smallest_text_of_the_widest_figure_is_at_least_9_css_pixels():
    # a figure inch is 100 CSS px; one scaled to the column shrinks by COLUMN / width
    shrink = figures.COLUMN_INCHES / figures.MAX_FIGURE_INCHES
    assert figures.SMALLEST_FONT_POINTS * 100 / 72 * shrink >= 9.0


@pytest.mark.parametrize("tick_points", [8.0, 10.0])  # the book's and Matplotlib's default
@pytest.mark.parametrize("steps", [100, 700, 1300, 2000, 2500, 3000])
def test_loss_plot_step_labels_never_collide(steps, tick_points):
    # the chapter 7 widget's right panel, at its size, for every number of steps of its slider:
    # neighbouring labels are at least half a letter height apart
    figures.use_book_style()
    with matplotlib.rc_context({"xtick.labelsize": tick_points}):
        fig = figures.CellFigure(figsize=(7.4, 3.5), layout="constrained")
        _, right = fig.subplots(1, 2)
        figures.plot_loss_curves({f"{steps} steps": np.linspace(1.0, 0.1, steps)}, window=50,
                                 ax=right)
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
    low, high = right.get_xlim()
    boxes = [t.get_window_extent(renderer) for t in right.get_xticklabels()
             if t.get_text() and low <= t.get_position()[0] <= high]
    assert len(boxes) >= 3
    half_letter = 0.5 * tick_points * fig.dpi / 72
    boxes.sort(key=lambda box: box.x0)
    assert all(b.x0 - a.x1 >= half_letter for a, b in zip(boxes, boxes[1:]))


def test_heat_map_borders_are_drawn_whole():
    fig = figures.plot_matrices([np.ones((2, 3))])
    ax = fig.axes[0]
    grid_lines = [c for c in ax.collections if c.get_linewidth()[0] == 0.6]
    assert len(grid_lines) == 2  # the horizontal and the vertical lines
    assert not any(c.get_clip_on() for c in grid_lines)  # the outer ones sit on the edges


def test_a_heat_map_of_many_columns_fits_the_widest_figure():
    fig = figures.plot_matrices([np.ones((3, 16)), np.ones((16, 3))])
    assert fig.get_size_inches()[0] <= figures.MAX_FIGURE_INCHES + 1e-9


# --- MatrixPicture: the heat maps of plot_matrices, shown again with new values -----------------


def _matrix_picture():
    return figures.MatrixPicture([(2, 3), (1, 1)], 4.0, fmt="{:.1f}")


def test_matrix_picture_update_shows_new_values_in_its_figure():
    picture = _matrix_picture()
    a, b = np.arange(6.0).reshape(2, 3) - 2, np.array([[-4.0]])
    assert picture.update([a, b], ["A", "B"]) is picture.figure
    left, right = picture.figure.axes
    np.testing.assert_array_equal(left.images[0].get_array(), a)
    assert [t.get_text() for t in left.texts] == ["-2.0", "-1.0", "0.0", "1.0", "2.0", "3.0"]
    assert left.texts[0].get_color() == "black" and right.texts[0].get_color() == "white"
    assert left.get_title() == "A\n(2×3)" and right.get_title() == "B\n(1×1)"
    assert left.images[0].get_clim() == right.images[0].get_clim() == (-4.0, 4.0)


def test_matrix_picture_redraws_only_its_animated_artists():
    picture = _matrix_picture()
    redrawer = FigureRedrawer()
    start = redrawer.png(picture.update([np.zeros((2, 3)), np.ones((1, 1))], ["A", "B"]),
                         kept=False)
    picture.update([np.ones((2, 3)), np.zeros((1, 1))], ["C", "D"])
    assert not picture.figure.stale  # the next picture is a blit
    moved = redrawer.png(picture.figure, kept=False)
    picture.update([np.zeros((2, 3)), np.ones((1, 1))], ["A", "B"])
    assert not picture.figure.stale
    assert redrawer.png(picture.figure, kept=False) == start != moved


def test_matrix_picture_blitted_looks_as_drawn_whole():
    # a blit draws the animated artists in the order they were made, after the rest: that
    # order must be their z-order, or a number would hide under its cell
    def drawn(animated):
        fig = figures.plot_matrices([np.array([[1.0, -2.0], [0.5, 3.0]]), np.eye(2)], ["A", "B"])
        for artist in fig.findobj(lambda artist: artist.get_animated()):
            artist.set_animated(animated)
        return FigureRedrawer().png(fig, kept=False)

    assert drawn(True) == drawn(False)
