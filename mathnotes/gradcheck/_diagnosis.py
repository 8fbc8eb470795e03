"""What a failed check's numbers say about the mistake behind them.

A mistake is named only when the evidence shows it. Most common mistakes can
be undone from the analytic array ``A`` alone: divide by a factor, change the
sign, permute the axes back, reduce ``upstream`` over other axes. Such a
mistake is named only when ``A`` with the mistake undone **passes the same
check**, on the same evaluations of ``f``, with a relative tolerance no looser
than the default (1e-5 per entry in full mode, 1e-9 along a direction in fast
mode). Full and fast mode test the same thing, each on the evidence it has.

Float32 rounding is named when every value of ``A`` (given as float64) is a
float32 number and ``A`` passes with the tolerance a float32 array gets.

Three signatures need every entry of the numerical derivative ``N``, so only
the full check looks for them:

- the error ``A - N`` is orthogonal to ``x`` within the uncertainty of ``N``
  (a quadratic form ``xᵀMx`` differentiated as ``2Mx`` where ``(M + Mᵀ)x``
  belongs);
- a square Jacobian ``A`` is zero off its diagonal, its diagonal passes, and
  only off-diagonal entries fail (off-diagonal terms missing);
- only entries where one side is zero are wrong, in a gradient or a VJP (a
  ReLU mask missing, or taken from the wrong array), said to be a ReLU's when
  they all lie where ``x <= 0``.

The evidence object of each mode (``FullEvidence``, ``FastEvidence``) answers
``passes(analytic, precision)`` and ``projections()``; the full mode's also
gives every entry.
"""

import itertools
import math
from dataclasses import dataclass

import numpy as np

from mathnotes.gradcheck._problem import NOISE_FACTOR

#: the short names a Diagnosis can have; stable, for programs that map them to hints
MISTAKES = ("transpose", "axis permutation", "sign", "factor", "reduction axis",
            "float32 rounding", "symmetric part", "diagonal only", "mask")
#: how close, relative, a ratio must be to a common factor (2, 1/2, k, 1/k) to be tried as one
NEAR = 1e-3
#: how closely, relative to sum |x_i a_i|, x . a must equal 2 f(x) for the symmetric-part signature
EULER = 1e-8
_EPS32 = float(np.finfo(np.float32).eps)
_WHAT = {"gradient": "gradient", "jacobian": "Jacobian", "vjp": "VJP"}


@dataclass(frozen=True)
class Diagnosis:
    """The common mistake that explains a failed check.

    Attributes
    ----------
    mistake : str
        A short, stable name, one of ``mathnotes.gradcheck.MISTAKES``:
        ``"transpose"``, ``"axis permutation"``, ``"sign"``, ``"factor"``,
        ``"reduction axis"``, ``"float32 rounding"``, ``"symmetric part"``,
        ``"diagonal only"`` or ``"mask"``.
    sentence : str
        One plain sentence for the report: what the numbers show, then the
        likely cause.

    Examples
    --------
    >>> import numpy as np
    >>> import mathnotes as mn
    >>> x = np.array([0.5, -1.0, 2.0])
    >>> wrong = mn.check_gradient(lambda v: np.sum(np.sin(v)), -np.cos(x), x)
    >>> wrong.diagnosis.mistake
    'sign'
    """

    mistake: str
    sentence: str


def _what(problem):
    """``gradient``, or ``gradient of W`` when the argument has a name of its own."""
    what = _WHAT[problem.kind]
    return what if problem.name == "x" else f"{what} of {problem.name}"


def _near(value, target):
    return abs(value - target) <= NEAR * abs(target)


def _axes_of_length(problem, k):
    """Names and axes of the known arrays with an axis of length ``k``, for the message."""
    return [f"{name} (axis {axis})" for name, shape in problem.sizes.items()
            for axis, length in enumerate(shape) if length == k]


def named_factor(c):
    """The common factor (-1, ±2, ±1/2, ±k, ±1/k for an integer k >= 3) near ``c``, or None."""
    size = abs(c)
    if _near(c, -1.0):
        return -1.0
    for k in (2.0, 0.5):
        if _near(size, k):
            return math.copysign(k, c)
    inverse = size < 1
    k = round(1.0 / size if inverse else size)
    if k >= 3 and _near(1.0 / size if inverse else size, k):
        return math.copysign(1.0 / k if inverse else float(k), c)
    return None


def factor_diagnosis(problem, c, named=True):
    """The diagnosis of ``A = c N``: ``c`` is a common factor if ``named``, else a fitted one."""
    what = _what(problem)
    if named and c == -1.0:
        return Diagnosis("sign", f"The analytic {what} is the negative of the numerical one: a "
                                 f"sign is wrong (a subtraction or a descent step taken the "
                                 f"wrong way round).")
    sign = "-" if c < 0 else ""
    wrong_sign = "a wrong sign and " if c < 0 else ""
    size = abs(c)
    if not named:
        digits, common = 4, named_factor(c)  # enough digits not to print as a common factor
        while digits < 10 and common is not None and float(f"{c:.{digits}g}") == common:
            digits += 2
        return Diagnosis("factor", f"The analytic {what} is {c:.{digits}g} times the numerical "
                                   f"one: {wrong_sign}a wrong constant factor.")
    if size == 2.0:
        ratio, cause = "2 times", ("a factor 2 too many (a 2 from d(x²)/dx = 2x where the loss "
                                   "has a ½ in front, or a term counted twice)")
    elif size == 0.5:
        ratio, cause = "0.5 times", ("a factor 2 missing (the 2 of d(x²)/dx = 2x, or a path "
                                     "through a value used twice)")
    else:
        k = round(size if size > 1 else 1.0 / size)
        seen = _axes_of_length(problem, k)
        where = f" ({', '.join(seen)} {'has' if len(seen) == 1 else 'have'} length {k})" if seen else ""
        if size > 1:
            ratio, cause = f"{k} times", (f"a sum where the loss takes the mean over {k} items, "
                                          f"for example {k} examples{where}: the 1/{k} of the "
                                          f"mean is missing")
        else:
            ratio, cause = f"1/{k} of", (f"a mean where the loss takes the sum over {k} "
                                         f"items{where}, or a factor 1/{k} too many")
    return Diagnosis("factor", f"The analytic {what} is {sign}{ratio} the numerical one: "
                               f"{wrong_sign}{cause}.")


def _permutation(problem, evidence):
    A = problem.to_user(problem.analytic)
    if A.ndim < 2 or A.ndim > 4:
        return None
    what = _what(problem)
    for perm in itertools.permutations(range(A.ndim)):
        inverse = tuple(int(axis) for axis in np.argsort(perm))
        if perm == tuple(range(A.ndim)) or A.transpose(inverse).shape != A.shape:
            continue
        # A = N.transpose(perm): undone, A.transpose(inverse) is N
        if evidence.passes(problem.from_user(np.ascontiguousarray(A.transpose(inverse)))):
            if A.ndim == 2:
                return Diagnosis("transpose", f"The analytic {what} is the transpose of the "
                                              f"numerical one: a formula of the other layout "
                                              f"(for example dY.T @ X where X.T @ dY belongs).")
            moved = sum(axis != place for place, axis in enumerate(perm))
            how = "two axes swapped" if moved == 2 else "axes in the wrong order"
            return Diagnosis("axis permutation", f"The analytic {what} is the numerical one with "
                                                 f"its axes in the order {perm}: {how}.")
    return None


def _factor(problem, evidence):
    analytic, numerical = evidence.projections()
    nn = float(np.vdot(numerical, numerical))
    if nn == 0.0:
        return None
    c = float(np.vdot(analytic, numerical)) / nn
    if c == 0.0 or not math.isfinite(c) or _near(c, 1.0):
        return None
    named = named_factor(c)
    if named is not None and evidence.passes(problem.analytic / named):
        return factor_diagnosis(problem, named)
    # a fitted factor needs a second number to be evidence: one number is a multiple of any other
    if analytic.size >= 2 and evidence.passes(problem.analytic / c):
        return factor_diagnosis(problem, c, named=False)
    return None


def _reductions(upstream, shape):
    """``(axes, how, array)`` for sums and means of ``upstream`` that can be reshaped to ``shape``."""
    size = int(np.prod(shape, dtype=np.int64))
    for count in range(1, upstream.ndim):
        for axes in itertools.combinations(range(upstream.ndim), count):
            total = upstream.sum(axis=axes)
            if total.size == size:
                yield axes, "summed", total.reshape(shape)
                yield axes, "averaged", (total / (upstream.size // size)).reshape(shape)


def _axes(axes):
    return f"axis {axes[0]}" if len(axes) == 1 else f"axes {axes}"


def _reduction_axis(problem, evidence):
    if problem.kind != "vjp" or problem.evaluator.upstream.ndim < 2:
        return None
    A = problem.to_user(problem.analytic)
    candidates = list(_reductions(problem.evaluator.upstream, A.shape))
    # A is known exactly: it must be a reduction of upstream to within the check's tolerance
    slack = problem.precision_tolerance()
    wrong = next((c for c in candidates if np.all(np.abs(A - c[2]) <= evidence.rtol * np.maximum(
        np.abs(A), np.abs(c[2])) + slack)), None)
    if wrong is None:
        return None
    right = next((c for c in candidates
                  if c[0] != wrong[0] and evidence.passes(problem.from_user(c[2]))), None)
    if right is None:
        return None
    return Diagnosis("reduction axis",
                     f"The analytic {_what(problem)} is upstream {wrong[1]} over {_axes(wrong[0])}, "
                     f"the numerical one upstream {right[1]} over {_axes(right[0])}: a reduction "
                     f"over the wrong axis (for example a bias gradient summed over features "
                     f"instead of examples).")


def float32_values(problem):
    """Whether the analytic array, given in float64, holds only float32 numbers."""
    if problem.precision >= _EPS32:
        return False  # given in float32 or coarser: the tolerance already allows for it
    with np.errstate(over="ignore"):
        return bool(np.array_equal(problem.analytic.astype(np.float32), problem.analytic))


def passes_as_float32(problem, evidence):
    """Whether the analytic array passes with the tolerance a float32 array gets."""
    return evidence.passes(problem.analytic, precision=_EPS32)


def _float32_rounding(problem, evidence):
    # directional derivatives cannot tell rounding spread over every entry from one wrong entry
    if not (evidence.entries and float32_values(problem) and passes_as_float32(problem, evidence)):
        return None
    return Diagnosis("float32 rounding",
                     "Every analytic value is a float32 number, and the differences are within "
                     "float32 rounding: if the values were computed in float32, pass them as a "
                     "float32 array, and the tolerance allows for it.")


def _symmetric_part(problem, evidence):
    if not evidence.entries or problem.kind != "gradient" or problem.n < 2 or evidence.has_kinks:
        return None
    x, A = problem.x.reshape(-1), problem.analytic.reshape(-1)
    N = evidence.numerical.reshape(-1)
    twice_f = 2.0 * problem.evaluator.value0
    if not x.any():
        return None
    # Euler's relation for a quadratic form, x . grad = 2 f(x), holds for 2Mx too: to rounding
    # for the analytic array (one wrong entry breaks it) ...
    scale = float(np.abs(x) @ np.abs(A)) + abs(twice_f)
    if abs(float(x @ A) - twice_f) > (EULER + NOISE_FACTOR * problem.precision) * scale:
        return None
    # ... and within the uncertainty of the numerical one (f is a quadratic form)
    bound = float(np.abs(x) @ (evidence.uncertainty().reshape(-1) + problem.precision_tolerance()))
    if abs(float(x @ N) - twice_f) > bound + EULER * scale:
        return None
    v = problem.name if problem.name.isidentifier() and len(problem.name) <= 3 else "v"
    called = "" if v == problem.name else f" (v = {problem.name})"
    return Diagnosis("symmetric part",
                     f"The error is orthogonal to {problem.name}: the signature of a quadratic "
                     f"form {v}ᵀM{v}{called} "
                     f"with a non-symmetric M differentiated as 2M{v}, where its gradient is "
                     f"(M + Mᵀ){v}.")


def _diagonal_only(problem, evidence):
    if (not evidence.entries or problem.kind != "jacobian" or problem.out_shape != problem.x.shape
            or problem.n < 2):
        return None
    a = problem.analytic
    diagonal = np.eye(problem.n, dtype=bool)
    if np.any(a[~diagonal] != 0.0) or np.any(evidence.strict_fail()[diagonal]):
        return None
    return Diagnosis("diagonal only",
                     "The analytic Jacobian is the diagonal of the numerical one: the "
                     "off-diagonal terms are missing (an element-wise rule used for a function "
                     "whose outputs each depend on several inputs).")


def _entries(count):
    return f"{count} entry is" if count == 1 else f"{count} entries are"


def _mask(problem, evidence):
    if not evidence.entries or problem.kind == "jacobian":
        return None
    A, N = problem.analytic, evidence.numerical
    fail = evidence.strict_fail()
    if fail.all() or not fail.any() or not A.any() or not N.any():
        return None
    if evidence.has_kinks and np.any(evidence.kink & fail):
        return None  # at a kink the central difference is no derivative: zero there shows nothing
    numerical_zero = np.abs(N) <= evidence.uncertainty()  # zero would pass there
    if not np.all(((A == 0.0) | numerical_zero)[fail]):
        return None
    count = int(fail.sum())
    x = problem.x.reshape(-1, 1)
    if np.all((x <= 0) & numerical_zero | ~fail):
        return Diagnosis("mask", f"Only {_entries(count)} wrong, {'' if count == 1 else 'all '}"
                                 f"where {problem.name} <= 0, and there the numerical derivative "
                                 f"is zero: a ReLU mask is missing, or taken from the wrong array.")
    return Diagnosis("mask", f"Only {_entries(count)} wrong, {'' if count == 1 else 'each '}where "
                             f"one of the two derivatives is zero and the other is not: a mask "
                             f"(ReLU, max, an indicator) is missing or taken from the wrong array.")


_TESTS = (_permutation, _factor, _reduction_axis, _float32_rounding, _symmetric_part,
          _diagonal_only, _mask)


def diagnose(problem, evidence):
    """The Diagnosis of a failed check, or None when no common mistake explains it."""
    return next((found for test in _TESTS if (found := test(problem, evidence)) is not None), None)
