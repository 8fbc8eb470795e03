"""The three checks: a gradient, a Jacobian, a vector-Jacobian product.

Each validates its arguments once (:func:`make_problem` builds the
:class:`Problem`) and runs the full or the fast mode on it.
"""

import numpy as np

from mathnotes.gradcheck._fast import run_fast
from mathnotes.gradcheck._full import run_full
from mathnotes.gradcheck._problem import make_problem
from mathnotes.gradcheck._result import CheckResult


def _nothing_to_compare(problem):
    """The inconclusive result of a check whose argument has no entries (f was called once)."""
    nothing = problem.to_user(np.empty((0, problem.evaluator.m)))
    return CheckResult(
        kind=problem.kind, mode=problem.mode, verdict="inconclusive", numerical=nothing,
        analytic=nothing.copy(), measures=(0.0, 0.0, 0.0), worst=[], kinks=[],
        n_calls=problem.evaluator.calls,
        rtol=problem.rtol_fast if problem.mode == "fast" else problem.rtol_full,
        atol=problem.atol, notes=[f"{problem.name} has no entries: nothing to compare"],
        name=problem.label,
    )


def run(problem):
    """The check of a :class:`Problem` in its mode."""
    if problem.n == 0:
        return _nothing_to_compare(problem)
    return run_fast(problem) if problem.mode == "fast" else run_full(problem, [])


_COMMON_PARAMETERS = """
    mode : str, optional
        ``"full"`` (default) compares every entry: ``2 n + 1`` calls of ``f``
        for ``n`` entries of ``x``, plus 2 per suspected kink. ``"fast"``
        compares directional derivatives along ``directions`` seeded random
        directions (``6 * directions + 1`` calls) and, if one fails, locates
        wrong entries by bisection within the full check's budget (see the
        API page for the budgets and their two exceptions).
    seed : int, optional
        Seed of the random directions of the fast mode (default 0).
    eps : float, optional
        Relative step: entry ``i`` moves by ``eps * max(1, |x_i|)``; default
        about 6e-6, the cube root of the float64 machine epsilon.
    rtol : float, optional
        Relative tolerance; default 1e-5 per entry in full mode and 1e-9 in
        fast mode (relative to ``sum_i |a_i u_i|`` along a direction ``u``).
    atol : float, optional
        Extra absolute tolerance per entry (default 0).
    directions : int, optional
        Number of random directions in fast mode (default 3).
    max_report : int, optional
        How many failing entries to list in ``worst`` (default 5).
    name : str, optional
        A name shown in the report."""

_VERDICT_NOTES = """
    The verdict is ``"pass"``, ``"fail"`` or ``"inconclusive"`` (nothing
    could be compared: ``x`` has no entries, or every entry is at a kink);
    only a pass is truthy, so an empty argument never passes silently. An
    entry passes when ``|a - n| <= rtol * max(|a|, |n|) + noise + precision +
    atol``, where ``a`` is the analytic and ``n`` the numerical value,
    ``noise`` the rounding error of the central difference and ``precision =
    64 eps_a max|a|`` the rounding the analytic array carries in its dtype
    (``eps_a`` = 1.2e-7 for float32, 2.2e-16 for float64): a correct float32
    backward pass passes, an entry 1 % off fails. At a kink (the one-sided
    differences disagree) the analytic value must lie between the one-sided
    slopes. A failed check's report names the common mistake that explains
    it when the evidence shows one (``result.diagnosis``; see the API page
    for what each name requires)."""


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
        Truthy iff the check passed.

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
    {verdicts}

    Examples
    --------
    >>> import numpy as np
    >>> import mathnotes as mn
    >>> A = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> x = np.array([1.0, -1.0])
    >>> bool(mn.check_gradient(lambda v: v @ A @ v, 2 * A @ x, x))
    True
    >>> wrong = mn.check_gradient(lambda v: v @ A @ v, A @ x, x)
    >>> wrong.verdict, wrong.diagnosis.mistake
    ('fail', 'factor')
    >>> print(wrong.diagnosis.sentence)  # doctest: +NORMALIZE_WHITESPACE
    The analytic gradient is 0.5 times the numerical one: a factor 2 missing
    (the 2 of d(x²)/dx = 2x, or a path through a value used twice).
    """
    return run(make_problem("gradient", f, grad, x, mode=mode, seed=seed, eps=eps, rtol=rtol,
                            atol=atol, directions=directions, max_report=max_report, name=name))


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
    {verdicts}

    Examples
    --------
    >>> import numpy as np
    >>> import mathnotes as mn
    >>> x = np.array([0.5, -1.0, 2.0])
    >>> bool(mn.check_jacobian(np.tanh, np.diag(1 - np.tanh(x) ** 2), x))
    True
    >>> W = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> mn.check_jacobian(lambda v: v @ W, W, x[:2]).diagnosis.mistake
    'transpose'
    """
    return run(make_problem("jacobian", f, jac, x, mode=mode, seed=seed, eps=eps, rtol=rtol,
                            atol=atol, directions=directions, max_report=max_report, name=name))


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
    {verdicts}
    The rounding noise is estimated from ``sum(|upstream| * |f(x +- h)|)``,
    not from the (possibly cancelling) sum itself.

    Examples
    --------
    >>> import numpy as np
    >>> import mathnotes as mn
    >>> X = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> dY = np.array([[1.0, -1.0], [2.0, 0.5]])
    >>> b = np.zeros(2)
    >>> bool(mn.check_vjp(lambda v: X + v, dY.sum(axis=0), b, dY))
    True
    >>> mn.check_vjp(lambda v: X + v, dY.sum(axis=1), b, dY).diagnosis.mistake
    'reduction axis'
    """
    return run(make_problem("vjp", f, vjp, x, upstream=upstream, mode=mode, seed=seed, eps=eps,
                            rtol=rtol, atol=atol, directions=directions, max_report=max_report,
                            name=name))


for _function in (check_gradient, check_jacobian, check_vjp):
    _function.__doc__ = (_function.__doc__.replace("    {common}", _COMMON_PARAMETERS.strip("\n"))
                         .replace("    {verdicts}", _VERDICT_NOTES.strip("\n")))
del _function
