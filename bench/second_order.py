"""Benchmark of chapter 9: Hessian-vector products, forward against reverse mode, adjoint solves.

Usage: .venv/bin/python bench/second_order.py [--quick]

Prints three Markdown tables:

1. A Hessian-vector product against forming the Hessian, for the logistic
   loss of chapter 9 with N = 64 examples and n = 100, 1,000 and 10,000
   parameters: the product by forward over reverse (``ch09.Dual`` running the
   NumPy gradient) and in closed form, F^T (w * (F v)) / N; the Hessian in
   closed form, F^T diag(w) F / N (one matrix product, the cheapest way to
   form it), and column by column with n forward-over-reverse products (run
   up to n = 1,000; at 10,000 it would take n times the product's time).
   Time (CPU) and peak memory allocated (tracemalloc, which sees NumPy's
   arrays).
2. The full Jacobian of f(x) = W2 tanh(W1 x) (64 hidden units) for n inputs
   and m outputs, by forward mode (``ch09.jacobian_forward``: n runs on dual
   numbers) and by reverse mode (``ch09.jacobian_reverse``: one trace with
   ``mathnotes.Value`` and m backward sweeps). CPU time, the ratio, and the
   cost of one run and of one sweep (the trace included), whose ratio moves
   the crossover away from n = m.
3. The gradients of a loss of x = A^-1 b with respect to A and b, at n = 100
   to 2,000: the adjoint method with two ``np.linalg.solve`` calls, the
   adjoint method with one LU factorisation reused for the transposed solve
   (``scipy.linalg.lu_factor`` / ``lu_solve``), and differentiating through
   ``inv`` as an automatic differentiator would (x = inv(A) @ b, then the
   backward pass of the inverse). CPU time, and the largest relative
   difference of ∇_A L from the adjoint result.

Times are CPU seconds of this process (``time.process_time``), the best of
several repeats, BLAS limited to one thread; ``--quick`` uses fewer sizes.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before NumPy loads its BLAS

import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.linalg  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book"))

from bookcode import ch09  # noqa: E402
from _timing import best_seconds  # noqa: E402

QUICK = "--quick" in sys.argv
N_EXAMPLES = 64


def measure(run, repeats):
    """CPU seconds (best of ``repeats``) and peak MiB allocated during one more run."""
    seconds, _ = best_seconds(run, repeats=repeats, clock=time.process_time)
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20


def logistic_problem(n, rng):
    F = rng.standard_normal((N_EXAMPLES, n)) / np.sqrt(n)
    s = np.where(rng.standard_normal(N_EXAMPLES) > 0, 1.0, -1.0)
    theta, v = rng.standard_normal(n), rng.standard_normal(n)

    def grad(theta_):  # plain NumPy: runs on dual numbers too
        return -(F.T @ (s / (1 + np.exp(s * (F @ theta_))))) / N_EXAMPLES

    def weights():
        p = 1 / (1 + np.exp(-s * (F @ theta)))
        return p * (1 - p)

    return F, theta, v, grad, weights


def hessian_table():
    sizes = (100, 1_000) if QUICK else (100, 1_000, 10_000)
    rows = []
    for n in sizes:
        rng = np.random.default_rng(n)
        F, theta, v, grad, weights = logistic_problem(n, rng)

        def hvp_forward_over_reverse():
            return ch09.jvp(grad, theta, v)[1]

        def hvp_closed():
            return F.T @ (weights() * (F @ v)) / N_EXAMPLES

        def hessian_closed():
            return F.T @ (weights()[:, None] * F) / N_EXAMPLES

        def hessian_by_columns():
            H = np.empty((n, n))
            for j in range(n):
                e = np.zeros(n)
                e[j] = 1.0
                H[:, j] = ch09.jvp(grad, theta, e)[1]
            return H

        product = hvp_forward_over_reverse()
        assert np.allclose(product, hvp_closed())
        H = hessian_closed()
        assert np.allclose(H @ v, product)
        cases = {"Hv, forward over reverse": (hvp_forward_over_reverse, 20),
                 "Hv, closed form": (hvp_closed, 20),
                 "H, closed form Fᵀdiag(w)F/N": (hessian_closed, 3 if n < 10_000 else 1)}
        if n <= 1_000:
            cases["H, n products (forward over reverse)"] = (hessian_by_columns, 1)
        del H
        for name, (run, repeats) in cases.items():
            seconds, peak = measure(run, repeats)
            rows.append((n, name, seconds, peak))
    lines = ["| n | computes | CPU ms | peak MiB |", "|---:|---|---:|---:|"]
    for n, name, seconds, peak in rows:
        lines.append(f"| {n:,} | {name} | {1000 * seconds:.3g} | {peak:.3g} |")
    return "\n".join(lines)


def jacobian_table():
    hidden = 64
    sizes = (10, 100) if QUICK else (10, 100, 1_000)
    lines = ["| inputs n | outputs m | forward (n runs) ms | reverse (m sweeps) ms "
             "| forward / reverse | µs per run | µs per sweep |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        for m in sizes:
            rng = np.random.default_rng(n * 7 + m)
            W1 = rng.standard_normal((hidden, n)) / np.sqrt(n)
            W2 = rng.standard_normal((m, hidden)) / np.sqrt(hidden)
            x = rng.standard_normal(n)

            def f(x_):
                return W2 @ (W1 @ x_).tanh()

            assert np.allclose(ch09.jacobian_forward(f, x), ch09.jacobian_reverse(f, x))
            forward, _ = best_seconds(lambda: ch09.jacobian_forward(f, x), repeats=3,
                                      clock=time.process_time)
            reverse, _ = best_seconds(lambda: ch09.jacobian_reverse(f, x), repeats=3,
                                      clock=time.process_time)
            lines.append(f"| {n:,} | {m:,} | {1000 * forward:.3g} | {1000 * reverse:.3g} "
                         f"| {forward / reverse:.2g} | {1e6 * forward / n:.3g} "
                         f"| {1e6 * reverse / m:.3g} |")
    return "\n".join(lines)


def adjoint_table():
    sizes = (100, 500) if QUICK else (100, 500, 1_000, 2_000)
    lines = ["| n | adjoint, two solves ms | adjoint, LU reused ms | through inv ms "
             "| inv / LU reused | max rel. diff. of ∇_A L |", "|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        rng = np.random.default_rng(n)
        A = rng.standard_normal((n, n)) + np.sqrt(n) * np.eye(n)
        b, g = rng.standard_normal(n), rng.standard_normal(n)

        def adjoint_two_solves():
            x = np.linalg.solve(A, b)
            db = np.linalg.solve(A.T, g)
            return np.outer(-db, x), db

        def adjoint_lu():
            factors = scipy.linalg.lu_factor(A, check_finite=False)
            x = scipy.linalg.lu_solve(factors, b, check_finite=False)
            db = scipy.linalg.lu_solve(factors, g, trans=1, check_finite=False)
            return np.outer(-db, x), db

        def through_inv():
            A_inv = np.linalg.inv(A)
            x = A_inv @ b                           # forward: x = inv(A) @ b
            d_inverse = np.outer(g, b)              # backward of the product
            dA = -A_inv.T @ d_inverse @ A_inv.T     # backward of inv
            db = A_inv.T @ g
            return dA, db, x

        reference = adjoint_two_solves()[0]
        difference = max(np.max(np.abs(method()[0] - reference)) / np.max(np.abs(reference))
                         for method in (adjoint_lu, through_inv))
        repeats = 5 if n <= 500 else 2
        times = [best_seconds(run, repeats=repeats, clock=time.process_time)[0]
                 for run in (adjoint_two_solves, adjoint_lu, through_inv)]
        lines.append(f"| {n:,} | {1000 * times[0]:.3g} | {1000 * times[1]:.3g} "
                     f"| {1000 * times[2]:.3g} | {times[2] / times[1]:.2g} | {difference:.1e} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print("Hessian-vector product against the Hessian, logistic loss, N =", N_EXAMPLES, "\n")
    print(hessian_table(), "\n", flush=True)
    print("Full Jacobian of W2 tanh(W1 x), 64 hidden units: forward against reverse mode\n")
    print(jacobian_table(), "\n", flush=True)
    print("Gradients through x = A⁻¹ b: the adjoint method against differentiating inv\n")
    print(adjoint_table())
