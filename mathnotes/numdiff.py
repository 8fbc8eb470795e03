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

An ``x`` with no entries has an empty derivative of the right shape: ``f`` is
called once, at ``x``, for the shape and type of its output.

This module imports only NumPy.
"""

import numpy as np

from mathnotes._evaluator import Evaluator, as_float64_input, relative_step, steps

__all__ = ["numerical_gradient", "numerical_jacobian", "numerical_vjp"]


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
    Costs ``2 n + 1`` calls of ``f`` for ``n`` entries of ``x`` (one call for
    an ``x`` with no entries, whose gradient is empty).

    Examples
    --------
    >>> import numpy as np
    >>> from mathnotes import numerical_gradient
    >>> g = numerical_gradient(lambda v: np.sum(v ** 2), np.array([1.0, -2.0]))
    >>> np.allclose(g, [2.0, -4.0])
    True
    """
    x0 = as_float64_input(x)
    h = steps(x0, relative_step(eps))
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
    h = steps(x0, relative_step(eps))
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
    h = steps(x0, relative_step(eps))
    ev = Evaluator(f, x0, "vjp", upstream=upstream)
    fp, fm, _, _ = ev.coordinate_differences(h)
    return ((fp[:, 0] - fm[:, 0]) / (2.0 * h)).reshape(x0.shape)
