"""Cost of mathnotes' gradient checks: diagnosis overhead, fast-mode budgets, other checkers.

Run with ``.venv/bin/python bench/gradcheck.py``. Prints three Markdown tables:

1. the diagnosis's share of a failing full check of W 64x64 (target: at most 5 %);
2. calls of f in fast mode for n = 30, 300 and 4096 entries, correct and wrong,
   against the full check's 2n + 1;
3. torch.autograd.gradcheck and jax's check_grads on the same problem, each run
   by the Python of its own virtual environment (``--torch-python`` and
   ``--jax-python``, default /work/venv-torch and /work/venv-jax); a missing
   environment is reported as skipped. Neither is a dependency of the project.

Times are CPU seconds of one process (time.process_time), best of several
repeats, BLAS limited to one thread. Speed is measured here, not asserted in tests.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before NumPy loads its BLAS

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from _timing import best_seconds  # noqa: E402

REPEATS = 5


def quadratic_problem(size=64):
    """``sum((W @ X)**2)`` with W and X size x size, its gradient, and the point W."""
    rng = np.random.default_rng(0)
    W, X = rng.standard_normal((size, size)), rng.standard_normal((size, size))
    return (lambda w: np.sum((w @ X) ** 2)), (lambda w: 2 * (w @ X) @ X.T), W


def one_entry_off(g):
    wrong = g.copy()
    wrong[3, 5] *= 1.001
    return wrong


def diagnosis_table():
    from mathnotes.gradcheck._diagnosis import diagnose_entries
    from mathnotes.gradcheck._full import run_full
    from mathnotes.gradcheck._problem import make_problem

    f, grad, W = quadratic_problem()
    g = grad(W)
    cases = {
        "factor 1/2 (diagnosed)": g / 2,
        "transpose (diagnosed)": g.T.copy(),
        "one entry 0.1 % off (no diagnosis)": one_entry_off(g),
        "random (every test runs, none matches)": np.random.default_rng(1).standard_normal(g.shape),
    }
    lines = ["| W 64x64, full check of | check, CPU s | diagnosis alone, CPU s | share | diagnosis |",
             "|---|---|---|---|---|"]
    for label, wrong in cases.items():
        def check():
            problem = make_problem("gradient", f, wrong, W)
            return problem, run_full(problem, [])

        seconds, (problem, result) = best_seconds(check, REPEATS, time.process_time)
        central = np.asarray(result.numerical, dtype=np.float64).reshape(problem.analytic.shape)
        fail = np.abs(problem.analytic - central) > 0  # every differing entry: the worst case
        diag_seconds, _ = best_seconds(lambda: diagnose_entries(problem, central, fail), REPEATS,
                                       time.process_time)
        mistake = result.diagnosis.mistake if result.diagnosis else "none"
        lines.append(f"| {label} | {seconds:.4f} | {diag_seconds:.5f} | "
                     f"{100 * diag_seconds / seconds:.1f} % | {mistake} |")
    return lines


def fast_calls_table():
    import mathnotes as mn

    lines = ["| n | gradient | fast: calls | full: 2n + 1 | fast / full | verdict, mode | located |",
             "|---|---|---|---|---|---|---|"]
    for n in (30, 300, 4096):
        rng = np.random.default_rng(n)
        w, x = rng.standard_normal(n), rng.standard_normal(n)
        g = w * (1 - np.tanh(x) ** 2)
        one = g.copy()
        one[n // 3] *= 1.01
        five = g.copy()
        five[rng.choice(n, 5, replace=False)] += 0.5
        cases = {"correct": g, "one entry 1 % off": one, "5 entries wrong": five,
                 "every entry x 2": 2 * g, "random": rng.standard_normal(n)}
        for label, analytic in cases.items():
            r = mn.check_gradient(lambda z: w @ np.tanh(z), analytic, x, mode="fast")
            located = len(r.worst) if r.mode == "fast" else "-"
            lines.append(f"| {n} | {label} | {r.n_calls} | {2 * n + 1} | "
                         f"{r.n_calls / (2 * n + 1):.2f} | {r.verdict}, {r.mode} | {located} |")
    return lines


def mathnotes_rows():
    import mathnotes as mn

    f, grad, W = quadratic_problem()
    rows = []
    for label, analytic in (("correct", grad(W)), ("one entry 0.1 % off", one_entry_off(grad(W)))):
        for mode in ("full", "fast"):
            seconds, r = best_seconds(lambda: mn.check_gradient(f, analytic, W, mode=mode), 3, time.process_time)
            rows.append(("mathnotes", f"{mode}, {label}", seconds, r.n_calls, r.verdict))
    return rows


def counted(f):
    calls = [0]

    def g(*args):
        calls[0] += 1
        return f(*args)

    return g, calls


def torch_rows():
    """torch.autograd.gradcheck of the NumPy f and gradient wrapped as one autograd Function."""
    import torch

    f, grad, W = quadratic_problem()
    rows = []
    for label, analytic in (("correct", grad), ("one entry 0.1 % off", lambda w: one_entry_off(grad(w)))):
        f_counted, calls = counted(f)

        class NumpyFunction(torch.autograd.Function):
            @staticmethod
            def forward(ctx, w):
                ctx.save_for_backward(w)
                return torch.tensor(f_counted(w.detach().numpy()), dtype=torch.float64)

            @staticmethod
            def backward(ctx, upstream, analytic=analytic):
                (w,) = ctx.saved_tensors
                return upstream * torch.from_numpy(np.asarray(analytic(w.detach().numpy())))

        w = torch.tensor(W, dtype=torch.float64, requires_grad=True)
        for fast in (False, True):
            def check():
                calls[0] = 0
                return torch.autograd.gradcheck(NumpyFunction.apply, (w,), fast_mode=fast,
                                                raise_exception=False)

            seconds, ok = best_seconds(check, 3, time.process_time)
            rows.append((f"torch {torch.__version__}", f"{'fast' if fast else 'slow'}, {label}",
                         seconds, calls[0], "pass" if ok else "fail"))
    return rows


def jax_rows():
    """jax.test_util.check_grads (reverse mode, order 1) with the wrong gradient as a custom VJP."""
    import jax
    import jax.numpy as jnp
    from jax.test_util import check_grads

    jax.config.update("jax_enable_x64", True)
    rng = np.random.default_rng(0)
    W, X = rng.standard_normal((64, 64)), rng.standard_normal((64, 64))
    rows = []
    for label, scale in (("correct", None), ("one entry 0.1 % off", 1.001)):
        calls = [0]

        @jax.custom_vjp
        def f(w):
            calls[0] += 1
            return jnp.sum((w @ X) ** 2)

        def f_fwd(w):
            return f(w), w

        def f_bwd(w, upstream, scale=scale):
            g = 2 * (w @ X) @ X.T
            if scale is not None:
                g = g.at[3, 5].multiply(scale)
            return (upstream * g,)

        f.defvjp(f_fwd, f_bwd)

        def check():
            calls[0] = 0
            try:
                check_grads(f, (jnp.asarray(W),), order=1, modes=["rev"])
                return "pass"
            except AssertionError:
                return "fail"

        seconds, verdict = best_seconds(check, 3, time.process_time)
        rows.append((f"jax {jax.__version__}", f"check_grads rev, {label}", seconds, calls[0], verdict))
    return rows


def other_checker(python, which):
    """Rows from ``bench/gradcheck.py --rows which`` run by another environment's Python."""
    if not os.path.exists(python):
        return [(which, f"skipped: no environment at {python}", None, "-", "-")]
    done = subprocess.run([python, __file__, "--rows", which], capture_output=True, text=True)
    if done.returncode != 0:
        return [(which, f"failed: {done.stderr.strip().splitlines()[-1]}", None, "-", "-")]
    return [tuple(row) for row in json.loads(done.stdout)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", choices=["torch", "jax"], help=argparse.SUPPRESS)
    parser.add_argument("--torch-python", default="/work/venv-torch/bin/python")
    parser.add_argument("--jax-python", default="/work/venv-jax/bin/python")
    args = parser.parse_args()
    if args.rows:
        print(json.dumps({"torch": torch_rows, "jax": jax_rows}[args.rows]()))
        return
    print("\n".join(diagnosis_table()))
    print()
    print("\n".join(fast_calls_table()))
    print()
    rows = (mathnotes_rows() + other_checker(args.torch_python, "torch")
            + other_checker(args.jax_python, "jax"))
    print("| sum((W @ X)**2), W 64x64 | check | CPU s | calls of f | verdict |")
    print("|---|---|---|---|---|")
    for tool, check, seconds, calls, verdict in rows:
        shown = "-" if seconds is None else f"{seconds:.4f}"
        print(f"| {tool} | {check} | {shown} | {calls} | {verdict} |")


if __name__ == "__main__":
    sys.exit(main())
