"""Full mode: every entry of the derivative against its central difference.

Entry ``i`` (output entry ``k`` for a Jacobian) with analytic value ``a`` and
central difference ``n`` passes when

    |a - n| <= rtol * max(|a|, |n|) + noise + precision + atol

with ``noise = 64 eps64 (|f(x + h e_i)| + |f(x - h e_i)|) / (2 h)`` the
rounding error of the difference and ``precision = 64 eps_a max|a|`` the
rounding error the analytic array carries in its own dtype (``eps_a`` is
2.2e-16 for float64 and 1.2e-7 for float32).

Where the one-sided differences disagree and keep disagreeing when the step is
divided by 16, the entry is a kink: its analytic value must lie between the
one-sided slopes (within the tolerance), else it fails; kinks are listed.

Cost: ``2 n + 1`` calls of ``f``, plus 2 per suspected kink.
"""

import numpy as np

from mathnotes._evaluator import MACHINE_EPS, format_index, steps
from mathnotes.gradcheck._diagnosis import diagnose_entries
from mathnotes.gradcheck._problem import NOISE_FACTOR
from mathnotes.gradcheck._result import CheckResult, relative_error, worst_entries

#: step divisor of the second look at suspected kinks
KINK_SHRINK = 16.0


def _differences(problem, h, indices=None):
    """Central and one-sided differences at steps ``h``, with their rounding noise."""
    ev = problem.evaluator
    fp, fm, mp, mm = ev.coordinate_differences(h, indices)
    f0 = np.asarray(ev.value0, dtype=np.float64).reshape(1, -1)
    mag0 = np.asarray(ev.mag0, dtype=np.float64).reshape(1, -1)
    hh = h[:, None]
    return {
        "central": (fp - fm) / (2.0 * hh),
        "noise": NOISE_FACTOR * MACHINE_EPS * (mp + mm) / (2.0 * hh),
        "plus": (fp - f0) / hh,
        "minus": (f0 - fm) / hh,
        "noise1": NOISE_FACTOR * MACHINE_EPS * (np.maximum(mp, mm) + mag0) / hh,
    }


def _tolerance(problem, a, central, noise):
    return (problem.rtol_full * np.maximum(np.abs(a), np.abs(central)) + noise
            + problem.precision_tolerance() + problem.atol)


def run_full(problem, notes, mode_note=None):
    """The full check of ``problem``; ``notes`` are remarks collected before (fast mode)."""
    a = problem.analytic
    h = steps(problem.x, problem.eps)
    d = _differences(problem, h)
    central, noise = d["central"], d["noise"]
    jump = np.abs(d["plus"] - d["minus"])
    err = np.abs(a - central)
    tol = _tolerance(problem, a, central, noise)
    gscale = max(float(np.max(np.abs(central), initial=0.0)), float(np.max(np.abs(a), initial=0.0)))
    big_jump = ((jump > 0.1 * np.maximum(np.abs(d["plus"]), np.abs(d["minus"])))
                & (jump > 1e-3 * gscale) & (jump > d["noise1"]))
    suspect = ((err > tol) & (jump >= 0.5 * err) & (jump > d["noise1"])) | big_jump
    kink = np.zeros_like(suspect)
    low, high = central.copy(), central.copy()
    rows = np.flatnonzero(suspect.any(axis=1))
    if rows.size:
        h2 = steps(problem.x, problem.eps / KINK_SHRINK)[rows]
        d2 = _differences(problem, h2, rows)
        jump2 = np.abs(d2["plus"] - d2["minus"])
        is_kink = suspect[rows] & (jump2 > 0.5 * jump[rows]) & (jump2 > 4.0 * d2["noise1"])
        smooth = suspect[rows] & ~is_kink
        kink[rows] = is_kink
        # where no kink is left within the smaller step, its central difference is the better estimate
        sub_c, sub_n = central[rows], noise[rows]
        sub_c[smooth] = d2["central"][smooth]
        sub_n[smooth] = d2["noise"][smooth]
        central[rows], noise[rows] = sub_c, sub_n
        slopes = np.stack([d["plus"][rows], d["minus"][rows], d2["plus"], d2["minus"]])
        low[rows], high[rows] = slopes.min(axis=0), slopes.max(axis=0)
        err = np.abs(a - central)
        tol = _tolerance(problem, a, central, noise)
    # at a kink: the distance of the analytic value from the interval of one-sided slopes
    outside = np.maximum(low - a, a - high).clip(min=0.0)
    kink_tol = (problem.rtol_full * np.maximum(np.abs(low), np.abs(high)) + d["noise1"]
                + problem.precision_tolerance() + problem.atol)
    err = np.where(kink, outside, err)
    tol = np.where(kink, kink_tol, tol)
    fail = err > tol
    compared = ~kink
    kink_fail = fail & kink
    if fail.any():
        verdict = "fail"
    elif not compared.any():
        verdict = "inconclusive"
    else:
        verdict = "pass"
    rel = relative_error(err, a, central)
    score = err / np.where(tol > 0, tol, np.finfo(float).tiny)
    kinks = [problem.index(i, k) for i, k in zip(*np.nonzero(kink))]
    if kinks:
        notes.append(_kink_note(problem, kinks, int(kink_fail.sum())))
    if verdict == "inconclusive":
        notes.append(
            "nothing could be compared: every entry is at a kink. Move the point away from "
            "the kink, or compare the analytic values with the one-sided slopes yourself"
        )
    diagnosis = None
    if verdict == "fail":
        notes.append(f"{int(fail.sum())} of {fail.size} entries are outside the tolerance")
        diagnosis = diagnose_entries(problem, central, fail)
    if mode_note:
        notes.append(mode_note)
    return CheckResult(
        kind=problem.kind, mode="full", verdict=verdict, numerical=problem.to_user(central),
        analytic=problem.to_user(a), max_abs_error=float(np.max(err, initial=0.0)),
        max_rel_error=float(np.max(rel, initial=0.0)), error_ratio=float(np.max(score)),
        worst=worst_entries(problem, central, err, rel, score, fail),
        kinks=kinks, n_calls=problem.evaluator.calls, rtol=problem.rtol_full, atol=problem.atol,
        notes=notes, name=problem.label, diagnosis=diagnosis,
    )


def _kink_note(problem, kinks, failing):
    shown = ", ".join(format_index(k) for k in kinks[:5]) + (" ..." if len(kinks) > 5 else "")
    plural = "y" if len(kinks) == 1 else "ies"
    verdict = (f"{failing} of them outside the one-sided slopes" if failing
               else "the analytic values lie between the one-sided slopes")
    return (f"{len(kinks)} entr{plural} of {problem.name} where f is not differentiable within "
            f"the step (a kink) checked against the one-sided slopes only, {verdict}: {shown}")
