"""Numerical derivatives by central differences: gradients, Jacobians and vector-Jacobian products.

All three functions perturb one entry of ``x`` at a time by a step ``h`` in each
direction and divide the change of ``f`` by ``2 h``. They work on a private
float64 copy of ``x``: the caller's array is never modified, even when ``f``
raises half-way through.

The step of entry ``i`` is ``eps * max(1, |x_i|)``, rounded so that ``x_i + h``
and ``x_i - h`` are exactly representable distances from ``x_i``. The default
``eps`` is the cube root of the float64 machine epsilon (about 6e-6): it
balances the truncation error of central differences (proportional to ``h**2``)
against the rounding error of subtracting two nearly equal values of ``f``
(proportional to ``1 / h``) :cite:p:`nocedal2006numerical`.

This module imports only NumPy.
"""

import numbers
import warnings

import numpy as np

__all__ = ["numerical_gradient", "numerical_jacobian", "numerical_vjp"]

#: float64 machine epsilon
MACHINE_EPS = float(np.finfo(np.float64).eps)
#: default relative step for central differences: cbrt(machine epsilon)
DEFAULT_EPS = MACHINE_EPS ** (1.0 / 3.0)


# ---------------------------------------------------------------------------
# input checks


def _index(shape, flat_index):
    """The index tuple of a flat position, for messages (``()`` for a scalar)."""
    if not shape:
        return ()
    return tuple(int(i) for i in np.unravel_index(flat_index, shape))


def _format_index(index):
    return "[" + ", ".join(str(i) for i in index) + "]" if index else "[()]"


def _first_non_finite(array):
    """``(value, index)`` of the first NaN or infinity in ``array``, or None if all are finite."""
    flat = np.asarray(array).ravel()
    bad = np.flatnonzero(~np.isfinite(flat))
    if bad.size == 0:
        return None
    return flat[bad[0]], _index(np.shape(array), int(bad[0]))


def as_float64_input(x, name="x", *, stacklevel=3):
    """A float64 copy of ``x`` after checking its type and values.

    Integers and booleans are converted silently (a perturbation of an integer
    array would be rounded away). Lower-precision floats are converted with a
    warning. Complex or non-numeric input raises ``TypeError``; NaN or inf
    raises ``ValueError``.
    """
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
    found = _first_non_finite(out)
    if found:
        value, index = found
        raise ValueError(
            f"{name} contains a non-finite value ({value}) at {_format_index(index)}; "
            "derivatives need a finite point"
        )
    return out


def check_eps(eps):
    """The relative step: ``DEFAULT_EPS`` for ``None``, else a positive finite float."""
    if eps is None:
        return DEFAULT_EPS
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real):
        raise TypeError(f"eps must be a positive number or None, got {type(eps).__name__}")
    eps = float(eps)
    if not np.isfinite(eps) or eps <= 0 or eps >= 1:
        raise ValueError(f"eps must be a positive number below 1 (a relative step), got {eps}")
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


class Evaluator:
    """Calls ``f`` on perturbed copies of ``x`` and records what it returns.

    ``kind`` is ``"scalar"`` (one value per call), ``"array"`` (an array of
    fixed shape per call) or ``"vjp"`` (``sum(upstream * f(x))`` per call).
    ``magnitude`` gives, for each recorded value, the size of the terms it is
    made of, used to estimate rounding noise.
    """

    def __init__(self, f, x, kind, upstream=None):
        if not callable(f):
            raise TypeError(f"f must be a callable of x, got {type(f).__name__}")
        self.f = f
        self.x = x
        self.kind = kind
        self.calls = 0
        self.work = x.copy()
        try:
            raw0 = self._call(self.work)
        except Exception as error:
            error.add_note("(raised by f at x; your x is unchanged)")
            raise
        out0 = function_output(raw0, scalar=(kind == "scalar"), where="at x")
        self.out_shape = out0.shape
        found = _first_non_finite(out0)
        if found:
            value, index = found
            raise ValueError(
                f"f returned a non-finite value ({value}) at x"
                + (f", output entry {_format_index(index)}" if index else "")
            )
        if kind == "vjp":
            up = np.asarray(upstream)
            if up.dtype.kind not in "biuf":
                raise TypeError(f"upstream must be an array of real numbers, got dtype {up.dtype}")
            up = np.array(up, dtype=np.float64)
            if up.shape != out0.shape:
                raise ValueError(
                    f"upstream has shape {up.shape} but f(x) has shape {out0.shape}; "
                    f"the upstream gradient must be shaped like f's output"
                )
            if not np.all(np.isfinite(up)):
                raise ValueError("upstream contains NaN or infinite values")
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
            if type(out) is float or type(out) is np.float64:
                v = float(out)
                return v, abs(v)
            arr = function_output(out, scalar=True, where=where)
            v = float(arr)
            return v, abs(v)
        arr = function_output(out, scalar=False, where=where)
        if arr.shape != self.out_shape:
            raise ValueError(
                f"f returned shape {arr.shape} {where} but shape {self.out_shape} at x; "
                f"the output shape must not depend on the values of x"
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
        except Exception as error:
            error.add_note(f"(raised by f {where}; your x is unchanged)")
            raise
        value, mag = self.convert(out, where)
        if isinstance(value, np.ndarray):
            value = value.copy()  # f may return a view of its argument, which changes next call
        self.check_finite(value, where)
        return value, mag

    def check_finite(self, value, where):
        if not np.all(np.isfinite(value)):
            raise ValueError(
                f"f returned a non-finite value {where}; a central difference needs f finite "
                f"within the step. Use a smaller eps or a point farther from the singularity."
            )

    def coordinate_differences(self, h, indices=None):
        """f at x + h_i e_i and x - h_i e_i for the entries ``indices`` (all by default).

        Returns ``(fp, fm, mp, mm)``: values and magnitudes, first axis over
        the entries, second over the outputs (length ``m``).
        """
        flat = self.work.reshape(-1)
        x0 = self.x.reshape(-1)
        flat[...] = x0
        if indices is None:
            indices = range(x0.size)
        count = len(indices)
        fp = np.empty((count, self.m))
        fm = np.empty((count, self.m))
        mp = np.empty((count, self.m))
        mm = np.empty((count, self.m))
        f = self.f
        work = self.work
        convert = self.convert
        shape = self.x.shape
        x_list = x0.tolist()  # Python floats: cheaper to index and add than NumPy scalars
        h_list = np.asarray(h, dtype=np.float64).tolist()
        index_list = list(indices)
        position = 0
        where = None
        try:
            if self.kind == "scalar":
                # the common case, kept lean: the floor is 2n calls of f
                vp = [0.0] * count
                vm = [0.0] * count
                for position, i in enumerate(index_list):
                    xi = x_list[i]
                    hi = h_list[position]
                    where = "at x + h e_i"
                    flat[i] = xi + hi
                    out = f(work)
                    vp[position] = float(out) if type(out) in _FLOATS else convert(out, where)[0]
                    where = "at x - h e_i"
                    flat[i] = xi - hi
                    out = f(work)
                    vm[position] = float(out) if type(out) in _FLOATS else convert(out, where)[0]
                    flat[i] = xi
                fp[:, 0] = vp
                fm[:, 0] = vm
                np.abs(fp, out=mp)
                np.abs(fm, out=mm)
            else:
                for position, i in enumerate(index_list):
                    xi = x_list[i]
                    hi = h_list[position]
                    where = "at x + h e_i"
                    flat[i] = xi + hi
                    fp[position], mp[position] = convert(f(work), where)
                    where = "at x - h e_i"
                    flat[i] = xi - hi
                    fm[position], mm[position] = convert(f(work), where)
                    flat[i] = xi
        except Exception as error:
            flat[...] = x0
            error.add_note(
                f"(raised {where} for entry i = {_format_index(_index(shape, index_list[position]))} "
                f"of x; your x is unchanged)"
            )
            raise
        finally:
            self.calls += 2 * count
        if not np.array_equal(self.work, self.x):
            raise ValueError(
                "f changed the array it was given (an in-place operation on its argument); "
                "f must not modify x, or the finite differences are wrong"
            )
        bad = ~(np.isfinite(fp) & np.isfinite(fm))
        if bad.any():
            row = int(np.flatnonzero(bad.any(axis=1))[0])
            i = index_list[row]
            side = "+" if not np.all(np.isfinite(fp[row])) else "-"
            raise ValueError(
                f"f returned a non-finite value at x {side} h e_i for entry i = "
                f"{_format_index(_index(shape, i))} of x (step h = {h[row]:.3g}); a central "
                f"difference needs f finite within the step. Use a smaller eps or a point "
                f"farther from the singularity."
            )
        return fp, fm, mp, mm


def numerical_gradient(f, x, *, eps=None):
    """Gradient of a scalar function by central differences.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a real scalar (a float, a 0-d array, or a
        ``mathnotes.Value``). It receives a float64 array shaped like ``x``.
    x : array_like
        The point. Integers are converted to float64; float32 is converted
        with a warning. ``x`` itself is never modified.
    eps : float, optional
        Relative step: entry ``i`` moves by ``eps * max(1, |x_i|)``. The
        default, about 6e-6, is the cube root of the float64 machine epsilon.

    Returns
    -------
    numpy.ndarray
        float64 array shaped like ``x``: entry ``i`` is
        ``(f(x + h_i e_i) - f(x - h_i e_i)) / (2 h_i)``.

    Raises
    ------
    ValueError
        If ``f`` does not return a scalar, or returns NaN or inf.
    TypeError
        If ``x`` or ``f(x)`` is not real-valued, or ``f(x)`` is not float64.

    Notes
    -----
    Costs ``2 n + 1`` calls of ``f`` for ``n`` entries of ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from mathnotes import numerical_gradient
    >>> g = numerical_gradient(lambda v: np.sum(v ** 2), np.array([1.0, -2.0]))
    >>> np.allclose(g, [2.0, -4.0])
    True
    """
    x0 = as_float64_input(x)
    h = steps(x0, check_eps(eps))
    ev = Evaluator(f, x0, "scalar")
    fp, fm, _, _ = ev.coordinate_differences(h)
    return ((fp[:, 0] - fm[:, 0]) / (2.0 * h)).reshape(x0.shape)


def numerical_jacobian(f, x, *, eps=None):
    """Jacobian of an array-valued function by central differences, in numerator layout.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a real array (or scalar) whose shape does not depend
        on the values of ``x``.
    x : array_like
        The point; converted to float64 as in :func:`numerical_gradient`.
    eps : float, optional
        Relative step, as in :func:`numerical_gradient`.

    Returns
    -------
    numpy.ndarray
        Array of shape ``f(x).shape + x.shape`` whose entry ``[i..., j...]``
        is the derivative of output entry ``i...`` with respect to input entry
        ``j...``. For a vector function of a vector this is the usual
        (size of y) x (size of x) matrix.

    Raises
    ------
    ValueError
        If ``f`` returns NaN or inf, or its output changes shape.

    Examples
    --------
    >>> import numpy as np
    >>> from mathnotes import numerical_jacobian
    >>> W = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> J = numerical_jacobian(lambda v: W @ v, np.ones(3))
    >>> J.shape, np.allclose(J, W)
    ((2, 3), True)
    """
    x0 = as_float64_input(x)
    h = steps(x0, check_eps(eps))
    ev = Evaluator(f, x0, "array")
    fp, fm, _, _ = ev.coordinate_differences(h)
    jt = (fp - fm) / (2.0 * h)[:, None]  # (entries of x, entries of f)
    return np.ascontiguousarray(jt.T).reshape(ev.out_shape + x0.shape)


def numerical_vjp(f, x, upstream, *, eps=None):
    """Vector-Jacobian product by central differences: the gradient of ``sum(upstream * f(x))``.

    This is what the backward pass of a layer ``f`` must return when the
    gradient of the loss with respect to the layer's output is ``upstream``.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a real array.
    x : array_like
        The point; converted to float64 as in :func:`numerical_gradient`.
    upstream : array_like
        Array shaped like ``f(x)``.
    eps : float, optional
        Relative step, as in :func:`numerical_gradient`.

    Returns
    -------
    numpy.ndarray
        float64 array shaped like ``x``. It equals the Jacobian contracted
        with ``upstream`` over the output axes, without forming the Jacobian.

    Raises
    ------
    ValueError
        If ``upstream`` is not shaped like ``f(x)``, or a value is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> from mathnotes import numerical_vjp
    >>> W = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> dy = np.array([1.0, 0.0, -1.0])
    >>> np.allclose(numerical_vjp(lambda v: W @ v, np.zeros(2), dy), W.T @ dy)
    True
    """
    x0 = as_float64_input(x)
    h = steps(x0, check_eps(eps))
    ev = Evaluator(f, x0, "vjp", upstream=upstream)
    fp, fm, _, _ = ev.coordinate_differences(h)
    return ((fp[:, 0] - fm[:, 0]) / (2.0 * h)).reshape(x0.shape)
