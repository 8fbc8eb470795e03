"""Benchmark of chapter 8's layers, forward + backward; prints a table.

Usage: .venv/bin/python bench/layers.py

Each layer runs in up to three implementations: the chapter's vectorised
NumPy code (``book/bookcode/ch08.py``), a reference built from explicit loops
(the convolution) or stages (batch norm), and the same layer built from
``mathnotes.Value`` operations, whose backward pass the tracer derives. Sizes:

- convolution: a batch of 64 images 3x32x32, 16 filters 3x3, stride 1,
  padding 1. The naive loops run on a smaller batch and their time is scaled
  linearly to 64 images (every image costs the same); the table says which.
- batch norm: a batch of 64 examples with 64 features.
- attention: one head, 64 tokens, d = 64, with the causal mask.

Times are CPU times of this process (the machine is shared), the best of
several runs (the loops: one run), in milliseconds, with one BLAS thread; the
ratio is to the vectorised code; all come from this one run of the script.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book"))

import mathnotes as mn  # noqa: E402
from bookcode import ch08  # noqa: E402
from _timing import best_seconds  # noqa: E402

CLOCK = time.process_time

BATCH = 64
NAIVE_BATCH = 2


def traced_step(build, arrays, upstream):
    values = [mn.Value(a) for a in arrays]
    build(*values).backward(upstream)
    return [v.grad for v in values]


def convolution_rows(rng):
    x = rng.standard_normal((BATCH, 3, 32, 32))
    w, b = rng.standard_normal((16, 3, 3, 3)), rng.standard_normal(16)
    out, cache = ch08.conv2d_forward(x, w, b, 1, 1)
    dout = rng.standard_normal(out.shape)

    def vectorised():
        out, cache = ch08.conv2d_forward(x, w, b, 1, 1)
        return ch08.conv2d_backward(dout, cache)

    def naive():
        xs, ds = x[:NAIVE_BATCH], dout[:NAIVE_BATCH]
        ch08.conv2d_naive(xs, w, b, 1, 1)
        return ch08.conv2d_naive_backward(ds, xs, w, 1, 1)

    def traced():
        return traced_step(lambda *v: ch08.conv2d_traced(*v, 1, 1), [x, w, b], dout)

    assert all(np.allclose(t, h) for t, h in zip(traced(), vectorised()))
    start = CLOCK()
    slow = naive()  # one run: it takes seconds
    naive_seconds = CLOCK() - start
    _, small_cache = ch08.conv2d_forward(x[:NAIVE_BATCH], w, b, 1, 1)
    assert all(np.allclose(s, f) for s, f in
               zip(slow, ch08.conv2d_backward(dout[:NAIVE_BATCH], small_cache)))
    scale = BATCH / NAIVE_BATCH
    return [
        ("convolution", "vectorised (im2col)", f"{BATCH}", best_seconds(vectorised, 5, CLOCK)[0]),
        ("convolution", "naive loops", f"{NAIVE_BATCH}, x{scale:g}", naive_seconds * scale),
        ("convolution", "tracer", f"{BATCH}", best_seconds(traced, 3, CLOCK)[0]),
    ]


def batchnorm_rows(rng):
    x = rng.standard_normal((BATCH, 64))
    gamma, beta = rng.standard_normal(64), rng.standard_normal(64)
    dy = rng.standard_normal(x.shape)

    def closed():
        y, cache = ch08.normalize_forward(x, gamma, beta, axis=0)
        return ch08.normalize_backward(dy, cache)

    def traced():
        return traced_step(lambda *v: ch08.normalize_traced(*v, axis=0), [x, gamma, beta], dy)

    assert all(np.allclose(t, h) for t, h in zip(traced(), closed()))
    return [
        ("batch norm", "closed form", f"{BATCH}", best_seconds(closed, 50, CLOCK)[0]),
        ("batch norm", "tracer", f"{BATCH}", best_seconds(traced, 50, CLOCK)[0]),
    ]


def attention_rows(rng):
    Q, K, V = (rng.standard_normal((64, 64)) for _ in range(3))
    dO = rng.standard_normal((64, 64))

    def by_hand():
        out, cache = ch08.attention_forward(Q, K, V, causal=True)
        return ch08.attention_backward(dO, cache)

    def traced():
        return traced_step(lambda *v: ch08.attention_traced(*v, causal=True), [Q, K, V], dO)

    assert all(np.allclose(t, h) for t, h in zip(traced(), by_hand()))
    return [
        ("attention", "hand-written", "64 tokens", best_seconds(by_hand, 50, CLOCK)[0]),
        ("attention", "tracer", "64 tokens", best_seconds(traced, 50, CLOCK)[0]),
    ]


def main():
    rng = np.random.default_rng(0)
    rows = convolution_rows(rng) + batchnorm_rows(rng) + attention_rows(rng)
    print("forward + backward, milliseconds; ratio to the first row of each layer")
    print(f"{'layer':13}{'implementation':22}{'batch run':>12}{'time (ms)':>12}{'ratio':>9}")
    baseline = {}
    for layer, name, batch, seconds in rows:
        baseline.setdefault(layer, seconds)
        print(f"{layer:13}{name:22}{batch:>12}{seconds * 1e3:12.2f}{seconds / baseline[layer]:9.1f}")


if __name__ == "__main__":
    main()
