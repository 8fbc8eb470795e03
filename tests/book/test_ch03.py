"""Tests for bookcode/ch03.py and the heat maps of bookcode/figures.py."""

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.transforms import Bbox

import mathnotes as mn
from bookcode import ch03, figures
from mathnotes._figures import FigureRedrawer


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_plot_matrices_draws_one_annotated_panel_per_matrix():
    a = np.arange(6.0).reshape(2, 3)
    b = np.array([[1.5], [-2.0]])
    fig = figures.plot_matrices([a, b], ["A", "B"])
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    assert len(_texts(fig.axes[0])) == 6
    assert len(_texts(fig.axes[1])) == 2
    assert "A\n(2×3)" == fig.axes[0].get_title()
    assert "B\n(2×1)" == fig.axes[1].get_title()
    images = [c for c in fig.axes[0].get_children() if isinstance(c, AxesImage)]
    assert len(images) == 1
    np.testing.assert_array_equal(images[0].get_array(), a)


def test_plot_matrices_shares_a_symmetric_colour_scale():
    fig = figures.plot_matrices([np.array([[1.0, -3.0]]), np.array([[2.0]])])
    for ax in fig.axes:
        image = [c for c in ax.get_children() if isinstance(c, AxesImage)][0]
        assert image.get_clim() == (-3.0, 3.0)


def test_plot_matrices_hides_round_off_and_negative_zero():
    fig = figures.plot_matrices([np.array([[1e-12, -0.0], [-1e-11, 2.0]])], fmt="{:.2g}")
    assert _texts(fig.axes[0]) == ["0", "0", "0", "2"]


def test_plot_matrices_accepts_a_number_as_1x1():
    fig = figures.plot_matrices([3.0], ["s"])
    assert fig.axes[0].get_title() == "s\n(1×1)"


def test_plot_matrices_does_not_change_its_input():
    a = np.array([[1e-12, 1.0]])
    before = a.copy()
    figures.plot_matrices([a])
    np.testing.assert_array_equal(a, before)


@pytest.mark.parametrize(
    "matrices, message",
    [
        ([np.arange(3.0)], "no orientation"),
        ([np.zeros((2, 2, 2))], "2-D slice"),
        ([np.zeros((0, 2))], "empty"),
        ([np.array([[np.nan]])], "NaN"),
        ([], "at least one"),
    ],
)
def test_plot_matrices_rejects_bad_matrices(matrices, message):
    with pytest.raises(ValueError, match=message):
        figures.plot_matrices(matrices)


def test_plot_matrices_rejects_wrong_number_of_titles():
    with pytest.raises(ValueError, match="titles"):
        figures.plot_matrices([np.eye(2)], ["a", "b"])


def test_plot_matrices_rejects_non_numbers():
    with pytest.raises(TypeError, match="numeric"):
        figures.plot_matrices([[["a", "b"]]])


def test_plot_shape_cases_draws_the_four_cases():
    cases = [np.array(2.0), np.ones((1, 4)), np.ones((3, 1)), np.ones((3, 4))]
    fig = ch03.plot_shape_cases(cases)
    assert len(fig.axes) == 4
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].endswith("(1×1)") and titles[3].endswith("(3×4)")
    assert [len(ax.texts) for ax in fig.axes] == [1, 4, 3, 12]


@pytest.mark.parametrize(
    "cases, message",
    [
        ([np.ones((1, 1))] * 3, "four"),
        ([np.ones((1, 2)), np.ones((1, 4)), np.ones((3, 1)), np.ones((3, 4))], "1x1"),
        ([np.ones((1, 1)), np.ones((4, 1)), np.ones((3, 1)), np.ones((3, 4))], "row"),
        ([np.ones((1, 1)), np.ones((1, 4)), np.ones((1, 3)), np.ones((3, 4))], "column"),
    ],
)
def test_plot_shape_cases_rejects_shapes_that_do_not_fit(cases, message):
    with pytest.raises(ValueError, match=message):
        ch03.plot_shape_cases(cases)


def _square(v):
    return np.array([v[0] ** 2 - v[1] ** 2, v[0] + v[1]])


def _square_jacobian(v):
    return np.array([[2 * v[0], -2 * v[1]], [1.0, 1.0]])


def test_draw_grid_deformation_draws_grid_images_and_columns():
    fig = ch03.draw_grid_deformation(_square, _square_jacobian, (1.0, 0.5), radius=0.2, lines=4)
    ax_in, ax_out = fig.axes
    # the grid: 4 horizontal + 4 vertical lines, plus the marked point
    assert len(ax_in.lines) == 2 * 4 + 1
    # curved and linear images, the point, and four legend entries
    assert len(ax_out.lines) == 2 * 2 * 4 + 1 + 4
    # two arrows per panel: the basis steps and their images J e_k
    assert len(ax_in.texts) == 2 and len(ax_out.texts) == 2
    assert "det J = 3.000" in ax_out.get_title()


def test_draw_grid_deformation_linear_map_has_no_gap():
    A = np.array([[2.0, 1.0], [0.0, 1.0]])
    fig = ch03.draw_grid_deformation(lambda v: A @ v, A, (0.3, -0.2))
    assert "largest gap = 0.000" in fig.axes[1].get_title()


def test_draw_grid_deformation_image_arrows_are_jacobian_columns():
    radius = 0.25
    point = np.array([1.0, 0.5])
    fig = ch03.draw_grid_deformation(_square, _square_jacobian, point, radius=radius)
    arrows = fig.axes[1].texts
    start = np.array(arrows[0].xyann)
    for k, arrow in enumerate(arrows):
        np.testing.assert_allclose(np.array(arrow.xy) - start,
                                   radius * _square_jacobian(point)[:, k])


def test_draw_grid_deformation_does_not_change_the_point():
    point = np.array([1.0, 0.5])
    ch03.draw_grid_deformation(_square, _square_jacobian, point)
    np.testing.assert_array_equal(point, [1.0, 0.5])


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(f=3), TypeError, "function"),
        (dict(point=(1.0, 2.0, 3.0)), ValueError, "point must have shape"),
        (dict(point=(np.inf, 0.0)), ValueError, "point contains NaN or infinity"),
        (dict(radius=0.0), ValueError, "radius"),
        (dict(lines=1), ValueError, "lines"),
        (dict(jacobian=np.eye(3)), ValueError, "jacobian must have shape"),
        (dict(f=lambda v: v[:1]), ValueError, "shape"),
    ],
)
def test_draw_grid_deformation_rejects_bad_input(kwargs, error, message):
    args = dict(f=_square, jacobian=_square_jacobian, point=(1.0, 0.5))
    args.update(kwargs)
    f, jacobian, point = args.pop("f"), args.pop("jacobian"), args.pop("point")
    with pytest.raises(error, match=message):
        ch03.draw_grid_deformation(f, jacobian, point, **args)


def test_figures_show_themselves_as_png():
    fig = figures.plot_matrices([np.eye(2)])
    assert fig._repr_png_()[0].startswith(b"\x89PNG")


def test_draw_grid_deformation_drives_an_interactive_figure():
    def draw(x1, x2, radius):
        return ch03.draw_grid_deformation(_square, _square_jacobian, (x1, x2), radius=radius)

    live = mn.interactive_figure(draw, alt="A grid and its image.",
                                 x1=(-1.0, 1.0, 0.5), x2=(-1.0, 1.0, 0.5), radius=(0.1, 0.5, 0.1))
    before = live.image.value
    live.controls["x1"].value = 1.0     # det J = 2 (x1 + x2) changes: a new picture
    assert bytes(live.image.value) != bytes(before)
    live.controls["x2"].value = -1.0    # on the fold line, det J = 0: still draws
    assert bytes(live.image.value).startswith(b"\x89PNG")


def _grid_picture():
    picture = ch03.GridDeformationPicture(_square, _square_jacobian)
    redrawer = FigureRedrawer()
    start = redrawer.png(picture.update((0.5, -0.3), 0.15), kept=False)
    return picture, redrawer, start


def test_grid_deformation_picture_updates_one_figure_in_place():
    picture, _, _ = _grid_picture()
    fig = picture.figure
    point, radius = np.array([-0.5, 0.2]), 0.1
    assert picture.update(point, radius) is fig
    ax_in, ax_out = fig.axes
    assert ax_in.get_title() == "input: grid around p = (-0.50, 0.20)"
    assert f"det J = {np.linalg.det(_square_jacobian(point)):.3f}" in ax_out.get_title()
    corners = np.concatenate([line.get_xydata() for line in ax_in.lines[:-1]])
    np.testing.assert_allclose(corners.min(axis=0), point - radius)
    np.testing.assert_allclose(corners.max(axis=0), point + radius)
    arrows = ax_out.texts
    for k, arrow in enumerate(arrows):
        np.testing.assert_allclose(np.array(arrow.xy) - np.array(arrow.xyann),
                                   radius * _square_jacobian(point)[:, k])


def test_grid_deformation_picture_is_laid_out_once_and_zooms_on_its_grid():
    picture, redrawer, _ = _grid_picture()
    fig = picture.figure
    assert not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    positions = [ax.get_position().bounds for ax in fig.axes]
    redrawer.png(picture.update((1.5, 1.5), 0.8), kept=False)
    assert [ax.get_position().bounds for ax in fig.axes] == positions
    ax_in = fig.axes[0]
    for low, high, centre in (ax_in.get_xlim() + (1.5,), ax_in.get_ylim() + (1.5,)):
        assert low < centre - 0.8 and high > centre + 0.8  # the grid is inside
    assert min(np.diff(ax_in.get_xlim()), np.diff(ax_in.get_ylim())) < 1.2 * 1.6  # and fills it


def test_grid_deformation_picture_after_moving_back_equals_the_start():
    picture, redrawer, start = _grid_picture()
    for point, radius in [((1.5, 1.5), 0.8), ((-1.5, -1.5), 0.05), ((0.5, -0.3), 0.15)]:
        last = redrawer.png(picture.update(point, radius), kept=False)
    assert last == start


@pytest.mark.parametrize("point, radius", [
    ((-0.6, -1.5), 0.15), ((-0.9, 0.0), 0.1), ((-0.15, -1.05), 0.05), ((-0.45, -0.45), 0.05),
    ((-1.5, -1.5), 0.05), ((1.5, 1.5), 0.8), ((-1.5, 1.5), 0.8),
])
def test_grid_deformation_labels_fit_the_layout_of_the_first_picture(point, radius):
    # chapter 3's widget starts at (0.5, -0.3) with radius 0.15; these states have the
    # widest labels and titles of its slider ranges, in the book's style
    with matplotlib.rc_context(figures.BOOK_STYLE):
        picture, redrawer, _ = _grid_picture()
        fig = picture.figure
        redrawer.png(picture.update(point, radius), kept=False)
    renderer = fig.canvas.get_renderer()
    drawn = Bbox.union([ax.get_tightbbox(renderer) for ax in fig.axes])
    assert fig.bbox.x0 <= drawn.x0 and drawn.x1 <= fig.bbox.x1
    ax_in, ax_out = fig.axes
    left_panel = max(ax_in.get_window_extent(renderer).x1, ax_in.xaxis.get_tightbbox(renderer).x1)
    assert ax_out.yaxis.get_tightbbox(renderer).x0 > left_panel
    for ax in fig.axes:  # the tick labels do not run into each other
        low, high = ax.get_xlim()
        boxes = [label.get_window_extent(renderer) for label in ax.get_xticklabels()
                 if label.get_text() and low <= label.get_position()[0] <= high]
        assert all(a.x1 < b.x0 for a, b in zip(boxes, boxes[1:]))
