"""Speed of mathnotes' gradient checks against the cost of f itself and other checkers.

Run with ``.venv/bin/python bench/gradcheck.py``. Prints one Markdown table.

For each problem it times, in one run:

- the floor: 2n plain calls of f at x (what any coordinate-wise central
  difference must spend), and the full check as a multiple of it;
- the fast check (correct gradient, and a gradient with one entry off by
  0.1 %) with its number of calls of f;
- scipy.optimize.check_grad (all coordinates, and random directions) and
  torch.autograd.gradcheck (slow and fast) on the same problem, if installed;
  a missing package is reported as skipped.

Times are CPU seconds of this process (time.process_time, so other programs on
a shared machine disturb them less), the best of several repeats, with BLAS
limited to one thread. Speed is measured here, not asserted in the tests.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before NumPy loads its BLAS

import importlib.util  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import mathnotes as mn  # noqa: E402

REPEATS = 3


def best_time(fn, repeats=REPEATS):
    best = np.inf
    value = None
    for _ in range(repeats):
        start = time.process_time()
        value = fn()
        best = min(best, time.process_time() - start)
    return best, value


def counted(f):
    """f with a call counter in .calls (a list, reset by the caller)."""
    calls = [0]

    def g(x):
        calls[0] += 1
        return f(x)

    g.calls = calls
    return g


def torch_gradcheck(f, grad, x, fast):
    """A torch.autograd.gradcheck of the same NumPy f and analytic gradient.

    f and its gradient are wrapped in a torch.autograd.Function, so torch
    differentiates exactly the code that mathnotes checks.
    """
    import torch

    class NumpyFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, w):
            ctx.save_for_backward(w)
            return torch.tensor(f(w.detach().cpu().numpy()), dtype=torch.float64)

        @staticmethod
        def backward(ctx, upstream):
            (w,) = ctx.saved_tensors
            g = np.asarray(grad(w.detach().cpu().numpy()), dtype=np.float64)
            return upstream * torch.from_numpy(g)

    w = torch.tensor(x, dtype=torch.float64, requires_grad=True)

    def check():
        return torch.autograd.gradcheck(NumpyFunction.apply, (w,), fast_mode=fast,
                                        raise_exception=False)

    return check


def problems():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((64, 64))
    X = rng.standard_normal((64, 64))

    def quad(w):
        return np.sum((w @ X) ** 2)

    def quad_grad(w):
        return 2 * (w @ X) @ X.T

    labels = rng.integers(0, 10, size=64)
    W2 = 0.1 * rng.standard_normal((10, 64))

    def softmax_ce(w):
        Z = w @ X
        Z = Z - Z.max(axis=0)
        logp = Z - np.log(np.exp(Z).sum(axis=0))
        return -np.mean(logp[labels, np.arange(64)])

    def softmax_ce_grad(w):
        Z = w @ X
        P = np.exp(Z - Z.max(axis=0))
        P /= P.sum(axis=0)
        P[labels, np.arange(64)] -= 1
        return P @ X.T / 64

    return [
        ("sum((W @ X)**2), W 64x64, X 64x64", quad, quad_grad, W),
        ("softmax cross-entropy of W @ X, W 10x64, X 64x64", softmax_ce, softmax_ce_grad, W2),
    ]


def row(problem, method, seconds, calls, floor, verdict):
    ratio = f"{seconds / floor:.2f}x" if (floor and seconds is not None) else ""
    sec = f"{seconds:.4f}" if seconds is not None else "-"
    return f"| {problem} | {method} | {sec} | {ratio} | {calls} | {verdict} |"


def main():
    have_scipy = importlib.util.find_spec("scipy") is not None
    have_torch = importlib.util.find_spec("torch") is not None
    lines = [
        "| problem | method | CPU seconds | / floor | calls of f | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for name, f, grad, x in problems():
        n = x.size
        g = grad(x)
        wrong = g.copy()
        wrong[3, 5] *= 1.001

        def floor_loop():
            for _ in range(2 * n):
                f(x)

        # the floor and the full check alternate, so both see the same load on the machine
        floor, t = np.inf, np.inf
        for _ in range(REPEATS + 2):
            floor = min(floor, best_time(floor_loop, 1)[0])
            seconds, r = best_time(lambda: mn.check_gradient(f, g, x), 1)
            t = min(t, seconds)
        lines.append(row(name, "floor: 2n plain calls of f", floor, 2 * n, floor, ""))
        lines.append(row(name, "mathnotes full (correct)", t, r.n_calls, floor,
                         "pass" if r else "FAIL"))
        t, r = best_time(lambda: mn.check_gradient(f, wrong, x))
        lines.append(row(name, "mathnotes full (one entry 0.1 % off)", t, r.n_calls, floor,
                         ("pass" if r else "FAIL") + f", worst entry {r.worst[0][0]}"))
        t, num = best_time(lambda: mn.numerical_gradient(f, x))
        lines.append(row(name, "mathnotes numerical_gradient", t, 2 * n + 1, floor, ""))
        t, r = best_time(lambda: mn.check_gradient(f, g, x, mode="fast"))
        lines.append(row(name, "mathnotes fast (correct)", t, r.n_calls, floor,
                         "pass" if r else "FAIL"))
        t, r = best_time(lambda: mn.check_gradient(f, wrong, x, mode="fast"))
        located = r.worst[0][0] if r.worst else "none"
        lines.append(row(name, "mathnotes fast (one entry 0.1 % off)", t, r.n_calls, floor,
                         ("pass" if r else "FAIL") + f", located {located}"))

        if have_scipy:
            from scipy.optimize import check_grad

            flat_f = counted(lambda v: f(v.reshape(x.shape)))
            flat_g = lambda v: grad(v.reshape(x.shape)).ravel()  # noqa: E731
            flat_wrong = lambda v: wrong.ravel()  # noqa: E731

            def scipy_all(gfun=flat_g):
                flat_f.calls[0] = 0
                return check_grad(flat_f, gfun, x.ravel())

            t, err = best_time(scipy_all)
            lines.append(row(name, "scipy check_grad (all, forward diff.)", t, flat_f.calls[0], floor,
                             f"returns error norm {err:.2g}, no verdict"))
            t, err = best_time(lambda: scipy_all(flat_wrong))
            lines.append(row(name, "scipy check_grad, one entry 0.1 % off", t, flat_f.calls[0], floor,
                             f"returns error norm {err:.2g}, no verdict"))

            def scipy_random():
                flat_f.calls[0] = 0
                return check_grad(flat_f, flat_g, x.ravel(), direction="random", seed=0)

            try:
                t, err = best_time(scipy_random)
                lines.append(row(name, "scipy check_grad (one random direction)", t, flat_f.calls[0],
                                 floor, f"returns error {err:.2g}, no verdict"))
            except TypeError:
                lines.append(row(name, "scipy check_grad (random direction)", None, "-", None,
                                 "not supported by this scipy"))
        else:
            lines.append(row(name, "scipy check_grad", None, "-", None, "skipped: scipy not installed"))

        if have_torch:
            for label, analytic in (("correct", grad), ("one entry 0.1 % off", lambda v: wrong)):
                for fast in (False, True):
                    counter = counted(f)
                    check = torch_gradcheck(counter, analytic, x, fast)
                    t, ok = best_time(lambda: (counter.calls.__setitem__(0, 0), check())[1])
                    method = f"torch.autograd.gradcheck ({'fast' if fast else 'slow'}, {label})"
                    lines.append(row(name, method, t, counter.calls[0], floor,
                                     "pass" if ok else "FAIL"))
        else:
            lines.append(row(name, "torch.autograd.gradcheck (slow, fast)", None, "-", None,
                             "skipped: torch not installed"))
        lines.append(row(name, "jax check_grads", None, "-", None,
                         "skipped: jax not installed" if importlib.util.find_spec("jax") is None
                         else "skipped: needs a jax version of f"))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
