"""Tests for bookcode/ch02.py: the figures of the partial-derivatives chapter."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.quiver import Quiver

from bookcode import ch02
from mathnotes._figures import FigureRedrawer


def bowl(p):
    x, y = p
    return x**2 + x * y + 3 * y**2


def bowl_grad(p):
    x, y = p
    return np.array([2 * x + y, x + 6 * y])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _children(ax, kind):
    return [c for c in ax.get_children() if isinstance(c, kind)]


# plot_gradient_field -------------------------------------------------------


def test_gradient_field_has_contours_and_one_arrow_per_grid_point():
    fig = ch02.plot_gradient_field(bowl, bowl_grad, arrows=5, levels=6, resolution=20, title="bowl")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert len(_children(ax, ContourSet)) == 1
    (quiver,) = _children(ax, Quiver)
    assert quiver.N == 25
    assert ax.get_title() == "bowl"
    assert ax.get_aspect() == 1.0


def test_gradient_field_arrows_are_the_gradient_at_their_midpoints():
    fig = ch02.plot_gradient_field(bowl, bowl_grad, xlim=(0, 1), ylim=(-1, 1), arrows=3, resolution=12)
    (quiver,) = _children(fig.axes[0], Quiver)
    assert quiver.pivot == "middle"
    midpoints = quiver.get_offsets()
    np.testing.assert_array_equal(midpoints, ch02.arrow_points((0, 1), (-1, 1), 3))
    expected = np.array([bowl_grad(p) for p in midpoints])
    np.testing.assert_allclose(np.column_stack([quiver.U, quiver.V]), expected)
    # the longest arrow fills 90% of a grid cell
    longest = np.max(np.hypot(expected[:, 0], expected[:, 1]))
    assert quiver.scale == pytest.approx(longest / (0.9 * 1 / 3))


def test_arrow_points_are_the_midpoints_of_the_grid_cells():
    points = ch02.arrow_points((-2, 2), (0, 1), 4)
    assert points.shape == (16, 2)
    np.testing.assert_allclose(np.unique(points[:, 0]), [-1.5, -0.5, 0.5, 1.5])
    np.testing.assert_allclose(np.unique(points[:, 1]), [0.125, 0.375, 0.625, 0.875])
    np.testing.assert_allclose(points[:4, 1], 0.125)  # row by row from the bottom
    assert [0.0, 0.0] in ch02.arrow_points(arrows=9).tolist()  # an odd grid has the centre
    with pytest.raises(ValueError, match="arrows"):
        ch02.arrow_points(arrows=1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"xlim": (1, 0)}, "low < high"),
        ({"ylim": "ab"}, "pair"),
        ({"arrows": 1}, "arrows"),
        ({"levels": 1}, "levels"),
    ],
)
def test_gradient_field_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ch02.plot_gradient_field(bowl, bowl_grad, **kwargs)


def test_gradient_field_rejects_a_count_that_is_not_an_integer():
    with pytest.raises(TypeError, match="levels"):
        ch02.plot_gradient_field(bowl, bowl_grad, levels=2.5)


def test_gradient_field_draws_into_given_axes():
    fig, ax = plt.subplots()
    assert ch02.plot_gradient_field(bowl, bowl_grad, resolution=20, ax=ax) is fig
    plt.close(fig)


def test_gradient_field_rejects_non_callables_and_wrong_shapes():
    with pytest.raises(TypeError, match="f must be a function"):
        ch02.plot_gradient_field(3.0, bowl_grad)
    with pytest.raises(ValueError, match="shape \\(2,\\)"):
        ch02.plot_gradient_field(bowl, lambda p: np.zeros(3), resolution=10)
    with pytest.raises(ValueError, match="single number"):
        ch02.plot_gradient_field(lambda p: np.ones(2), bowl_grad, resolution=10)
    with pytest.raises(ValueError, match="non-finite"):
        ch02.plot_gradient_field(lambda p: np.inf if p[0] < 0 else 1.0, bowl_grad, resolution=10)


# plot_step_size_errors -----------------------------------------------------


def _errors():
    h = np.logspace(-12, 0, 13)
    x = 1.0
    forward = np.abs((np.sin(x + h) - np.sin(x)) / h - np.cos(x))
    central = np.abs((np.sin(x + h) - np.sin(x - h)) / (2 * h) - np.cos(x))
    return h, {"forward": forward, "central": central}


def test_step_size_errors_draws_curves_guides_and_roundoff_per_panel():
    h, errors = _errors()
    fig = ch02.plot_step_size_errors(
        h,
        {"float64": errors, "copy": dict(errors)},
        slopes={"forward": 1, "central": 2},
        roundoff={"float64": np.finfo(np.float64).eps},
    )
    assert len(fig.axes) == 2
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == ["forward", "slope 1", "central", "slope 2", r"$\varepsilon / h$"]
    assert len(fig.axes[1].get_lines()) == 4
    assert [ax.get_title() for ax in fig.axes] == ["float64", "copy"]
    assert fig.axes[0].get_xscale() == "log" and fig.axes[0].get_yscale() == "log"


def test_step_size_guide_has_the_requested_slope():
    h, errors = _errors()
    fig = ch02.plot_step_size_errors(h, {"p": {"central": errors["central"]}}, slopes={"central": 2})
    guide = fig.axes[0].get_lines()[1]
    gx, gy = guide.get_xdata(), guide.get_ydata()
    slope = np.diff(np.log(gy)) / np.diff(np.log(gx))
    np.testing.assert_allclose(slope, 2.0)


def test_step_size_errors_leaves_out_exact_zeros():
    h = np.array([1e-2, 1e-1, 1.0])
    fig = ch02.plot_step_size_errors(h, {"p": {"exact": [0.0, 1e-3, 1e-1]}})
    ydata = fig.axes[0].get_lines()[0].get_ydata()
    assert np.isnan(ydata[0]) and np.all(np.isfinite(ydata[1:]))


@pytest.mark.parametrize(
    "steps, panels, kwargs, message",
    [
        ([1.0], {"p": {"a": [1.0]}}, {}, "at least two"),
        ([1.0, -1.0], {"p": {"a": [1.0, 1.0]}}, {}, "positive"),
        ([1.0, 0.1], {}, {}, "non-empty"),
        ([1.0, 0.1], {"p": {"a": [1.0]}}, {}, "one error per step"),
        ([1.0, 0.1], {"p": {"a": [1.0, -1.0]}}, {}, "non-negative"),
        ([1.0, 0.1], {"p": {"a": [1.0, 1.0]}}, {"slopes": {"b": 1}}, "not a curve"),
        ([1.0, 0.1], {"p": {"a": [1.0, 1.0]}}, {"roundoff": {"q": 1e-16}}, "not a panel"),
    ],
)
def test_step_size_errors_rejects_bad_input(steps, panels, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ch02.plot_step_size_errors(steps, panels, **kwargs)


# plot_linearisation ---------------------------------------------------------


def test_linearisation_compares_the_function_with_its_tangent_line():
    point, angle, reach = (1.0, 0.5), 30.0, 0.8
    fig = ch02.plot_linearisation(bowl, bowl_grad, point, angle, reach=reach, resolution=20)
    ax_map, ax_cut = fig.axes
    assert len(_children(ax_map, ContourSet)) == 1
    along, linear = ax_cut.get_lines()[:2]
    t = along.get_xdata()
    assert t[0] == pytest.approx(-reach) and t[-1] == pytest.approx(reach)
    u = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
    p = np.array(point)
    np.testing.assert_allclose(along.get_ydata(), [bowl(p + ti * u) for ti in t])
    np.testing.assert_allclose(linear.get_ydata(), bowl(p) + t * (bowl_grad(p) @ u))
    assert f"{bowl_grad(p) @ u:.3g}" in ax_cut.get_title()


def test_linearisation_handles_a_zero_gradient():
    fig = ch02.plot_linearisation(bowl, bowl_grad, (0.0, 0.0), 0.0, resolution=12)
    assert "slope along u = 0" in fig.axes[1].get_title()


@pytest.mark.parametrize(
    "point, angle, kwargs, exc, message",
    [
        ((1.0, 2.0, 3.0), 0.0, {}, ValueError, "shape \\(2,\\)"),
        ((np.nan, 0.0), 0.0, {}, ValueError, "finite"),
        ((0.0, 0.0), np.inf, {}, ValueError, "angle"),
        ((0.0, 0.0), 0.0, {"reach": 0.0}, ValueError, "reach"),
        ((0.0, 0.0), 0.0, {"xlim": (0, 0)}, ValueError, "xlim"),
    ],
)
def test_linearisation_rejects_bad_input(point, angle, kwargs, exc, message):
    with pytest.raises(exc, match=message):
        ch02.plot_linearisation(bowl, bowl_grad, point, angle, **kwargs)


def test_linearisation_rejects_a_non_callable_gradient():
    with pytest.raises(TypeError, match="grad must be a function"):
        ch02.plot_linearisation(bowl, np.zeros(2), (0.0, 0.0), 0.0)


def test_inputs_are_not_modified():
    point = np.array([0.5, -0.5])
    before = point.copy()
    ch02.plot_linearisation(bowl, bowl_grad, point, 45.0, resolution=12)
    np.testing.assert_array_equal(point, before)


# LinearisationPicture --------------------------------------------------------


def _picture_and_redrawer():
    picture = ch02.LinearisationPicture(bowl, bowl_grad, resolution=20)
    redrawer = FigureRedrawer()
    start = redrawer.png(picture.update((1.0, 0.5), 30.0), kept=False)
    return picture, redrawer, start


def test_linearisation_picture_updates_one_figure_in_place():
    picture, _, _ = _picture_and_redrawer()
    fig = picture.figure
    point, angle = np.array([-0.5, 1.0]), 200.0
    assert picture.update(point, angle) is fig
    ax_map, ax_cut = fig.axes
    along, linear = ax_cut.get_lines()[:2]
    t = along.get_xdata()
    u = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
    np.testing.assert_allclose(along.get_ydata(), [bowl(point + ti * u) for ti in t])
    np.testing.assert_allclose(linear.get_ydata(), bowl(point) + t * (bowl_grad(point) @ u))
    assert ax_map.get_title() == "p = (-0.50, 1.00), angle 200 deg"
    assert f"slope along u = {bowl_grad(point) @ u:.3g}" in ax_cut.get_title()


def test_linearisation_picture_moves_by_blitting_over_a_fixed_contour_map():
    picture, _, _ = _picture_and_redrawer()
    fig = picture.figure
    ax_map, ax_cut = fig.axes
    (contours,) = _children(ax_map, ContourSet)
    picture.update((-0.5, 1.0), 200.0)
    assert not fig.stale  # only animated artists changed: the map is not redrawn
    assert _children(ax_map, ContourSet) == [contours] and not contours.get_animated()
    assert ax_map.get_xlim() == (-2.0, 2.0) and ax_map.get_ylim() == (-2.0, 2.0)
    moved = [artist for artist in ax_map.get_children() if artist.get_animated()]
    assert len(moved) == 5  # segment, point, two arrows and the title
    assert ax_cut.get_animated()


def test_linearisation_picture_hides_the_gradient_arrow_where_it_vanishes():
    picture, _, _ = _picture_and_redrawer()
    gradient_arrow = picture.figure.axes[0].texts[0]
    picture.update((0.0, 0.0), 0.0)
    assert not gradient_arrow.get_visible()
    picture.update((1.0, 0.0), 0.0)
    assert gradient_arrow.get_visible()


def test_linearisation_slice_panel_follows_its_curves():
    picture, _, _ = _picture_and_redrawer()
    for point in [(1.5, 1.5), (0.0, 0.0)]:
        ax_cut = picture.update(point, 45.0).axes[1]
        values = np.concatenate([line.get_ydata() for line in ax_cut.get_lines()[:2]])
        low, high = ax_cut.get_ylim()
        margin = 0.05 * (values.max() - values.min())  # Matplotlib's autoscale margin
        assert low == pytest.approx(values.min() - margin)
        assert high == pytest.approx(values.max() + margin)


def test_linearisation_picture_after_moving_back_equals_the_start():
    picture, redrawer, start = _picture_and_redrawer()
    for point, angle in [((1.5, 1.5), 45.0), ((0.0, 0.0), 90.0), ((1.0, 0.5), 30.0)]:
        last = redrawer.png(picture.update(point, angle), kept=False)
    assert last == start


def test_plot_linearisation_draws_every_axes_when_saved():
    # an animated axes is left out of a saved file: the static figure has none
    fig = ch02.plot_linearisation(bowl, bowl_grad, (1.0, 0.5), 30.0, resolution=12)
    assert not any(ax.get_animated() for ax in fig.axes)
    assert fig.axes[0].title.get_animated()  # drawn when saved: Axes draw animated children then



def _explorer(**kwargs):
    picture = ch02.LinearisationPicture(bowl, bowl_grad, resolution=12)
    return ch02.linearisation_explorer(lambda x0, y0, angle: picture.update((x0, y0), angle),
                                       bowl, bowl_grad, **kwargs)


def test_linearisation_explorer_starts_where_told_and_says_so_in_its_alt_text():
    live = _explorer(point=(1.0, 0.5), angle=30)
    assert live.defaults == {"x0": 1.0, "y0": 0.5, "angle": 30}
    p, u = np.array([1.0, 0.5]), np.array([np.cos(np.pi / 6), np.sin(np.pi / 6)])
    between = np.degrees(np.arccos(bowl_grad(p) @ u / np.linalg.norm(bowl_grad(p))))
    error = bowl(p + u) - bowl(p) - bowl_grad(p) @ u
    for words in ("(1, 0.5)", "at 30 degrees", f"an acute angle of {between:.0f} degrees",
                  f"slope {bowl_grad(p) @ u:.3g}", f"to {error:.3g} at t = 1."):
        assert words in live.alt, words


def test_linearisation_explorer_says_obtuse_when_u_points_downhill():
    assert "an obtuse angle of" in _explorer(point=(1.0, 0.5), angle=230).alt


@pytest.mark.parametrize("kwargs, exc, message", [
    ({"point": (1.0, 2.0, 3.0)}, ValueError, "point"),
    ({"angle": np.nan}, ValueError, "angle"),
    ({"reach": 0.0}, ValueError, "reach"),
])
def test_linearisation_explorer_rejects_bad_input(kwargs, exc, message):
    with pytest.raises(exc, match=message):
        _explorer(**kwargs)

# plot_partial_slices ---------------------------------------------------------


def test_partial_slices_draw_each_slice_with_its_tangent():
    p = np.array([1.0, -0.5])
    fig = ch02.plot_partial_slices(bowl, bowl_grad, p, resolution=20)
    ax_map, ax_x, ax_y = fig.axes
    assert len(_children(ax_map, ContourSet)) == 1
    slice_x, tangent_x = ax_x.get_lines()[:2]
    xs = slice_x.get_xdata()
    np.testing.assert_allclose(slice_x.get_ydata(), [bowl(np.array([x, p[1]])) for x in xs])
    np.testing.assert_allclose(tangent_x.get_ydata(), bowl(p) + bowl_grad(p)[0] * (xs - p[0]))
    slice_y, tangent_y = ax_y.get_lines()[:2]
    ys = slice_y.get_xdata()
    np.testing.assert_allclose(tangent_y.get_ydata(), bowl(p) + bowl_grad(p)[1] * (ys - p[1]))


def test_partial_slices_reject_a_point_outside_the_rectangle():
    with pytest.raises(ValueError, match="outside"):
        ch02.plot_partial_slices(bowl, bowl_grad, (3.0, 0.0))
    with pytest.raises(ValueError, match="shape"):
        ch02.plot_partial_slices(bowl, bowl_grad, 1.0)


def test_contours_of_a_function_that_does_not_broadcast_match_a_broadcasting_one():
    A = np.array([[1.0, 0.5], [0.5, 3.0]])

    def matrix_form(p):  # p @ A @ p needs a single point
        p = np.asarray(p)
        if p.shape != (2,):
            raise ValueError("one point at a time")
        return float(p @ A @ p)

    def broadcasting(p):
        x, y = p
        return x**2 + x * y + 3 * y**2

    from bookcode.ch02 import _grid_values

    X1, Y1, Z1 = _grid_values(matrix_form, (-1.0, 1.0), (-2.0, 2.0), 15)
    X2, Y2, Z2 = _grid_values(broadcasting, (-1.0, 1.0), (-2.0, 2.0), 15)
    np.testing.assert_allclose(Z1, Z2, rtol=1e-12)
    np.testing.assert_array_equal(X1, X2)


def test_partial_slices_stack_the_slices_and_keep_the_map_legend_off_the_map():
    fig = ch02.plot_partial_slices(bowl, bowl_grad, np.array([1.0, -0.5]), resolution=20)
    canvas = FigureCanvasAgg(fig)  # the figure is not pyplot's: give it a canvas that draws
    canvas.draw()
    renderer = canvas.get_renderer()
    ax_map, ax_x, ax_y = fig.axes
    box_map, box_x, box_y = (ax.get_window_extent(renderer) for ax in fig.axes)
    assert box_x.y0 > box_y.y1 and min(box_x.x0, box_y.x0) > box_map.x1  # stacked, right
    assert ax_map.get_legend().get_window_extent(renderer).y1 < box_map.y0


# the practice exercises' own recognisers (bookcode.practice.ch02) ----------------------------
# tests/book/test_practice.py proves the planted mistakes; these try answers it does not plant.

from bookcode.practice import ch02 as practice  # noqa: E402
from bookcode.practice import verdict  # noqa: E402

EPS = np.finfo(np.float64).eps


def _differences(step, forward=False):
    """A numerical gradient with ``step(x)`` as its steps, central or forward."""

    def answer(f, x):
        h, grad = step(x), np.zeros(x.shape)
        for i, e in enumerate(np.eye(x.size)):
            after, before = f(x + h[i] * e), f(x) if forward else f(x - h[i] * e)
            grad[i] = (after - before) / (h[i] if forward else 2 * h[i])
        return grad

    return answer


def _outcomes(exercise, answer, seeds=range(20)):
    return {(r.kind, r.mistake) for r in (exercise.run(answer, s) for s in seeds)}


@pytest.mark.parametrize("step, outcome", [
    (lambda x: EPS ** (1 / 3) * np.abs(x), (verdict.CORRECT, None)),       # scaled without max
    (lambda x: np.full(x.shape, 1e-5), (verdict.WRONG, "not scaled")),     # a fixed step
    (lambda x: np.full(x.shape, 1e-3), (verdict.WRONG, None)),             # too large near 1
])
def test_central_differences_with_other_steps(step, outcome):
    assert _outcomes(practice.CENTRAL_GRADIENT, _differences(step)) == {outcome}


@pytest.mark.parametrize("step, outcome", [
    (lambda x: np.full(x.shape, 1e-5), (verdict.WRONG, "forward")),
    (lambda x: 1e-4 * np.maximum(1.0, np.abs(x)), (verdict.WRONG, "forward")),
    # a step near sqrt(eps): round-off, not truncation, makes the error: no signature
    (lambda x: np.full(x.shape, EPS ** 0.5), (verdict.WRONG, None)),
])
def test_forward_differences_are_named_by_their_truncation_error(step, outcome):
    assert _outcomes(practice.CENTRAL_GRADIENT, _differences(step, forward=True)) == {outcome}


def test_two_mistakes_in_one_gradient_name_neither():
    def answer(v):  # a sign in the entry of x, a missing inner factor in that of z
        x, y, z = v
        return np.array([y**2 * z**3 + z * np.sin(x * z), 2 * x * y * z**3,
                         3 * x * y**2 * z**2 - np.sin(x * z)])

    assert _outcomes(practice.GRAD_F3, answer) == {(verdict.WRONG, None)}


def test_one_mistake_in_both_entries_it_touches_is_named():
    def answer(v):  # the sign of the cos term's partials, in x and in z
        x, y, z = v
        return np.array([y**2 * z**3 + z * np.sin(x * z), 2 * x * y * z**3,
                         3 * x * y**2 * z**2 + x * np.sin(x * z)])

    assert _outcomes(practice.GRAD_F3, answer) == {(verdict.WRONG, "sign")}


def test_the_second_order_prediction_is_no_named_mistake():
    def answer(x, D):
        s = np.exp(x) / np.exp(x).sum()
        H = np.diag(s) - np.outer(s, s)
        return np.log(np.exp(x).sum()) + D @ s + 0.5 * np.einsum("ki,ij,kj->k", D, H, D)

    assert _outcomes(practice.LINEARISE_LSE, answer) == {(verdict.WRONG, None)}


def test_the_exact_gradient_of_the_numerical_exercise_is_checked_at_both_scales():
    rng = np.random.default_rng(0)
    cases = [practice.CENTRAL_GRADIENT.inputs(rng, k) for k in range(4)]
    sizes = [np.max(np.abs(case["x"])) for case in cases]
    assert sizes[0] < 2 and sizes[2] < 2 and sizes[1] > 1e4 and sizes[3] > 1e4
    f, x = cases[1]["f"], cases[1]["x"]
    np.testing.assert_allclose(f.gradient(x), [
        (f(x + 1e-3 * e) - f(x - 1e-3 * e)) / 2e-3 for e in np.eye(x.size)], rtol=1e-6)
    f, x = cases[0]["f"], cases[0]["x"]  # where the second partials are of order one
    second = [(f.gradient(x + 1e-4 * e) - f.gradient(x - 1e-4 * e))[i] / 2e-4
              for i, e in enumerate(np.eye(x.size))]
    np.testing.assert_allclose(f.second(x), second, rtol=1e-6)


def test_linearisation_picture_names_the_function_in_its_legends():
    fig = ch02.plot_linearisation(bowl, bowl_grad, (1.0, 0.5), 30.0, resolution=12, name="q")
    labels = [t.get_text() for ax in fig.axes for t in ax.get_legend().get_texts()]
    assert r"direction of $\nabla q(p)$" in labels and r"$q(p + t\,u)$" in labels
    assert r"$q(p) + t\,\nabla q(p)^{\mathsf{T}} u$" in labels
    with pytest.raises(ValueError, match="name"):
        ch02.plot_linearisation(bowl, bowl_grad, (1.0, 0.5), 30.0, name=" ")
    with pytest.raises(TypeError, match="name"):
        ch02.plot_linearisation(bowl, bowl_grad, (1.0, 0.5), 30.0, name=3)
