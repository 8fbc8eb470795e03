"""One check as one object: what is compared, where, and how strictly.

Built once at the boundary by :func:`make_problem` (which validates every
argument), then passed to the full or fast mode and to the diagnosis, which
validate nothing.
"""

from dataclasses import dataclass, field

import numpy as np

from mathnotes._evaluator import (
    DEFAULT_EPS,
    Evaluator,
    as_float64_input,
    entry_index,
    first_non_finite,
    format_index,
    relative_step,
)
from mathnotes._validate import choice, integer, real

#: multiple of a precision (machine epsilon) allowed for rounding error
NOISE_FACTOR = 64.0
#: default relative tolerance of the full check, per entry
RTOL_FULL = 1e-5
#: default relative tolerance of the fast check, relative to sum |a_i u_i| along a direction u
RTOL_FAST = 1e-9

_EVALUATOR_KIND = {"gradient": "scalar", "jacobian": "array", "vjp": "vjp"}
_WHAT = {"gradient": "gradient", "jacobian": "Jacobian", "vjp": "VJP"}


@dataclass(slots=True)
class Problem:
    """A derivative to check and the tolerance to check it with.

    ``analytic`` is the claimed derivative as a float64 ``(n, m)`` array: row
    ``i`` for entry ``i`` of ``x``, column ``k`` for output entry ``k`` (one
    column for a gradient or a VJP). ``precision`` is the relative precision
    of the analytic array as given (the machine epsilon of its dtype). Built
    once and never changed.
    """

    kind: str
    evaluator: Evaluator
    x: np.ndarray
    analytic: np.ndarray
    precision: float
    rtol_full: float
    rtol_fast: float
    atol: float
    eps: float
    max_report: int
    mode: str = "full"
    directions: int = 3
    seed: int = 0
    name: str = "x"
    label: str = None
    sizes: dict = field(default_factory=dict)  # name -> shape of every array known to the check

    @property
    def n(self):
        return self.x.size

    @property
    def out_shape(self):
        return self.evaluator.out_shape

    @property
    def user_shape(self):
        """Shape of the derivative as the user wrote it."""
        return self.out_shape + self.x.shape if self.kind == "jacobian" else self.x.shape

    def to_user(self, nm):
        """An ``(n, m)`` array in the user's layout."""
        if self.kind == "jacobian":
            return np.ascontiguousarray(nm.T).reshape(self.user_shape)
        return nm.reshape(self.user_shape)

    def from_user(self, array):
        """An array in the user's layout as an ``(n, m)`` array, the inverse of :meth:`to_user`."""
        if self.kind == "jacobian":
            return np.ascontiguousarray(array.reshape(self.evaluator.m, self.n).T)
        return array.reshape(self.n, 1)

    def index(self, i, k):
        """The user's index of entry ``i`` of x and output entry ``k``."""
        if self.kind == "jacobian":
            return entry_index(self.out_shape, k) + entry_index(self.x.shape, i)
        return entry_index(self.x.shape, i)

    def precision_tolerance(self, analytic=None, precision=None):
        """Absolute error an analytic array may carry from its own precision, per entry.

        For the problem's analytic array by default; the diagnosis asks the
        same of a corrected array, or of another precision (float32's).
        """
        analytic = self.analytic if analytic is None else analytic
        precision = self.precision if precision is None else precision
        return NOISE_FACTOR * precision * float(np.max(np.abs(analytic), initial=0.0))


_EPS64 = float(np.finfo(np.float64).eps)


def _analytic(value, x0, shape, what):
    """The analytic derivative as float64 of the expected shape, and its relative precision."""
    if callable(value):
        value = value(x0.copy())
    if (type(value) is np.ndarray and value.dtype == np.float64 and value.shape == shape
            and np.isfinite(value).all()):  # the common case, checked cheaply
        return value.copy(), _EPS64
    if hasattr(value, "data") and not isinstance(value, (np.ndarray, np.generic)):
        value = value.data
    if value is None:
        raise TypeError(f"the analytic {what} is None; pass an array (or a function returning one)")
    arr = np.asarray(value)
    if arr.dtype.kind == "c":
        raise TypeError(f"the analytic {what} is complex; it must be real")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"the analytic {what} must be an array of real numbers, got dtype {arr.dtype}")
    precision = float(np.finfo(arr.dtype).eps) if arr.dtype.kind == "f" else 0.0
    arr = np.array(arr, dtype=np.float64)
    if arr.shape != shape:
        hint = ""
        if arr.shape == shape[::-1] and len(shape) > 1:
            hint = " It has the transposed shape: did you compute the transpose?"
        elif arr.size == int(np.prod(shape, dtype=np.int64)):
            hint = f" It has the right number of entries: reshape it to {shape} if the order is right."
        elif what.startswith("gradient"):
            hint = " A gradient has the shape of the variable."
        raise ValueError(f"the analytic {what} has shape {arr.shape}, expected {shape}.{hint}")
    found = first_non_finite(arr)
    if found:
        raise ValueError(
            f"the analytic {what} contains a non-finite value ({found[0]}) at {format_index(found[1])}"
        )
    return arr, max(precision, _EPS64)


#: the options of a check as their defaults are: (mode, seed, directions, eps, rtol, atol, max_report)
_DEFAULTS = ("full", 0, 3, None, None, 0.0, 5)
_DEFAULT_TYPES = tuple(map(type, _DEFAULTS))  # so that 5.0 or False is not taken for a default


def _options(mode, seed, directions, eps, rtol, atol, max_report):
    """The checked options: ``(eps, rtol_full, rtol_fast, atol, seed, directions, max_report)``."""
    choice(mode, "mode", ("full", "fast"))
    directions = integer(directions, "directions")
    if seed is not None:
        seed = integer(seed, "seed", minimum=0)
    eps = relative_step(eps)
    atol = real(atol, "atol", minimum=0)
    max_report = integer(max_report, "max_report")
    rtol_full = RTOL_FULL if rtol is None else real(rtol, "rtol", minimum=0)
    rtol_fast = RTOL_FAST if rtol is None else rtol_full
    return eps, rtol_full, rtol_fast, atol, seed, directions, max_report


def make_problem(kind, f, value, x, *, upstream=None, mode="full", seed=0, directions=3, eps=None,
                 rtol=None, atol=0.0, max_report=5, name=None, argument="x", sizes=None,
                 stacklevel=4):
    """Validate the arguments of a check and build its :class:`Problem` (calls f once).

    ``name`` is the label shown in the report, ``argument`` the name of the
    varied argument in messages, ``sizes`` the shapes of other known arrays.
    """
    options = (mode, seed, directions, eps, rtol, atol, max_report)
    if options == _DEFAULTS and tuple(map(type, options)) == _DEFAULT_TYPES:
        eps, rtol_full, rtol_fast = DEFAULT_EPS, RTOL_FULL, RTOL_FAST  # the defaults, checked once
    else:
        eps, rtol_full, rtol_fast, atol, seed, directions, max_report = _options(*options)
    label, name = name, argument
    x0 = as_float64_input(x, name, stacklevel=stacklevel)
    ev = Evaluator(f, x0, _EVALUATOR_KIND[kind], upstream=upstream, name=name)
    what = f"{_WHAT[kind]} of {name}" if name != "x" else _WHAT[kind]
    if kind == "jacobian":
        a, precision = _analytic(value, x0, ev.out_shape + x0.shape, what)
        a_nm = a.reshape(ev.m, x0.size).T.copy()
    else:
        a, precision = _analytic(value, x0, x0.shape, what)
        a_nm = a.reshape(x0.size, 1)
    known = {name: x0.shape}
    known.update(sizes or {})
    if kind == "vjp":
        known.setdefault("upstream", ev.out_shape)
    return Problem(kind=kind, evaluator=ev, x=x0, analytic=a_nm, precision=precision,
                   rtol_full=rtol_full, rtol_fast=rtol_fast, atol=atol, eps=eps,
                   max_report=max_report, mode=mode, directions=directions, seed=seed,
                   name=name, label=label, sizes=known)
