"""Backpropagation through time: by hand against the tracer, and the memory of truncation.

Run: .venv/bin/python bench/through_time.py
Prints two Markdown tables (chapter 10, issue 23):

1. time of one forward and backward pass through a vanilla RNN and an LSTM with hidden size
   64, for sequences of T = 10, 100 and 1,000 steps: the hand-written BPTT of
   ``book/bookcode/ch10.py`` against the same network built with ``mathnotes.Value``
   (one graph over all the steps), with the graph's size and a check that both give the
   same gradients;
2. peak memory (``tracemalloc``) of full BPTT, of truncated BPTT with windows of 10 and 100
   steps, and of the tracer, for the RNN with T = 1,000.

Each time is the best of several runs, in CPU time of this process (the machine is shared).
"""

import os
import sys
import time
import tracemalloc
from pathlib import Path

# one BLAS thread: on a shared 2-core machine, thread pools competing with other
# jobs make the array timings swing by several times; set the variable to override
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402

import mathnotes as mn  # noqa: E402
from _timing import best_seconds, conditions  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book"))
from bookcode import ch10  # noqa: E402

H, D = 64, 16
STEPS = (10, 100, 1000)
cpu = time.process_time  # CPU time of this process: other jobs on the machine inflate wall time


def arguments(kind, T, seed=0):
    """The inputs and parameters of a network, and the upstream gradients of its states."""
    rng = np.random.default_rng(seed)
    rows = 4 if kind == "LSTM" else 1
    args = {"xs": rng.standard_normal((T, D)), "h0": np.zeros(H)}
    if kind == "LSTM":
        args["c0"] = np.zeros(H)
    args |= {"Wh": rng.standard_normal((rows * H, H)) / np.sqrt(H),
             "Wx": rng.standard_normal((rows * H, D)) / np.sqrt(D),
             "b": np.zeros(rows * H)}
    return args, rng.standard_normal((T, H))


def by_hand(kind, args, dhs):
    if kind == "LSTM":
        return ch10.lstm_backward(dhs, ch10.lstm_forward(*args.values())[2])
    return ch10.rnn_backward(dhs, ch10.rnn_forward(*args.values())[1])


def traced(kind, args, dhs):
    """The gradients from the tracer, and the number of values in its graph."""
    values = {name: mn.Value(a) for name, a in args.items() if name != "xs"}
    inputs = [mn.Value(x) for x in args["xs"]]
    build = ch10.lstm_traced if kind == "LSTM" else ch10.rnn_traced
    loss = mn.Value(0.0)
    for h, g in zip(build(inputs, *values.values()), dhs):
        loss = loss + (h * g).sum()
    loss.backward()
    grads = {name: v.grad for name, v in values.items()}
    grads["xs"] = np.array([x.grad for x in inputs])
    return grads, len(loss.topological_order())


def bench_times():
    rows = []
    for kind in ("RNN", "LSTM"):
        for T in STEPS:
            args, dhs = arguments(kind, T)
            hand = by_hand(kind, args, dhs)
            grads, size = traced(kind, args, dhs)
            names = {"Wh": "Uh", "Wx": "Ux", "b": "u"} if kind == "LSTM" else {}
            same = all(np.allclose(grads[name], hand[names.get(name, name)]) for name in grads)
            repeats = 5 if T < 1000 else 3
            t_hand = best_seconds(lambda: by_hand(kind, args, dhs), repeats, cpu)[0]
            t_traced = best_seconds(lambda: traced(kind, args, dhs), repeats, cpu)[0]
            rows.append((kind, T, t_hand, t_traced, size, same))
    return rows


def peak_bytes(run):
    """Peak memory allocated while ``run()`` runs, above what was allocated before."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - before


def bench_memory(T=1000):
    args, dhs = arguments("RNN", T)
    plain = list(args.values())
    return [
        ("full BPTT (rnn_forward + rnn_backward)", peak_bytes(lambda: by_hand("RNN", args, dhs))),
        ("truncated BPTT, window 100",
         peak_bytes(lambda: ch10.rnn_truncated_gradients(*plain, dhs, 100))),
        ("truncated BPTT, window 10",
         peak_bytes(lambda: ch10.rnn_truncated_gradients(*plain, dhs, 10))),
        ("the tracer (one graph of all the steps)",
         peak_bytes(lambda: traced("RNN", args, dhs))),
    ]


def shown(seconds):
    return f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.2f} s"


def main():
    print("| network | T | BPTT by hand | tracer | tracer / hand | values in the graph "
          "| same gradients |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for kind, T, t_hand, t_traced, size, same in bench_times():
        print(f"| {kind}, H = {H}, D = {D} | {T:,} | {shown(t_hand)} | {shown(t_traced)} "
              f"| {t_traced / t_hand:.1f}× | {size:,} | {same} |")
    rows = bench_memory()
    states = (1000 + 1) * H * 8
    print(f"\n| RNN, T = 1,000, H = {H}: peak memory | MiB | × the {states / 2**20:.2f} MiB "
          f"of the states |")
    print("|---|---:|---:|")
    for what, size in rows:
        print(f"| {what} | {size / 2**20:.2f} | {size / states:.1f} |")
    print("\n" + conditions("CPU time, best of several runs"))


if __name__ == "__main__":
    main()
