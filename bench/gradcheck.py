"""Cost of mathnotes' gradient checks: against their peers, the diagnosis, fast-mode budgets.

Run with ``.venv/bin/python bench/gradcheck.py``. Prints four Markdown tables:

1. a full check of a correct gradient at n = 64 (W 8x8) and n = 4096 (W 64x64)
   against the floor of 2n calls of f, a CS231n-style loop (written here) and
   scipy's ``check_grad``, in interleaved repeats (medians of CPU time), each
   timed right after another contender and again at once (its code then warm
   in the caches: on a busy machine the gap is large for code that does more);
2. the diagnosis's share of a failing full check of W 64x64 (target: at most 5 %);
3. calls of f in fast mode for n = 30, 300 and 4096 entries, correct and wrong,
   against the full check's 2n + 1;
4. torch.autograd.gradcheck and jax's check_grads on the same problem, each run
   by the Python of its own virtual environment: ``--torch-python`` (default the
   peers' environment bench/.peers-venv that ``bench/tracer.py`` makes) and
   ``--jax-python`` (no default: an environment with jax installed); a missing
   environment is reported as skipped. Neither is a dependency of the project.

Times are CPU seconds of one process (time.process_time), BLAS limited to one
thread. Speed is measured here, not asserted in tests.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before NumPy loads its BLAS

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

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


def interleaved_medians(runs, rounds):
    """Median CPU seconds of each of ``runs`` (name to function), run in turn ``rounds`` times.

    Interleaving spreads the machine's slow moments over every contender alike.
    Each run is timed twice in a row: the first time right after another
    contender (its code cold in the caches, as a check within a program
    runs), the second time warm. Returns ``(cold, warm)`` medians.
    """
    cold, warm = ({name: [] for name in runs} for _ in range(2))
    for _ in range(rounds):
        for name, run in runs.items():
            for times in (cold, warm):
                start = time.process_time()
                run()
                times[name].append(time.process_time() - start)
    return tuple({name: statistics.median(values) for name, values in times.items()}
                 for times in (cold, warm))


def cs231n_check(f, grad, x, h=1e-5):
    """The loop of the CS231n notes (central differences, one entry at a time), and its max relative error."""
    x = x.copy()
    numerical = np.zeros_like(x)
    entries = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not entries.finished:
        index = entries.multi_index
        saved = x[index]
        x[index] = saved + h
        above = f(x)
        x[index] = saved - h
        below = f(x)
        x[index] = saved
        numerical[index] = (above - below) / (2 * h)
        entries.iternext()
    return np.max(np.abs(numerical - grad) / np.maximum(np.abs(numerical), np.abs(grad)))


def peers_table():
    """A full check of a correct gradient against the 2n-call floor and two other checkers."""
    import mathnotes as mn
    from scipy.optimize import check_grad

    lines = ["| n | check | calls of f | median CPU ms | x the 2n-call floor | run again: ms | "
             "x the floor |", "|---|---|---|---|---|---|---|"]
    for size, rounds in ((8, 600), (64, 12)):
        f, grad, W = quadratic_problem(size)
        g = grad(W)
        n = W.size

        def floor():
            for _ in range(2 * n):
                f(W)

        def flat_f(v):
            return f(v.reshape(W.shape))

        runs = {
            "2n calls of f (the floor)": floor,
            "mathnotes check_gradient (full)": lambda: mn.check_gradient(f, g, W),
            "CS231n loop (h = 1e-5)": lambda: cs231n_check(f, g, W),
            "scipy check_grad": lambda: check_grad(flat_f, lambda v: g.ravel(), W.ravel()),
        }
        counting = {"2n calls of f (the floor)": 2 * n,
                    "mathnotes check_gradient (full)": mn.check_gradient(f, g, W).n_calls}
        for name, run in (("CS231n loop (h = 1e-5)", cs231n_check), ("scipy check_grad", None)):
            counted_f, calls = counted(f)
            if run is None:
                check_grad(lambda v: counted_f(v.reshape(W.shape)), lambda v: g.ravel(), W.ravel())
            else:
                run(counted_f, g, W)
            counting[name] = calls[0]
        cold, warm = interleaved_medians(runs, rounds)
        floor_cold, floor_warm = cold["2n calls of f (the floor)"], warm["2n calls of f (the floor)"]
        for name in runs:
            lines.append(f"| {n} | {name} | {counting[name]} | {1e3 * cold[name]:.3f} | "
                         f"{cold[name] / floor_cold:.2f} | {1e3 * warm[name]:.3f} | "
                         f"{warm[name] / floor_warm:.2f} |")
    return lines


def diagnosis_table():
    import mathnotes as mn
    from mathnotes.gradcheck import _full

    f, grad, W = quadratic_problem()
    g = grad(W)
    cases = {
        "factor 1/2 (diagnosed)": g / 2,
        "transpose (diagnosed)": g.T.copy(),
        "one entry 0.1 % off (no diagnosis)": one_entry_off(g),
        "random (every test runs, none matches)": np.random.default_rng(1).standard_normal(g.shape),
    }
    lines = ["| W 64x64, full check of | check, CPU s | without the diagnosis, CPU s | share | diagnosis |",
             "|---|---|---|---|---|"]
    diagnose = _full.diagnose
    for label, wrong in cases.items():
        seconds, result = best_seconds(lambda: mn.check_gradient(f, wrong, W), REPEATS, time.process_time)
        _full.diagnose = lambda problem, evidence: None
        try:
            without, _ = best_seconds(lambda: mn.check_gradient(f, wrong, W), REPEATS, time.process_time)
        finally:
            _full.diagnose = diagnose
        mistake = result.diagnosis.mistake if result.diagnosis else "none"
        lines.append(f"| {label} | {seconds:.4f} | {without:.4f} | "
                     f"{100 * max(seconds - without, 0.0) / seconds:.1f} % | {mistake} |")
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
    if not python or not os.path.exists(python):
        where = f"at {python}" if python else f"given (--{which}-python)"
        return [(which, f"skipped: no environment {where}", None, "-", "-")]
    done = subprocess.run([python, __file__, "--rows", which], capture_output=True, text=True)
    if done.returncode != 0:
        return [(which, f"failed: {done.stderr.strip().splitlines()[-1]}", None, "-", "-")]
    return [tuple(row) for row in json.loads(done.stdout)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", choices=["torch", "jax"], help=argparse.SUPPRESS)
    parser.add_argument("--torch-python",
                        default=str(Path(__file__).resolve().parent / ".peers-venv" / "bin" / "python"))
    parser.add_argument("--jax-python", default="")
    args = parser.parse_args()
    if args.rows:
        print(json.dumps({"torch": torch_rows, "jax": jax_rows}[args.rows]()))
        return
    print("\n".join(peers_table()))
    print()
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
