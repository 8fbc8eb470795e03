"""Tests for bookcode/ch01.py: elimination, classification and the pictures."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from mpl_toolkits.mplot3d.art3d import Poly3DCollection  # noqa: E402

from PIL import Image  # noqa: E402

from bookcode import ch01  # noqa: E402
from mathnotes._figures import FigureRedrawer, pixel_size  # noqa: E402

NOTES_A = np.array([[1.0, 2, 3], [2, 3, 4], [3, 4, 5]])
NOTES_B = np.array([12.0, 11, 10])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------- classify_system
def test_classify_the_three_cases():
    assert ch01.classify_system([[2.0, 1], [1, 3]], [1, 2]) == "unique"
    assert ch01.classify_system(NOTES_A, NOTES_B) == "infinite"
    assert ch01.classify_system(NOTES_A, NOTES_B + [0, 0, 1]) == "none"


def test_classify_rectangular_least_squares_case():
    A = np.array([[1.0, 0], [0, 1], [1, 1]])
    assert ch01.classify_system(A, [1, 1, 2]) == "unique"
    assert ch01.classify_system(A, [1, 1, 3]) == "none"


@pytest.mark.parametrize(
    "A, b, match",
    [
        ([1.0, 2.0], [1.0], "2-d"),
        ([[1.0, 2], [3, 4]], [1.0, 2, 3], "entries"),
        ([[1.0, np.nan], [3, 4]], [1.0, 2], "finite"),
    ],
)
def test_classify_rejects_bad_input(A, b, match):
    with pytest.raises(ValueError, match=match):
        ch01.classify_system(A, b)


# ---------------------------------------------------------------- lu_partial_pivoting
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lu_factors_random_matrices(seed):
    A = np.random.default_rng(seed).normal(size=(5, 5))
    P, L, U = ch01.lu_partial_pivoting(A)
    np.testing.assert_allclose(P @ A, L @ U, atol=1e-12)
    assert np.allclose(np.tril(U, -1), 0) and np.allclose(np.triu(L, 1), 0)
    np.testing.assert_array_equal(np.diag(L), 1.0)
    np.testing.assert_array_equal(np.sort(P, axis=0)[-1], 1.0)  # one 1 per column
    assert np.all(np.abs(L) <= 1 + 1e-12)  # partial pivoting bounds the multipliers


def test_lu_needs_an_exchange_for_a_zero_pivot():
    A = np.array([[0.0, 1], [2, 3]])
    P, L, U, steps = ch01.lu_partial_pivoting(A, record=True)
    np.testing.assert_array_equal(P, [[0, 1], [1, 0]])
    assert steps[0][0] == "exchange rows 1 and 2"
    np.testing.assert_allclose(P @ A, L @ U)


def test_lu_of_singular_matrix_has_a_zero_pivot_and_leaves_input_alone():
    A = NOTES_A.copy()
    P, L, U = ch01.lu_partial_pivoting(A)
    np.testing.assert_array_equal(A, NOTES_A)
    np.testing.assert_allclose(P @ A, L @ U, atol=1e-12)
    assert abs(U[2, 2]) < 1e-12


def test_lu_skips_a_zero_column():
    A = np.array([[0.0, 1, 2], [0, 3, 4], [0, 5, 7]])
    P, L, U, steps = ch01.lu_partial_pivoting(A, record=True)
    assert "skip" in steps[0][0]
    np.testing.assert_allclose(P @ A, L @ U, atol=1e-12)


@pytest.mark.parametrize("A", [np.ones((2, 3)), np.ones(3), [[1.0, np.inf], [0, 1]], np.ones((0, 0))])
def test_lu_rejects_bad_input(A):
    with pytest.raises(ValueError):
        ch01.lu_partial_pivoting(A)


# ---------------------------------------------------------------- rotating_row_system
def test_rotating_row_is_singular_at_the_fixed_angle():
    A, b = ch01.rotating_row_system(60, 1.0)
    np.testing.assert_array_equal(A[0], A[1])
    assert ch01.classify_system(A, b) == "infinite"
    A, b = ch01.rotating_row_system(60, 0.5)
    assert ch01.classify_system(A, b) == "none"
    A, b = ch01.rotating_row_system(240, -1.0)
    assert ch01.classify_system(A, b) == "infinite"
    A, b = ch01.rotating_row_system(150, 0.5)
    assert ch01.classify_system(A, b) == "unique"
    np.testing.assert_allclose(np.linalg.norm(A, axis=1), 1.0)


def test_rotating_row_rejects_nan():
    with pytest.raises(ValueError, match="finite"):
        ch01.rotating_row_system(np.nan, 0.0)


# ---------------------------------------------------------------- equation_text
def test_equation_text():
    assert ch01.equation_text([1, 2, 3], 12) == "x + 2y + 3z = 12"
    assert ch01.equation_text([-1, 0, 0.5], -2) == "-x + 0.5z = -2"
    assert ch01.equation_text([0, 0], 1) == "0 = 1"


# ---------------------------------------------------------------- pictures
def test_row_picture_draws_three_planes_and_the_solution_line():
    (ax,) = ch01.plot_row_picture(NOTES_A, NOTES_B).axes
    assert ax.name == "3d"
    assert len([c for c in ax.collections if isinstance(c, Poly3DCollection)]) == 3
    assert len(ax.lines) == 4  # the outline of each plane and the line of solutions
    assert [line.get_gid() for line in ax.lines].count("solution") == 1
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "x + 2y + 3z = 12" and labels[-1] == "solution line"


def test_row_picture_without_solution_draws_no_line():
    (ax,) = ch01.plot_row_picture(NOTES_A, NOTES_B + [0, 0, 6], legend=False).axes
    assert len(ax.lines) == 3 and ax.get_legend() is None  # outlines only


def test_pictures_return_the_figure_of_the_axes_they_draw_in():
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    assert ch01.plot_row_picture(NOTES_A, NOTES_B, ax=ax) is fig
    assert ch01.plot_column_picture(NOTES_A, NOTES_B, ax=ax) is fig
    plt.close(fig)


def test_row_picture_rejects_2x2_and_zero_rows():
    with pytest.raises(ValueError, match="3x3"):
        ch01.plot_row_picture(np.eye(2), [1, 1])
    with pytest.raises(ValueError, match="nonzero"):
        ch01.plot_row_picture([[1.0, 0, 0], [0, 0, 0], [0, 0, 1]], [1, 0, 1])


def test_column_picture_3d_has_span_and_arrows():
    x = np.linalg.pinv(NOTES_A) @ NOTES_B
    (ax,) = ch01.plot_column_picture(NOTES_A, NOTES_B, x).axes
    assert ax.name == "3d"
    polys = [c for c in ax.collections if isinstance(c, Poly3DCollection)]
    assert len(polys) == 1  # the plane of the columns
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:4] == ["column 1", "column 2", "column 3", "b"]


def test_column_picture_needs_matching_axes():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="3-D axes"):
        ch01.plot_column_picture(NOTES_A, NOTES_B, ax=ax)
    with pytest.raises(ValueError, match="x must have shape"):
        ch01.plot_column_picture(np.eye(2), [1, 1], x=[1, 2, 3])


def test_view_along_sets_the_angles():
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    elev, azim = ch01.view_along(ax, [0, 0, 1])
    assert elev == pytest.approx(90) and ax.elev == pytest.approx(90)
    with pytest.raises(ValueError, match="nonzero"):
        ch01.view_along(ax, [0, 0, 0])
    with pytest.raises(ValueError, match="3-D"):
        ch01.view_along(plt.subplots()[1], [1, 0, 0])


@pytest.mark.parametrize(
    "angle, b2, verdict",
    [(150, 0.5, "one solution"), (60, 0.5, "no solution"), (60, 1.0, "infinitely many")],
)
def test_system_2x2_figure(angle, b2, verdict):
    A, b = ch01.rotating_row_system(angle, b2)
    fig = ch01.plot_system_2x2(A, b)
    assert isinstance(fig, plt.Figure) and len(fig.axes) == 2
    assert verdict in fig._suptitle.get_text()
    left = fig.axes[0]
    assert len(left.lines) >= 2  # one line per equation (plus axes and the solution)


def test_system_2x2_rejects_3x3():
    with pytest.raises(ValueError, match="2x2"):
        ch01.plot_system_2x2(NOTES_A, NOTES_B)


def test_singular_2x2_column_picture_draws_the_span_as_a_line():
    A, b = ch01.rotating_row_system(60, 0.5)
    fig = ch01.plot_system_2x2(A, b)
    assert not [c for c in fig.axes[1].collections if isinstance(c, PolyCollection)]
    assert "column space" in [t.get_text() for t in fig.axes[1].get_legend().get_texts()]


def test_column_picture_2d_keeps_labels_without_a_legend():
    (ax,) = ch01.plot_column_picture(np.eye(2), [1.0, 2.0], [1.0, 2.0], legend=False).axes
    assert ax.get_legend() is None
    assert ax.get_legend_handles_labels()[1] == ["column 1", "column 2", "b",
                                                 "weights x times columns"]


# ---------------------------------------------------------------- System2x2Picture
def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)))


def _moved(picture, angle, b2):
    return picture.update(*ch01.rotating_row_system(angle, b2))


def test_system_picture_moves_by_blitting_and_comes_back():
    picture = ch01.System2x2Picture()
    fig = _moved(picture, 0, 0.5)
    redrawer = FigureRedrawer()
    start = redrawer.png(fig, kept=False)
    assert _moved(picture, 10, 0.5) is fig
    redrawer.png(fig, kept=False)  # draws whole once more: the ticks the first picture made
    line = fig.axes[0].lines[1]  # the turning equation
    before = line.get_xydata().copy()
    _moved(picture, 20, -1.5)  # the same verdict, another window for the column picture
    assert not fig.stale  # only animated artists changed: the next picture is a blit
    assert not np.allclose(line.get_xydata(), before)
    moved = redrawer.png(fig, kept=False)
    assert moved != start and pixel_size(moved) == pixel_size(start)
    fig.stale = True  # the same state drawn whole gives the same picture
    assert np.array_equal(_pixels(redrawer.png(fig, kept=False)), _pixels(moved))
    _moved(picture, 0, 0.5)
    assert np.array_equal(_pixels(redrawer.png(fig, kept=False)), _pixels(start))


def test_system_picture_redraws_whole_when_the_verdict_changes():
    picture = ch01.System2x2Picture()
    fig = _moved(picture, 0, 0.5)
    FigureRedrawer().png(fig, kept=False)
    _moved(picture, 60, 0.5)
    assert fig.stale and "no solution" in fig._suptitle.get_text()
    assert "column space" in [t.get_text() for t in fig.axes[1].get_legend().get_texts()]


def test_system_picture_draws_live_as_a_saved_picture_does():
    # live, the animated artists are drawn last; saved, by z-order: the same picture
    fig = _moved(ch01.System2x2Picture(), 20, 0.5)
    canvas = FigureCanvasAgg(fig)
    saved = io.BytesIO()
    fig.savefig(saved, format="rgba", dpi=fig.dpi)
    canvas.draw()
    for artist in fig.findobj(lambda artist: artist.get_animated()):
        fig.draw_artist(artist)
    live = np.asarray(canvas.buffer_rgba())
    assert np.array_equal(live, np.frombuffer(saved.getvalue(), np.uint8).reshape(live.shape))


def test_system_picture_makes_room_for_a_taller_legend_only_while_needed():
    picture = ch01.System2x2Picture()
    fig = _moved(picture, 0, 0.5)
    first = dict(vars(fig.subplotpars))
    _moved(picture, 60, 1.0)  # infinitely many solutions: five entries, three rows
    assert len(fig.axes[1].get_legend().texts) == 5
    assert fig.subplotpars.bottom > first["bottom"]
    _moved(picture, 0, 0.5)
    assert vars(fig.subplotpars) == first


# ---------------------------------------------------------------- plot_least_squares
def test_least_squares_figure_has_data_fit_and_gradient_arrows():
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 10)
    y = 1 + 2 * t + 0.1 * rng.normal(size=t.size)
    T = np.column_stack([np.ones_like(t), t])
    coef = np.linalg.lstsq(T, y, rcond=None)[0]
    t_before, y_before = t.copy(), y.copy()
    fig = ch01.plot_least_squares(t, y, coef)
    left, right = fig.axes[:2]
    assert len(left.lines) == 2  # data and fitted line
    labels = [t.get_text() for t in right.get_legend().get_texts()]
    assert labels == ["minus gradient", "minimiser"]
    quiver = [c for c in right.collections if type(c).__name__ == "Quiver"][0]
    assert quiver.N == 8
    # every arrow points downhill: towards lower loss
    U, V = quiver.U, quiver.V
    P = quiver.get_offsets()
    for (c0, c1), u, v in zip(P, U, V):
        before = np.sum((T @ [c0, c1] - y) ** 2)
        after = np.sum((T @ [c0 + 1e-3 * u, c1 + 1e-3 * v] - y) ** 2)
        assert after < before
    np.testing.assert_array_equal(t, t_before)
    np.testing.assert_array_equal(y, y_before)


@pytest.mark.parametrize(
    "t, y, coef, match",
    [
        ([0.0, 1.0], [1.0], [0.0, 1.0], "y must have shape"),
        ([0.0, 1.0], [1.0, 2.0], [0.0], "coef must have shape"),
        ([1.0, 1.0], [1.0, 2.0], [0.0, 1.0], "distinct"),
        ([0.0, np.nan], [1.0, 2.0], [0.0, 1.0], "finite"),
    ],
)
def test_least_squares_figure_rejects_bad_input(t, y, coef, match):
    with pytest.raises(ValueError, match=match):
        ch01.plot_least_squares(t, y, coef)


def test_column_picture_fit_hugs_the_arrows_and_keeps_the_plane_inside():
    (ax,) = ch01.plot_column_picture(NOTES_A, NOTES_B, fit=True, legend=False).axes
    assert ax.get_legend() is None
    low, high = ax.get_xlim()
    assert low > -2 and high < 14  # not centred on the origin: 0..12 plus a margin
    assert len([c for c in ax.collections if isinstance(c, Poly3DCollection)]) == 1
    labels = ax.get_legend_handles_labels()[1]
    assert labels[:4] == ["column 1", "column 2", "column 3", "b"]


def test_legend_kw_places_the_legend():
    (ax,) = ch01.plot_row_picture(NOTES_A, NOTES_B, legend_kw={"loc": "lower right", "fontsize": 12}).axes
    legend = ax.get_legend()
    assert legend._loc == 4 and legend.get_texts()[0].get_fontsize() == 12
    with pytest.raises(TypeError, match="legend_kw"):
        ch01.plot_column_picture(NOTES_A, NOTES_B, legend_kw="below")


def test_system_2x2_legends_sit_below_the_panels():
    fig = ch01.plot_system_2x2(*ch01.rotating_row_system(0, 0.5))
    canvas = FigureCanvasAgg(fig)  # the figure is not pyplot's: give it a canvas that draws
    canvas.draw()
    renderer = canvas.get_renderer()
    for ax in fig.axes:
        assert ax.get_legend().get_window_extent(renderer).y1 < ax.get_window_extent(renderer).y0


def test_clip_polygon_keeps_the_plane_inside_the_box():
    from bookcode.ch01 import _clip_polygon

    square = [[-2, -2, 0], [2, -2, 0], [2, 2, 0], [-2, 2, 0]]
    lims = [(-1, 1), (-1, 3), (-1, 1)]
    poly = _clip_polygon(square, lims)
    np.testing.assert_allclose(poly.min(axis=0), [-1, -1, 0])
    np.testing.assert_allclose(poly.max(axis=0), [1, 2, 0])
    assert _clip_polygon(square, [(5, 6), (-1, 1), (-1, 1)]).shape == (0, 3)


# ---------------------------------------------------------------- pairwise_crossings, row_picture_legend
def test_pairwise_crossings_lie_on_both_planes_and_across_the_direction():
    b_bad = NOTES_B + [0, 0, 10]
    v = np.array([1.0, -2, 1])
    corners = ch01.pairwise_crossings(NOTES_A, b_bad, v)
    for point, (i, j) in zip(corners, [(0, 1), (0, 2), (1, 2)]):
        np.testing.assert_allclose(NOTES_A[[i, j]] @ point, b_bad[[i, j]])
        assert abs(point @ v) < 1e-12
    assert len({tuple(np.round(p, 9)) for p in corners}) == 3  # no common point


def test_pairwise_crossings_meet_in_one_point_for_a_solvable_system():
    corners = ch01.pairwise_crossings(NOTES_A, NOTES_B, [1.0, -2, 1])
    np.testing.assert_allclose(corners, corners[[0, 0, 0]], atol=1e-12)


@pytest.mark.parametrize("direction, match", [([0.0, 0, 0], "nonzero"),
                                              ([1.0, 0, 0], "orthogonal")])
def test_pairwise_crossings_rejects_a_direction_across_the_planes(direction, match):
    with pytest.raises(ValueError, match=match):
        ch01.pairwise_crossings(NOTES_A, NOTES_B, direction)


def test_row_picture_legend_names_both_right_hand_sides_where_they_differ():
    handles = ch01.row_picture_legend(NOTES_A, [NOTES_B, NOTES_B + [0, 0, 10]])
    labels = [h.get_label() for h in handles]
    assert labels == ["x + 2y + 3z = 12", "2x + 3y + 4z = 11",
                      "3x + 4y + 5z = 10 (left), 20 (right)", "solution line"]
    no_line = ch01.row_picture_legend(NOTES_A, [NOTES_B + [0, 0, 10]])
    assert [h.get_label() for h in no_line][-1] == "3x + 4y + 5z = 20"


def test_row_picture_legend_needs_a_place_per_picture():
    with pytest.raises(ValueError, match="places"):
        ch01.row_picture_legend(NOTES_A, [NOTES_B] * 3)
