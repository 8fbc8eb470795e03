"""The practice exercises of chapter 5, *Backpropagation*.

Each exercise draws fresh random inputs, knows the loss whose gradient it
asks for, recognises its typical wrong answers and points each mistake to the
section of the chapter that teaches it. The chapter's check cells call
:func:`check`; its last exercise cell calls :func:`progress`.
"""

import numpy as np

from bookcode.practice.chapter import Chapter
from bookcode.practice.diagnosis import Hint, Mistake
from bookcode.practice.exercise import FunctionExercise, Planted
from bookcode.practice.outputs import Gradient
from bookcode.practice.tracer import TracerExercise

GATES = "What a gate does to the upstream gradient"
FORKS = "Gradients add at forks"
NEURON = "The sigmoid neuron"
LOSSES = "Losses: where the backward pass starts"
SGD = "The mini-batch SGD loop"
TRACER = "Build your own tracer"


def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


def softmax(s, axis=1):
    e = np.exp(s - s.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _signs(rng, size):
    return rng.choice([-1.0, 1.0], size=size)


# ---------------------------------------------------------------- a fork and a max gate
def _fork_max_point(rng, k):
    """x, y, z with the max gate's larger input x in even cases, z in odd ones, never a tie."""
    x, y = rng.uniform(-3.0, 3.0, size=2)
    gap = rng.uniform(0.3, 2.0)
    return {"v": np.array([x, y, x - gap if k % 2 == 0 else x + gap])}


def _route(case):
    x, _, z = case["v"]
    return float(x > z)


FORK_MAX = FunctionExercise(
    "fork_max_grad", inputs=_fork_max_point, section=GATES, cases=6,
    function=lambda v: v[0] * v[1] + max(v[0], v[2]),
    outputs=[Gradient("fork_max_grad(v)", "v")],
    mistakes=[
        Mistake("fork", "fork_max_grad(v)",
                lambda c: np.array([c["v"][1], c["v"][0], 1.0 - _route(c)]),
                "x feeds two gates, but your gradient on x holds only what the multiply gate "
                "sends back (y): the part from the max gate is missing.",
                Hint("Add what every gate that x feeds sends back.", FORKS)),
        Mistake("fork", "fork_max_grad(v)",
                lambda c: np.array([_route(c), c["v"][0], 1.0 - _route(c)]),
                "x feeds two gates, but your gradient on x holds only what the max gate sends "
                "back: the part from the multiply gate (y) is missing.",
                Hint("Add what every gate that x feeds sends back.", FORKS)),
        Mistake("max route", "fork_max_grad(v)",
                lambda c: np.array([c["v"][1] + 1.0 - _route(c), c["v"][0], _route(c)]),
                "the max gate sends your gradient to its smaller input: it routes the whole "
                "gradient to the larger one, and nothing to the other.",
                Hint("The max gate routes: only its larger input gets the gradient.", GATES)),
        Mistake("max route", "fork_max_grad(v)",
                lambda c: np.array([c["v"][1] + 1.0, c["v"][0], 1.0]),
                "both inputs of the max gate get the gradient, as through an add gate: a max "
                "gate routes it to the larger input only.",
                Hint("The max gate routes: only its larger input gets the gradient.", GATES)),
        Mistake("multiply swaps", "fork_max_grad(v)",
                lambda c: np.array([c["v"][1] + _route(c), c["v"][1], 1.0 - _route(c)]),
                "y gets y from the multiply gate: each input of a product gets the other input "
                "(times the upstream gradient).",
                Hint("The multiply gate swaps its inputs.", GATES)),
    ],
    hints={"sign": Hint("Each gate passes on a positive multiple of the upstream gradient here.",
                        GATES)},
    planted=[Planted("fork", "y + route,", "y,"),
             Planted("max route", "1.0 if x > z else 0.0", "1.0 if x < z else 0.0"),
             Planted("multiply swaps", "x,               # the multiply gate swaps",
                     "y,               # the multiply gate swaps")],
)


# ---------------------------------------------------------------- the tanh neuron
def _neuron_point(rng, k):
    d = 2 + k % 3  # 2, 3 or 4 inputs
    return {"w": rng.normal(0.0, 0.7, size=d + 1), "x": rng.normal(0.0, 1.0, size=d)}


def _neuron_parts(c, slope=None):
    """(t, f, dt) of the neuron, with the local slope ``slope(t, f)`` (tanh's by default)."""
    w, x = c["w"], c["x"]
    t = w[:-1] @ x + w[-1]
    f = np.tanh(t)
    return t, f, (1.0 - f ** 2) if slope is None else slope(t, f)


def _neuron_answer(slope=None, weights=None, inputs=None):
    """A wrong (dw, dx) rule: ``weights(c)`` is what the weights and bias are multiplied by."""
    def answer(c):
        _, _, dt = _neuron_parts(c, slope)
        dw = (weights(c) if weights else np.append(c["x"], 1.0)) * dt
        dx = (inputs(c) if inputs else c["w"][:-1]) * dt
        return dw, dx
    return answer


def _neuron_mistakes(name, answer, sentence, hint):
    """The same mistake, recognised in dw and in dx."""
    return [Mistake(name, out, lambda c, k=k: answer(c)[k], sentence, hint)
            for k, out in enumerate(("dw", "dx"))]


TANH_NEURON = FunctionExercise(
    "tanh_neuron_backward", inputs=_neuron_point, section=NEURON,
    function=lambda w, x: np.tanh(w[:-1] @ x + w[-1]),
    outputs=[Gradient("dw", "w"), Gradient("dx", "x")],
    mistakes=[
        *_neuron_mistakes("slope at the input", _neuron_answer(slope=lambda t, f: 1.0 - t ** 2),
                          "the local slope 1 - tanh² was evaluated at the input t of the tanh "
                          "gate: it takes the gate's output f = tanh(t), 1 - f².",
                          Hint("Write the local gradient with the cached output f.", NEURON)),
        *_neuron_mistakes("local factor", _neuron_answer(slope=lambda t, f: 1.0),
                          "the gradient passes the tanh gate unchanged: the chain rule's local "
                          "factor 1 - f² is missing.",
                          Hint("Multiply by the tanh gate's local gradient.", NEURON)),
        *_neuron_mistakes("multiply swaps",
                          _neuron_answer(weights=lambda c: c["w"], inputs=lambda c: c["x"]),
                          "each weight got its own value (and each input its own): a multiply "
                          "gate sends each input the *other* input, so w_i gets x_i.",
                          Hint("The multiply gate swaps its inputs.", GATES)),
        *_neuron_mistakes("bias", _neuron_answer(weights=lambda c: np.append(c["x"], 0.0)),
                          "the bias gets no gradient: it enters the weighted sum through an add "
                          "gate, which passes dt on unchanged (the bias's input is 1).",
                          Hint("The add gate distributes: the bias gets dt.", GATES)),
    ],
    hints={"sign": Hint("tanh and the products send back positive multiples here.", NEURON)},
    planted=[Planted("slope at the input", "1.0 - f ** 2", "1.0 - t ** 2"),
             Planted("local factor", "dt = 1.0 - f ** 2", "dt = 1.0"),
             Planted("multiply swaps", "np.append(x, 1.0) * dt", "w * dt")],
)


# ---------------------------------------------------------------- swish: a value used twice
def _swish_point(rng, k):
    return {"x": rng.uniform(-4.0, 4.0, size=4 + k)}


SWISH = FunctionExercise(
    "swish_backward", inputs=_swish_point, section=FORKS,
    function=lambda x: np.sum(x * sigmoid(x)),
    outputs=[Gradient("dx", "x")],
    mistakes=[
        Mistake("fan-out", "dx", lambda c: sigmoid(c["x"]),
                "x feeds both lines of the forward pass, but dx holds only the part from "
                "f = x s (that is s): the part through s = σ(x) is missing (= where += belongs).",
                Hint("Accumulate into dx with +=, once per line that reads x.", FORKS)),
        Mistake("fan-out", "dx", lambda c: c["x"] * sigmoid(c["x"]) * (1 - sigmoid(c["x"])),
                "x feeds both lines of the forward pass, but dx holds only the part through "
                "s = σ(x): the part from f = x s (that is s) is missing (= where += belongs).",
                Hint("Accumulate into dx with +=, once per line that reads x.", FORKS)),
        Mistake("slope at the input", "dx",
                lambda c: sigmoid(c["x"]) + c["x"] * c["x"] * (1 - c["x"]),
                "the sigmoid's slope was evaluated at its input x: σ' = σ(1 - σ) takes the "
                "gate's output s.",
                Hint("Write the local gradient with the cached output s.", NEURON)),
    ],
    planted=[Planted("fan-out", "dx += s * (1.0 - s) * ds", "dx = s * (1.0 - s) * ds"),
             Planted("slope at the input", "s * (1.0 - s) * ds", "x * (1.0 - x) * ds")],
)


# ---------------------------------------------------------------- soft targets
def _soft_target_point(rng, k):
    n, classes = 3 + k, 3 + (k + 1) % 3
    s = rng.normal(0.0, 2.0, size=(n, classes)) + (900.0 if k == 1 else 0.0)
    q = rng.uniform(0.0, 1.0, size=(n, classes))
    if k == 0:  # label smoothing: every row sums to one
        q /= q.sum(axis=1, keepdims=True)
    return {"s": s, "q": q}


def columns_of_row_shifted(s):
    """Rows shifted by their maxima, then normalised over the columns: a softmax over the wrong axis."""
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _soft_xent(s, q):
    shifted = s - s.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -np.sum(q * log_p) / len(s)


SOFT_TARGET = FunctionExercise(
    "soft_xent_grad", inputs=_soft_target_point, section=LOSSES,
    function=_soft_xent, outputs=[Gradient("ds", "s")],
    mistakes=[
        Mistake("target sum", "ds", lambda c: (softmax(c["s"]) - c["q"]) / len(c["s"]),
                "you returned (p - q) / N, which holds only when every row of q sums to one: "
                "the log-sum-exp term is weighted by the row's sum of q, so the gradient is "
                "(q.sum() p - q) / N row by row.",
                Hint("Write the loss of a row as (Σ q_k) log Σ exp(s_j) - qᵀs first.", LOSSES)),
        *[Mistake("softmax axis", "ds",
                  lambda c, p=p: (c["q"].sum(axis=1, keepdims=True) * p(c["s"]) - c["q"])
                  / len(c["s"]),
                  "the softmax was normalised over axis 0, the examples: each row (one "
                  "example's scores) must sum to one, so normalise over axis 1.",
                  Hint("Normalise over the classes, axis=1, with keepdims=True.", LOSSES))
          for p in (lambda s: softmax(s, axis=0), columns_of_row_shifted)],
    ],
    hints={"factor": Hint("The loss is a mean over the N rows: its gradient carries 1/N.", SGD),
           "sign": Hint("Descent lowers the loss: ∇ = (Σ q) p - q, not q - (Σ q) p.", LOSSES)},
    planted=[Planted("factor", "- q) / n", "- q)"),
             Planted("target sum", "q.sum(axis=1, keepdims=True) * p", "p"),
             Planted("softmax axis", "e / e.sum(axis=1, keepdims=True)",
                     "e / e.sum(axis=0, keepdims=True)")],
)


# ---------------------------------------------------------------- the mini-batch gradient
def _batch_point(rng, k):
    batch, d = 5 + 2 * k, 2 + k % 3
    return {"w": rng.normal(size=d), "b": float(rng.normal()), "X": rng.normal(size=(batch, d)),
            "y": rng.normal(size=batch)}


BATCH = FunctionExercise(
    "batch_grad", inputs=_batch_point, section=SGD,
    function=lambda w, b, X, y: 0.5 * np.mean((X @ w + b - y) ** 2),
    outputs=[Gradient("dw", "w"), Gradient("db", "b")],
    hints={"factor": Hint("The batch loss is a mean over the B examples: divide by B.", SGD),
           "sign": Hint("The residual is the prediction minus the target, X w + b - y.", SGD)},
    planted=[Planted("factor", "X.T @ r / len(y)", "X.T @ r"),
             Planted("sign", "X @ w + b - y", "y - X @ w - b"),
             Planted("factor", "r.mean()", "r.sum()")],
)


# ---------------------------------------------------------------- build your own tracer
SCALAR = TracerExercise(
    "Scalar", section=TRACER,
    sections={"forward": TRACER, "seed": "Graphs and the two passes", "local factor": GATES,
              "local derivative": GATES, "upstream": "Graphs and the two passes",
              "overwrite": FORKS, "topological order": "Graphs and the two passes"},
    planted=[Planted("overwrite", "self.grad += other.data * out.grad",
                     "self.grad = other.data * out.grad"),
             Planted("topological order", "for node in reversed(order):", "for node in order:"),
             Planted("local factor", "self.grad += (1.0 - t * t) * out.grad",
                     "self.grad += out.grad"),
             Planted("upstream", "self.grad += out.data * out.grad", "self.grad += out.data"),
             Planted("local derivative", "k * self.data ** (k - 1)", "k * self.data ** k")],
)

CHAPTER = Chapter([SCALAR, FORK_MAX, TANH_NEURON, SWISH, SOFT_TARGET, BATCH])  # as in the chapter
check = CHAPTER.check
progress = CHAPTER.progress
