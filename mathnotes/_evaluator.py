"""Calls of ``f`` at perturbed copies of a point, with the checks that make their results trustworthy.

:class:`Evaluator` is shared by the numerical derivatives (:mod:`mathnotes.numdiff`)
and the gradient checks (:mod:`mathnotes.gradcheck`). It works on a private
float64 copy of the point, so the caller's array is never modified, even when
``f`` raises half-way through, and every message names the argument being
varied (``x`` unless the caller gives another name).

This module imports only NumPy.
"""

import math
import warnings

import numpy as np

from mathnotes._validate import function, real

#: float64 machine epsilon
MACHINE_EPS = float(np.finfo(np.float64).eps)
#: default relative step for central differences: cbrt(machine epsilon)
DEFAULT_EPS = MACHINE_EPS ** (1.0 / 3.0)


def entry_index(shape, flat_index):
    """The index tuple of a flat position (``()`` for a scalar)."""
    if not shape:
        return ()
    return tuple(int(i) for i in np.unravel_index(flat_index, shape))


def format_index(index):
    """``[1, 2]`` for ``(1, 2)``; ``[()]`` for a scalar."""
    return "[" + ", ".join(str(i) for i in index) + "]" if index else "[()]"


def first_non_finite(array):
    """``(value, index)`` of the first NaN or infinity in ``array``, or None if all are finite."""
    flat = np.asarray(array).ravel()
    if np.isfinite(flat).all():
        return None
    bad = np.flatnonzero(~np.isfinite(flat))
    return flat[bad[0]], entry_index(np.shape(array), int(bad[0]))


def as_float64_input(x, name="x", *, stacklevel=3):
    """A float64 copy of the point ``x`` after checking its type and values.

    Integers and booleans are converted silently (a perturbation of an integer
    array would be rounded away). Lower-precision floats are converted with a
    warning that names the argument. Complex or non-numeric input raises
    ``TypeError``; NaN or infinity raises ``ValueError``. An array with no
    entries is returned as it is: what to do with it is the caller's decision.
    """
    if type(x) is np.ndarray and x.dtype == np.float64:  # the common case, checked cheaply
        out = x.copy()
        if np.isfinite(out).all():
            return out
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a number or an array of real numbers, got {type(x).__name__}")
    original = np.asarray(x)
    kind = original.dtype.kind
    if kind == "c":
        raise TypeError(
            f"{name} is complex ({original.dtype}); these checks are for real-valued arguments. "
            f"Check the real and imaginary parts as two real arrays."
        )
    if kind not in "biuf":
        raise TypeError(
            f"{name} must be an array of real numbers, got dtype {original.dtype} "
            f"(for example a ragged list or objects); pass np.asarray({name}, dtype=np.float64)"
        )
    if kind == "f" and original.dtype != np.float64:
        warnings.warn(
            f"{name} has dtype {original.dtype}; it is checked in float64 because finite "
            f"differences in {original.dtype} are too inaccurate to judge a gradient. "
            f"Pass {name}.astype(np.float64) to silence this warning.",
            UserWarning,
            stacklevel=stacklevel,
        )
    out = np.array(original, dtype=np.float64, copy=True)
    found = first_non_finite(out)
    if found:
        value, index = found
        raise ValueError(
            f"{name} contains a non-finite value ({value}) at {format_index(index)}; "
            "derivatives need a finite point"
        )
    return out


def relative_step(eps):
    """The relative step: ``DEFAULT_EPS`` for ``None``, else a number in (0, 1)."""
    if eps is None:
        return DEFAULT_EPS
    eps = real(eps, "eps", minimum=0, strict=True)
    if eps >= 1:
        raise ValueError(f"eps must be a relative step below 1, got {eps!r}")
    return eps


def steps(x, eps):
    """Steps ``h_i = eps * max(1, |x_i|)`` made exact: ``(x + h) - x == h``."""
    flat = x.ravel()
    h = eps * np.maximum(1.0, np.abs(flat))
    return (flat + h) - flat


def function_output(out, *, scalar, where):
    """``out`` as float64 (a float if ``scalar``), with clear errors for bad types."""
    if hasattr(out, "data") and not isinstance(out, (np.ndarray, np.generic)):
        out = out.data  # a mathnotes.Value (or anything that keeps its value in .data)
    arr = np.asarray(out)
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError(f"f returned a complex value {where}; f must be real-valued")
    if kind not in "biuf":
        raise TypeError(f"f must return numbers, but returned {type(out).__name__} {where}")
    if kind == "f" and arr.dtype.itemsize < 8:
        raise TypeError(
            f"f returned {arr.dtype} values {where}: finite differences need f computed in "
            f"float64. Cast what f uses to float64 (for example W.astype(np.float64))."
        )
    if scalar and arr.ndim != 0:
        raise ValueError(
            f"f must return a scalar to take its gradient, but returned an array of shape "
            f"{arr.shape} {where}. Reduce it (for example .sum()), or use numerical_jacobian / "
            f"check_jacobian, or numerical_vjp / check_vjp with an upstream gradient."
        )
    return arr.astype(np.float64, copy=False)


_FLOATS = (float, np.float64)
_FLOAT_TYPES = frozenset(_FLOATS)


class Evaluator:
    """Calls ``f`` on perturbed copies of the point ``x`` (named ``name``) and records the values.

    ``kind`` is ``"scalar"`` (one value per call), ``"array"`` (an array of
    fixed shape per call) or ``"vjp"`` (``sum(upstream * f(x))`` per call).
    With each value comes its magnitude, the size of the terms it is made of,
    used to estimate rounding noise. ``calls`` counts the calls of ``f``.
    """

    def __init__(self, f, x, kind, upstream=None, name="x"):
        if not callable(f):
            function(f, "f", takes=name)  # raises, naming what f is called with
        self.f = f
        self.x = x
        self.name = name
        self.kind = kind
        self.calls = 0
        self.work = x.copy()
        where = f"at the given {name}"
        try:
            raw0 = self._call(self.work)
        except Exception as error:
            error.add_note(f"(raised by f {where}; your {name} is unchanged)")
            raise
        self._check_unchanged()
        #: f returned a float at x: its values along the coordinates are type-checked after the loop
        self.plain = kind == "scalar" and type(raw0) in _FLOATS
        if self.plain:  # the common case, checked cheaply
            out0 = np.float64(raw0)
        else:
            out0 = function_output(raw0, scalar=(kind == "scalar"), where=where)
        self.out_shape = out0.shape
        found = None if self.plain and math.isfinite(raw0) else first_non_finite(out0)
        if found:
            value, index = found
            raise ValueError(
                f"f returned a non-finite value ({value}) {where}"
                + (f", output entry {format_index(index)}" if index else "")
                + "; check the other inputs of f for NaN or infinity"
            )
        if kind == "vjp":
            up = np.asarray(upstream)
            if up.dtype.kind not in "biuf":
                raise TypeError(f"upstream must be an array of real numbers, got dtype {up.dtype}")
            up = np.array(up, dtype=np.float64)
            if up.shape != out0.shape:
                raise ValueError(
                    f"upstream has shape {up.shape} but f({name}) has shape {out0.shape}; "
                    f"the upstream gradient must be shaped like f's output"
                )
            found = first_non_finite(up)
            if found:
                raise ValueError(f"upstream contains a non-finite value ({found[0]}) at "
                                 f"{format_index(found[1])}")
            self.upstream = up
            self.abs_upstream = np.abs(up)
            self.value0 = float(np.vdot(up, out0))
            self.mag0 = float(np.vdot(self.abs_upstream, np.abs(out0)))
            self.m = 1
        elif kind == "array":
            self.value0 = out0.ravel().copy()
            self.mag0 = np.abs(self.value0)
            self.m = out0.size
        else:
            self.value0 = float(out0)
            self.mag0 = abs(self.value0)
            self.m = 1

    def _call(self, arg):
        self.calls += 1
        return self.f(arg)

    def convert(self, out, where):
        """(value, magnitude) of one output of f."""
        if self.kind == "scalar":
            v = float(out) if type(out) in _FLOATS else float(function_output(out, scalar=True, where=where))
            return v, abs(v)
        arr = function_output(out, scalar=False, where=where)
        if arr.shape != self.out_shape:
            raise ValueError(
                f"f returned shape {arr.shape} {where} but shape {self.out_shape} at the given "
                f"{self.name}; the output shape must not depend on the values of {self.name}"
            )
        if self.kind == "vjp":
            return float(np.vdot(self.upstream, arr)), float(np.vdot(self.abs_upstream, np.abs(arr)))
        flat = arr.ravel()
        return flat, np.abs(flat)

    def at(self, point, where):
        """Value and magnitude of f at ``point`` (an array shaped like x)."""
        self.work[...] = point
        try:
            out = self._call(self.work)
            value, mag = self.convert(out, where)
            if isinstance(value, np.ndarray):
                value = value.copy()  # f may return a view of its argument
        except Exception as error:
            error.add_note(f"(raised by f {where}; your {self.name} is unchanged)")
            raise
        finally:
            self.work[...] = self.x  # the working copy holds x between calls
        if not np.all(np.isfinite(value)):
            raise ValueError(
                f"f returned a non-finite value {where}; a derivative needs f finite "
                f"within the step. Use a smaller eps or a point farther from the singularity."
            )
        return value, mag

    def coordinate_differences(self, h, indices=None):
        """f at x + h_i e_i and x - h_i e_i for the entries ``indices`` (all by default).

        Returns ``(fp, fm, mp, mm)``: values and magnitudes, first axis over
        the entries, second over the outputs (length ``m``).
        """
        flat = self.work.reshape(-1)  # holds x between calls
        x0 = self.x.reshape(-1)
        x_list = x0.tolist()  # Python floats: cheaper to index and add than NumPy scalars
        h_list = np.asarray(h, dtype=np.float64).tolist()
        if indices is None:
            index_list = range(x0.size)
        else:
            index_list = [int(i) for i in indices]
            x_list = [x_list[i] for i in index_list]
        count = len(index_list)
        plus, minus = [], []  # what each side has done so far: an error names its entry
        try:
            if self.kind != "scalar":
                fp, fm, mp, mm = self._array_loop(flat, index_list, x_list, h_list, plus, minus)
                finite = np.isfinite(fp).all() and np.isfinite(fm).all()
            else:
                # the common case, kept lean: the floor is 2n calls of f
                if self.plain:
                    self._scalar_loop(flat, index_list, x_list, h_list, plus, minus, check=False)
                both = plus + minus
                if not (self.plain and _FLOAT_TYPES.issuperset(map(type, both))):
                    # f does not return floats: convert each value as it comes
                    self.calls += 2 * len(minus)
                    plus.clear()
                    minus.clear()
                    self._scalar_loop(flat, index_list, x_list, h_list, plus, minus, check=True)
                    both = plus + minus
                values = np.array(both, dtype=np.float64)
                finite = np.isfinite(values).all()
                values = values.reshape(2, count, 1)
                mags = np.abs(values)
                fp, fm, mp, mm = values[0], values[1], mags[0], mags[1]
        except Exception as error:
            flat[...] = x0
            position = len(minus)  # entries done; the failing call is + if both sides are done
            where = f"at {self.name} {'+' if len(plus) == position else '-'} h e_i"
            error.add_note(
                f"(raised {where} for entry i = "
                f"{format_index(entry_index(self.x.shape, index_list[position]))} "
                f"of {self.name}; your {self.name} is unchanged)"
            )
            raise
        finally:
            self.calls += 2 * count
        self._check_unchanged()
        if not finite:
            bad = ~(np.isfinite(fp) & np.isfinite(fm))
            row = int(np.flatnonzero(bad.any(axis=1))[0])
            side = "+" if not np.all(np.isfinite(fp[row])) else "-"
            raise ValueError(
                f"f returned a non-finite value at {self.name} {side} h e_i for entry i = "
                f"{format_index(entry_index(self.x.shape, index_list[row]))} of {self.name} "
                f"(step h = {h_list[row]:.3g}); a central difference needs f finite within the "
                f"step. Use a smaller eps or a point farther from the singularity."
            )
        return fp, fm, mp, mm

    def _check_unchanged(self):
        """Raise if f changed the array it was given (the working copy must hold x again)."""
        # bytes first (cheap), values only when they differ: -0.0 may have become 0.0
        if self.work.tobytes() != self.x.tobytes() and not np.array_equal(self.work, self.x):
            self.work[...] = self.x
            raise ValueError(
                f"f changed the array it was given (an in-place operation on {self.name}); "
                f"f must not modify its argument, or the finite differences are wrong"
            )

    def _scalar_loop(self, flat, index_list, x_list, h_list, plus, minus, check):
        """Values of a scalar f at x +- h_i e_i, appended to ``plus`` and ``minus``.

        With ``check`` each value is converted as it comes (an array f returns
        may be a view of its argument); without, values are stored as returned.
        """
        f, work, convert = self.f, self.work, self.convert
        cell = memoryview(flat)  # item assignment of a Python float, cheaper than NumPy's
        add_plus, add_minus = plus.append, minus.append
        try:
            if not check:
                for i, xi, hi in zip(index_list, x_list, h_list):
                    cell[i] = xi + hi
                    add_plus(f(work))
                    cell[i] = xi - hi
                    add_minus(f(work))
                    cell[i] = xi
                return
            at_plus, at_minus, floats = f"at {self.name} + h e_i", f"at {self.name} - h e_i", _FLOATS
            for i, xi, hi in zip(index_list, x_list, h_list):
                cell[i] = xi + hi
                out = f(work)
                add_plus(out if type(out) in floats else convert(out, at_plus)[0])
                cell[i] = xi - hi
                out = f(work)
                add_minus(out if type(out) in floats else convert(out, at_minus)[0])
                cell[i] = xi
        finally:
            cell.release()

    def _array_loop(self, flat, index_list, x_list, h_list, plus, minus):
        """Values and magnitudes of an array or VJP f at x +- h_i e_i, as ``(fp, fm, mp, mm)``."""
        f, work, convert = self.f, self.work, self.convert
        at_plus, at_minus = f"at {self.name} + h e_i", f"at {self.name} - h e_i"
        count = len(index_list)
        fp, fm = np.empty((count, self.m)), np.empty((count, self.m))
        mp, mm = np.empty((count, self.m)), np.empty((count, self.m))
        for position, (i, xi, hi) in enumerate(zip(index_list, x_list, h_list)):
            flat[i] = xi + hi
            fp[position], mp[position] = convert(f(work), at_plus)  # copied: f may return a view
            plus.append(position)
            flat[i] = xi - hi
            fm[position], mm[position] = convert(f(work), at_minus)
            minus.append(position)
            flat[i] = xi
        return fp, fm, mp, mm
