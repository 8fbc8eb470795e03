"""Benchmark of chapter 7's reference training loop on this machine; prints a table.

Usage: .venv/bin/python bench/training.py

The chapter's widget retrains the network on every slider move. This compares
the same SGD run (the widget's defaults: spirals 3 x 100, hidden 32, 2000
steps of batch 32) written two ways: with the layers of ``mathnotes.nn``,
which check their arguments at every call, and with
``bookcode.ch07.train_two_layer``, which checks once and then runs plain NumPy
(the losses are equal to the last bit). Also times ``plot_training_run``, the
figure of one run drawn from scratch (training, decision regions, loss curve,
PNG); a slider move of the widget, which remembers its runs and redraws its
figure in place, is timed by ``bench/sliders.py``. Best of five runs, in CPU
time of this process (the machine is shared), with one BLAS thread.
"""

import os

# one BLAS thread: on a shared 2-core machine, competing thread pools make array timings
# swing by several times; set the variables to override
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book"))

from bookcode import ch07  # noqa: E402
from mathnotes import nn  # noqa: E402
from _timing import best_seconds  # noqa: E402

CLOCK = time.process_time
SETTINGS = dict(hidden=32, lr=0.5, steps=2000, batch_size=32, seed=0)


def train_with_layers(X, y, *, hidden, lr, steps, batch_size, seed):
    """The chapter's loop with the layers: every forward, backward and update checks."""
    rng = np.random.default_rng(seed)
    net = nn.Sequential(nn.Linear(2, hidden, rng=rng), nn.ReLU(),
                        nn.Linear(hidden, int(y.max()) + 1, rng=rng))
    losses = np.empty(steps)
    for step in range(steps):
        rows = rng.choice(X.shape[0], size=batch_size, replace=False)
        losses[step], dscores = nn.softmax_cross_entropy(net.forward(X[rows]), y[rows])
        net.backward(dscores)
        net.update(lr)
    return net, losses


def main():
    X, y = ch07.make_spirals(100, 3, seed=0)
    _, checked = train_with_layers(X, y, **SETTINGS)
    _, plain = ch07.train_two_layer(X, y, **SETTINGS)
    assert np.array_equal(checked, plain), "the two loops must give the same losses"
    rows = {
        "layers, checks at every step": best_seconds(lambda: train_with_layers(X, y, **SETTINGS), 5, CLOCK)[0],
        "train_two_layer, checks once": best_seconds(lambda: ch07.train_two_layer(X, y, **SETTINGS), 5, CLOCK)[0],
        "plot_training_run (train + figure + PNG)":
            best_seconds(lambda: ch07.plot_training_run(X, y, **SETTINGS)._repr_png_()[0], 3, CLOCK)[0],
    }
    width = max(map(len, rows))
    print(f"{'measure (2000 SGD steps)':<{width}}  {'seconds':>8}")
    print(f"{'-' * width}  {'-' * 8}")
    for name, seconds in rows.items():
        print(f"{name:<{width}}  {seconds:8.3f}")
    first, second = list(rows.values())[:2]
    print(f"speed-up of the training loop: {first / second:.2f}x")


if __name__ == "__main__":
    main()
