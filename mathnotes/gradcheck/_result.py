"""The outcome of a check and its report, as text and as HTML.

A report prints only what is the same on every computer: a passing check shows
its verdict and its tolerance, never the size of its rounding noise; a failing
check lists its worst entries ordered by the rounded score it prints
(error / tolerance, two significant digits), then by index, in columns of
fixed width, so that exact ties come out in the same order everywhere.
"""

import html
import textwrap
from typing import NamedTuple

import numpy as np

from mathnotes._evaluator import format_index

#: longest line of a text report, so that it fits a notebook's code box
REPORT_WIDTH = 78
_COLOR = {"pass": "#1a7f37", "fail": "#cf222e", "inconclusive": "#9a6700"}
_WORD = {"pass": "PASSED", "fail": "FAILED", "inconclusive": "INCONCLUSIVE"}
_KIND = {"gradient": "gradient", "jacobian": "Jacobian", "vjp": "VJP"}
_ENTRY_HEADER = ("index", "numerical", "analytic", "abs err", "rel err", "err/tol")
_ENTRY_WIDTHS = (12, 12, 12, 8, 8, 8)
_DIRECTION_HEADER = ("direction", "numerical", "analytic", "err/tol", "")
_DIRECTION_WIDTHS = (9, 12, 12, 8, 6)
_TINY = float(np.finfo(float).tiny)


class FailingEntry(NamedTuple):
    """One failing entry of a check, as listed in ``CheckResult.worst``.

    A named tuple: ``entry.score`` and ``index, *_ = entry`` both work.

    Attributes
    ----------
    index : tuple
        The entry's index in ``x``; for a Jacobian, the output index followed
        by the input index.
    numerical : float
        The numerical derivative there.
    analytic : float
        The analytic derivative there.
    abs_error : float
        ``|analytic - numerical|``; at a kink, how far the analytic value lies
        outside the one-sided slopes.
    rel_error : float
        ``abs_error / max(|analytic|, |numerical|)``.
    score : float
        ``abs_error`` / tolerance: above 1 fails.
    """

    index: tuple
    numerical: float
    analytic: float
    abs_error: float
    rel_error: float
    score: float


class DirectionCheck(NamedTuple):
    """The check along one random direction of fast mode, as listed in ``CheckResult.directions``.

    Attributes
    ----------
    direction : int
        The direction's number, from 0.
    numerical : float
        The numerical directional derivative (its 2-norm for a Jacobian).
    analytic : float
        The analytic directional derivative (its 2-norm for a Jacobian).
    score : float
        Error / tolerance along the direction: above 1 fails.
    passed : bool
        Whether the direction passed.
    """

    direction: int
    numerical: float
    analytic: float
    score: float
    passed: bool


def plural(count, one, many):
    """``"1 entry"``, ``"3 entries"``."""
    return f"{count} {one if count == 1 else many}"


def relative_error(err, a, n):
    """``err / max(|a|, |n|)``, 0 where both are 0."""
    denom = np.maximum(np.abs(a), np.abs(n))
    return np.where(denom > 0, err / np.where(denom > 0, denom, 1.0), 0.0)


def rounded(score):
    """A score as it is printed (two significant digits), also the key that orders the rows."""
    return float(f"{score:.2g}")


def error_measures(err, tol, analytic, numerical):
    """``(max_abs_error, max_rel_error, error_ratio)`` of compared arrays and their tolerances."""
    score = err / np.where(tol > 0, tol, _TINY)
    return (float(np.max(err, initial=0.0)),
            float(np.max(relative_error(err, analytic, numerical), initial=0.0)),
            float(np.max(score, initial=0.0)))


def worst_entries(problem, numerical, err, tol, fail):
    """The failing entries as :class:`FailingEntry` rows, worst first, at most ``max_report``.

    Ordered by the printed score, then by index: exact ties in exact
    arithmetic (a transposed gradient) print in the same order everywhere.
    """
    rows = []
    for i, k in zip(*np.nonzero(fail)):
        e, t, num, ana = float(err[i, k]), float(tol[i, k]), float(numerical[i, k]), \
            float(problem.analytic[i, k])
        rows.append(FailingEntry(problem.index(i, k), num, ana, e,
                                 float(relative_error(e, ana, num)), e / (t if t > 0 else _TINY)))
    rows.sort(key=lambda row: (-rounded(row.score), row.index))
    return rows[: problem.max_report]


def _wrap(text, indent, hang=4):
    return textwrap.wrap(text, width=REPORT_WIDTH, initial_indent=indent,
                         subsequent_indent=indent + " " * hang, break_on_hyphens=False) or [indent]


def _text_table(header, rows, widths):
    return ["  " + " ".join(str(c).rjust(w) for c, w in zip(line, widths)).rstrip()
            for line in [header, *rows]]


def _html_table(header, rows, caption):
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


class CheckResult:
    """Outcome of a gradient, Jacobian or VJP check: pass, fail or inconclusive.

    Returned by :func:`~mathnotes.check_gradient`, :func:`~mathnotes.check_jacobian` and
    :func:`~mathnotes.check_vjp`; not meant to be created by hand. Only a pass is truthy,
    so ``assert check_gradient(...)`` proves something.

    Attributes
    ----------
    verdict : str
        ``"pass"``, ``"fail"`` or ``"inconclusive"`` (nothing could be
        compared: ``x`` has no entries, or every entry is at a kink).
    passed : bool
        ``verdict == "pass"``; ``bool(result)`` is the same.
    diagnosis : mathnotes.gradcheck.Diagnosis or None
        For a failed check, the common mistake that explains the difference,
        if the evidence shows one: its ``mistake`` (a stable short name, one
        of ``mathnotes.gradcheck.MISTAKES``) and its ``sentence``.
    kind : str
        ``"gradient"``, ``"jacobian"`` or ``"vjp"``.
    mode : str
        ``"full"`` or ``"fast"`` (a fast check that fell back says so in
        ``notes``).
    numerical, analytic : numpy.ndarray
        The compared values: in full mode the two derivatives in the user's
        layout; in fast mode the directional derivatives.
    worst : list of mathnotes.gradcheck.FailingEntry
        Failing entries, named tuples ``(index, numerical, analytic,
        abs_error, rel_error, score)`` with ``score`` = error / tolerance,
        ordered by the printed score then by index; at most ``max_report``.
        Empty for a pass.
    kinks : list of tuple
        Indices of entries where ``f`` is not differentiable within the step.
    directions : list of mathnotes.gradcheck.DirectionCheck
        Fast mode: named tuples ``(direction, numerical, analytic, score,
        passed)``, one per random direction.
    max_abs_error, max_rel_error, error_ratio : float
        Largest error, relative error and error / tolerance over the compared
        values (computed when first read). For a pass these are rounding
        noise and differ between computers: assert bounds on them, do not
        print them.
    n_calls : int
        How many times ``f`` was called.
    rtol, atol : float
        The tolerances used.
    notes : list of str
        Remarks on the check (kinks, fallbacks, localisation).

    Examples
    --------
    >>> import numpy as np
    >>> import mathnotes as mn
    >>> relu = lambda v: np.sum(np.maximum(v, 0.0))
    >>> at_kink = mn.check_gradient(relu, np.array([1.0]), np.array([1e-7]))
    >>> at_kink.verdict, bool(at_kink), at_kink.kinks
    ('inconclusive', False, [(0,)])
    >>> print(mn.check_gradient(relu, np.array([1.0, 1.0]), np.array([0.5, 2.0])))
    gradient check (full mode, 5 calls of f): PASSED
      every compared entry agrees within the tolerance (rtol 1e-05, atol 0)
    >>> wrong_grad, x = np.array([1.0, 3.0]), np.array([0.5, 2.0])
    >>> wrong = mn.check_gradient(relu, wrong_grad, x)
    >>> wrong.worst[0].index, wrong.worst[0].analytic
    ((1,), 3.0)
    """

    def __init__(self, *, kind, mode, verdict, numerical, analytic, measures, worst, kinks,
                 n_calls, rtol, atol, notes, directions=(), name=None, diagnosis=None):
        self.kind, self.mode, self.verdict = kind, mode, verdict
        self.numerical, self.analytic = numerical, analytic
        self._measures = measures  # the three error measures, or a function computing them
        self.worst, self.kinks, self.directions = list(worst), list(kinks), list(directions)
        self.n_calls = int(n_calls)
        self.rtol, self.atol = float(rtol), float(atol)
        self.notes = list(notes)
        self.name = name
        self.diagnosis = diagnosis

    def _measure(self, which):
        if callable(self._measures):
            self._measures = tuple(float(value) for value in self._measures())
        return self._measures[which]

    @property
    def max_abs_error(self):
        """Largest absolute error over the compared values."""
        return self._measure(0)

    @property
    def max_rel_error(self):
        """Largest relative error over the compared values."""
        return self._measure(1)

    @property
    def error_ratio(self):
        """Largest error / tolerance over the compared values: above 1 fails."""
        return self._measure(2)

    @property
    def passed(self):
        """True iff the verdict is ``"pass"``."""
        return self.verdict == "pass"

    def __bool__(self):
        return self.passed

    def _title(self):
        what = f"{_KIND[self.kind]} check" + (f" of {self.name}" if self.name else "")
        return (f"{what} ({self.mode} mode, {plural(self.n_calls, 'call', 'calls')} of f): "
                f"{_WORD[self.verdict]}")

    def _summary(self):
        tolerance = f"(rtol {self.rtol:g}, atol {self.atol:g})"
        if self.mode == "fast" and self.passed:
            agree = "agrees" if len(self.directions) == 1 else "agree"
            return (f"{plural(len(self.directions), 'random direction', 'random directions')} "
                    f"{agree} within the tolerance {tolerance}")
        if self.passed:
            return f"every compared entry agrees within the tolerance {tolerance}"
        if self.verdict == "inconclusive":
            return "inconclusive: not a pass; see the notes for why and what to do"
        return (f"max rel error {self.max_rel_error:.2g}, worst error/tolerance "
                f"{rounded(self.error_ratio):g} {tolerance}")

    def _entry_rows(self):
        return [(format_index(index), f"{num:.6g}", f"{ana:.6g}", f"{ae:.2g}", f"{re_:.2g}",
                 f"{rounded(score):g}") for index, num, ana, ae, re_, score in self.worst]

    def _direction_rows(self):
        return [(str(k), f"{num:.6g}", f"{ana:.6g}", f"{rounded(score):g}", "ok" if ok else "FAILED")
                for k, num, ana, score, ok in self.directions]

    def _worst_caption(self):
        what = "located wrong entries" if self.mode == "fast" else "worst entries"
        return f"{what}, by error/tolerance, then index"

    def __repr__(self):
        lines = _wrap(self._title(), "")
        if self.diagnosis is not None:
            lines += _wrap(self.diagnosis.sentence, "  ", hang=0)
        lines += _wrap(self._summary(), "  ")
        if self.directions and not self.passed:
            lines += _text_table(_DIRECTION_HEADER, self._direction_rows(), _DIRECTION_WIDTHS)
        if self.worst:
            lines += _wrap(self._worst_caption() + ":", "  ")
            lines += _text_table(_ENTRY_HEADER, self._entry_rows(), _ENTRY_WIDTHS)
        for note in self.notes:
            lines += _wrap(f"note: {note}", "  ", hang=6)
        return "\n".join(lines)

    __str__ = __repr__

    def _repr_html_(self):
        parts = [f'<div class="mathnotes-check"><p><strong style="color:{_COLOR[self.verdict]}">'
                 f"{html.escape(self._title())}</strong></p>"]
        if self.diagnosis is not None:
            parts.append(f'<p class="mathnotes-diagnosis">{html.escape(self.diagnosis.sentence)}</p>')
        parts.append(f"<p>{html.escape(self._summary())}</p>")
        if self.directions and not self.passed:
            parts.append(_html_table(_DIRECTION_HEADER, self._direction_rows(), "random directions"))
        if self.worst:
            parts.append(_html_table(_ENTRY_HEADER, self._entry_rows(), self._worst_caption()))
        if self.notes:
            parts.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in self.notes) + "</ul>")
        return "".join(parts) + "</div>"


class CheckReport(dict):
    """Results of :func:`~mathnotes.check_arguments`: a dict from argument name to :class:`~mathnotes.CheckResult`.

    Truthy iff every check passed. Its text and HTML reprs show one line per
    argument, then the full report of each check that did not pass.

    Examples
    --------
    >>> import numpy as np
    >>> import mathnotes as mn
    >>> X, w = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -1.0])
    >>> grads = {"X": np.outer(np.ones(2), w), "w": X.sum(axis=0)}
    >>> report = mn.check_arguments(lambda X, w: np.sum(X @ w),
    ...                             {"X": X, "w": w}, grads)
    >>> report.verdict, list(report)
    ('pass', ['X', 'w'])
    """

    @property
    def verdict(self):
        """``"fail"`` if any check failed, else ``"inconclusive"`` if any was, else ``"pass"``."""
        verdicts = {r.verdict for r in self.values()}
        return next((v for v in ("fail", "inconclusive") if v in verdicts), "pass")

    @property
    def passed(self):
        """True iff every argument's check passed."""
        return self.verdict == "pass"

    def __bool__(self):
        return self.passed

    def _head(self):
        return f"checks of {plural(len(self), 'argument', 'arguments')}: {_WORD[self.verdict]}"

    def _rows(self):
        return [(str(name), r.verdict, r.mode, str(r.n_calls), str(len(r.kinks)),
                 r.diagnosis.mistake if r.diagnosis else "") for name, r in self.items()]

    _HEADER = ("argument", "verdict", "mode", "calls", "kinks", "diagnosis")

    def __repr__(self):
        rows = self._rows()
        widths = [max(len(c) for c in column) for column in zip(self._HEADER, *rows)]
        lines = [self._head()] + _text_table(self._HEADER, rows, widths)
        lines += [repr(r) for r in self.values() if not r.passed]
        return "\n".join(lines)

    __str__ = __repr__

    def _repr_html_(self):
        parts = [f"<div><p><strong>{html.escape(self._head())}</strong></p>",
                 _html_table(self._HEADER, self._rows(), "one check per argument")]
        parts += [r._repr_html_() for r in self.values() if not r.passed]
        return "".join(parts) + "</div>"
