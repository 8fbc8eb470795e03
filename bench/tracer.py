"""The tracer (mathnotes.Value) beside its peers: torch autograd, HIPS autograd, micrograd.

Usage: .venv/bin/python bench/tracer.py [--repeats N] [--no-peers] [--against REF]

Prints one Markdown table. Rows:

- a two-layer ReLU network with a softmax cross-entropy over 10 classes, forward
  and backward, at two sizes. The floor is the hand-written NumPy pass (forward,
  then dW1, db1, dW2, db2, and no gradient for the data X). The parameters are
  made once, as each library expects (``mn.Value(W)``, a leaf tensor); every step
  builds the graph from the plain data array X and resets the gradients;
- about 10,000 scalar operations, built and backpropagated (mathnotes, micrograd,
  torch 0-d tensors), in two shapes: micrograd's own demo, a network of scalar
  neurons (weights made once, the inputs plain floats, ReLU in the hidden
  layers), and a chain alternating ``y * 1.0001`` and ``y + 0.001`` (deep: its
  recursive walk needs a higher recursion limit in micrograd);
- a vanilla RNN over T = 1,000 steps, hidden size 64 (chapter 10's case): one
  graph over the whole loop, built and backpropagated, against hand-written
  backpropagation through time.

The peers are not dependencies of the project: they live in their own virtual
environment, bench/.peers-venv (git-ignored), which this script creates on its
first run (numpy at the project's pin, torch 2.13.0 CPU, autograd, micrograd)
and then re-runs itself with, importing mathnotes from this checkout. So every
column comes from one process: each repeat times every implementation once, in
turn (interleaved, a few calls in a row each), and a row reports the best call of
each, in CPU time of the process (the machine is shared). One BLAS thread, one
torch thread. The scalar rows time building and backpropagating a graph, as
``timeit`` does: the garbage collector runs before each call and not during it,
and freeing the graph is not timed. Without that environment (``--no-peers``, or if it cannot be
made) the peer columns say "skipped".

``--against REF`` adds a column with the tracer of the git revision REF (``--against main``:
the tracer before your change), imported from that revision beside this checkout's and timed
in the same rounds, so a before/after comparison shares the machine's load.
"""

import os

# one BLAS thread: on a shared 2-core machine, competing thread pools make array timings
# swing by several times; set the variables to override
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import importlib  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # mathnotes from this checkout, also in the peers' environment

import mathnotes as mn  # noqa: E402

PEERS_VENV = ROOT / "bench" / ".peers-venv"
PEERS_PYTHON = PEERS_VENV / "bin" / "python"
PEER_PACKAGES = ["torch==2.13.0", "autograd==1.9.1", "micrograd==0.1.0"]
INSIDE = "MATHNOTES_BENCH_IN_PEERS_VENV"  # set when this script re-runs itself there


# ------------------------------------------------------------------ the peers' environment
def numpy_pin():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.startswith("numpy=="):
            return line.strip()
    return "numpy"


def ensure_peers_venv():
    """The peers' Python, made on first use; None (with a message) if it cannot be made."""
    check = [str(PEERS_PYTHON), "-c", "import torch, autograd, micrograd"]
    if PEERS_PYTHON.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return PEERS_PYTHON
    print(f"Creating {PEERS_VENV} for the peers (torch is large: a few "
          "minutes, once)...", file=sys.stderr)
    steps = [[sys.executable, "-m", "venv", str(PEERS_VENV)],
             [str(PEERS_PYTHON), "-m", "pip", "install", "--quiet", numpy_pin(), *PEER_PACKAGES]]
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True)
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            print(f"Could not set up the peers' environment ({' '.join(step[:4])} ...): "
                  f"{' '.join(tail)}\nThe peer columns are skipped.", file=sys.stderr)
            return None
    return PEERS_PYTHON


def tracer_at(revision):
    """``mathnotes.Value`` of the git revision ``revision``, imported beside this checkout's.

    The revision's ``mathnotes`` folder is written to a temporary folder and imported there
    with this checkout's modules set aside, then put back: the two packages live side by
    side in one process, each with its own modules.
    """
    def git(*args):
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True,
                              check=True).stdout

    folder = Path(tempfile.mkdtemp(prefix="mathnotes-at-"))
    for path in git("ls-tree", "-r", "--name-only", revision, "mathnotes").decode().split():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(git("show", f"{revision}:{path}"))

    def ours():
        return {name: module for name, module in sys.modules.items()
                if name == "mathnotes" or name.startswith("mathnotes.")}

    mine = ours()
    for name in mine:
        del sys.modules[name]
    sys.path.insert(0, str(folder))
    try:
        theirs = importlib.import_module("mathnotes")
    finally:
        sys.path.remove(str(folder))
        for name in ours():
            del sys.modules[name]
        sys.modules.update(mine)
    assert theirs.Value is not mn.Value
    return theirs.Value


def peers_available():
    try:
        import autograd  # noqa: F401
        import micrograd  # noqa: F401
        import torch
    except ImportError:
        return False
    torch.set_num_threads(1)
    return True


# ------------------------------------------------------------------ the two-layer network
def mlp_data(n, d, h, c=10):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, d))
    labels = rng.integers(0, c, size=n)
    params = [rng.normal(size=(d, h)) / np.sqrt(d), np.zeros(h),
              rng.normal(size=(h, c)) / np.sqrt(h), np.zeros(c)]
    return X, labels, params


def mlp_floor(X, labels, params):
    """Forward and backward by hand: the gradients of the four parameters, none for X."""
    W1, b1, W2, b2 = params
    n, rows = len(labels), np.arange(len(labels))

    def step():
        pre = X @ W1 + b1
        hidden = np.maximum(pre, 0.0)
        scores = hidden @ W2 + b2
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_probs[rows, labels].mean()
        d_scores = np.exp(log_probs)
        d_scores[rows, labels] -= 1.0
        d_scores /= n
        d_pre = (d_scores @ W2.T) * (pre > 0)
        return loss, [X.T @ d_pre, d_pre.sum(axis=0), hidden.T @ d_scores, d_scores.sum(axis=0)]

    return step


def mlp_mathnotes(X, labels, params, Value=mn.Value):
    values = [Value(p) for p in params]  # made once, like a model's parameters

    def step():
        w1, c1, w2, c2 = values
        loss = ((X @ w1 + c1).relu() @ w2 + c2).softmax_cross_entropy(labels)
        loss.zero_grad()
        loss.backward()
        return float(loss.data), [v.grad for v in values]

    return step


def mlp_torch(X, labels, params):
    import torch
    import torch.nn.functional as F

    Xt, yt = torch.from_numpy(X), torch.from_numpy(labels)
    tensors = [torch.tensor(p, requires_grad=True) for p in params]

    def step():
        w1, c1, w2, c2 = tensors
        for t in tensors:
            t.grad = None
        loss = F.cross_entropy(torch.relu(Xt @ w1 + c1) @ w2 + c2, yt)
        loss.backward()
        return loss.item(), [t.grad.numpy() for t in tensors]

    return step


def mlp_autograd(X, labels, params):
    import autograd.numpy as anp
    from autograd import value_and_grad

    rows = np.arange(len(labels))

    def loss_of(ps):
        W1, b1, W2, b2 = ps
        scores = anp.maximum(X @ W1 + b1, 0.0) @ W2 + b2
        shifted = scores - anp.max(scores, axis=1, keepdims=True)
        log_probs = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
        return -anp.mean(log_probs[rows, labels])

    both = value_and_grad(loss_of)

    def step():
        loss, grads = both(list(params))
        return loss, grads

    return step


# ------------------------------------------------------------------ scalar operations
CHAIN = 10_000
SIZES = (10, 48, 48, 44, 1)  # a network of scalar neurons: Σ n_out (2 n_in + 1) = 10,021 ops


def scalar_network_of(lift, reset):
    """Build micrograd's demo network on plain-float inputs, reset, backpropagate."""
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=SIZES[0]).tolist()
    layers = [[[lift(w) for w in rng.normal(size=n_in + 1).tolist()] for _ in range(n_out)]
              for n_in, n_out in zip(SIZES, SIZES[1:])]
    params = [w for layer in layers for neuron in layer for w in neuron]

    def step():
        values = inputs
        for depth, layer in enumerate(layers, start=1):
            outputs = []
            for *weights, bias in layer:
                total = bias
                for w, x in zip(weights, values):
                    total = total + w * x
                outputs.append(total if depth == len(layers) else total.relu())
            values = outputs
        out = values[0]
        reset(out, params)
        out.backward()
        return params[0], out

    return step


def scalar_network_mathnotes(Value=mn.Value):
    return scalar_network_of(Value, lambda out, params: out.zero_grad())


def scalar_network_micrograd():
    from micrograd.engine import Value

    def reset(out, params):
        for p in params:
            p.grad = 0.0

    return scalar_network_of(Value, reset)


def scalar_network_torch():
    import torch

    def reset(out, params):
        for p in params:
            p.grad = None

    return scalar_network_of(lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True),
                             reset)


def chain_of(lift):
    """A function building and backpropagating the chain from one scalar made by ``lift``."""
    def step():
        x = lift(0.5)
        y = x
        for i in range(CHAIN):
            y = y * 1.0001 if i % 2 else y + 0.001
        y.backward()
        return x, y

    return step


def chain_torch():
    import torch

    return chain_of(lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True))


def chain_micrograd():
    from micrograd.engine import Value

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * CHAIN))  # its topological sort recurses
    return chain_of(Value)


# ------------------------------------------------------------------ an RNN over T steps
def rnn_data(T=1000, batch=8, d=16, h=64):
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(T, batch, d))
    targets = rng.normal(size=(T, batch, h))
    params = [rng.normal(size=(d, h)) / np.sqrt(d), rng.normal(size=(h, h)) / np.sqrt(h),
              np.zeros(h)]
    return xs, targets, params


def rnn_floor(xs, targets, params):
    """h_t = tanh(x_t Wx + h_(t-1) Wh + b), L = Σ_t Σ (h_t * target_t): BPTT by hand."""
    Wx, Wh, b = params

    def step():
        hs = [np.zeros((xs.shape[1], Wh.shape[0]))]
        loss = 0.0
        for x, target in zip(xs, targets):
            hs.append(np.tanh(x @ Wx + hs[-1] @ Wh + b))
            loss += np.sum(hs[-1] * target)
        dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
        dh = np.zeros_like(hs[0])
        for t in range(len(xs) - 1, -1, -1):
            dpre = (dh + targets[t]) * (1.0 - hs[t + 1] ** 2)
            dWx += xs[t].T @ dpre
            dWh += hs[t].T @ dpre
            db += dpre.sum(axis=0)
            dh = dpre @ Wh.T
        return loss, [dWx, dWh, db]

    return step


def rnn_mathnotes(xs, targets, params, Value=mn.Value):
    values = [Value(p) for p in params]

    def step():
        Wx, Wh, b = values
        h = np.zeros((xs.shape[1], Wh.shape[0]))  # the initial state: a constant
        loss = 0.0
        for x, target in zip(xs, targets):
            h = (x @ Wx + h @ Wh + b).tanh()
            loss = loss + (h * target).sum()
        loss.zero_grad()
        loss.backward()
        return float(loss.data), [v.grad for v in values]

    return step


# ------------------------------------------------------------------ measuring
def interleaved_best(runs, repeats, block=3, quiet_gc=False):
    """Best CPU time of one call of each run, over ``repeats`` rounds in which each runs in turn.

    In a round every run is called ``block`` times in a row (the first call after
    another library's may find the memory allocator or the caches in that
    library's state). What a call returns is released after its time is taken
    (the scalar rows return their graph: freeing it is not timed). With
    ``quiet_gc``, as in ``timeit``, the
    garbage collector is run before each call and kept off during it (the graphs
    of micrograd are reference cycles, whose collection would otherwise land in
    whichever call comes next). CPU time, not wall time: other jobs on the
    machine stretch the wall time, not the CPU time of this process.
    """
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            for _ in range(block):
                if quiet_gc:
                    gc.collect()
                    gc.disable()
                start = time.process_time()
                result = run()
                best[name] = min(best[name], time.process_time() - start)
                gc.enable()
                del result
    return best


def agree(reference, other, what):
    """Same loss and gradients (to rounding) before anything is timed."""
    (loss_a, grads_a), (loss_b, grads_b) = reference(), other()
    assert np.isclose(loss_a, loss_b, rtol=1e-9), what
    assert all(np.allclose(a, np.asarray(b), rtol=1e-7, atol=1e-10)
               for a, b in zip(grads_a, grads_b)), what


def network_row(n, d, h, repeats, peers, others):
    X, labels, params = mlp_data(n, d, h)
    runs = {"floor": mlp_floor(X, labels, params), "mathnotes": mlp_mathnotes(X, labels, params)}
    runs.update({name: mlp_mathnotes(X, labels, params, Value) for name, Value in others.items()})
    if peers:
        runs.update(torch=mlp_torch(X, labels, params), autograd=mlp_autograd(X, labels, params))
    for name, run in runs.items():
        agree(runs["floor"], run, name)
    best = interleaved_best(runs, repeats)
    return (f"2-layer MLP fwd+bwd, X {n}×{d}, hidden {h}", best, "floor", ("torch", "autograd"))


def scalar_row(what, runs, repeats, peers):
    if len(runs) > 1:
        grads = {name: float(run()[0].grad) for name, run in runs.items()}
        assert np.allclose(list(grads.values()), grads["mathnotes"]), grads
    best = interleaved_best(runs, repeats, block=1, quiet_gc=True)
    return what, best, "micrograd" if peers else None, ("micrograd", "torch")


def network_of_scalars_row(repeats, peers, others):
    runs = {"mathnotes": scalar_network_mathnotes()}
    runs.update({name: scalar_network_mathnotes(Value) for name, Value in others.items()})
    if peers:
        runs.update(micrograd=scalar_network_micrograd(), torch=scalar_network_torch())
    ops = sum(n_out * (2 * n_in + 1) for n_in, n_out in zip(SIZES, SIZES[1:]))
    sizes = "-".join(map(str, SIZES))
    return scalar_row(f"{ops:,} scalar ops fwd+bwd, micrograd's network {sizes}", runs, repeats,
                      peers)


def chain_row(repeats, peers, others):
    runs = {"mathnotes": chain_of(mn.Value)}
    runs.update({name: chain_of(Value) for name, Value in others.items()})
    if peers:
        runs.update(micrograd=chain_micrograd(), torch=chain_torch())
    return scalar_row(f"{CHAIN:,} scalar ops fwd+bwd, a chain", runs, repeats, peers)


def rnn_row(repeats, others):
    xs, targets, params = rnn_data()
    runs = {"floor": rnn_floor(xs, targets, params),
            "mathnotes": rnn_mathnotes(xs, targets, params)}
    runs.update({name: rnn_mathnotes(xs, targets, params, Value) for name, Value in others.items()})
    for name, run in runs.items():
        agree(runs["floor"], run, name)
    best = interleaved_best(runs, repeats)
    T, batch, _ = xs.shape
    return (f"RNN, T = {T:,} steps, hidden {params[1].shape[0]}, batch {batch}: one graph",
            best, "floor", ())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="repeats of the array rows")
    parser.add_argument("--no-peers", action="store_true", help="skip torch, autograd, micrograd")
    parser.add_argument("--against", metavar="REF", action="append", default=[],
                        help="also time the tracer of git revision REF (repeatable)")
    args = parser.parse_args()
    if not args.no_peers and not os.environ.get(INSIDE) and not peers_available():
        python = ensure_peers_venv()
        if python is not None:
            env = dict(os.environ, **{INSIDE: "1"})
            sys.exit(subprocess.run([str(python), __file__, *sys.argv[1:]], env=env).returncode)
    peers = not args.no_peers and peers_available()
    others = {ref: tracer_at(ref) for ref in args.against}

    rows = [network_row(512, 784, 256, args.repeats, peers, others),
            network_row(64, 100, 100, 10 * args.repeats, peers, others),
            network_of_scalars_row(max(3, args.repeats // 4), peers, others),
            chain_row(max(3, args.repeats // 4), peers, others),
            rnn_row(max(3, args.repeats // 4), others)]
    columns = ["floor", "mathnotes", *others, "torch", "autograd", "micrograd"]
    print("| measure | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for what, best, unit, peer_columns in rows:
        cells = []
        for name in columns:
            if name not in best:
                cells.append("skipped" if name in peer_columns else "–")
            elif unit is None or name == unit:
                cells.append(f"{best[name] * 1e3:.3g} ms")
            else:
                cells.append(f"{best[name] * 1e3:.3g} ms = {best[name] / best[unit]:.2f}×")
        print(f"| {what} | " + " | ".join(cells) + " |")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nRatios are to the hand-written floor (NumPy, BPTT) or to micrograd, in the same "
          f"row; times are the best CPU time of a call over the interleaved repeats. numpy {np.__version__}, "
          f"{os.environ['OPENBLAS_NUM_THREADS']} BLAS thread(s); load average {load} on "
          f"{os.cpu_count()} cores.")


if __name__ == "__main__":
    main()
