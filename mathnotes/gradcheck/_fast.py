"""Fast mode: directional derivatives along seeded random directions, then bisection.

Along a direction ``u`` the analytic directional derivative ``sum_i a_i u_i`` is
compared with a Richardson-extrapolated central difference from steps ``t``,
``2t`` and ``4t`` (6 calls of ``f``). It passes when

    |error| <= rtol * sum_i |a_i u_i| + 2 noise + truncation + precision * ||u||_2 + atol * sum_i |u_i|

where ``precision = 64 eps_a max|a|`` is the rounding error the analytic array
carries in its own dtype (rounding errors of independent entries add like a
random walk, hence the 2-norm of ``u``).

Budgets, in calls of ``f`` for ``n`` entries and ``d`` directions:

- the directions cost ``6 d + 1``;
- if a direction fails, bisection names wrong entries (8 calls a level, about
  ``8 log2(n)`` per entry) within what is left of the full check's ``2 n + 1``;
- where even one located entry would cost the full check's ``2 n + 1``
  (``6 d + 8 ceil(log2 n) >= 2 n``), the full check runs instead;
- at a kink along a direction, or when the directions fail by no more than
  float32 rounding of an analytic array of float32 numbers given as float64
  (only every entry tells rounding from one wrong entry), the full check runs
  after the directions already spent: the two cases where fast mode costs
  more than full mode.

A failed direction is diagnosed from the directions alone (see ``_diagnosis``):
a factor, a sign, a permutation of axes, a reduction axis.
"""

import math

import numpy as np

from mathnotes._evaluator import MACHINE_EPS
from mathnotes.gradcheck._diagnosis import diagnose, float32_values, passes_as_float32
from mathnotes.gradcheck._full import run_full
from mathnotes.gradcheck._problem import NOISE_FACTOR, RTOL_FAST
from mathnotes.gradcheck._result import (CheckResult, DirectionCheck, FailingEntry, plural,
                                         relative_error, rounded)

_NOISE = NOISE_FACTOR * MACHINE_EPS
_TINY = float(np.finfo(float).tiny)


def fast_budget(n, directions):
    """Calls the directions take, and calls left for bisection within the full check's budget."""
    return 6 * directions + 1, 2 * n - 6 * directions


def _worth_it(n, directions):
    return 6 * directions + 8 * math.ceil(math.log2(max(n, 2))) < 2 * n


class _Directions:
    """Central differences of f along directions, with their error estimates."""

    def __init__(self, problem):
        self.problem = problem
        self.ev = problem.evaluator
        self.flat = problem.x.reshape(-1)
        self.t = problem.eps
        self.f0 = np.asarray(self.ev.value0, dtype=np.float64).reshape(-1)
        self.mag0 = np.asarray(self.ev.mag0, dtype=np.float64).reshape(-1)
        self.precision = problem.precision_tolerance()

    def _pair(self, u, t, where):
        xp = (self.flat + t * u).reshape(self.problem.x.shape)
        xm = (self.flat - t * u).reshape(self.problem.x.shape)
        vp, mp = self.ev.at(xp, where)
        vm, mm = self.ev.at(xm, where)
        disp = (xp - xm).reshape(-1) / (2.0 * t)  # the step actually taken, per unit t
        vp, vm, mp, mm = (np.atleast_1d(v) for v in (vp, vm, mp, mm))
        return {"vp": vp, "vm": vm, "mp": mp, "mm": mm, "numerical": (vp - vm) / (2.0 * t),
                "disp": disp, "noise": _NOISE * (mp + mm) / (2.0 * t)}

    def pairs(self, u, where, levels):
        """Central differences along u with steps t, 2t (and 4t if levels == 3)."""
        return [self._pair(u, self.t * 2.0**level, where) for level in range(levels)]

    def judge(self, pairs, analytic, precision):
        """What the pairs say of an analytic array ``(n, m)``.

        Returns its directional derivative along the pairs' direction, the
        Richardson-extrapolated error of it, the slack (noise, truncation,
        ``atol``, ``precision``) and its scale ``sum_i |a_i u_i|``.
        """
        first = pairs[0]
        directional = first["disp"] @ analytic
        e = [first["numerical"] - directional] + [p["numerical"] - p["disp"] @ analytic
                                                   for p in pairs[1:]]
        err = (4.0 * e[0] - e[1]) / 3.0  # Richardson: the step**2 term cancels
        trunc = np.abs(err - (4.0 * e[1] - e[2]) / 3.0) if len(pairs) == 3 else np.abs(e[0] - e[1])
        slack = (2.0 * first["noise"] + trunc + self.problem.atol * np.abs(first["disp"]).sum()
                 + precision * np.linalg.norm(first["disp"]))
        return directional, err, slack, np.abs(first["disp"]) @ np.abs(analytic)

    def smooth(self, pairs):
        """False if f has a kink along the pairs' direction: the one-sided slopes disagree."""
        # for a smooth f the gap between one-sided slopes grows like the step
        jumps = [np.abs((p["vp"] - self.f0) - (self.f0 - p["vm"])) / (self.t * 2.0**level)
                 for level, p in enumerate(pairs)]
        noise_j = _NOISE * (np.maximum(pairs[0]["mp"], pairs[0]["mm"]) + self.mag0) / self.t
        return all(np.all(np.abs(large - 2.0 * small) <= 0.25 * large + 8.0 * noise_j)
                   for small, large in zip(jumps[:-1], jumps[1:]))

    def block(self, u, lo, hi):
        """Error of the block [lo, hi) of u along the same direction (4 calls)."""
        ub = np.zeros_like(u)
        ub[lo:hi] = u[lo:hi]
        pairs = self.pairs(ub, f"while locating wrong entries {lo}..{hi - 1} (flat)", 2)
        analytic, err, slack, scale = self.judge(pairs, self.problem.analytic, self.precision)
        numerical = analytic + err
        if hi - lo == 1:  # a lone entry has no cancellation: judge it like the full check does
            tol = self.problem.rtol_full * np.maximum(np.abs(numerical), np.abs(analytic)) + slack
        else:
            tol = self.problem.rtol_fast * scale + slack
        return numerical, analytic, pairs[0]["disp"], tol

    def locate(self, u, budget):
        """Bisect the entries to find those whose analytic value is wrong, within ``budget`` calls."""
        found, stack = [], [(0, self.flat.size)]
        start, exhausted, lost = self.ev.calls, False, False
        while stack and len(found) < self.problem.max_report:
            lo, hi = stack.pop()
            cost = 4 if hi - lo == 1 else 8
            if self.ev.calls - start + cost > budget:
                exhausted = True
                break
            if hi - lo == 1:
                numerical, analytic, disp, tol = self.block(u, lo, hi)
                if np.any(np.abs(numerical - analytic) > tol):
                    found.append((lo, numerical / disp[lo], analytic / disp[lo]))
                continue
            mid = (lo + hi) // 2
            children = []
            for c_lo, c_hi in ((lo, mid), (mid, hi)):
                if c_hi - c_lo == 1:
                    children.append((0.0, c_lo, c_hi))
                    continue
                numerical, analytic, _, tol = self.block(u, c_lo, c_hi)
                gap = np.abs(numerical - analytic)
                if np.any(gap > tol):
                    children.append((float(np.max(gap / np.maximum(tol, 1e-300))), c_lo, c_hi))
            lost = lost or not children
            stack += [(c_lo, c_hi) for _, c_lo, c_hi in sorted(children)]  # worst child popped first
        return found, exhausted, lost


class FastEvidence:
    """What the directional derivatives say about any analytic array, for the diagnosis."""

    entries = False  # no entry of the numerical derivative is known
    has_kinks = False

    def __init__(self, problem, fast, records, analytic, numerical):
        self.problem, self.fast, self.records = problem, fast, records
        self.analytic, self.numerical = analytic, numerical
        #: the diagnosis's relative tolerance: the check's, never looser than the default
        self.rtol = min(problem.rtol_fast, RTOL_FAST)

    def passes(self, analytic, precision=None):
        """Whether ``analytic`` (with relative ``precision``) passes along every direction."""
        precision = self.problem.precision_tolerance(analytic, precision)
        for pairs in self.records:
            _, err, slack, scale = self.fast.judge(pairs, analytic, precision)
            if np.any(np.abs(err) > self.rtol * scale + slack):
                return False
        return True

    def projections(self):
        """The analytic and numerical directional derivatives, ``(directions, m)`` each."""
        return self.analytic, self.numerical


#: what fast mode says when its directions show no common mistake
NOT_DIAGNOSED = ("no mistake that directional derivatives can show (a factor, a sign, a "
                 "transpose or axis permutation, a reduction axis) explains it; the full check "
                 '(mode="full") compares every entry and looks for the others')


def _listing(numbers):
    """``"direction 2"``, ``"directions 0 and 2"``, ``"directions 0, 1 and 2"``."""
    words = [str(k) for k in numbers]
    if len(words) == 1:
        return f"direction {words[0]}"
    return f"directions {', '.join(words[:-1])} and {words[-1]}"


def run_fast(problem):
    """The fast check of ``problem``: a CheckResult, or the full check where that is cheaper."""
    n, directions = problem.n, problem.directions
    if not _worth_it(n, directions):
        return run_full(problem, [], mode_note=(
            f"the full check ({2 * n + 1} calls) is as cheap as fast mode here "
            f"({plural(directions, 'direction', 'directions')} plus bisection), so it ran instead"))
    rng = np.random.default_rng(problem.seed)
    scale_x = np.maximum(1.0, np.abs(problem.x.reshape(-1)))
    fast = _Directions(problem)
    rows, nums, anas, failed, records = [], [], [], [], []
    for k in range(directions):
        v = rng.standard_normal(n)
        u = v / np.max(np.abs(v)) * scale_x
        pairs = fast.pairs(u, f"along random direction {k}", 3)
        if not fast.smooth(pairs):
            return run_full(problem, [], mode_note=(
                f"fast mode met a kink along random direction {k} (f is not differentiable "
                f"within the step) and ran the full check"))
        analytic, err, slack, scale = fast.judge(pairs, problem.analytic, fast.precision)
        tol = problem.rtol_fast * scale + slack
        numerical = analytic + err
        score = float(np.max(np.abs(err) / np.maximum(tol, _TINY)))
        ok = score <= 1.0
        nums.append(numerical)
        anas.append(analytic)
        records.append(pairs)
        size = np.linalg.norm if problem.kind == "jacobian" else (lambda v: float(v[0]))
        rows.append(DirectionCheck(k, float(size(numerical)), float(size(analytic)), score, ok))
        if not ok:
            failed.append((score, k, u))
    nums, anas = np.array(nums), np.array(anas)
    errs = np.abs(nums - anas)
    notes, worst, diagnosis = [], [], None
    if failed:
        evidence = FastEvidence(problem, fast, records, anas, nums)
        if float32_values(problem) and passes_as_float32(problem, evidence):
            # only every entry tells rounding spread over all of them from one wrong entry
            return run_full(problem, [], mode_note=(
                f"fast mode's {_listing(item[1] for item in failed)} failed by no more than "
                f"float32 rounding, and every analytic value is a float32 number: the full check "
                f"ran, which compares every entry"))
        score, k, u = max(failed, key=lambda item: (rounded(item[0]), -item[1]))
        notes.append(f"{_listing(item[1] for item in failed)} failed")
        diagnosis = diagnose(problem, evidence)
        if diagnosis is None:
            notes.append(NOT_DIAGNOSED)
        worst = _locate(problem, fast, k, u, notes)
    shape = (directions,) + (problem.out_shape if problem.kind == "jacobian" else ())
    return CheckResult(
        kind=problem.kind, mode="fast", verdict="fail" if failed else "pass",
        numerical=nums.reshape(shape), analytic=anas.reshape(shape),
        measures=(float(np.max(errs)), float(np.max(relative_error(errs, anas, nums))),
                  max(row.score for row in rows)),
        worst=worst, kinks=[], n_calls=problem.evaluator.calls, rtol=problem.rtol_fast,
        atol=problem.atol, notes=notes, directions=rows, name=problem.label, diagnosis=diagnosis,
    )


def _locate(problem, fast, k, u, notes):
    """Bisection along the worst failing direction ``k``: the located entries, with notes."""
    n = problem.n
    found, exhausted, lost = fast.locate(u, fast_budget(n, problem.directions)[1])
    if found:
        notes.append(f"bisection along direction {k} located "
                     f"{plural(len(found), 'wrong entry', 'wrong entries')} of {problem.name}"
                     + (" (stopped at max_report; there may be more)"
                        if len(found) >= problem.max_report else ""))
    if exhausted and found:
        notes.append(f"bisection stopped at the full check's budget of {2 * n + 1} calls; run "
                     f"the full check to see every wrong entry")
    elif exhausted:
        notes.append(f"bisection stopped at the full check's budget of {2 * n + 1} calls "
                     f"without locating an entry wrong on its own: the error may be spread over "
                     f'many entries, each within the tolerance; the full check (mode="full") '
                     f"compares every entry")
    elif lost or not found:
        notes.append(f"bisection could not locate {'the rest of ' if found else ''}the error: "
                     f"it is spread over entries each within the tolerance on its own, or errors "
                     f'in several entries cancel; the full check (mode="full") compares every entry')
    return _located_rows(problem, found)


def _located_rows(problem, found):
    """:class:`FailingEntry` rows of the located entries, worst first."""
    rows = []
    for j, num_col, ana_col in found:
        gap = np.abs(num_col - ana_col)
        tol = problem.rtol_full * np.maximum(np.abs(num_col), np.abs(ana_col)) + problem.atol
        for o in np.flatnonzero(gap > tol):
            rows.append(FailingEntry(problem.index(j, int(o)), float(num_col[o]), float(ana_col[o]),
                                     float(gap[o]), float(relative_error(gap[o], ana_col[o], num_col[o])),
                                     float(gap[o] / max(tol[o], 1e-300))))
    rows.sort(key=lambda row: (-rounded(row.score), row.index))
    return rows[: problem.max_report]
