"""Checks of several arguments of one function, each named in every message and report line."""

from mathnotes._evaluator import as_float64_input
from mathnotes.gradcheck._checks import run
from mathnotes.gradcheck._problem import make_problem
from mathnotes.gradcheck._result import CheckReport


def _structure(f, args, grads):
    """``(names, values, call, grad_of)`` for a dict or a sequence of arguments."""
    if isinstance(args, dict):
        names = list(args)

        def call(current):
            return f(**current)
    elif isinstance(args, (list, tuple)):
        names = list(range(len(args)))

        def call(current):
            return f(*[current[k] for k in names])
    else:
        raise TypeError(f"args must be a dict or a sequence of arrays, got {type(args).__name__}")
    original = dict(args) if isinstance(args, dict) else dict(enumerate(args))
    # every argument checked once, by its own name, before f is ever called
    values = {k: as_float64_input(original[k], f"argument {k!r}" if isinstance(k, int) else k,
                                  stacklevel=5) for k in names}
    if callable(grads):
        grads = grads(**original) if isinstance(args, dict) else grads(*args)
    if isinstance(args, dict):
        if not isinstance(grads, dict):
            raise TypeError("args is a dict, so grads must be a dict with the same keys")
        unknown = set(grads) - set(names)
        if unknown:
            raise TypeError(f"grads has keys that are not arguments: {sorted(map(str, unknown))}")
        grad_of = {k: grads.get(k) for k in names}
    else:
        if not isinstance(grads, (list, tuple)) or len(grads) != len(names):
            raise TypeError(f"args has {len(names)} arguments, so grads must be a sequence of "
                            f"{len(names)}")
        grad_of = dict(enumerate(grads))
    return names, values, call, grad_of


def check_arguments(f, args, grads, *, upstream=None, mode="full", seed=0, eps=None, rtol=None,
                    atol=0.0, directions=3, max_report=5):
    """Check the derivatives of a function with respect to several of its arguments at once.

    Saves writing one lambda per argument when checking a layer's weights,
    bias and input. Every error, warning and report line names the argument
    (and the entry) it is about.

    Parameters
    ----------
    f : callable
        Called as ``f(**args)`` if ``args`` is a dict, else ``f(*args)``.
        Returns a scalar, or an array when ``upstream`` is given.
    args : dict or list
        The arguments: name to array, or arrays in order. They are not
        modified; ``f`` receives float64 copies.
    grads : dict, list or callable
        The analytic gradients (or VJPs when ``upstream`` is given), with the
        same keys or order as ``args``; each shaped like its argument. A
        missing key or a ``None`` skips that argument. A callable is called
        like ``f`` and must return that dict or sequence.
    upstream : array_like, optional
        If given, ``f`` returns an array and each gradient is checked as a
        VJP with this upstream gradient (see :func:`check_vjp`).
    mode : str, optional
        ``"full"`` (default) or ``"fast"``, as in :func:`check_gradient`.
    seed : int, optional
        Seed of the fast mode's random directions (default 0); the argument
        at position ``k`` of ``args`` uses ``seed + k``.
    eps : float, optional
        Relative step, as in :func:`check_gradient`.
    rtol : float, optional
        Relative tolerance, as in :func:`check_gradient`.
    atol : float, optional
        Extra absolute tolerance per entry (default 0).
    directions : int, optional
        Number of random directions per argument in fast mode (default 3).
    max_report : int, optional
        How many failing entries each result lists (default 5).

    Returns
    -------
    mathnotes.gradcheck.CheckReport
        A dict from argument name (its position for a sequence) to its
        :class:`~mathnotes.CheckResult`; truthy iff all passed.

    Raises
    ------
    TypeError
        If ``args`` and ``grads`` do not have the same structure, or an
        argument is not real-valued.
    ValueError
        If an argument holds NaN or infinity (the message names it).

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
    >>> grads["W"] = 2 * X.T @ dY
    >>> print(mn.check_arguments(loss, {"X": X, "W": W, "b": b}, grads))  # doctest: +ELLIPSIS
    checks of 3 arguments: FAILED
      argument verdict mode calls kinks diagnosis
             X    pass full     9     0
             W    fail full     5     0    factor
             b    pass full     3     0
    gradient check of W (full mode, 5 calls of f): FAILED
      The analytic gradient of W is 2 times the numerical one: ...
    """
    names, values, call, grad_of = _structure(f, args, grads)
    sizes = {str(k): v.shape for k, v in values.items()}
    report = CheckReport()
    for position, key in enumerate(names):
        if grad_of[key] is None:
            continue

        def partial(v, key=key):
            current = dict(values)
            current[key] = v
            return call(current)

        report[key] = run(make_problem(
            "vjp" if upstream is not None else "gradient", partial, grad_of[key], values[key],
            upstream=upstream, mode=mode, seed=None if seed is None else seed + position,
            directions=directions, eps=eps, rtol=rtol, atol=atol, max_report=max_report,
            name=str(key), argument=str(key), sizes=sizes))
    return report
