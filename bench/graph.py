"""Speed of the tracer on a deep chain, and of the drawing (mathnotes.Value, mathnotes.draw).

Run: .venv/bin/python bench/graph.py
Prints a Markdown table. Each time is the best of several runs (the machine is shared).
The tracer beside its peers (torch, HIPS autograd, micrograd) and the hand-written
NumPy floor, on networks and an RNN, is in bench/tracer.py.
"""

import io
import os

# one BLAS thread: on a shared 2-core machine, thread pools competing with other
# jobs make the array timings swing by several times; set the variable to override
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402

import mathnotes as mn  # noqa: E402
from _timing import best_seconds  # noqa: E402


def chain(length):
    x = mn.Value(0.5, label="x")
    y = x
    for i in range(length):
        y = y * 1.0001 if i % 2 else y + 0.001
    return x, y


def bench_chain(length=10_000):
    build = best_seconds(lambda: chain(length), 3)[0]
    x, y = chain(length)

    def backward():
        y.zero_grad()
        y.backward()

    back = best_seconds(backward, 3)[0]
    return [
        (f"build a chain of {length:,} scalar operations", build, ""),
        ("backward through it (with zero_grad)", back, "target ≤ 0.5 s"),
    ]


def scalar_network(sizes=(3, 6, 6, 1), seed=0):
    """A network of scalar neurons (micrograd style), about 200 nodes."""
    rng = np.random.default_rng(seed)
    layer = [mn.Value(v, label=f"x{i}") for i, v in enumerate(rng.normal(size=sizes[0]))]
    for n_out in sizes[1:]:
        new = []
        for _ in range(n_out):
            total = mn.Value(0.0)
            for inp in layer:
                total = total + mn.Value(rng.normal()) * inp
            new.append(total.tanh())
        layer = new
    out = layer[0]
    out.backward()
    return out


def bench_draw():
    out = scalar_network()
    nodes = len(out.topological_order())

    def render():
        fig = mn.draw(out)
        fig.savefig(io.BytesIO(), format="png", dpi=100)

    t_draw = best_seconds(lambda: mn.draw(out), 3)[0]
    t_render = best_seconds(render, 3)[0]
    return [
        (f"draw a {nodes}-node graph (layout and artists)", t_draw, "target ≤ 1 s"),
        ("draw it and render a PNG", t_render, ""),
    ]


def main():
    rows = bench_chain() + bench_draw()
    print("| what | time | note |")
    print("|---|---:|---|")
    for what, seconds, note in rows:
        shown = f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.2f} s"
        print(f"| {what} | {shown} | {note} |")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    threads = os.environ["OPENBLAS_NUM_THREADS"]
    print(f"\n(best of several runs; {threads} BLAS thread(s); load average during the run: {load} "
          f"on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
