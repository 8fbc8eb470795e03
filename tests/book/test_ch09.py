"""Tests for bookcode/ch09.py: dual numbers, descent on a valley, the chapter's pictures."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import mathnotes as mn
from bookcode import ch09
from mathnotes._figures import FigureRedrawer

rng = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _tangent(f, x, v):
    """The JVP of ``f`` at ``x`` along ``v`` by central differences."""
    return mn.numerical_jacobian(lambda t: f(x + t * v), 0.0)


# Dual: each operation's tangent is its derivative -----------------------------

X = rng.uniform(0.5, 1.5, (2, 3))  # positive: log and powers are defined
V = rng.standard_normal((2, 3))
M = rng.standard_normal((3, 2))

# each runs on a plain array and on a Dual alike (a Dual answers NumPy's functions)
OPERATIONS = {
    "add a constant": lambda x: x + 2.0,
    "constant plus": lambda x: 2.0 + x,
    "add itself": lambda x: x + x,
    "subtract": lambda x: x - 1.5,
    "subtract from": lambda x: 1.5 - x,
    "negate": lambda x: -x,
    "times a constant array": lambda x: x * M.T,
    "array times": lambda x: M.T * x,
    "times itself": lambda x: x * x,
    "divide by a constant": lambda x: x / 3.0,
    "divide a constant": lambda x: 3.0 / x,
    "divide by itself plus one": lambda x: x / (x + 1.0),
    "power": lambda x: x**2.5,
    "matrix product on the right": lambda x: x @ M,
    "matrix product on the left": lambda x: M @ x,
    "matrix product with itself": lambda x: x @ x.T,
    "exp": np.exp,
    "log": np.log,
    "sin": np.sin,
    "cos": np.cos,
    "tanh": np.tanh,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "sum": lambda x: x.sum(),
    "sum over an axis": lambda x: x.sum(axis=0),
    "mean, keeping the axis": lambda x: x.mean(axis=1, keepdims=True),
    "reshape": lambda x: x.reshape(3, 2),
    "transpose": lambda x: x.T,
    "index": lambda x: x[1, ::2],
    "broadcast with a row": lambda x: x[:, None, :] * np.ones((2, 4, 3)),
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_every_operation_carries_its_derivative(name):
    operation = OPERATIONS[name]
    out = operation(ch09.Dual(X, V))
    expected = operation(X)
    assert isinstance(out, ch09.Dual) and out.shape == np.shape(expected)
    np.testing.assert_allclose(out.value, expected)
    np.testing.assert_allclose(out.tangent, _tangent(operation, X, V), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("method, function", [
    ("exp", np.exp), ("log", np.log), ("sin", np.sin), ("cos", np.cos), ("tanh", np.tanh),
    ("sigmoid", lambda x: 1 / (1 + np.exp(-x))), ("reciprocal", lambda x: 1 / x),
])
def test_each_method_is_its_numpy_function(method, function):
    out = getattr(ch09.Dual(X, V), method)()
    np.testing.assert_allclose(out.value, function(X))
    np.testing.assert_allclose(out.tangent, _tangent(function, X, V), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("function", [np.exp, np.log, np.sin, np.cos, np.tanh, np.negative])
def test_numpy_functions_run_on_duals(function):
    out = function(ch09.Dual(X, V))
    assert isinstance(out, ch09.Dual)
    np.testing.assert_allclose(out.tangent, _tangent(function, X, V), rtol=1e-6, atol=1e-8)


def test_numpy_code_runs_unchanged_on_duals():
    def f(x):
        return np.tanh(M @ x) * np.exp(-x[0]) / (1 + (np.sin(x) ** 2).sum())

    x0, v0 = rng.standard_normal(2), rng.standard_normal(2)
    value, tangent = ch09.jvp(f, x0, v0)
    np.testing.assert_allclose(value, f(x0))
    assert mn.check_jacobian(lambda t: f(x0 + t * v0), tangent, 0.0)


def test_an_unsupported_numpy_function_is_refused():
    with pytest.raises(TypeError, match="sinh"):
        np.sinh(ch09.Dual(X, V))


def test_a_dual_needs_a_tangent_shaped_like_its_value():
    with pytest.raises(ValueError, match="tangent has shape"):
        ch09.Dual(X, V[0])
    with pytest.raises(ValueError, match="NaN"):
        ch09.Dual([1.0, np.nan], [0.0, 0.0])
    with pytest.raises(TypeError, match="value"):
        ch09.Dual("x", 1.0)


def test_a_dual_copies_its_arrays():
    value, tangent = X.copy(), V.copy()
    dual = ch09.Dual(value, tangent)
    dual.value[0, 0] = 99.0
    np.testing.assert_array_equal(value, X)


def test_repr_and_shape():
    assert repr(ch09.Dual(2.0, 1.0)) == "Dual(value=2, tangent=1)"
    dual = ch09.Dual(X, V)
    assert repr(dual) == "Dual(shape=(2, 3))" and dual.ndim == 2


def test_a_power_needs_a_number_exponent():
    with pytest.raises(TypeError, match="exponent"):
        ch09.Dual(X, V) ** ch09.Dual(X, V)


# the chapter's matrix rules as forward steps ----------------------------------


A = rng.standard_normal((3, 3)) + 3 * np.eye(3)
VA = rng.standard_normal((3, 3))
b = rng.standard_normal(3)


@pytest.mark.parametrize(
    "rule, numpy_function",
    [
        (ch09.inv, np.linalg.inv),
        (lambda M_: ch09.solve(M_, b), lambda M_: np.linalg.solve(M_, b)),
        (ch09.logdet, lambda M_: np.linalg.slogdet(M_)[1]),
    ],
    ids=["inv", "solve", "logdet"],
)
def test_matrix_rules_carry_their_derivatives(rule, numpy_function):
    value, tangent = ch09.jvp(rule, A, VA)
    np.testing.assert_allclose(value, numpy_function(A))
    assert mn.check_jacobian(lambda t: numpy_function(A + t * VA), tangent, 0.0)


def test_solve_differentiates_the_right_hand_side_too():
    vb = rng.standard_normal(3)
    out = ch09.solve(A, ch09.Dual(b, vb))
    np.testing.assert_allclose(out.tangent, np.linalg.solve(A, vb))


def test_matrix_rules_accept_plain_arrays():
    out = ch09.inv(A)
    np.testing.assert_allclose(out.value, np.linalg.inv(A))
    np.testing.assert_array_equal(out.tangent, np.zeros((3, 3)))


# jvp and the two Jacobians ------------------------------------------------------


def test_jvp_of_a_function_that_ignores_its_input_is_zero():
    value, tangent = ch09.jvp(lambda x: np.ones(3), np.zeros(2), np.ones(2))
    np.testing.assert_array_equal(value, np.ones(3))
    np.testing.assert_array_equal(tangent, np.zeros(3))


def test_jvp_rejects_a_non_callable_and_a_direction_of_another_shape():
    with pytest.raises(TypeError, match="f"):
        ch09.jvp("f", np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match="tangent has shape"):
        ch09.jvp(lambda x: x, np.zeros(2), np.ones(3))


W1, W2 = rng.standard_normal((5, 4)), rng.standard_normal((3, 5))


def two_layers(x):
    return W2 @ (W1 @ x).tanh()


def test_forward_and_reverse_jacobians_agree_with_central_differences():
    x0 = rng.standard_normal(4)
    J_forward = ch09.jacobian_forward(two_layers, x0)
    J_reverse = ch09.jacobian_reverse(two_layers, x0)
    assert J_forward.shape == J_reverse.shape == (3, 4)
    np.testing.assert_allclose(J_forward, J_reverse, rtol=1e-12, atol=1e-12)
    assert mn.check_jacobian(lambda x: W2 @ np.tanh(W1 @ x), J_forward, x0)


def test_generalized_jacobians_of_a_matrix_function():
    J_forward = ch09.jacobian_forward(lambda M_: M_ @ M_, A)
    J_reverse = ch09.jacobian_reverse(lambda M_: M_ @ M_, A)
    assert J_forward.shape == (3, 3, 3, 3)
    np.testing.assert_allclose(J_forward, J_reverse, atol=1e-12)
    assert mn.check_jacobian(lambda M_: M_ @ M_, J_forward, A)


def test_reverse_jacobian_needs_a_traced_output():
    with pytest.raises(TypeError, match="mathnotes.Value"):
        ch09.jacobian_reverse(lambda x: np.ones(2), np.zeros(2))


# descent on a quadratic valley ------------------------------------------------------


def test_descent_path_takes_gradient_steps():
    H = np.array([[2.0, 1.0], [1.0, 6.0]])
    path = ch09.descent_path(H, [1.2, 0.6], 0.3, 4)
    assert path.shape == (5, 2)
    np.testing.assert_allclose(path[1], path[0] - 0.3 * H @ path[0])
    np.testing.assert_allclose(path[4], np.linalg.matrix_power(np.eye(2) - 0.3 * H, 4) @ path[0])


def test_steps_to_shrink_matches_the_steps_walked():
    lam, start = np.array([1.0, 25.0]), np.array([-10.0, 1.0])
    lr = 2 / 26
    count = ch09.steps_to_shrink(lam, start, lr)
    distances = np.linalg.norm(ch09.descent_path(np.diag(lam), start, lr, 300), axis=1)
    assert count == int(np.argmax(distances < 1e-6 * distances[0]))
    assert distances[count - 1] >= 1e-6 * distances[0]


def test_steps_to_shrink_limits():
    assert ch09.steps_to_shrink([1.0, 1.0], [3.0, 4.0], 1.0) == 1  # a round bowl, step 1/λ
    assert ch09.steps_to_shrink([1.0, 25.0], [1.0, 1.0], 0.1) is None  # 0.1 > 2/25: diverges
    assert ch09.steps_to_shrink([1.0, 25.0], [1.0, 0.0], 0.1) is not None  # not along it
    assert ch09.steps_to_shrink([1.0], [1.0], 1e-6, max_steps=10) is None  # too slow


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"factor": 1.0}, ValueError, "below 1"),
        ({"lr": 0.0}, ValueError, "lr"),
        ({"start": [1.0]}, ValueError, "start"),
        ({"max_steps": 0}, ValueError, "max_steps"),
    ],
)
def test_steps_to_shrink_rejects_bad_input(kwargs, error, message):
    arguments = {"eigenvalues": [1.0, 4.0], "start": [1.0, 1.0], "lr": 0.1} | kwargs
    with pytest.raises(error, match=message):
        ch09.steps_to_shrink(**arguments)


def test_descent_path_rejects_bad_input():
    with pytest.raises(ValueError, match="start"):
        ch09.descent_path(np.eye(2), [1.0, 2.0, 3.0], 0.1, 3)
    with pytest.raises(ValueError, match="lr"):
        ch09.descent_path(np.eye(2), [1.0, 2.0], -0.1, 3)


# the pictures -----------------------------------------------------------------------


X2 = np.array([[1.2, 0.5], [-0.3, 0.9]])
V2 = np.array([[0.0, 1.0], [0.6, -0.4]])


def test_inverse_prediction_errors_fall_like_t_squared_and_like_t():
    ts = np.logspace(-4, -2, 5)
    errors = ch09.inverse_prediction_errors(X2, V2, ts)
    slopes = {name: np.polyfit(np.log(ts), np.log(err), 1)[0] for name, err in errors.items()}
    assert abs(slopes["correct"] - 2) < 0.02 and abs(slopes["wrong"] - 1) < 0.02


def test_the_wrong_prediction_is_right_for_a_commuting_direction():
    errors = ch09.inverse_prediction_errors(X2, X2, [1e-3])
    np.testing.assert_allclose(errors["wrong"], errors["correct"])


@pytest.mark.parametrize(
    "X_, V_, ts, message",
    [
        (X2, V2[0], [0.1], "V"),
        (X2, V2, [0.0, 0.1], "positive"),
        (X2[0], V2, [0.1], "X"),
    ],
)
def test_inverse_prediction_errors_reject_bad_input(X_, V_, ts, message):
    with pytest.raises(ValueError, match=message):
        ch09.inverse_prediction_errors(X_, V_, ts)


def test_plot_inverse_derivative_draws_four_images_and_two_error_curves():
    fig = ch09.plot_inverse_derivative(X2, V2, 0.25, ts=np.logspace(-3, 0, 7))
    assert isinstance(fig, Figure)
    left, right = fig.axes
    assert len(left.get_lines()) == 4
    circle_image = left.get_lines()[0].get_xydata().T
    radii = np.linalg.norm(np.linalg.inv(np.linalg.inv(X2)) @ circle_image, axis=0)
    np.testing.assert_allclose(radii, 1.0)  # the grey curve is X⁻¹ of the unit circle
    assert len(right.get_lines()) == 4  # two error curves, two guides
    assert "t = 0.25" in left.get_title()


def test_plot_inverse_derivative_rejects_bad_input():
    with pytest.raises(ValueError, match="X"):
        ch09.plot_inverse_derivative(np.eye(3), np.eye(3), 0.1)
    with pytest.raises(ValueError, match="t"):
        ch09.plot_inverse_derivative(X2, V2, 0.0)


def test_plot_vec_jacobians_shows_both_kronecker_products():
    B, C = rng.standard_normal((2, 3)), rng.standard_normal((4, 3))
    fig = ch09.plot_vec_jacobians(B, C)
    left, right = fig.axes[:2]
    np.testing.assert_allclose(left.images[0].get_array(), np.kron(C.T, B))
    np.testing.assert_allclose(right.images[0].get_array(), np.kron(B, C.T))
    # block separators: after every 2 rows on the left (B has 2 rows), every 3 on the right
    assert len(left.collections[0].get_segments()) == 2
    assert len(right.collections[0].get_segments()) == 1


def test_plot_vec_jacobians_rejects_a_vector():
    with pytest.raises(ValueError, match="B"):
        ch09.plot_vec_jacobians(np.ones(3), np.ones((2, 2)))


def _valley():
    picture = ch09.ValleyPicture()
    redrawer = FigureRedrawer()
    start = redrawer.png(picture.update(25, 1.0), kept=False)
    return picture, redrawer, start


def test_valley_picture_counts_chapter_7s_steps():
    picture, _, _ = _valley()
    valley, counts = picture.figure.axes
    assert picture.steps(25) == 173
    assert valley.get_title() == "κ = 25, η = 1.00 η*: 173 descent steps"
    marker = counts.get_lines()[-1]
    np.testing.assert_array_equal(marker.get_xydata(), [[25, 173]])


def test_valley_picture_draws_the_descent_path():
    picture, _, _ = _valley()
    picture.update(9, 0.5)
    path_line = [line for line in picture.figure.axes[0].get_lines()
                 if line.get_label() == "gradient descent"][0]
    expected = ch09.descent_path(np.diag([1.0, 9.0]), [-10.0, 1.0], 0.5 * 2 / 10, 30)
    np.testing.assert_allclose(path_line.get_xydata(), expected)


def test_valley_picture_says_when_descent_diverges():
    picture, _, _ = _valley()
    picture.update(25, 1.1)
    assert "diverges" in picture.figure.axes[0].get_title()
    assert len(picture.figure.axes[1].get_lines()[-1].get_xdata()) == 0
    assert picture.steps(1, 1.0) == 1


def test_valley_picture_moves_by_blitting_and_comes_back():
    picture, redrawer, start = _valley()
    fig = picture.figure
    for kappa, multiple in [(3, 0.4), (100, 1.05), (25, 1.0)]:
        assert picture.update(kappa, multiple) is fig
        assert not fig.stale  # only animated artists changed
        last = redrawer.png(fig, kept=False)
    assert last == start


def test_valley_picture_rejects_bad_input():
    with pytest.raises(ValueError, match="kappa"):
        ch09.ValleyPicture().update(0.5)
    with pytest.raises(ValueError, match="multiple"):
        ch09.ValleyPicture().update(4, 0.0)
    with pytest.raises(ValueError, match="start"):
        ch09.ValleyPicture(start=(1.0, 2.0, 3.0))


def test_plot_valley_is_the_picture_in_one_state():
    fig = ch09.plot_valley(4, 0.5)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert fig.axes[0].get_title().startswith("κ = 4, η = 0.50 η*")


def _valley_explorer(**kwargs):
    picture = ch09.ValleyPicture()
    return ch09.valley_explorer(picture.update, picture, **kwargs)


def test_valley_explorer_starts_at_chapter_7s_valley_and_says_so_in_its_alt_text():
    live = _valley_explorer(kappa=25)
    assert live.defaults == {"kappa": 25, "multiple": 1.0}
    for words in ("from (-10, 1), crosses the valley at every step on its way towards",
                  "a dot at 25, where descent needs 173 steps to get 1,000,000 times closer",
                  "(the same line here)", "from 1 to 100"):
        assert words in live.alt, words


@pytest.mark.parametrize("kappa, multiple, words", [
    (25, 1.1, "no dot at 25, where descent diverges"),
    (25, 0.2, "never crosses the valley"),
    (1, 1.0, "round"),
])
def test_valley_explorer_alt_text_follows_the_start(kappa, multiple, words):
    assert words in _valley_explorer(kappa=kappa, multiple=multiple).alt


@pytest.mark.parametrize("kwargs, exc, message", [
    ({"kappa": 101}, ValueError, "kappa_max"),
    ({"kappa": 0}, ValueError, "kappa"),
    ({"multiple": 1.5}, ValueError, "multiple"),
    ({"multiple": 0.1}, ValueError, "multiple"),
])
def test_valley_explorer_rejects_a_start_outside_its_sliders(kwargs, exc, message):
    with pytest.raises(exc, match=message):
        _valley_explorer(**kwargs)


def test_valley_explorer_needs_a_valley_picture():
    with pytest.raises(TypeError, match="ValleyPicture"):
        ch09.valley_explorer(lambda kappa, multiple: None, object())
