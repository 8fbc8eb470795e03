"""What a failed check's numbers say about the mistake behind them.

Each test below looks for the signature of one common mistake in the
analytic array ``A`` and the numerical one ``N`` and stays silent unless the
signature holds entry by entry to within 1e-4 relative, far tighter than chance
allows (the tests measure the false-diagnosis rate on random wrong gradients):

- ``A`` is ``N`` with its axes permuted (the transpose, for a matrix);
- ``A = c N`` for a constant ``c``: the sign (``c = -1``), a factor 2 or 1/2,
  an integer ``k`` or ``1/k`` (a mean over ``k`` items taken as a sum, or the
  other way round), or another factor, which is printed;
- a VJP ``A`` equals ``upstream`` reduced over other axes than ``N`` does
  (a bias gradient summed over features instead of examples);
- ``A - N`` is orthogonal to ``x`` (a quadratic form ``xᵀMx`` differentiated
  as ``2Mx`` where ``(M + Mᵀ)x`` belongs);
- a square Jacobian ``A`` is the diagonal of ``N`` (off-diagonal terms missing);
- only entries where one side is zero are wrong, in a gradient or a VJP (a ReLU
  mask missing, or taken from the wrong array), named when they are exactly
  where ``x <= 0``.
"""

import itertools
from dataclasses import dataclass

import numpy as np

#: how close, relative to the largest entry, two arrays must be to match a signature
MATCH = 1e-4
_WHAT = {"gradient": "gradient", "jacobian": "Jacobian", "vjp": "VJP"}


@dataclass(frozen=True)
class Diagnosis:
    """The common mistake that explains a failed check.

    Attributes
    ----------
    mistake : str
        A short name: ``"transpose"``, ``"axis permutation"``, ``"sign"``,
        ``"factor"``, ``"reduction axis"``, ``"symmetric part"``,
        ``"diagonal only"``, ``"mask"`` or ``"float32 rounding"``.
    sentence : str
        One plain sentence for the report.

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


def _close(a, b):
    """Equal entry by entry to ``MATCH`` relative, with a floor of 1e-7 of the largest entry."""
    size = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    bound = MATCH * np.maximum(np.abs(a), np.abs(b)) + 1e-7 * size
    return size > 0 and bool(np.all(np.abs(a - b) <= bound))


def _near(value, target):
    return abs(value - target) <= 1e-3 * abs(target)


def _axes_of_length(problem, k):
    """Names and axes of the known arrays with an axis of length ``k``, for the message."""
    return [f"{name} (axis {axis})" for name, shape in problem.sizes.items()
            for axis, length in enumerate(shape) if length == k]


def factor_sentence(problem, c):
    """The diagnosis of ``A = c N``, naming the likely cause of common factors."""
    what = _what(problem)
    if _near(c, -1.0):
        return Diagnosis("sign", f"The analytic {what} is the negative of the numerical one: a "
                                 f"sign is wrong (a subtraction or a descent step taken the "
                                 f"wrong way round).")
    sign = "minus " if c < 0 else ""
    size = abs(c)
    for k, cause in ((2.0, "a factor 2 too many (a 2 from d(x²)/dx = 2x where the loss has a "
                           "½ in front, or a term counted twice)"),
                     (0.5, "a factor 2 missing (the 2 of d(x²)/dx = 2x, or a path through "
                           "a value used twice)")):
        if _near(size, k):
            return Diagnosis("factor", f"The analytic {what} is {sign}{k:g} times the "
                                       f"numerical one: {cause}.")
    k = round(size if size > 1 else 1.0 / size)
    if k >= 3 and _near(size if size > 1 else 1.0 / size, k):
        seen = _axes_of_length(problem, k)
        where = f" ({', '.join(seen)} has length {k})" if seen else ""
        if size > 1:
            cause = (f"a sum where the loss takes the mean over {k} items, for example "
                     f"{k} examples{where}: the 1/{k} of the mean is missing")
            return Diagnosis("factor", f"The analytic {what} is {sign}{k} times the numerical "
                                       f"one: {cause}.")
        cause = (f"a mean where the loss takes the sum over {k} items{where}, or a "
                 f"1/{k} too many")
        return Diagnosis("factor", f"The analytic {what} is {sign}1/{k} of the numerical one: "
                                   f"{cause}.")
    if problem.n * problem.analytic.shape[1] < 2:
        return None  # one number is always some multiple of another: no evidence
    return Diagnosis("factor", f"The analytic {what} is {c:.4g} times the numerical one: "
                               f"a constant factor is wrong.")


def _permutation(A, N, what):
    if A.ndim < 2 or A.ndim > 4:
        return None
    for perm in itertools.permutations(range(A.ndim)):
        if perm == tuple(range(A.ndim)) or N.transpose(perm).shape != A.shape:
            continue
        if _close(A, N.transpose(perm)):
            if A.ndim == 2:
                return Diagnosis("transpose", f"The analytic {what} is the transpose of the "
                                              f"numerical one: a formula of the other layout "
                                              f"(for example dY.T @ X where X.T @ dY belongs).")
            return Diagnosis("axis permutation", f"The analytic {what} is the numerical one with "
                                                 f"its axes in the order {perm}: axes swapped.")
    return None


def _factor(problem, A, N):
    nn = float(np.vdot(N, N))
    if nn == 0.0:
        return None
    c = float(np.vdot(A, N)) / nn
    if c == 0.0 or _near(c, 1.0) or not _close(A, c * N):
        return None
    return factor_sentence(problem, c)


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


def _reduction_axis(problem, A, N):
    if problem.kind != "vjp" or problem.evaluator.upstream.ndim < 2:
        return None
    candidates = list(_reductions(problem.evaluator.upstream, A.shape))
    wrong = next((c for c in candidates if _close(A, c[2])), None)
    right = next((c for c in candidates if _close(N, c[2])), None)
    if wrong is None or right is None or wrong[0] == right[0]:
        return None
    return Diagnosis("reduction axis",
                     f"The analytic VJP is upstream {wrong[1]} over {_axes(wrong[0])}, the "
                     f"numerical one upstream {right[1]} over {_axes(right[0])}: a reduction over the wrong "
                     f"axis (for example a bias gradient summed over features instead of examples).")


def _symmetric_part(problem, A, N):
    if problem.kind != "gradient" or problem.n < 2:
        return None
    x, d = problem.x.ravel(), (A - N).ravel()
    nx, nd = float(np.linalg.norm(x)), float(np.linalg.norm(d))
    if nx == 0.0 or nd == 0.0:
        return None
    if abs(float(x @ d)) > 1e-6 * nx * nd + 1e-9 * nx * float(np.linalg.norm(N)):
        return None
    return Diagnosis("symmetric part",
                     f"The error is orthogonal to {problem.name}, the signature of a quadratic "
                     f"form xᵀMx differentiated as 2Mx: its gradient is (M + Mᵀ)x, and M is "
                     f"not symmetric.")


def _diagonal_only(problem, A, N):
    m, n = problem.analytic.shape[1], problem.n
    if problem.kind != "jacobian" or m != n or n < 2:
        return None
    a, num = A.reshape(m, n), N.reshape(m, n)
    off = ~np.eye(n, dtype=bool)
    if not np.any(np.abs(num[off]) > MATCH * np.max(np.abs(num))):
        return None
    if not (np.all(a[off] == 0) and _close(np.diag(a), np.diag(num))):
        return None
    return Diagnosis("diagonal only",
                     "The analytic Jacobian is the diagonal of the numerical one: the "
                     "off-diagonal terms are missing (an element-wise rule used for a function "
                     "whose outputs each depend on several inputs).")


def _mask(problem, A, N, fail):
    if problem.kind == "jacobian" or fail.all():
        return None
    zero = 1e-6 * max(float(np.max(np.abs(A))), float(np.max(np.abs(N))))
    one_side_zero = np.minimum(np.abs(A), np.abs(N)) <= zero
    if not np.all(one_side_zero[fail]):
        return None
    count = int(fail.sum())
    if problem.kind != "jacobian" and np.all(problem.x[fail] <= 0) and np.all(np.abs(N[fail]) <= zero):
        return Diagnosis("mask", f"Only the {count} entries where {problem.name} <= 0 are wrong, "
                                 f"and there the numerical derivative is zero: a ReLU mask is "
                                 f"missing, or taken from the wrong array.")
    return Diagnosis("mask", f"Only {count} entries are wrong, each where one of the two "
                             f"derivatives is zero and the other is not: a mask (ReLU, max, an "
                             f"indicator) is missing or taken from the wrong array.")


def diagnose_entries(problem, central, fail):
    """The Diagnosis of a failed full check, or None when no common mistake explains it."""
    A, N = problem.to_user(problem.analytic), problem.to_user(central)
    what = _what(problem)
    return (_permutation(A, N, what) or _factor(problem, A, N) or _reduction_axis(problem, A, N)
            or _symmetric_part(problem, A, N) or _diagonal_only(problem, A, N)
            or _mask(problem, A, N, problem.to_user(fail)))


def diagnose_directions(problem, nums, anas, directions):
    """What directional derivatives can show: a common factor, a sign, or float32 rounding."""
    ratios = [float(np.vdot(a, n) / np.vdot(n, n)) for a, n in zip(anas, nums) if np.vdot(n, n) > 0]
    if (len(ratios) == directions and not _near(ratios[0], 1.0)
            and all(_near(r, ratios[0]) and _close(a, ratios[0] * n)
                    for r, a, n in zip(ratios, anas, nums))):
        return factor_sentence(problem, ratios[0])
    eps32 = float(np.finfo(np.float32).eps)
    if problem.precision < eps32:
        largest_step = np.sqrt(problem.n) * max(1.0, float(np.max(np.abs(problem.x))))
        rounding = 64 * eps32 * float(np.max(np.abs(problem.analytic))) * largest_step
        if float(np.max(np.abs(nums - anas))) <= rounding:
            return Diagnosis("float32 rounding",
                             "The differences are as small as float32 rounding of the analytic "
                             "values: if they were computed in float32, pass them as float32 "
                             "arrays, and the tolerance allows for it.")
    return None
