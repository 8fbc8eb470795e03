"""Gradient checks: compare an analytic derivative with central differences and give a verdict.

Three checks share one engine:

- :func:`check_gradient` for the gradient of a scalar function,
- :func:`check_jacobian` for the (generalized) Jacobian of an array function,
- :func:`check_vjp` for a vector-Jacobian product, what a layer's backward returns,

and :func:`check_arguments` runs them for several arguments of one function.
Each returns a :class:`CheckResult` (a :class:`CheckReport` for several
arguments), which is truthy iff the check passed.

How an entry is judged (full mode)
----------------------------------
For entry ``i`` with analytic value ``a`` and central difference ``n``, the
entry passes when

    |a - n| <= rtol * max(|a|, |n|) + noise_i + atol

``rtol`` (default 1e-5) is a relative tolerance, so multiplying ``f`` by any
constant does not change the verdict. ``noise_i`` is the rounding error a
central difference cannot avoid: ``C * eps64 * (|f(x+h)| + |f(x-h)|) / (2 h)``
with ``C = 64`` (for a Jacobian or a VJP, the sizes of the terms that make up
the compared value are used). It too scales with ``f``. ``atol`` (default 0)
is an extra absolute tolerance for functions whose rounding error is larger
than that estimate.

Entries where the one-sided differences ``(f(x+h) - f(x)) / h`` and
``(f(x) - f(x-h)) / h`` disagree and keep disagreeing when the step is divided
by 16 are kinks (``relu`` or ``max`` at a tie, ``abs`` at 0): they are listed in
``kinks`` and left out of the verdict, with a note.

Fast mode
---------
``mode="fast"`` compares directional derivatives along a few seeded random
directions (6 calls of ``f`` per direction plus one: steps ``t``, ``2t`` and
``4t`` give a Richardson-extrapolated derivative and an estimate of its
error). When a direction fails, the coordinates are bisected: each half of a
failing block is checked along the same direction (4 calls per half) until
single entries are found, so each wrong entry is named with about
``8 log2(n)`` calls instead of ``2 n``.

This module imports only NumPy.
"""

import html
import numbers
import textwrap

import numpy as np

from mathnotes._numdiff import (
    MACHINE_EPS,
    Evaluator,
    _first_non_finite,
    _format_index,
    _index,
    as_float64_input,
    check_eps,
    steps,
)

__all__ = [
    "CheckResult",
    "CheckReport",
    "check_gradient",
    "check_jacobian",
    "check_vjp",
    "check_arguments",
]

#: multiple of machine epsilon * |f| / h allowed for rounding error
NOISE_FACTOR = 64.0
#: default relative tolerance of the full check
RTOL_FULL = 1e-5
#: default relative tolerance of the fast check (relative to sum |a_i u_i|)
RTOL_FAST = 1e-9
#: step divisor of the second look at suspected kinks
KINK_SHRINK = 16.0
#: longest line of a text report, so that it fits a notebook's code box
REPORT_WIDTH = 78


# ---------------------------------------------------------------------------
# the result


class CheckResult:
    """Outcome of a gradient, Jacobian or VJP check; truthy iff it passed.

    Returned by :func:`check_gradient`, :func:`check_jacobian` and
    :func:`check_vjp`; not meant to be created by hand.

    Attributes
    ----------
    passed : bool
        The verdict. ``bool(result)`` is the same, so ``assert
        check_gradient(...)`` reads naturally.
    kind : str
        ``"gradient"``, ``"jacobian"`` or ``"vjp"``.
    mode : str
        ``"full"`` or ``"fast"`` (a fast check that met a kink falls back to
        ``"full"`` and says so in ``notes``).
    max_abs_error, max_rel_error : float
        Largest ``|analytic - numerical|`` and largest
        ``|analytic - numerical| / max(|analytic|, |numerical|)`` over the
        compared values (entries in full mode, directional derivatives in
        fast mode), kinks excluded.
    numerical, analytic : numpy.ndarray
        The compared values. Full mode: the numerical and analytic
        derivative, shaped like ``x`` (gradient, VJP) or
        ``f(x).shape + x.shape`` (Jacobian); kinks hold the central
        difference. Fast mode: the directional derivatives, one per
        direction (times ``f(x).shape`` for a Jacobian).
    worst : list of tuple
        Up to ``max_report`` entries ``(index, numerical, analytic,
        abs_error, rel_error)``, worst first: in full mode by the ratio of
        error to tolerance, in fast mode (where these are the entries located
        by bisection, none if the check passed) by absolute error.
    kinks : list of tuple
        Indices of entries where ``f`` is not differentiable within the step;
        they are not part of the verdict.
    directions : list of tuple
        Fast mode only: ``(k, numerical, analytic, abs_error, tolerance,
        ok)`` for each random direction ``k`` (numbers are norms for a
        Jacobian).
    error_ratio : float
        Largest ratio of an error to its tolerance over the compared values;
        the check passed iff it is at most 1 (kinks excluded).
    n_calls : int
        How many times ``f`` was called.
    rtol, atol : float
        The tolerances used.
    notes : list of str
        Remarks on the check (kinks, fallbacks, localisation).
    """

    def __init__(self, *, kind, mode, passed, numerical, analytic, max_abs_error,
                 max_rel_error, error_ratio, worst, kinks, n_calls, rtol, atol, notes,
                 directions=(), name=None):
        self.kind = kind
        self.mode = mode
        self.passed = bool(passed)
        self.numerical = numerical
        self.analytic = analytic
        self.max_abs_error = float(max_abs_error)
        self.max_rel_error = float(max_rel_error)
        self.error_ratio = float(error_ratio)
        self.worst = list(worst)
        self.kinks = list(kinks)
        self.n_calls = int(n_calls)
        self.rtol = float(rtol)
        self.atol = float(atol)
        self.notes = list(notes)
        self.directions = list(directions)
        self.name = name

    def __bool__(self):
        return self.passed

    # -- text -------------------------------------------------------------

    def _title(self):
        what = f"{self.kind} check" + (f" of {self.name}" if self.name else "")
        verdict = "PASSED" if self.passed else "FAILED"
        if self.passed and self.kinks:
            verdict = f"PASSED except {len(self.kinks)} kink(s), not checked"
        return f"{what} ({self.mode} mode, {self.n_calls} calls of f): {verdict}"

    def _entry_rows(self):
        return [
            (_format_index(index), f"{num:.6g}", f"{ana:.6g}", f"{ae:.2g}", f"{re_:.2g}")
            for index, num, ana, ae, re_ in self.worst
        ]

    def _direction_rows(self):
        return [
            (str(k), f"{num:.6g}", f"{ana:.6g}", f"{ae:.2g}", f"{tol:.2g}", "ok" if ok else "FAILED")
            for k, num, ana, ae, tol, ok in self.directions
        ]

    def _summary(self):
        """Two lines: the largest errors, then the error/tolerance ratio and the tolerances."""
        return (
            f"max abs error {self.max_abs_error:.2g}, max rel error {self.max_rel_error:.2g}",
            f"worst error/tolerance {self.error_ratio:.2g} (passes if <= 1; "
            f"rtol {self.rtol:g}, atol {self.atol:g})",
        )

    def _worst_caption(self):
        if self.mode == "fast":
            return "located wrong entries, largest abs err first"
        return "worst entries, worst first (by error/tolerance)"

    def __repr__(self):
        lines = _wrap(self._title(), "")
        for part in self._summary():
            lines += _wrap(part, "  ")
        if self.directions:
            lines.append("  random directions:")
            lines += _text_table(
                ("k", "numerical", "analytic", "abs err", "tolerance", ""), self._direction_rows()
            )
        if self.worst:
            lines += _wrap(self._worst_caption() + ":", "  ")
            lines += _text_table(
                ("index", "numerical", "analytic", "abs err", "rel err"), self._entry_rows()
            )
        for note in self.notes:
            lines += _wrap(f"note: {note}", "  ", hang=6)
        return "\n".join(lines)

    __str__ = __repr__

    def _repr_html_(self):
        color = "#1a7f37" if self.passed else "#cf222e"
        parts = [
            f'<div class="mathnotes-check"><p><strong style="color:{color}">'
            f"{html.escape(self._title())}</strong><br>"
            + "<br>".join(html.escape(part) for part in self._summary()) + "</p>"
        ]
        if self.directions:
            parts.append(_html_table(
                ("direction", "numerical", "analytic", "abs err", "tolerance", ""),
                self._direction_rows(), caption="random directions",
            ))
        if self.worst:
            parts.append(_html_table(
                ("entry", "numerical", "analytic", "abs err", "rel err"), self._entry_rows(),
                caption=self._worst_caption(),
            ))
        if self.notes:
            parts.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in self.notes) + "</ul>")
        parts.append("</div>")
        return "".join(parts)


class CheckReport(dict):
    """Results of :func:`check_arguments`: a dict from argument name to :class:`CheckResult`.

    Truthy iff every check passed, so ``assert check_arguments(...)`` works.
    Its text and HTML reprs show one line per argument, then the details of
    any failed check.
    """

    @property
    def passed(self):
        """True iff every argument's check passed."""
        return all(r.passed for r in self.values())

    def __bool__(self):
        return self.passed

    def _rows(self):
        return [
            (str(name), "passed" if r.passed else "FAILED", f"{r.max_rel_error:.2g}",
             str(len(r.kinks)), str(r.n_calls))
            for name, r in self.items()
        ]

    def __repr__(self):
        head = "checks of {} argument(s): {}".format(len(self), "PASSED" if self.passed else "FAILED")
        lines = _wrap(head, "") + _text_table(("argument", "verdict", "max rel err", "kinks", "calls"), self._rows())
        for r in self.values():
            if not r.passed:
                lines.append(repr(r))
        return "\n".join(lines)

    __str__ = __repr__

    def _repr_html_(self):
        head = "checks of {} argument(s): {}".format(len(self), "PASSED" if self.passed else "FAILED")
        parts = [f"<div><p><strong>{html.escape(head)}</strong></p>",
                 _html_table(("argument", "verdict", "max rel err", "kinks", "calls"), self._rows())]
        for r in self.values():
            if not r.passed:
                parts.append(r._repr_html_())
        parts.append("</div>")
        return "".join(parts)


def _wrap(text, indent, hang=4):
    """``text`` indented by ``indent``, wrapped to lines of at most REPORT_WIDTH characters.

    Continuation lines are indented by ``hang`` more spaces.
    """
    return textwrap.wrap(text, width=REPORT_WIDTH, initial_indent=indent,
                         subsequent_indent=indent + " " * hang,
                         break_on_hyphens=False) or [indent]


def _text_table(header, rows):
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    out = ["    " + "  ".join(str(c).rjust(w) for c, w in zip(header, widths)).rstrip()]
    for row in rows:
        out.append("    " + "  ".join(str(c).rjust(w) for c, w in zip(row, widths)).rstrip())
    return out


def _html_table(header, rows, caption=None):
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# ---------------------------------------------------------------------------
# argument checks


def _check_mode(mode):
    if mode not in ("full", "fast"):
        raise ValueError(f'mode must be "full" or "fast", got {mode!r}')
    return mode


def _check_tol(value, name, default):
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a non-negative number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative finite number, got {value}")
    return value


def _check_count(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _analytic(value, x0, shape, what):
    """The analytic derivative as float64 of the expected shape, or a clear error."""
    if callable(value):
        value = value(x0.copy())
    if hasattr(value, "data") and not isinstance(value, (np.ndarray, np.generic)):
        value = value.data
    if value is None:
        raise TypeError(f"the analytic {what} is None; pass an array (or a callable returning one)")
    arr = np.asarray(value)
    if arr.dtype.kind == "c":
        raise TypeError(f"the analytic {what} is complex; it must be real")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"the analytic {what} must be an array of real numbers, got dtype {arr.dtype}")
    arr = np.array(arr, dtype=np.float64)
    if arr.shape != shape:
        hint = ""
        if arr.shape == shape[::-1] and len(shape) > 1:
            hint = " It has the transposed shape: did you compute the transpose?"
        elif arr.size == int(np.prod(shape, dtype=np.int64)):
            hint = f" It has the right number of entries: reshape it to {shape} if the order is right."
        elif what == "gradient":
            hint = " A gradient has the shape of the variable."
        raise ValueError(f"the analytic {what} has shape {arr.shape}, expected {shape}.{hint}")
    found = _first_non_finite(arr)
    if found:
        value, index = found
        raise ValueError(
            f"the analytic {what} contains a non-finite value ({value}) at {_format_index(index)}"
        )
    return arr


def _rel(err, a, n):
    denom = np.maximum(np.abs(a), np.abs(n))
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(denom > 0, err / np.where(denom > 0, denom, 1.0), 0.0)
    return rel


# ---------------------------------------------------------------------------
# full mode


def _full(ev, x0, eps, a, rtol, atol):
    """Coordinate-wise check. ``a`` is the analytic value as (n, m). Returns arrays."""
    h = steps(x0, eps)
    fp, fm, mp, mm = ev.coordinate_differences(h)
    f0 = np.asarray(ev.value0, dtype=np.float64).reshape(1, -1)
    mag0 = np.asarray(ev.mag0, dtype=np.float64).reshape(1, -1)
    hh = h[:, None]
    central = (fp - fm) / (2.0 * hh)
    noise = NOISE_FACTOR * MACHINE_EPS * (mp + mm) / (2.0 * hh)
    dplus = (fp - f0) / hh
    dminus = (f0 - fm) / hh
    noise1 = NOISE_FACTOR * MACHINE_EPS * (np.maximum(mp, mm) + mag0) / hh
    jump = np.abs(dplus - dminus)
    err = np.abs(a - central)
    tol = rtol * np.maximum(np.abs(a), np.abs(central)) + noise + atol
    fail = err > tol
    gscale = max(float(np.max(np.abs(central), initial=0.0)), float(np.max(np.abs(a), initial=0.0)))
    big_jump = (jump > 0.1 * np.maximum(np.abs(dplus), np.abs(dminus))) & (jump > 1e-3 * gscale) & (
        jump > noise1
    )
    suspect = (fail & (jump >= 0.5 * err) & (jump > noise1)) | big_jump
    rows = np.flatnonzero(suspect.any(axis=1))
    kink = np.zeros_like(suspect)
    if rows.size:
        h2 = steps(x0, eps / KINK_SHRINK)[rows]
        fp2, fm2, mp2, mm2 = ev.coordinate_differences(h2, indices=rows)
        hh2 = h2[:, None]
        central2 = (fp2 - fm2) / (2.0 * hh2)
        jump2 = np.abs((fp2 - f0) / hh2 - (f0 - fm2) / hh2)
        noise12 = NOISE_FACTOR * MACHINE_EPS * (np.maximum(mp2, mm2) + mag0) / hh2
        is_kink = suspect[rows] & (jump2 > 0.5 * jump[rows]) & (jump2 > 4.0 * noise12)
        smooth = suspect[rows] & ~is_kink
        kink[rows] = is_kink
        # where no kink is left within the smaller step, its central difference is the better estimate
        sub_c = central[rows]
        sub_n = noise[rows]
        sub_c[smooth] = central2[smooth]
        sub_n[smooth] = (NOISE_FACTOR * MACHINE_EPS * (mp2 + mm2) / (2.0 * hh2))[smooth]
        central[rows] = sub_c
        noise[rows] = sub_n
        err = np.abs(a - central)
        tol = rtol * np.maximum(np.abs(a), np.abs(central)) + noise + atol
        fail = err > tol
    fail &= ~kink
    return central, err, tol, fail, kink


def _finish_full(kind, ev, x0, a_nm, to_user, index_of, central, err, tol, fail, kink,
                 rtol, atol, max_report, notes, name):
    rel = _rel(err, a_nm, central)
    counted = ~kink
    max_abs = float(np.max(err[counted], initial=0.0))
    max_rel = float(np.max(rel[counted], initial=0.0))
    score = np.where(counted, err / np.where(tol > 0, tol, np.finfo(float).tiny), -1.0)
    ratio = float(np.max(score, initial=0.0))
    order = np.argsort(-score, axis=None, kind="stable")
    worst = []
    shown = order[: max_report] if fail.any() else order[: min(max_report, 3)]
    for flat in shown:
        i, k = np.unravel_index(flat, score.shape)
        if not counted[i, k]:
            continue
        if fail.any() and not fail[i, k]:
            break
        worst.append((index_of(i, k), float(central[i, k]), float(a_nm[i, k]), float(err[i, k]),
                      float(rel[i, k])))
    kinks = [index_of(i, k) for i, k in zip(*np.nonzero(kink))]
    if kinks:
        shown_k = ", ".join(_format_index(k) for k in kinks[:5]) + (" ..." if len(kinks) > 5 else "")
        notes.append(
            f"{len(kinks)} entr{'y' if len(kinks) == 1 else 'ies'} where f is not differentiable "
            f"within the step (a kink: the one-sided differences disagree) left out of the "
            f"verdict: {shown_k}"
        )
    if fail.any():
        notes.append(f"{int(fail.sum())} of {int(counted.sum())} compared entries are outside the tolerance")
    return CheckResult(
        kind=kind, mode="full", passed=not fail.any(), numerical=to_user(central),
        analytic=to_user(a_nm), max_abs_error=max_abs, max_rel_error=max_rel, error_ratio=ratio,
        worst=worst,
        kinks=kinks, n_calls=ev.calls, rtol=rtol, atol=atol, notes=notes, name=name,
    )


# ---------------------------------------------------------------------------
# fast mode


class _Fast:
    """Directional checks along seeded random directions, with bisection localisation."""

    def __init__(self, ev, x0, eps, a_nm, rtol, atol):
        self.ev = ev
        self.x0 = x0
        self.flat = x0.reshape(-1)
        self.t = eps
        self.a = a_nm  # (n, m)
        self.rtol = rtol
        self.atol = atol
        self.f0 = np.asarray(ev.value0, dtype=np.float64).reshape(-1)
        self.mag0 = np.asarray(ev.mag0, dtype=np.float64).reshape(-1)

    def _point(self, u, t):
        return (self.flat + t * u).reshape(self.x0.shape)

    def _pair(self, u, t, where):
        xp = self._point(u, t)
        xm = self._point(u, -t)
        vp, mp = self.ev.at(xp, where)
        vm, mm = self.ev.at(xm, where)
        disp = (xp - xm).reshape(-1) / (2.0 * t)  # the step actually taken, per unit t
        vp = np.atleast_1d(vp)
        vm = np.atleast_1d(vm)
        numerical = (vp - vm) / (2.0 * t)
        analytic = disp @ self.a
        noise = NOISE_FACTOR * MACHINE_EPS * (np.atleast_1d(mp) + np.atleast_1d(mm)) / (2.0 * t)
        scale = np.abs(disp) @ np.abs(self.a)
        return vp, vm, np.atleast_1d(mp), np.atleast_1d(mm), numerical, analytic, noise, scale, disp

    def _richardson(self, u, where, levels):
        """Extrapolated discrepancy along u from steps t, 2t (and 4t if levels == 3)."""
        t = self.t
        pairs = [self._pair(u, t * 2.0**level, where) for level in range(levels)]
        e = [p[4] - p[5] for p in pairs]  # numerical - analytic, per step
        r1 = (4.0 * e[0] - e[1]) / 3.0  # Richardson: the step**2 term cancels
        if levels == 3:
            r2 = (4.0 * e[1] - e[2]) / 3.0
            trunc = np.abs(r1 - r2)  # about 15 times the error left in r1
        else:
            trunc = np.abs(e[0] - e[1])  # about 3 times the error of e[0]; r1 is better
        _, _, _, _, _, analytic, noise, scale, disp = pairs[0]
        tol_extra = 2.0 * noise + trunc + self.atol * np.abs(disp).sum()
        return pairs, r1, analytic, scale, disp, tol_extra

    def direction(self, u, k):
        """Check along u: (numerical, analytic, |error|, tolerance, smooth)."""
        t = self.t
        pairs, err, analytic, scale, _, tol_extra = self._richardson(
            u, f"along random direction {k}", 3)
        tol = self.rtol * scale + tol_extra
        # kink test: for a smooth f the gap between one-sided slopes grows like the step
        # (checked between t and 2t, and between 2t and 4t, since all three steps are used)
        jumps = []
        for level, pair in enumerate(pairs):
            step = t * 2.0**level
            vp, vm = pair[0], pair[1]
            jumps.append(np.abs((vp - self.f0) / step - (self.f0 - vm) / step))
        mp1, mm1 = pairs[0][2], pairs[0][3]
        noise_j = NOISE_FACTOR * MACHINE_EPS * (np.maximum(mp1, mm1) + self.mag0) / t
        smooth = np.ones(jumps[0].shape, dtype=bool)
        for small, large in zip(jumps[:-1], jumps[1:]):
            smooth &= np.abs(large - 2.0 * small) <= 0.25 * large + 8.0 * noise_j
        return analytic + err, analytic, np.abs(err), tol, bool(np.all(smooth))

    def block(self, u, lo, hi):
        """Discrepancy of the block [lo, hi) of u along the same direction (4 calls)."""
        ub = np.zeros_like(u)
        ub[lo:hi] = u[lo:hi]
        where = f"while localising entries {lo}..{hi - 1} (flat)"
        _, err, analytic, scale, disp, tol_extra = self._richardson(ub, where, 2)
        numerical = analytic + err
        if hi - lo == 1:
            # a lone coordinate has no cancellation: judge it like the full check does
            tol = RTOL_FULL * np.maximum(np.abs(numerical), np.abs(analytic)) + tol_extra
        else:
            tol = self.rtol * scale + tol_extra
        return numerical, analytic, disp, tol

    def localise(self, u, max_report, budget):
        """Bisect the coordinates to find entries whose analytic value is wrong."""
        n = self.flat.size
        found = []
        stack = [(0, n)]
        start = self.ev.calls
        exhausted = False
        lost = False
        while stack and len(found) < max_report:
            lo, hi = stack.pop()
            if hi - lo == 1:
                numerical, analytic, disp, tol = self.block(u, lo, hi)
                if np.any(np.abs(numerical - analytic) > tol):
                    found.append((lo, numerical / disp[lo], analytic / disp[lo]))
                continue
            if self.ev.calls - start + 8 > budget:
                exhausted = True
                break
            mid = (lo + hi) // 2
            children = []
            for c_lo, c_hi in ((lo, mid), (mid, hi)):
                if c_hi - c_lo == 1:
                    children.append((0.0, c_lo, c_hi, True))
                    continue
                numerical, analytic, _, tol = self.block(u, c_lo, c_hi)
                gap = np.abs(numerical - analytic)
                if np.any(gap > tol):
                    children.append((float(np.max(gap / np.maximum(tol, 1e-300))), c_lo, c_hi, False))
            if not children:
                lost = True
            # visit the worst child first (the stack pops the last item)
            for _, c_lo, c_hi, _ in sorted(children, key=lambda c: c[0]):
                stack.append((c_lo, c_hi))
        return found, exhausted, lost


def _fast(kind, ev, x0, eps, a_nm, rtol, atol, directions, seed, max_report, index_of_entry,
          out_shape, notes, name):
    n = x0.size
    rng = np.random.default_rng(seed)
    scale_x = np.maximum(1.0, np.abs(x0.reshape(-1)))
    fast = _Fast(ev, x0, eps, a_nm, rtol, atol)
    rows = []
    nums, anas = [], []
    failed = []
    ratio = 0.0
    for k in range(directions):
        v = rng.standard_normal(n)
        v /= np.max(np.abs(v))
        u = v * scale_x
        numerical, analytic, err, tol, smooth = fast.direction(u, k)
        if not smooth:
            return None, k
        ok = bool(np.all(err <= tol))
        ratio = max(ratio, float(np.max(err / np.maximum(tol, np.finfo(float).tiny))))
        nums.append(numerical)
        anas.append(analytic)
        if kind == "jacobian":
            rows.append((k, float(np.linalg.norm(numerical)), float(np.linalg.norm(analytic)),
                         float(np.linalg.norm(err)), float(np.linalg.norm(tol)), ok))
        else:
            rows.append((k, float(numerical[0]), float(analytic[0]), float(err[0]), float(tol[0]), ok))
        if not ok:
            failed.append((k, u, float(np.max(err / np.maximum(tol, 1e-300)))))
    nums = np.array(nums)
    anas = np.array(anas)
    errs = np.abs(nums - anas)
    max_abs = float(np.max(errs))
    max_rel = float(np.max(_rel(errs, anas, nums)))
    worst = []
    if failed:
        k, u, ratio = max(failed, key=lambda item: item[2])
        notes.append(
            "direction(s) {} failed; the worst, direction {}, is off by {:.3g} times its tolerance".format(
                ", ".join(str(item[0]) for item in failed), k, ratio
            )
        )
        found, exhausted, lost = fast.localise(u, max_report, budget=max(2 * n, 64))
        for j, num_col, ana_col in found:
            if kind == "jacobian":
                gap = np.abs(num_col - ana_col)
                for o in np.argsort(-gap, kind="stable")[:max_report]:
                    if gap[o] > RTOL_FULL * max(abs(num_col[o]), abs(ana_col[o])):
                        worst.append((index_of_entry(j, int(o)), float(num_col[o]), float(ana_col[o]),
                                      float(gap[o]), float(_rel(gap[o], ana_col[o], num_col[o]))))
            else:
                gap = abs(float(num_col[0]) - float(ana_col[0]))
                worst.append((index_of_entry(j, 0), float(num_col[0]), float(ana_col[0]), gap,
                              float(_rel(gap, ana_col[0], num_col[0]))))
        worst = sorted(worst, key=lambda entry: -entry[3])[:max_report]
        if found:
            notes.append(
                f"bisection located {len(found)} wrong entr{'y' if len(found) == 1 else 'ies'} of x"
                + (" (stopped at max_report; there may be more)" if len(found) >= max_report else "")
            )
        if exhausted:
            notes.append("bisection stopped: its budget of max(2n, 64) calls ran out; run the full check")
        elif lost:
            notes.append("bisection lost the error (errors in several entries cancel); run the full check")
    shape = (directions,) + (out_shape if kind == "jacobian" else ())
    return CheckResult(
        kind=kind, mode="fast", passed=not failed, numerical=nums.reshape(shape),
        analytic=anas.reshape(shape), max_abs_error=max_abs, max_rel_error=max_rel,
        error_ratio=ratio, worst=worst,
        kinks=[], n_calls=ev.calls, rtol=rtol, atol=atol, notes=notes, directions=rows, name=name,
    ), None


# ---------------------------------------------------------------------------
# the engine


def _run(kind, f, value, x, upstream, mode, seed, eps, rtol, atol, directions, max_report, name):
    mode = _check_mode(mode)
    eps = check_eps(eps)
    atol = _check_tol(atol, "atol", 0.0)
    directions = _check_count(directions, "directions")
    max_report = _check_count(max_report, "max_report")
    if isinstance(seed, bool) or not (seed is None or isinstance(seed, numbers.Integral)):
        raise TypeError(f"seed must be an integer, got {type(seed).__name__}")
    x0 = as_float64_input(x, stacklevel=4)
    if x0.size == 0:
        raise ValueError(f"x has shape {x0.shape} and no entries: there is nothing to check")
    ev = Evaluator(f, x0, {"gradient": "scalar", "jacobian": "array", "vjp": "vjp"}[kind],
                   upstream=upstream)
    out_shape = ev.out_shape
    n = x0.size
    if kind == "jacobian":
        a = _analytic(value, x0, out_shape + x0.shape, "Jacobian")
        a_nm = a.reshape(ev.m, n).T.copy()

        def to_user(arr):
            return np.ascontiguousarray(arr.T).reshape(out_shape + x0.shape)

        def index_of(i, k):
            return _index(out_shape, k) + _index(x0.shape, i)
    else:
        a = _analytic(value, x0, x0.shape, "gradient" if kind == "gradient" else "VJP")
        a_nm = a.reshape(n, 1)

        def to_user(arr):
            return arr.reshape(x0.shape)

        def index_of(i, k):
            return _index(x0.shape, i)

    notes = []
    if mode == "fast":
        r_fast = _check_tol(rtol, "rtol", RTOL_FAST)
        result, kink_direction = _fast(kind, ev, x0, eps, a_nm, r_fast, atol, directions, seed,
                                       max_report, index_of, out_shape, notes, name)
        if result is not None:
            return result
        notes.append(
            f"fast mode met a kink along random direction {kink_direction} (f is not "
            f"differentiable within the step); fell back to the full check"
        )
    r_full = _check_tol(rtol, "rtol", RTOL_FULL)
    central, err, tol, fail, kink = _full(ev, x0, eps, a_nm, r_full, atol)
    return _finish_full(kind, ev, x0, a_nm, to_user, index_of, central, err, tol, fail, kink,
                        r_full, atol, max_report, notes, name)


_COMMON_PARAMETERS = """
    mode : str, optional
        ``"full"`` (default) compares every entry (``2 n + 1`` calls of ``f``
        for ``n`` entries of ``x``, plus 2 per suspected kink). ``"fast"``
        compares directional derivatives along ``directions`` seeded random
        directions (``6 * directions + 1`` calls) and, if one fails, locates
        wrong entries by bisection.
    seed : int, optional
        Seed of the random directions of the fast mode (default 0): the same
        seed gives the same directions and the same result.
    eps : float, optional
        Relative step: entry ``i`` moves by ``eps * max(1, |x_i|)``; default
        about 6e-6, the cube root of the float64 machine epsilon.
    rtol : float, optional
        Relative tolerance; default 1e-5 in full mode and 1e-9 (relative to
        ``sum_i |a_i u_i|`` for a direction ``u``) in fast mode.
    atol : float, optional
        Extra absolute tolerance per entry (default 0).
    directions : int, optional
        Number of random directions in fast mode (default 3).
    max_report : int, optional
        How many entries to list in ``worst`` (default 5).
    name : str, optional
        A name shown in the result's repr."""


def check_gradient(f, grad, x, *, mode="full", seed=0, eps=None, rtol=None, atol=0.0,
                   directions=3, max_report=5, name=None):
    """Check the gradient of a scalar function against central differences.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a real scalar (a float, a 0-d array, or a
        ``mathnotes.Value``), computed in float64.
    grad : array_like or callable
        The analytic gradient at ``x``, shaped like ``x`` (a gradient has the
        shape of the variable), or a callable returning it from ``x``.
    x : array_like
        The point. Integers are computed in float64; float32 is checked in
        float64 with a warning. ``x`` is never modified.
    {common}

    Returns
    -------
    CheckResult
        Truthy iff the check passed; its repr lists the worst entries and
        any kinks.

    Raises
    ------
    ValueError
        If ``f`` is not scalar, ``grad`` has the wrong shape, or a value
        from ``f`` or in ``grad`` is NaN or inf.
    TypeError
        If an argument is not real-valued, ``f`` is not callable, or ``f``
        computes in float32.

    Notes
    -----
    An entry passes when ``|a - n| <= rtol * max(|a|, |n|) + noise + atol``,
    where ``a`` is the analytic and ``n`` the numerical value and ``noise``
    is the rounding error of the central difference,
    ``64 * eps64 * (|f(x + h)| + |f(x - h)|) / (2 h)``. Every term scales
    with ``f``, so ``c * f`` gets the same verdict for any ``c != 0``. With
    the default ``rtol = 1e-5`` a correct float64 gradient passes (central
    differences are accurate to about 1e-10 relative) while an entry that is
    off by 0.1 % fails, unless that entry is smaller than the rounding noise.

    Examples
    --------
    >>> import numpy as np
    >>> import mathnotes as mn
    >>> A = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> x = np.array([1.0, -1.0])
    >>> bool(mn.check_gradient(lambda v: v @ A @ v, 2 * A @ x, x))
    True
    >>> # the factor 2 is missing:
    >>> bool(mn.check_gradient(lambda v: v @ A @ v, A @ x, x))
    False
    """
    return _run("gradient", f, grad, x, None, mode, seed, eps, rtol, atol, directions,
                max_report, name)


def check_jacobian(f, jac, x, *, mode="full", seed=0, eps=None, rtol=None, atol=0.0,
                   directions=3, max_report=5, name=None):
    """Check the (generalized) Jacobian of an array function against central differences.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a real array whose shape does not depend on ``x``.
    jac : array_like or callable
        The analytic Jacobian at ``x`` in numerator layout, of shape
        ``f(x).shape + x.shape``, or a callable returning it from ``x``.
    x : array_like
        The point; treated as in :func:`check_gradient`.
    {common}

    Returns
    -------
    CheckResult
        Truthy iff the check passed. Indices in ``worst`` and ``kinks``
        index the Jacobian: output index followed by input index.

    Raises
    ------
    ValueError
        If ``jac`` has the wrong shape (the message says when it is the
        transpose) or a value is NaN or inf.
    TypeError
        If an argument is not real-valued or ``f`` computes in float32.

    Notes
    -----
    Each Jacobian entry is judged like a gradient entry in
    :func:`check_gradient`, with the rounding noise of its own output entry.

    Examples
    --------
    >>> import numpy as np
    >>> import mathnotes as mn
    >>> x = np.array([0.5, -1.0, 2.0])
    >>> bool(mn.check_jacobian(np.tanh, np.diag(1 - np.tanh(x) ** 2), x))
    True
    """
    return _run("jacobian", f, jac, x, None, mode, seed, eps, rtol, atol, directions,
                max_report, name)


def check_vjp(f, vjp, x, upstream, *, mode="full", seed=0, eps=None, rtol=None, atol=0.0,
              directions=3, max_report=5, name=None):
    """Check a vector-Jacobian product (a layer's backward) against central differences.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a real array (a layer's forward pass as a function
        of one of its inputs).
    vjp : array_like or callable
        What the backward pass returned for the upstream gradient
        ``upstream``: the gradient of ``sum(upstream * f(x))``, shaped like
        ``x``; or a callable returning it from ``x``.
    x : array_like
        The point; treated as in :func:`check_gradient`.
    upstream : array_like
        The gradient of the loss with respect to ``f(x)``, shaped like
        ``f(x)``.
    {common}

    Returns
    -------
    CheckResult
        Truthy iff the check passed.

    Raises
    ------
    ValueError
        If ``upstream`` is not shaped like ``f(x)``, ``vjp`` is not shaped
        like ``x``, or a value is NaN or inf.
    TypeError
        If an argument is not real-valued or ``f`` computes in float32.

    Notes
    -----
    The rounding noise is estimated from ``sum(|upstream| * |f(x +- h)|)``,
    not from the (possibly cancelling) sum itself.

    Examples
    --------
    >>> import numpy as np
    >>> import mathnotes as mn
    >>> W = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> x = np.array([0.5, -0.5])
    >>> dy = np.array([1.0, -1.0, 2.0])
    >>> bool(mn.check_vjp(lambda v: W @ v, W.T @ dy, x, dy))
    True
    """
    return _run("vjp", f, vjp, x, upstream, mode, seed, eps, rtol, atol, directions,
                max_report, name)


def check_arguments(f, args, grads, *, upstream=None, mode="full", seed=0, eps=None, rtol=None,
                    atol=0.0, directions=3, max_report=5):
    """Check the derivatives of a function with respect to several of its arguments at once.

    Saves writing one lambda per argument when checking a layer's weights,
    bias and input.

    Parameters
    ----------
    f : callable
        Called as ``f(**args)`` if ``args`` is a dict, else ``f(*args)``.
        Returns a scalar, or an array when ``upstream`` is given.
    args : dict or list
        The arguments: name to array, or arrays in order. They are not
        modified.
    grads : dict, list or callable
        The analytic gradients (or VJPs when ``upstream`` is given), with the
        same keys or order as ``args``; each shaped like its argument. A
        missing key or a ``None`` skips that argument. A callable is called
        like ``f`` and must return that dict or sequence.
    upstream : array_like, optional
        If given, ``f`` returns an array and each gradient is checked as a
        VJP with this upstream gradient (see :func:`check_vjp`).
    mode : str, optional
        ``"full"`` (default) compares every entry of every argument;
        ``"fast"`` compares directional derivatives, as in
        :func:`check_gradient`.
    seed : int, optional
        Seed of the fast mode's random directions (default 0); the argument
        at position ``k`` of ``args`` uses ``seed + k``.
    eps : float, optional
        Relative step: entry ``i`` of an argument moves by
        ``eps * max(1, |x_i|)``; default the cube root of the float64
        machine epsilon.
    rtol : float, optional
        Relative tolerance of each check; default 1e-5 in full mode and
        1e-9 in fast mode.
    atol : float, optional
        Extra absolute tolerance per entry (default 0).
    directions : int, optional
        Number of random directions per argument in fast mode (default 3).
    max_report : int, optional
        How many entries each argument's result lists in ``worst``
        (default 5).

    Returns
    -------
    CheckReport
        A dict from argument name (its position for a sequence) to its
        :class:`CheckResult`; truthy iff all passed.

    Raises
    ------
    TypeError
        If ``args`` and ``grads`` do not have the same structure.

    Examples
    --------
    >>> import numpy as np
    >>> import mathnotes as mn
    >>> X = np.array([[1.0, 2.0], [3.0, -1.0]])
    >>> W = np.array([[0.5], [-0.5]])
    >>> b = np.array([0.1])
    >>> def loss(X, W, b):
    ...     return 0.5 * np.sum((X @ W + b) ** 2)
    >>> dY = X @ W + b
    >>> grads = {"X": dY @ W.T, "W": X.T @ dY, "b": dY.sum(axis=0)}
    >>> report = mn.check_arguments(loss, {"X": X, "W": W, "b": b}, grads)
    >>> bool(report), sorted(report)
    (True, ['W', 'X', 'b'])
    """
    if isinstance(args, dict):
        names = list(args)
        values = dict(args)

        def call(current):
            return f(**current)
    elif isinstance(args, (list, tuple)):
        names = list(range(len(args)))
        values = dict(enumerate(args))

        def call(current):
            return f(*[current[k] for k in names])
    else:
        raise TypeError(f"args must be a dict or a sequence of arrays, got {type(args).__name__}")
    if callable(grads):
        grads = grads(**args) if isinstance(args, dict) else grads(*args)
    if isinstance(args, dict):
        if not isinstance(grads, dict):
            raise TypeError("args is a dict, so grads must be a dict with the same keys")
        unknown = set(grads) - set(names)
        if unknown:
            raise TypeError(f"grads has keys that are not arguments: {sorted(map(str, unknown))}")
        grad_of = {k: grads.get(k) for k in names}
    else:
        if not isinstance(grads, (list, tuple)) or len(grads) != len(names):
            raise TypeError(f"args has {len(names)} arguments, so grads must be a sequence of {len(names)}")
        grad_of = dict(enumerate(grads))
    report = CheckReport()
    for position, key in enumerate(names):
        if grad_of[key] is None:
            continue

        def partial(v, key=key):
            current = dict(values)
            current[key] = v
            return call(current)

        common = dict(mode=mode, seed=None if seed is None else seed + position, eps=eps, rtol=rtol,
                      atol=atol, directions=directions, max_report=max_report, name=str(key))
        if upstream is None:
            report[key] = check_gradient(partial, grad_of[key], values[key], **common)
        else:
            report[key] = check_vjp(partial, grad_of[key], values[key], upstream, **common)
    return report


for _function in (check_gradient, check_jacobian, check_vjp):
    _function.__doc__ = _function.__doc__.replace("    {common}", _COMMON_PARAMETERS.strip("\n"))
del _function
