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

Cost: ``2 n + 1`` calls of ``f``, plus 2 per suspected kink. A passing check
does little else: its error measures are computed when first read.
"""

import numpy as np

from mathnotes._evaluator import MACHINE_EPS, format_index, steps
from mathnotes.gradcheck._diagnosis import diagnose
from mathnotes.gradcheck._problem import NOISE_FACTOR, RTOL_FULL
from mathnotes.gradcheck._result import CheckResult, error_measures, plural, worst_entries

#: step divisor of the second look at suspected kinks
KINK_SHRINK = 16.0
_NOISE = NOISE_FACTOR * MACHINE_EPS


def tolerance(rtol, analytic, central, noise, precision, atol):
    """The tolerance of each entry (away from kinks): see the module's docstring."""
    return rtol * np.maximum(np.abs(analytic), np.abs(central)) + noise + precision + atol


class FullEvidence:
    """What the central differences say about any analytic array: the check's and the diagnosis's.

    ``numerical`` and ``noise`` are the central differences and their rounding
    error, ``(n, m)``; at the entries ``kink`` (None when there is none) the
    analytic value must lie in ``[low, high]``, within ``kink_noise``.
    """

    entries = True  # the diagnosis may look at every entry

    def __init__(self, problem, numerical, noise, kink=None, low=None, high=None, kink_noise=None):
        self.problem = problem
        self.numerical, self.noise = numerical, noise
        self.kink, self.low, self.high, self.kink_noise = kink, low, high, kink_noise
        self.has_kinks = kink is not None and bool(kink.any())
        #: the diagnosis's relative tolerance: the check's, never looser than the default
        self.rtol = min(problem.rtol_full, RTOL_FULL)

    def judge(self, analytic, rtol, precision):
        """Errors and tolerances, ``(n, m)`` each, of an analytic array ``(n, m)``."""
        central, atol = self.numerical, self.problem.atol
        err = np.abs(analytic - central)
        tol = tolerance(rtol, analytic, central, self.noise, precision, atol)
        if self.has_kinks:
            outside = np.maximum(self.low - analytic, analytic - self.high).clip(min=0.0)
            kink_tol = (rtol * np.maximum(np.abs(self.low), np.abs(self.high)) + self.kink_noise
                        + precision + atol)
            err = np.where(self.kink, outside, err)
            tol = np.where(self.kink, kink_tol, tol)
        return err, tol

    def passes(self, analytic, precision=None):
        """Whether ``analytic`` (with relative ``precision``) passes at the diagnosis's tolerance."""
        err, tol = self.judge(analytic, self.rtol,
                              self.problem.precision_tolerance(analytic, precision))
        return not bool((err > tol).any())

    def projections(self):
        """The analytic and numerical values the diagnosis may fit a factor to: every entry."""
        return self.problem.analytic, self.numerical

    def strict_fail(self):
        """The failing entries of the analytic array at the diagnosis's tolerance."""
        err, tol = self.judge(self.problem.analytic, self.rtol, self.problem.precision_tolerance())
        return err > tol

    def uncertainty(self):
        """How far each numerical value may be from the true derivative, at the diagnosis's tolerance."""
        return self.rtol * np.abs(self.numerical) + self.noise + self.problem.atol


def _second_look(problem, rows, suspect, jump):
    """Differences at a 16 times smaller step for the suspected ``rows``: which are kinks."""
    ev = problem.evaluator
    h = steps(problem.x, problem.eps / KINK_SHRINK)[rows]
    fp, fm, mp, mm = ev.coordinate_differences(h, rows)
    hh = h[:, None]
    plus, minus = (fp - ev.value0) / hh, (ev.value0 - fm) / hh
    noise1 = _NOISE * (np.maximum(mp, mm) + ev.mag0) / hh
    jump2 = np.abs(plus - minus)
    is_kink = suspect[rows] & (jump2 > 0.5 * jump[rows]) & (jump2 > 4.0 * noise1)
    central = (fp - fm) / (2.0 * hh)
    noise = _NOISE * (mp + mm) / (2.0 * hh)
    return is_kink, central, noise, plus, minus




def run_full(problem, notes, mode_note=None):
    """The full check of ``problem``; ``notes`` are remarks collected before (fast mode)."""
    a, ev = problem.analytic, problem.evaluator
    rtol, atol = problem.rtol_full, problem.atol
    h = steps(problem.x, problem.eps)
    fp, fm, mp, mm = ev.coordinate_differences(h)
    hh = h[:, None]
    central = (fp - fm) / (2.0 * hh)
    abs_a = np.abs(a)
    max_a = float(abs_a.max())  # (x has entries: the empty case never gets here)
    precision = NOISE_FACTOR * problem.precision * max_a
    err = np.abs(a - central)

    def rounding_noise():
        return _NOISE * (mp + mm) / (2.0 * hh)

    # The common case first, in few operations. The tolerance is at least rtol |a| + precision
    # + atol (also in floating point), and the one-sided slopes differ by
    # |f(x + h) + f(x - h) - 2 f(x)| / h, which a kink makes large: screened with 0.5e-3 max|a|,
    # below the exact test's 1e-3 max(|a|, |n|) by more than this form's rounding.
    sure = np.count_nonzero(err > rtol * abs_a + precision + atol) == 0
    if sure and np.count_nonzero(np.abs(fp + fm - 2.0 * ev.value0) > (0.5e-3 * max_a) * hh) == 0:
        if mode_note:
            notes.append(mode_note)
        return CheckResult(
            kind=problem.kind, mode="full", verdict="pass", numerical=problem.to_user(central),
            analytic=problem.to_user(a), worst=[], kinks=[], n_calls=ev.calls, rtol=rtol,
            atol=atol, notes=notes, name=problem.label,
            measures=lambda: error_measures(
                err, tolerance(rtol, a, central, rounding_noise(), precision, atol), a, central))
    noise = rounding_noise()
    tol = tolerance(rtol, a, central, noise, precision, atol)
    fail = err > tol
    any_fail = np.count_nonzero(fail) > 0
    gscale = max(float(np.abs(central).max()), max_a)
    plus, minus = (fp - ev.value0) / hh, (ev.value0 - fm) / hh
    jump = np.abs(plus - minus)
    noise1 = _NOISE * (np.maximum(mp, mm) + ev.mag0) / hh
    above_noise = jump > noise1
    big_jump = ((jump > 0.1 * np.maximum(np.abs(plus), np.abs(minus))) & (jump > 1e-3 * gscale)
                & above_noise)
    suspect = (fail & (jump >= 0.5 * err) & above_noise) | big_jump
    rows = np.flatnonzero(suspect.any(axis=1))
    evidence = FullEvidence(problem, central, noise)
    if rows.size:
        is_kink, central2, noise2, plus2, minus2 = _second_look(problem, rows, suspect, jump)
        kink = np.zeros_like(suspect)
        kink[rows] = is_kink
        # where no kink is left within the smaller step, its central difference is the better estimate
        smooth = suspect[rows] & ~is_kink
        sub_c, sub_n = central[rows], noise[rows]
        sub_c[smooth], sub_n[smooth] = central2[smooth], noise2[smooth]
        central[rows], noise[rows] = sub_c, sub_n
        slopes = np.stack([plus[rows], minus[rows], plus2, minus2])
        low, high = central.copy(), central.copy()
        low[rows], high[rows] = slopes.min(axis=0), slopes.max(axis=0)
        evidence = FullEvidence(problem, central, noise, kink, low, high, noise1)
        err, tol = evidence.judge(a, rtol, precision)
        fail = err > tol
        any_fail = np.count_nonzero(fail) > 0
    kinks = []
    if evidence.has_kinks:
        kinks = [problem.index(i, k) for i, k in zip(*np.nonzero(evidence.kink))]
        notes.append(_kink_note(problem, kinks, int((fail & evidence.kink).sum())))
    if any_fail:
        verdict = "fail"
    elif evidence.has_kinks and evidence.kink.all():
        verdict = "inconclusive"
        notes.append("nothing could be compared: every entry is at a kink, where an analytic "
                     "value between the one-sided slopes is consistent but not verified. Move the "
                     "point away from the kink to verify the derivative")
    else:
        verdict = "pass"
    diagnosis, worst = None, []
    if any_fail:
        count = int(fail.sum())
        notes.append(f"{count} of {plural(fail.size, 'entry', 'entries')} "
                     f"{'is' if count == 1 else 'are'} outside the tolerance")
        diagnosis = diagnose(problem, evidence)
        worst = worst_entries(problem, central, err, tol, fail)
    if mode_note:
        notes.append(mode_note)
    return CheckResult(
        kind=problem.kind, mode="full", verdict=verdict, numerical=problem.to_user(central),
        analytic=problem.to_user(a), measures=lambda: error_measures(err, tol, a, central),
        worst=worst, kinks=kinks, n_calls=ev.calls, rtol=rtol, atol=atol, notes=notes,
        name=problem.label, diagnosis=diagnosis,
    )


def _kink_note(problem, kinks, failing):
    shown = ", ".join(format_index(k) for k in kinks[:5]) + (" ..." if len(kinks) > 5 else "")
    if len(kinks) == 1:
        verdict = f"the analytic value lies {'outside' if failing else 'between'} the one-sided slopes"
    elif failing:
        verdict = (f"{failing} of the analytic values {'lies' if failing == 1 else 'lie'} "
                   f"outside the one-sided slopes")
    else:
        verdict = "the analytic values lie between the one-sided slopes"
    return (f"{plural(len(kinks), 'entry', 'entries')} of {problem.name} where f is not "
            f"differentiable within the step (a kink), checked against the one-sided slopes "
            f"only; {verdict}: {shown}")
