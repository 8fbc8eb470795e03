"""Verdicts of the gradient checks in mathnotes/gradcheck/.

Known gradients must pass in both modes; the wrong gradients people really
write must fail in both modes; an error of 0.1 % in one entry must fail; the
verdict must not depend on the scale of f.
"""

import numpy as np
import pytest

import mathnotes as mn

rng = np.random.default_rng(2024)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


# --- problems with known gradients ----------------------------------------------

N, D, C = 5, 4, 3
Xs = rng.standard_normal((D, 6))  # dimension-first data: columns are examples
Wq = rng.standard_normal((3, D))
A = rng.standard_normal((D, D))  # not symmetric
v4 = rng.standard_normal(D)
w4 = rng.standard_normal(D)
Z = rng.standard_normal((N, C))
labels = np.array([0, 2, 1, 1, 0])
Y1 = np.eye(C)[labels]
M = rng.standard_normal((D, D)) + 3 * np.eye(D)


def ce(Zin):
    P = softmax_rows(Zin)
    return -np.mean(np.log(P[np.arange(N), labels]))


def ce_grad(Zin):
    return (softmax_rows(Zin) - Y1) / N


GOOD = {
    "matmul W": (lambda W: np.sum((W @ Xs) ** 2), Wq, lambda W: 2 * (W @ Xs) @ Xs.T),
    "matmul X": (lambda X: np.sum((Wq @ X) ** 2), Xs, lambda X: 2 * Wq.T @ (Wq @ X)),
    "sigmoid": (lambda z: w4 @ sigmoid(z), v4, lambda z: w4 * sigmoid(z) * (1 - sigmoid(z))),
    "tanh": (lambda z: w4 @ np.tanh(z), v4, lambda z: w4 * (1 - np.tanh(z) ** 2)),
    "softmax cross-entropy": (ce, Z, ce_grad),
    "2-norm": (lambda x: np.linalg.norm(x), v4, lambda x: x / np.linalg.norm(x)),
    "Frobenius norm squared": (lambda W: np.sum(W**2), Wq, lambda W: 2 * W),
    "quadratic form": (lambda x: x @ A @ x, v4, lambda x: (A + A.T) @ x),
    "bilinear": (lambda B: v4 @ B @ w4, M, lambda B: np.outer(v4, w4)),
    "determinant": (np.linalg.det, M, lambda B: np.linalg.det(B) * np.linalg.inv(B).T),
    "log |det|": (lambda B: np.linalg.slogdet(B)[1], M, lambda B: np.linalg.inv(B).T),
}

# the mistakes people really make, each on a problem above
WRONG = {
    "missing factor 2": ("matmul W", lambda W: (W @ Xs) @ Xs.T),
    "wrong sign": ("tanh", lambda z: -w4 * (1 - np.tanh(z) ** 2)),
    "transposed": ("bilinear", lambda B: np.outer(w4, v4)),
    "missing transpose of inverse": ("determinant", lambda B: np.linalg.det(B) * np.linalg.inv(B)),
    "missing 1/N": ("softmax cross-entropy", lambda Zin: softmax_rows(Zin) - Y1),
    "sigmoid instead of its derivative": ("sigmoid", lambda z: w4 * sigmoid(z)),
    "A x for x^T A x": ("quadratic form", lambda x: A @ x),
    "logits in place of probabilities": ("softmax cross-entropy", lambda Zin: (Zin - Y1) / N),
}


def _wrong_case(name):
    base, grad = WRONG[name]
    f, x, _ = GOOD[base]
    return f, x, grad


@pytest.mark.parametrize("mode", ["full", "fast"])
@pytest.mark.parametrize("name", sorted(GOOD))
def test_correct_gradients_pass(name, mode):
    f, x, grad = GOOD[name]
    result = mn.check_gradient(f, grad, x, mode=mode)
    assert result, repr(result)
    assert result.passed is True
    assert result.kinks == []
    assert result.error_ratio <= 1


@pytest.mark.parametrize("mode", ["full", "fast"])
@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_gradients_fail(name, mode):
    f, x, grad = _wrong_case(name)
    result = mn.check_gradient(f, grad, x, mode=mode)
    assert not result, repr(result)
    assert result.passed is False
    assert "FAILED" in repr(result)


def test_the_wrong_cases_have_the_right_shapes():
    # the mistakes must be the kind a shape check does not catch
    for name in WRONG:
        f, x, grad = _wrong_case(name)
        assert np.shape(grad(x)) == np.shape(x), name


def test_wrong_axis_for_a_bias_sum_fails():
    # sample-first Y = X W + b with as many examples as outputs, so both sums have shape (3,)
    X = rng.standard_normal((3, 2))
    W = rng.standard_normal((2, 3))
    b = rng.standard_normal(3)
    T = rng.standard_normal((3, 3))

    def loss(bias):
        return 0.5 * np.sum((X @ W + bias - T) ** 2)

    dY = X @ W + b - T
    for mode in ("full", "fast"):
        assert mn.check_gradient(loss, dY.sum(axis=0), b, mode=mode)
        assert not mn.check_gradient(loss, dY.sum(axis=1), b, mode=mode)


@pytest.mark.parametrize("name", sorted(GOOD))
def test_an_error_of_a_tenth_of_a_percent_in_any_entry_fails(name):
    f, x, grad = GOOD[name]
    g = grad(x)
    for index in np.ndindex(g.shape):
        wrong = g.copy()
        wrong[index] *= 1.001
        result = mn.check_gradient(f, wrong, x)
        assert not result, f"{name}: 0.1 % error at {index} passed"
        assert result.worst[0][0] == index


# large enough for fast mode to run its directions (on small arrays the full check is cheaper)
X40 = rng.standard_normal((8, 12))
W40 = rng.standard_normal((5, 8))
A40 = rng.standard_normal((40, 40))
v40, w40 = rng.standard_normal(40), rng.standard_normal(40)
M6 = rng.standard_normal((6, 6)) + 4 * np.eye(6)
LARGE = {
    "matmul W": (lambda W: np.sum((W @ X40) ** 2), W40, lambda W: 2 * (W @ X40) @ X40.T),
    "tanh": (lambda z: w40 @ np.tanh(z), v40, lambda z: w40 * (1 - np.tanh(z) ** 2)),
    "quadratic form": (lambda x: x @ A40 @ x, v40, lambda x: (A40 + A40.T) @ x),
    "log |det|": (lambda B: np.linalg.slogdet(B)[1], M6, lambda B: np.linalg.inv(B).T),
}


@pytest.mark.parametrize("name", sorted(LARGE))
def test_fast_mode_catches_a_tenth_of_a_percent_in_each_entry(name):
    f, x, grad = LARGE[name]
    g = grad(x)
    assert mn.check_gradient(f, g, x, mode="fast").mode == "fast"
    for index in list(np.ndindex(g.shape))[::3]:
        wrong = g.copy()
        wrong[index] *= 1.001
        result = mn.check_gradient(f, wrong, x, mode="fast")
        assert result.mode == "fast" and not result, f"{name}: 0.1 % error at {index} passed"
        assert result.worst and result.worst[0][0] == index


@pytest.mark.parametrize("scale", [1e-8, 1.0, 1e6])
@pytest.mark.parametrize("name", sorted(LARGE))
def test_fast_verdict_does_not_depend_on_the_scale_of_f(name, scale):
    f, x, grad = LARGE[name]
    wrong = grad(x).copy()
    wrong.flat[0] *= 1.001
    assert mn.check_gradient(lambda v: scale * f(v), scale * grad(x), x, mode="fast")
    assert not mn.check_gradient(lambda v: scale * f(v), scale * wrong, x, mode="fast")


@pytest.mark.parametrize("scale", [1e-8, 1.0, 1e6])
@pytest.mark.parametrize("mode", ["full", "fast"])
@pytest.mark.parametrize("name", sorted(GOOD))
def test_verdict_does_not_depend_on_the_scale_of_f(name, mode, scale):
    f, x, grad = GOOD[name]
    g = grad(x)
    wrong = g.copy()
    wrong.flat[0] *= 1.001

    def scaled(v):
        return scale * f(v)

    assert mn.check_gradient(scaled, scale * g, x, mode=mode)
    assert not mn.check_gradient(scaled, scale * wrong, x, mode=mode)


# --- Jacobians and VJPs -----------------------------------------------------------


def test_jacobian_of_softmax():
    z = rng.standard_normal(5)

    def softmax(u):
        e = np.exp(u - u.max())
        return e / e.sum()

    s = softmax(z)
    good = np.diag(s) - np.outer(s, s)
    for mode in ("full", "fast"):
        assert mn.check_jacobian(softmax, good, z, mode=mode)
        assert not mn.check_jacobian(softmax, np.diag(s), z, mode=mode)  # forgot -s s^T


def test_generalized_jacobian_of_a_matrix_product():
    J = np.einsum("ik,lj->ijkl", np.eye(3), Xs)  # d(W X)[i, j] / dW[k, l]
    result = mn.check_jacobian(lambda W: W @ Xs, J, Wq)
    assert result and result.numerical.shape == (3, 6, 3, D)
    wrong = J.copy()
    wrong[1, 2, 1, 3] *= -1
    bad = mn.check_jacobian(lambda W: W @ Xs, wrong, Wq)
    assert not bad and bad.worst[0][0] == (1, 2, 1, 3)
    fast = mn.check_jacobian(lambda W: W @ Xs, wrong, Wq, mode="fast")
    assert not fast and fast.worst[0][0] == (1, 2, 1, 3)


def test_transposed_jacobian_is_named_in_the_error():
    W = rng.standard_normal((3, 4))
    with pytest.raises(ValueError, match="transpose"):
        mn.check_jacobian(lambda v: W @ v, W.T, np.ones(4))


def test_vjp_of_a_linear_layer():
    X = rng.standard_normal((N, D))
    W = rng.standard_normal((D, C))
    b = rng.standard_normal(C)
    dY = rng.standard_normal((N, C))
    for mode in ("full", "fast"):
        assert mn.check_vjp(lambda w: X @ w + b, X.T @ dY, W, dY, mode=mode)
        assert mn.check_vjp(lambda x: x @ W + b, dY @ W.T, X, dY, mode=mode)
        assert mn.check_vjp(lambda c: X @ W + c, dY.sum(axis=0), b, dY, mode=mode)
        assert not mn.check_vjp(lambda w: X @ w + b, X.T @ dY / N, W, dY, mode=mode)
        assert not mn.check_vjp(lambda c: X @ W + c, dY.mean(axis=0), b, dY, mode=mode)


def test_vjp_with_cancelling_upstream_still_judged_on_term_size():
    # sum(upstream * f) is about 0 here, but each term is not: noise must come from the terms
    x = np.array([1.0, 2.0, 3.0])
    up = np.array([1.0, -1.0, 0.0])
    f = np.exp
    assert mn.check_vjp(f, up * np.exp(x), x, up)
    assert not mn.check_vjp(f, up * np.exp(x) * 1.001, x, up)


def test_vjp_upstream_of_the_wrong_shape():
    with pytest.raises(ValueError, match="upstream"):
        mn.check_vjp(np.tanh, np.ones(3), np.zeros(3), np.ones(4))


# --- kinks ---------------------------------------------------------------------------


def test_relu_at_zero_is_a_kink_not_a_verdict():
    w = np.array([1.0, 2.0, 3.0, 4.0])
    x = np.array([0.0, 1.0, -1.0, 0.0])

    def f(v):
        return w @ np.maximum(v, 0.0)

    result = mn.check_gradient(f, w * (x > 0), x)
    assert result.passed
    assert result.kinks == [(0,), (3,)]
    assert any("kink" in note for note in result.notes)
    assert "kink" in repr(result)
    # a subgradient that matches neither side is not a failure either
    assert mn.check_gradient(f, w * 0.5, x).kinks == [(0,), (3,)]


def test_abs_at_zero_and_max_at_a_tie_are_kinks():
    x = np.array([0.0, 2.0])
    r = mn.check_gradient(lambda v: np.sum(np.abs(v)), np.sign(x), x)
    assert r and r.kinks == [(0,)]
    y = np.array([1.5, 1.5, -2.0])
    r = mn.check_gradient(lambda v: np.max(v), np.array([1.0, 0.0, 0.0]), y)
    assert r and r.kinks == [(0,), (1,)]


def test_a_wrong_entry_still_fails_next_to_a_kink():
    w = np.array([1.0, 2.0, 3.0])
    x = np.array([0.0, 1.0, 2.0])
    bad = w * (x > 0)
    bad[2] = -bad[2]
    r = mn.check_gradient(lambda v: w @ np.maximum(v, 0.0), bad, x)
    assert not r and r.kinks == [(0,)] and r.worst[0][0] == (2,)


def test_fast_mode_falls_back_to_full_at_a_kink():
    w = np.array([1.0, 2.0, 3.0, 4.0])
    x = np.array([0.0, 1.0, -1.0, 0.5])
    f = lambda v: w @ np.maximum(v, 0.0)  # noqa: E731
    small = mn.check_gradient(f, w * (x > 0), x, mode="fast")
    assert small and small.kinks == [(0,)] and small.mode == "full"
    assert any("as cheap as fast mode" in note for note in small.notes)
    w, x = np.arange(1.0, 41.0), np.linspace(-1.0, 1.0, 40)
    x[7] = 0.0
    r = mn.check_gradient(lambda v: w @ np.maximum(v, 0.0), w * (x > 0), x, mode="fast")
    assert r and r.kinks == [(7,)] and r.mode == "full"
    assert any("met a kink" in note for note in r.notes)


def test_smooth_function_near_a_minimum_has_no_kinks():
    x = np.zeros(4)
    r = mn.check_gradient(lambda v: np.sum(v**2) + 1.0, np.zeros(4), x)
    assert r and r.kinks == []


def test_kink_just_inside_the_step_is_not_blamed_on_the_gradient():
    # relu kink at 1e-6 from x: inside the default step, but x itself is smooth
    x = np.array([1e-6, 1.0])
    r = mn.check_gradient(lambda v: np.sum(np.maximum(v, 0.0)), np.array([1.0, 1.0]), x)
    assert r, repr(r)
    assert r.kinks == []


# --- fast mode -------------------------------------------------------------------------


def test_fast_mode_is_seeded_and_cheap():
    X = rng.standard_normal((8, 5))
    f, x, grad = (lambda W: np.sum((W @ X) ** 2)), rng.standard_normal((6, 8)), \
        (lambda W: 2 * (W @ X) @ X.T)
    a = mn.check_gradient(f, grad, x, mode="fast", seed=3)
    b = mn.check_gradient(f, grad, x, mode="fast", seed=3)
    c = mn.check_gradient(f, grad, x, mode="fast", seed=4)
    np.testing.assert_array_equal(a.numerical, b.numerical)
    assert not np.array_equal(a.numerical, c.numerical)
    assert a.n_calls == 6 * 3 + 1
    assert len(a.directions) == 3
    assert mn.check_gradient(f, grad, x, mode="fast", directions=1).n_calls == 7


def test_fast_mode_names_the_failing_direction_and_the_wrong_entry():
    W = rng.standard_normal((32, 32))
    X = rng.standard_normal((32, 8))

    def f(w):
        return np.sum(np.tanh(w @ X))

    g = (1 - np.tanh(W @ X) ** 2) @ X.T
    wrong = g.copy()
    wrong[17, 5] += 0.01 * np.abs(g).max()
    r = mn.check_gradient(f, wrong, W, mode="fast")
    assert not r
    assert any(not ok for *_, ok in r.directions)
    assert "direction" in " ".join(r.notes)
    assert r.worst[0][0] == (17, 5)
    n = W.size
    assert r.n_calls < n // 4, r.n_calls  # far fewer than the 2n of a full check
    np.testing.assert_allclose(r.worst[0][1], g[17, 5], rtol=1e-6)


def test_fast_mode_reports_several_wrong_entries():
    X = rng.standard_normal((8, 5))
    f, x, grad = (lambda W: np.sum((W @ X) ** 2)), rng.standard_normal((6, 8)), \
        (lambda W: 2 * (W @ X) @ X.T)
    wrong = grad(x).copy()
    wrong[0, 1] *= 2
    wrong[2, 3] *= -1
    r = mn.check_gradient(f, wrong, x, mode="fast")
    assert not r
    assert {entry[0] for entry in r.worst} == {(0, 1), (2, 3)}


def test_fast_rtol_and_directions_are_validated():
    f, x, grad = GOOD["tanh"]
    with pytest.raises(ValueError, match="mode"):
        mn.check_gradient(f, grad, x, mode="quick")
    with pytest.raises(ValueError, match="directions"):
        mn.check_gradient(f, grad, x, mode="fast", directions=0)
    with pytest.raises(ValueError, match="rtol"):
        mn.check_gradient(f, grad, x, rtol=-1.0)
    with pytest.raises(TypeError, match="seed"):
        mn.check_gradient(f, grad, x, seed="zero")


# --- bad input ------------------------------------------------------------------------


def test_x_is_not_modified_even_when_f_raises():
    for mode in ("full", "fast"):
        x = rng.standard_normal(6)
        before = x.copy()
        calls = []

        def f(v):
            calls.append(1)
            if len(calls) == 4:
                raise RuntimeError("f failed")
            return np.sum(v**2)

        with pytest.raises(RuntimeError, match="f failed"):
            mn.check_gradient(f, 2 * x, x, mode=mode)
        np.testing.assert_array_equal(x, before)


def test_analytic_callable_gets_a_copy():
    x = np.array([1.0, 2.0])
    before = x.copy()

    def grad(v):
        g = 2 * v
        v[:] = 0.0  # a careless callable
        return g

    assert mn.check_gradient(lambda v: v @ v, grad, x)
    np.testing.assert_array_equal(x, before)


def test_integer_x_is_computed_in_float64():
    x = np.array([1, -2, 3])
    r = mn.check_gradient(lambda v: np.sum(v**3), 3 * x**2, x)
    assert r and r.numerical.dtype == np.float64
    assert not mn.check_gradient(lambda v: np.sum(v**3), 3 * x, x)


def test_float32_x_warns_and_still_gives_the_right_verdict():
    x = np.array([0.3, -0.7], dtype=np.float32)
    x64 = x.astype(np.float64)
    with pytest.warns(UserWarning, match="float32"):
        assert mn.check_gradient(lambda v: np.sum(np.sin(v)), np.cos(x64), x)
    with pytest.warns(UserWarning, match="float32"):
        assert not mn.check_gradient(lambda v: np.sum(np.sin(v)), np.cos(x64) * 1.001, x)


def test_f_computing_in_float32_is_refused():
    with pytest.raises(TypeError, match="float64"):
        mn.check_gradient(lambda v: np.sum(v.astype(np.float32) ** 2), 2 * np.ones(2), np.ones(2))


def test_vector_f_for_a_gradient_is_refused():
    with pytest.raises(ValueError, match="scalar"):
        mn.check_gradient(lambda v: v**2, 2 * np.ones(3), np.ones(3))


def test_analytic_of_the_wrong_shape():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match=r"shape \(3, 2\), expected \(2, 3\).*transposed"):
        mn.check_gradient(np.sum, np.ones((3, 2)), x)
    with pytest.raises(ValueError, match=r"shape \(6,\).*reshape"):
        mn.check_gradient(np.sum, np.ones(6), x)
    with pytest.raises(ValueError, match="shape of the variable"):
        mn.check_gradient(np.sum, np.ones(4), x)


def test_nan_or_inf_in_the_analytic_value_names_the_entry():
    x = np.ones(3)
    bad = np.ones(3)
    bad[1] = np.nan
    with pytest.raises(ValueError, match=r"non-finite.*\[1\]"):
        mn.check_gradient(np.sum, bad, x)
    bad[1] = np.inf
    with pytest.raises(ValueError, match=r"non-finite.*\[1\]"):
        mn.check_gradient(np.sum, bad, x, mode="fast")


def test_nan_from_f_is_an_error_not_a_pass():
    def f(v):
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.sum(np.log(v))

    with pytest.raises(ValueError, match="non-finite"):
        mn.check_gradient(f, np.ones(2), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="non-finite"):
        mn.check_gradient(f, np.ones(2), np.array([1.0, 1e-9]), mode="fast")


def test_analytic_must_be_numbers():
    with pytest.raises(TypeError, match="None"):
        mn.check_gradient(np.sum, None, np.ones(2))
    with pytest.raises(TypeError, match="complex"):
        mn.check_gradient(np.sum, np.ones(2) + 0j, np.ones(2))


# --- the result ---------------------------------------------------------------------------


def test_result_fields_and_reprs():
    f, x, grad = GOOD["quadratic form"]
    good = mn.check_gradient(f, grad, x)
    assert bool(good) and good.kind == "gradient" and good.mode == "full"
    assert good.n_calls == 2 * x.size + 1
    np.testing.assert_allclose(good.numerical, grad(x), rtol=1e-8)
    np.testing.assert_array_equal(good.analytic, grad(x))
    assert good.max_abs_error < 1e-8 and good.max_rel_error < 1e-8
    assert "PASSED" in repr(good) and "PASSED" in str(good)
    wrong = grad(x).copy()
    wrong[2] += 1.0
    bad = mn.check_gradient(f, wrong, x, name="quadratic form")
    text = repr(bad)
    assert "FAILED" in text and "[2]" in text and "quadratic form" in text
    html = bad._repr_html_()
    assert "<table>" in html and "FAILED" in html and "[2]" in html
    index, numerical, analytic, abs_error, rel_error, score = bad.worst[0]
    assert index == (2,) and analytic == wrong[2]
    assert abs_error == pytest.approx(1.0, rel=1e-6)


def test_fast_result_repr_lists_directions():
    w, x = rng.standard_normal(64), rng.standard_normal(64)
    grad = w * (1 - np.tanh(x) ** 2)
    grad[5] *= 1.01
    r = mn.check_gradient(lambda z: w @ np.tanh(z), grad, x, mode="fast")
    text = repr(r)
    assert "direction" in text and "located wrong entries" in text
    assert "<table>" in r._repr_html_()


def _reports_of_every_kind():
    """Text reports of passed, failed, kinked, fast and multi-argument checks."""
    f, x, grad = GOOD["matmul W"]
    wrong = grad(x).copy()
    wrong[0, 1] += 1e-3 * (1.0 + abs(wrong[0, 1]))
    wrong[2, 3] *= 1.5
    loss, args, grads = _linear_loss_problem()
    long_name = "the weights of the second layer of a rather deep network"
    return [
        mn.check_gradient(f, grad, x),
        mn.check_gradient(f, wrong, x, name=long_name),
        mn.check_gradient(f, wrong, x, mode="fast", name=long_name),
        mn.check_gradient(lambda v: np.sum(np.abs(v)), np.ones(3), np.array([0.0, 0.0, 2.0]),
                          name=long_name),
        mn.check_jacobian(np.tanh, np.eye(3), np.array([0.5, -1.0, 2.0])),
        mn.check_arguments(loss, args, dict(grads, W=2 * grads["W"]), mode="fast"),
    ]


def test_text_reports_fit_a_notebook_code_box():
    for report in _reports_of_every_kind():
        for line in repr(report).splitlines():
            assert len(line) <= 78, line
    # wrapping keeps every word of the long notes
    r = mn.check_gradient(lambda v: np.sum(np.abs(v)), np.ones(2), np.array([0.0, 1.0]))
    assert " ".join(repr(r).split()).count(" ".join(r.notes[0].split())) == 1


def test_reports_say_the_worst_entries_come_first():
    f, x, grad = GOOD["matmul W"]
    wrong = grad(x).copy()
    wrong[0, 1] += 0.5
    wrong[2, 3] += 5.0
    full = mn.check_gradient(f, wrong, x)
    assert [entry[0] for entry in full.worst[:2]] == [(2, 3), (0, 1)]
    assert "by error/tolerance, then index" in repr(full)
    assert "by error/tolerance, then index" in full._repr_html_()
    assert "<caption>" in full._repr_html_()


def test_check_arguments_documents_each_parameter():
    doc = mn.check_arguments.__doc__
    for name in ("mode", "seed", "eps", "rtol", "atol", "directions", "max_report"):
        assert f"\n    {name} : " in doc, name
    assert "As in :func:`check_gradient` (the seed" not in doc


# --- several arguments at once ---------------------------------------------------------------


def _linear_loss_problem():
    X = rng.standard_normal((N, D))
    W = rng.standard_normal((D, C))
    b = rng.standard_normal(C)
    T = rng.standard_normal((N, C))

    def loss(X, W, b):
        return 0.5 * np.sum((X @ W + b - T) ** 2)

    dY = X @ W + b - T
    grads = {"X": dY @ W.T, "W": X.T @ dY, "b": dY.sum(axis=0)}
    return loss, {"X": X, "W": W, "b": b}, grads


def test_check_arguments_with_a_dict():
    loss, args, grads = _linear_loss_problem()
    for mode in ("full", "fast"):
        report = mn.check_arguments(loss, args, grads, mode=mode)
        assert report and list(report) == ["X", "W", "b"]
        assert all(isinstance(r, mn.CheckResult) for r in report.values())
    bad = dict(grads, W=2 * grads["W"])
    report = mn.check_arguments(loss, args, bad)
    assert not report and report["X"] and not report["W"] and report["b"]
    assert "FAILED" in repr(report) and "<table>" in report._repr_html_()


def test_check_arguments_with_a_sequence_a_callable_and_skips():
    loss, args, grads = _linear_loss_problem()
    seq = [args["X"], args["W"], args["b"]]

    def all_grads(X, W, b):
        return [grads["X"], grads["W"], None]  # None: b is not checked

    report = mn.check_arguments(loss, seq, all_grads)
    assert report and list(report) == [0, 1]


def test_check_arguments_as_vjps():
    X = rng.standard_normal((N, D))
    W = rng.standard_normal((D, C))
    b = rng.standard_normal(C)
    dY = rng.standard_normal((N, C))
    report = mn.check_arguments(
        lambda X, W, b: X @ W + b,
        {"X": X, "W": W, "b": b},
        {"X": dY @ W.T, "W": X.T @ dY, "b": dY.sum(axis=0)},
        upstream=dY,
    )
    assert report and all(r.kind == "vjp" for r in report.values())


def test_check_arguments_structure_errors():
    loss, args, grads = _linear_loss_problem()
    with pytest.raises(TypeError, match="dict"):
        mn.check_arguments(loss, args, [grads["X"]])
    with pytest.raises(TypeError, match="not arguments"):
        mn.check_arguments(loss, args, dict(grads, Z=1.0))
    with pytest.raises(TypeError, match="sequence"):
        mn.check_arguments(loss, [args["X"]], grads)
    with pytest.raises(TypeError, match="args"):
        mn.check_arguments(loss, 3.0, grads)


def test_f_returning_a_view_of_its_argument():
    x = np.array([0.5, -1.0, 2.0])
    for mode in ("full", "fast"):
        assert mn.check_jacobian(lambda v: v, np.eye(3), x, mode=mode)
        assert mn.check_jacobian(lambda v: v[:2], np.eye(3)[:2], x, mode=mode)
        assert not mn.check_jacobian(lambda v: v[:2], 2 * np.eye(3)[:2], x, mode=mode)


def test_docstring_examples_run():
    import doctest

    from mathnotes import _evaluator, gradcheck, numdiff
    from mathnotes.gradcheck import _arguments, _checks, _diagnosis, _fast, _full, _problem, _result

    modules = (numdiff, _evaluator, gradcheck, _arguments, _checks, _diagnosis, _fast, _full,
               _problem, _result)
    total = 0
    for module in modules:
        failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert failures == 0, module.__name__
        total += tried
    assert total >= 10


@pytest.mark.parametrize("mode", ["full", "fast"])
def test_an_empty_x_is_inconclusive_not_an_error_and_not_a_pass(mode):
    # nothing compared is nothing verified: falsy, with a note, and f called once (at x)
    x = np.zeros((0, 2))
    results = [
        mn.check_gradient(np.sum, np.zeros((0, 2)), x, mode=mode),
        mn.check_jacobian(lambda v: np.ones(3) + v.sum(), np.zeros((3, 0, 2)), x, mode=mode),
        mn.check_vjp(lambda v: 2.0 * v, np.zeros((0, 2)), x, np.zeros((0, 2)), mode=mode),
    ]
    for result in results:
        assert result.verdict == "inconclusive" and not result and not result.passed
        assert result.notes == ["x has no entries: nothing to compare"]
        assert result.n_calls == 1 and result.worst == [] and result.diagnosis is None
        assert result.mode == mode
        assert "INCONCLUSIVE" in repr(result) and "nothing to compare" in repr(result)
    assert results[1].numerical.shape == (3, 0, 2)


def test_an_empty_x_still_gets_its_shapes_checked():
    with pytest.raises(ValueError, match=r"shape \(2, 0\), expected \(0, 2\)"):
        mn.check_gradient(np.sum, np.zeros((2, 0)), np.zeros((0, 2)))
    with pytest.raises(ValueError, match="scalar"):
        mn.check_gradient(lambda v: v, np.zeros(0), np.zeros(0))


def test_an_empty_argument_of_several_is_named_and_inconclusive():
    W, b = np.ones((2, 3)), np.zeros(0)
    report = mn.check_arguments(lambda W, b: np.sum(W**2) + np.sum(b), {"W": W, "b": b},
                                {"W": 2 * W, "b": np.zeros(0)})
    assert report["W"] and report["b"].verdict == "inconclusive"
    assert report["b"].notes == ["b has no entries: nothing to compare"]
    assert report.verdict == "inconclusive" and not report


def test_relu_jacobian_kinks_are_jacobian_indices():
    x = np.array([0.0, 1.5, -0.5])
    r = mn.check_jacobian(lambda v: np.maximum(v, 0.0), np.diag((x > 0) * 1.0), x)
    assert r and r.kinks == [(0, 0)]
    r = mn.check_vjp(lambda v: np.maximum(v, 0.0), np.array([0.0, 2.0, 0.0]), x, np.full(3, 2.0))
    assert r and r.kinks == [(0,)]


def test_numerical_values_do_not_depend_on_mode_or_repeat():
    f, x, grad = GOOD["softmax cross-entropy"]
    a = mn.check_gradient(f, grad, x)
    b = mn.check_gradient(f, grad, x)
    np.testing.assert_array_equal(a.numerical, b.numerical)
    assert repr(a) == repr(b)


def test_fast_mode_is_not_fooled_by_a_kink_inside_its_largest_step():
    # a relu kink a little more than 2 steps away: only the 4t evaluations cross it
    t = np.finfo(np.float64).eps ** (1 / 3)
    w = np.array([1.0, 2.0])
    for offset in (2.5 * t, 3.5 * t):
        x = np.array([offset, 1.0])
        good = np.array([1.0, 2.0])
        r = mn.check_gradient(lambda v: w @ np.maximum(v, 0.0), good, x, mode="fast", seed=1)
        assert r, repr(r)
        bad = mn.check_gradient(lambda v: w @ np.maximum(v, 0.0), good * [1.001, 1.0], x,
                                mode="fast", seed=1)
        assert not bad, repr(bad)


def test_worst_entries_and_directions_are_named_tuples_that_still_unpack():
    from mathnotes.gradcheck import DirectionCheck, FailingEntry

    f, x, grad = GOOD["quadratic form"]
    wrong = grad(x).copy()
    wrong[1] *= 1.5
    entry = mn.check_gradient(f, wrong, x).worst[0]
    assert isinstance(entry, FailingEntry) and isinstance(entry, tuple)
    assert entry.index == (1,) and entry.analytic == wrong[1] and entry.score > 1
    index, numerical, analytic, abs_error, rel_error, score = entry
    assert (index, score) == (entry.index, entry.score)
    assert entry._fields == ("index", "numerical", "analytic", "abs_error", "rel_error", "score")
    w, z = rng.standard_normal(64), rng.standard_normal(64)
    r = mn.check_gradient(lambda u: w @ np.tanh(u), w * (1 - np.tanh(z) ** 2) * 1.01, z, mode="fast")
    direction = r.directions[0]
    assert isinstance(direction, DirectionCheck)
    assert direction._fields == ("direction", "numerical", "analytic", "score", "passed")
    assert direction.direction == 0 and direction.passed is False and direction.score > 1
    k, numerical, analytic, score, passed = direction
    assert (k, passed) == (0, False)
