"""Three verdicts, kinks, the precision of the analytic array, named arguments, fast-mode budgets,
and reports that print the same on every computer."""

import re
import warnings

import numpy as np
import pytest

import mathnotes as mn

rng = np.random.default_rng(7)


def relu_sum(x):
    return np.sum(np.maximum(x, 0.0))


# --- three verdicts and kinks ---------------------------------------------------------------


@pytest.mark.parametrize("claimed", [7.0, 101.0, 1001.0, -1.0])
def test_a_wrong_derivative_at_a_kink_fails(claimed):
    result = mn.check_gradient(relu_sum, np.array([claimed]), np.array([1e-7]))
    assert result.verdict == "fail" and not result


def test_every_entry_at_a_kink_is_inconclusive_and_falsy():
    result = mn.check_gradient(relu_sum, np.array([1.0]), np.array([1e-7]))
    assert result.verdict == "inconclusive" and not result and not result.passed
    assert result.kinks == [(0,)]
    text = repr(result)
    assert "INCONCLUSIVE" in text and "Move the point" in text
    assert "INCONCLUSIVE" in result._repr_html_()


def test_wrong_values_at_two_kinks_fail_and_right_ones_pass():
    x = np.array([1e-7, -1e-7, 0.5])
    assert not mn.check_gradient(relu_sum, np.array([6.0, -5.0, 1.0]), x)
    right = mn.check_gradient(relu_sum, np.array([1.0, 0.0, 1.0]), x)
    assert right.verdict == "pass" and right.kinks == [(0,), (1,)]
    assert "kink" in repr(right)


def test_a_kink_exactly_at_zero_accepts_either_one_sided_slope():
    for claimed in (0.0, 0.5, 1.0):
        result = mn.check_gradient(relu_sum, np.array([claimed, 1.0]), np.array([0.0, 2.0]))
        assert result.verdict == "pass", repr(result)
    assert not mn.check_gradient(relu_sum, np.array([1.5, 1.0]), np.array([0.0, 2.0]))


# --- precision of the analytic array ----------------------------------------------------------


def _two_layer(seed, dtype, off=False):
    """Loss of W1 in a two-layer ReLU net (float64), and its backward pass computed in ``dtype``."""
    r = np.random.default_rng(seed)
    n, d, h, c = 6, 5, 7, 3
    X, y = r.standard_normal((n, d)), r.integers(0, c, n)
    W1, b1 = 0.5 * r.standard_normal((d, h)), 0.1 * r.standard_normal(h)
    W2, b2 = 0.5 * r.standard_normal((h, c)), 0.1 * r.standard_normal(c)

    def probabilities(W1_, arrays):
        Xc, b1c, W2c, b2c = arrays
        A = Xc @ W1_ + b1c
        S = np.maximum(A, 0) @ W2c + b2c
        P = np.exp(S - S.max(axis=1, keepdims=True))
        return A, P / P.sum(axis=1, keepdims=True)

    def loss(W1_):
        return -np.mean(np.log(probabilities(W1_, (X, b1, W2, b2))[1][np.arange(n), y]))

    arrays = tuple(a.astype(dtype) for a in (X, b1, W2, b2))
    A, P = probabilities(W1.astype(dtype), arrays)
    P[np.arange(n), y] -= 1
    grad = arrays[0].T @ (((P / n) @ arrays[2].T) * (A > 0))
    if off:
        k = np.unravel_index(np.argmax(np.abs(grad)), grad.shape)
        grad[k] *= 1.01
    return loss, grad, W1


@pytest.mark.parametrize("mode", ["full", "fast"])
def test_a_correct_float32_backward_pass_passes_and_one_entry_off_fails(mode):
    for seed in range(10):
        loss, grad, W1 = _two_layer(seed, np.float32)
        assert grad.dtype == np.float32
        assert mn.check_gradient(loss, grad, W1, mode=mode), seed
        loss, grad, W1 = _two_layer(seed, np.float32, off=True)
        assert not mn.check_gradient(loss, grad, W1, mode=mode), seed


def test_fast_mode_runs_the_directions_on_the_two_layer_problem():
    loss, grad, W1 = _two_layer(0, np.float32)
    assert mn.check_gradient(loss, grad, W1, mode="fast").mode == "fast"


def test_float32_rounded_values_passed_as_float64_are_not_a_silent_failure():
    W = rng.standard_normal((20, 30))
    Xb = rng.standard_normal((30, 10))
    g = (1 - np.tanh(W @ Xb) ** 2) @ Xb.T
    rounded = g.astype(np.float32).astype(np.float64)
    result = mn.check_gradient(lambda w: np.sum(np.tanh(w @ Xb)), rounded, W, mode="fast")
    assert result.verdict == "pass" or result.diagnosis.mistake == "float32 rounding"
    assert mn.check_gradient(lambda w: np.sum(np.tanh(w @ Xb)), rounded, W)


# --- named arguments ------------------------------------------------------------------------------


def _layer():
    X = rng.standard_normal((4, 3))
    W1 = rng.standard_normal((3, 2))

    def loss(X, W1):
        return np.sum((X @ W1) ** 2)

    grads = {"X": 2 * (X @ W1) @ W1.T, "W1": 2 * X.T @ (X @ W1)}
    return loss, {"X": X, "W1": W1}, grads


def test_nan_in_an_argument_is_blamed_on_that_argument():
    loss, args, grads = _layer()
    args["W1"] = args["W1"].copy()
    args["W1"][1, 0] = np.nan
    with pytest.raises(ValueError, match=r"W1 contains a non-finite value \(nan\) at \[1, 0\]"):
        mn.check_arguments(loss, args, grads)


def test_shape_errors_and_float32_warnings_name_the_argument():
    loss, args, grads = _layer()
    with pytest.raises(ValueError, match="gradient of W1 has shape"):
        mn.check_arguments(loss, args, dict(grads, W1=grads["W1"].T))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mn.check_arguments(loss, dict(args, W1=args["W1"].astype(np.float32)), grads)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and messages[0].startswith("W1 has dtype float32")


def test_report_lines_name_the_argument_and_the_entry():
    loss, args, grads = _layer()
    wrong = grads["W1"].copy()
    wrong[2, 1] += 1.0
    report = mn.check_arguments(loss, args, dict(grads, W1=wrong))
    text = repr(report)
    assert "gradient check of W1" in text and "[2, 1]" in text
    assert report.verdict == "fail" and not report
    start = args["W1"].copy()

    def fragile(X, W1):
        if W1[0, 0] != start[0, 0]:
            raise ArithmeticError("moved")
        return np.sum(W1) + np.sum(X)

    with pytest.raises(ArithmeticError) as raised:
        mn.check_arguments(fragile, args, {"W1": np.ones((3, 2))})
    assert "for entry i = [0, 0] of W1; your W1 is unchanged" in " ".join(raised.value.__notes__)


# --- fast mode budgets ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [5, 12, 30, 300, 1000])
def test_fast_mode_never_costs_more_than_the_full_check(n):
    w = rng.standard_normal(n)
    x = rng.standard_normal(n)
    g = w * (1 - np.tanh(x) ** 2)
    for wrong in (g * 1.5, g + rng.standard_normal(n), np.where(np.arange(n) % 7 == 0, 0.0, g)):
        fast = mn.check_gradient(lambda z: w @ np.tanh(z), wrong, x, mode="fast")
        assert not fast and fast.n_calls <= 2 * n + 1, (n, fast.n_calls)
    passed = mn.check_gradient(lambda z: w @ np.tanh(z), g, x, mode="fast")
    assert passed and passed.n_calls == min(2 * n + 1, passed.n_calls)
    if passed.mode == "fast":
        assert passed.n_calls == 6 * 3 + 1


# --- reports that print the same everywhere -----------------------------------------------------


def test_a_passing_report_prints_no_noise():
    W = rng.standard_normal((6, 6))
    result = mn.check_gradient(lambda w: np.sum(np.sin(w)), np.cos(W), W)
    text = repr(result)
    assert result.max_rel_error > 0  # there is noise, and it is not printed
    assert not re.search(r"\d\.\d*e-", text), text
    assert "worst" not in text and "error" not in text.replace("error/tolerance", "")


def test_exact_ties_print_in_index_order_with_fixed_columns():
    Xq = rng.standard_normal((4, 3))
    Wq = rng.standard_normal((3, 3))
    dYq = rng.standard_normal((4, 3))
    result = mn.check_vjp(lambda W_: Xq @ W_, dYq.T @ Xq, Wq, dYq, max_report=9)
    rows = result.worst
    keys = [(-float(f"{score:.2g}"), index) for index, *_, score in rows]
    assert keys == sorted(keys)
    table = [line for line in repr(result).splitlines() if line.strip().startswith("[")]
    assert len({len(line) for line in table}) <= 2  # right-aligned columns of fixed width
    header = next(line for line in repr(result).splitlines() if line.strip().startswith("index"))
    assert header.index("numerical") == 2 + 12 + 1 + 12 - len("numerical")
