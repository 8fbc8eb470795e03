"""Diagnosis of failed checks: a catalogue of planted mistakes, and silence on random wrong gradients.

Every case runs in both modes and at three magnitudes. Shapes are large enough (n >= 40) for
fast mode to run its directions where it can diagnose the mistake, and small elsewhere (where
it runs the full check instead).
"""

import numpy as np
import pytest

import mathnotes as mn
from mathnotes.gradcheck import MISTAKES
from mathnotes.gradcheck._fast import NOT_DIAGNOSED

rng = np.random.default_rng(11)
N, D = 12, 8
X = rng.standard_normal((N, D))  # sample-first: rows are examples
Wsq = rng.standard_normal((D, D))
dY = rng.standard_normal((N, D))
M = rng.standard_normal((D, D))  # not symmetric
v, w = rng.standard_normal(D), rng.standard_normal(D)
labels = rng.integers(0, D, N)
C3 = rng.standard_normal((4, 4, 4))
Z = rng.standard_normal((N, D))
Xb, dYb = rng.standard_normal((48, 48)), rng.standard_normal((48, 48))  # 48 examples of 48 features
#: what directional derivatives can show: fast mode names these, and only these
FAST = {"transpose", "axis permutation", "sign", "factor", "reduction axis"}


def softmax_rows(S):
    E = np.exp(S - S.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def mean_ce(S):
    return -np.mean(np.log(softmax_rows(S)[np.arange(N), labels]))


def ce_grad(S):
    P = softmax_rows(S)
    P[np.arange(N), labels] -= 1
    return P / N


def sum_sq(S):
    return np.sum(S**2)


Zrelu = Z.copy()
Zrelu[np.abs(Zrelu) < 0.1] += 0.5  # no entry at the kink
other = rng.standard_normal((N, D))
other[np.abs(other) < 0.1] += 0.5

# name: (check, function, wrong derivative, point, upstream or None, the diagnosis it must get,
#        a word the sentence must contain)
CATALOGUE = {
    "bilinear gradient transposed": (
        mn.check_gradient, lambda B: v @ B @ w, np.outer(w, v), Wsq, None, "transpose", "transpose"),
    "sample-first dW = dY.T @ X": (
        mn.check_vjp, lambda W_: X @ W_, dY.T @ X, Wsq, dY, "transpose", "transpose"),
    "row-vector Jacobian copied from the column rule": (
        mn.check_jacobian, lambda x: x @ Wsq, Wsq, v, None, "transpose", "transpose"),
    "3-d gradient with two axes swapped": (
        mn.check_gradient, lambda T: np.sum(C3 * T**2) / 2, None, np.ones((4, 4, 4)), None,
        "axis permutation", "axes"),
    "factor 2 missing": (
        mn.check_gradient, sum_sq, Z, Z, None, "factor", "factor 2 missing"),
    "factor 2 too many": (
        mn.check_gradient, lambda S: 0.5 * np.sum(S**2), 2 * Z, Z, None, "factor", "too many"),
    "sum where the loss takes the mean over N": (
        mn.check_gradient, mean_ce, None, Z, None, "factor", f"mean over {N}"),
    "mean where the loss takes the sum over N": (
        mn.check_vjp, lambda b: X @ Wsq + b, dY.mean(axis=0), np.zeros(D), dY, "factor",
        f"1/{N}"),
    "wrong sign": (
        mn.check_gradient, lambda S: np.sum(other * np.tanh(S)), -other * (1 - np.tanh(Z) ** 2), Z,
        None, "sign", "sign"),
    "2 M x for x^T M x": (
        mn.check_gradient, lambda x: x @ M @ x, 2 * M @ v, v, None, "symmetric part", "(M + Mᵀ)x"),
    "bias summed over features instead of examples": (
        mn.check_vjp, lambda b: X[:D] @ Wsq + b, dY[:D].sum(axis=1), np.zeros(D),
        dY[:D], "reduction axis", "wrong axis"),
    "bias of 48 features summed over them instead of 48 examples": (
        mn.check_vjp, lambda b: Xb + b, dYb.sum(axis=1), np.zeros(48), dYb, "reduction axis",
        "upstream summed over axis 1, the numerical one upstream summed over axis 0"),
    "softmax Jacobian treated as element-wise": (
        mn.check_jacobian, softmax_rows, None, v[None, :], None, "diagonal only", "off-diagonal"),
    "ReLU backward without its mask": (
        mn.check_vjp, lambda A: np.maximum(A, 0.0), dY, Zrelu, dY, "mask", "<= 0"),
    "ReLU mask taken from the wrong array": (
        mn.check_vjp, lambda A: np.maximum(A, 0.0), dY * (other > 0), Zrelu, dY, "mask", "mask"),
}


def _planted(name, scale=1.0):
    """The check and its arguments, with the derivative scaled by ``scale`` (through f or upstream)."""
    check, f, wrong, x, upstream, mistake, word = CATALOGUE[name]
    if name == "3-d gradient with two axes swapped":
        wrong = (C3 * x).transpose(1, 0, 2)
    if name == "softmax Jacobian treated as element-wise":
        s = softmax_rows(x)[0]
        wrong = np.diag(s * (1 - s)).reshape(1, D, 1, D)
    if name == "sum where the loss takes the mean over N":
        wrong = ce_grad(Z) * N
    if upstream is None:
        args = ((lambda u: scale * f(u)), scale * wrong, x)
    else:
        args = (f, scale * wrong, x, scale * upstream)
    return check, args, mistake, word


@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e6])
@pytest.mark.parametrize("mode", ["full", "fast"])
@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_planted_mistake_gets_its_diagnosis(name, mode, scale):
    check, args, mistake, word = _planted(name, scale)
    result = check(*args, mode=mode)
    assert result.verdict == "fail"
    if result.mode == "fast" and mistake not in FAST:
        # a signature of every entry: fast mode names nothing and says where to look
        assert result.diagnosis is None and NOT_DIAGNOSED in result.notes, repr(result)
        return
    assert result.diagnosis is not None, repr(result)
    assert result.diagnosis.mistake == mistake, result.diagnosis
    assert word in result.diagnosis.sentence
    # one plain sentence above the table, in text and in HTML
    text = " ".join(repr(result).split())
    assert repr(result).splitlines()[1].strip().startswith(result.diagnosis.sentence[:30])
    table = "direction numerical analytic" if result.mode == "fast" else "numerical analytic"
    assert 0 < text.index(result.diagnosis.sentence) < text.index(table)
    html = result._repr_html_()
    assert html.index("mathnotes-diagnosis") < html.index("<table>")


def test_the_catalogue_runs_fast_mode_where_it_can_diagnose():
    ran_fast = {name for name in CATALOGUE
                if _planted(name)[0](*_planted(name)[1], mode="fast").mode == "fast"}
    assert {CATALOGUE[name][5] for name in ran_fast} >= FAST | {"mask"}


def test_every_mistake_has_a_planted_case_and_a_stable_name():
    assert {case[5] for case in CATALOGUE.values()} | {"float32 rounding"} == set(MISTAKES)
    assert len(MISTAKES) == len(set(MISTAKES)) == 9


def test_mean_over_n_names_the_axis_that_has_that_length():
    result = mn.check_arguments(lambda scores: mean_ce(scores), {"scores": Z}, {"scores": ce_grad(Z) * N})
    assert f"scores (axis 0) has length {N}" in result["scores"].diagnosis.sentence


def test_fast_mode_diagnoses_a_common_factor_and_otherwise_points_to_the_full_check():
    W = rng.standard_normal((8, 8))
    Xb = rng.standard_normal((8, 32))

    def f(W_):
        return np.sum(np.tanh(W_ @ Xb)) / 32

    g = (1 - np.tanh(W @ Xb) ** 2) @ Xb.T / 32
    scaled = mn.check_gradient(f, 32 * g, W, mode="fast")
    assert scaled.mode == "fast" and scaled.diagnosis.mistake == "factor"
    assert "mean over 32" in scaled.diagnosis.sentence
    flipped = mn.check_gradient(f, -g, W, mode="fast")
    assert flipped.diagnosis.mistake == "sign"
    one_entry = g.copy()
    one_entry[2, 3] += 1.0
    located = mn.check_gradient(f, one_entry, W, mode="fast")
    assert located.diagnosis is None
    assert any('mode="full"' in note for note in located.notes)


def _random_wrong_cases(trials_per_problem, family, mode):
    """Checks of random wrong gradients on every problem of the catalogue's shapes.

    ``family`` is ``"random"`` (every entry drawn at random), ``"noisy"`` (the
    right derivative with 10 % noise on every entry) or ``"entries"`` (the
    right derivative with 1 to 3 entries redrawn; only where no entry of the
    right derivative is zero, where that would be a true mask signature).
    """
    problems = [
        (mn.check_gradient, lambda B: v @ B @ w, Wsq, None),
        (mn.check_vjp, lambda W_: X @ W_, Wsq, dY),
        (mn.check_jacobian, lambda x: x @ Wsq, v, None),
        (mn.check_jacobian, softmax_rows, v[None, :], None),
        (mn.check_gradient, sum_sq, Z, None),
        (mn.check_gradient, mean_ce, Z, None),
        (mn.check_gradient, lambda x: x @ M @ x, v, None),
        (mn.check_gradient, lambda x: x @ M[:2, :2] @ x, v[:2], None),
        (mn.check_vjp, lambda b: X[:D] @ Wsq + b, np.zeros(D), dY[:D]),
        (mn.check_vjp, lambda b: Xb + b, np.zeros(48), dYb),
        (mn.check_vjp, lambda A: np.maximum(A, 0.0), Zrelu, dY),
        (mn.check_gradient, lambda T: np.sum(C3 * T**2) / 2, np.ones((4, 4, 4)), None),
    ]
    draw = np.random.default_rng(2026)
    for check, f, x, upstream in problems:
        shape = (np.shape(f(x)) + np.shape(x)) if check is mn.check_jacobian else np.shape(x)
        right = (mn.numerical_jacobian(f, x) if check is mn.check_jacobian
                 else mn.numerical_vjp(f, x, upstream) if upstream is not None
                 else mn.numerical_gradient(f, x))
        if family == "entries" and np.any(np.abs(right) < 1e-9):
            continue
        for _ in range(trials_per_problem):
            wrong = draw.standard_normal(shape)
            if family == "noisy":
                wrong = right * (1 + 0.1 * wrong)
            elif family == "entries":
                wrong = right.copy()
                flat = wrong.reshape(-1)
                chosen = draw.choice(flat.size, size=min(flat.size, draw.integers(1, 4)), replace=False)
                flat[chosen] = draw.standard_normal(chosen.size)
            args = (f, wrong, x) if upstream is None else (f, wrong, x, upstream)
            yield check(*args, mode=mode, max_report=1)  # the diagnosis is tested, not bisection


@pytest.mark.parametrize("mode", ["full", "fast"])
@pytest.mark.parametrize("family", ["random", "noisy", "entries"])
def test_random_wrong_gradients_get_no_diagnosis(family, mode):
    results = list(_random_wrong_cases(30, family, mode))
    assert all(r.verdict == "fail" for r in results)
    diagnosed = [r.diagnosis for r in results if r.diagnosis is not None]
    assert diagnosed == [], diagnosed  # false-diagnosis rate 0 of len(results)


def test_a_correct_check_has_no_diagnosis():
    assert mn.check_gradient(sum_sq, 2 * Z, Z).diagnosis is None


def test_a_factor_near_a_common_one_is_not_called_it():
    g = 2 * Z
    result = mn.check_gradient(sum_sq, 2.0005 * g, Z)
    assert result.diagnosis.mistake == "factor"
    assert "2.0005 times the numerical one: a wrong constant factor" in result.diagnosis.sentence
    assert "too many" not in result.diagnosis.sentence


def test_a_negative_common_factor_names_the_sign_too():
    result = mn.check_gradient(sum_sq, -4 * Z, Z)
    assert result.diagnosis.mistake == "factor"
    assert "-2 times the numerical one: a wrong sign and a factor 2 too many" in result.diagnosis.sentence


def test_one_number_is_no_evidence_of_an_unnamed_factor():
    # one number is a multiple of any other; a common factor is still named (one in 1e5 odds)
    assert mn.check_gradient(lambda t: t**2, 1.37 * 6.0, 3.0).diagnosis is None
    assert mn.check_gradient(lambda t: t**2, 12.0, 3.0).diagnosis.mistake == "factor"


def test_float32_cancellation_fails_the_full_check_and_is_named():
    # a small entry computed in float32 by cancellation: 6e-4 off relative to itself, but far
    # within float32 rounding of the largest entry
    weights = np.array([1.0, 1e-4, 0.5])
    small = (np.float32(1.0) + np.float32(1e-4)) - np.float32(1.0)
    analytic = np.array([1.0, float(small), 0.5])
    result = mn.check_gradient(lambda u: weights @ u, analytic, np.ones(3))
    assert result.verdict == "fail" and result.worst[0].index == (1,)
    assert result.diagnosis.mistake == "float32 rounding", repr(result)
    assert mn.check_gradient(lambda u: weights @ u, analytic.astype(np.float32), np.ones(3))


def test_the_symmetric_part_needs_a_quadratic_form():
    # one wrong entry of a quadratic form's gradient: x . error is not zero
    x = rng.standard_normal(64)
    S = rng.standard_normal((64, 64))
    S = S + S.T
    wrong = 2 * S @ x
    wrong[5] *= 1.004
    assert mn.check_gradient(lambda u: u @ S @ u, wrong, x).diagnosis is None
    # an error orthogonal to x, for a function that is no quadratic form
    g = np.cos(x)
    error = rng.standard_normal(64)
    error -= (error @ x) / (x @ x) * x
    assert mn.check_gradient(lambda u: np.sum(np.sin(u)), g + error, x).diagnosis is None


def test_the_api_page_lists_every_mistake_in_order():
    from pathlib import Path

    page = (Path(__file__).parents[2] / "book" / "api_gradcheck.md").read_text()
    rows = [line for line in page.splitlines() if line.startswith('| `"')]
    assert [row.split("`")[1].strip('"') for row in rows] == list(MISTAKES)


def test_a_wrong_value_at_a_kink_is_no_mask():
    # the central difference at a kink averages two slopes: its zero says nothing of a mask
    result = mn.check_gradient(lambda u: np.sum(np.abs(u)), np.array([5.0, 1.0]),
                               np.array([0.0, 2.0]))
    assert result.verdict == "fail" and result.kinks == [(0,)]
    assert result.diagnosis is None, result.diagnosis


def test_one_masked_entry_reads_as_one():
    x = np.array([-1.0, 2.0, 3.0])
    result = mn.check_gradient(lambda u: np.sum(np.maximum(u, 0.0)), np.ones(3), x)
    assert result.diagnosis.sentence.startswith("Only 1 entry is wrong, where x <= 0, and there")



@pytest.mark.parametrize("name, quadratic, gradient", [
    ("w", "wᵀMw with", "(M + Mᵀ)w."),
    ("weights", "vᵀMv (v = weights) with", "(M + Mᵀ)v."),
])
def test_symmetric_part_speaks_of_the_argument_checked(name, quadratic, gradient):
    result = mn.check_arguments(lambda **a: a[name] @ M @ a[name], {name: v}, {name: 2 * M @ v})[name]
    sentence = result.diagnosis.sentence
    assert result.diagnosis.mistake == "symmetric part"
    assert f"orthogonal to {name}:" in sentence and quadratic in sentence, sentence
    assert sentence.endswith(gradient), sentence
