"""The practice exercises of chapter 7, *Putting it together*: the pieces of a training step.

The gradient of the mean softmax cross-entropy, the backward pass of a linear
layer and of a ReLU, the whole backward pass of the two-layer classifier (down
to its first layer), and
one step of gradient descent with momentum. Each exercise draws fresh random
inputs (sizes included), recognises its typical wrong answers and points each
mistake to the section of the chapter that teaches it. The chapter's check
cells call :func:`check`; its last exercise cell calls :func:`progress`.
"""

import numpy as np

from bookcode.practice.ch05 import columns_of_row_shifted, softmax
from bookcode.practice.chapter import Chapter
from bookcode.practice.diagnosis import Hint, Mistake
from bookcode.practice.exercise import FunctionExercise, Planted
from bookcode.practice.outputs import Gradient, Result

NETWORK = "The network and its shapes"
GRADCHECK = "Checking every parameter before training"
TRAINING = "Training with mini-batch SGD"
VALLEYS = "Narrow valleys: conditioning and momentum"
MASK = "A ReLU that forgets its mask"
#: |Z| of every hidden pre-activation is at least this: no input sits on the ReLU's kink
KINK_GAP = 0.05


def mean_xent(S, y):
    """The mean softmax cross-entropy of scores S (N, K) with integer labels y (N,)."""
    shifted = S - S.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(y)), y].mean()


def _onehot(y, classes):
    return np.eye(classes)[y]


# ---------------------------------------------------------------- the loss's gradient
def _scores(rng, k):
    n, classes = 3 + 2 * k, 3 + k % 3
    return {"S": rng.normal(0.0, 2.0, size=(n, classes)), "y": rng.integers(0, classes, size=n)}


XENT = FunctionExercise(
    "xent_grad", inputs=_scores, section=NETWORK,
    function=mean_xent, outputs=[Gradient("dS", "S")],
    mistakes=[Mistake("softmax axis", "dS",
                      lambda c, p=p: (p(c["S"]) - _onehot(c["y"], c["S"].shape[1])) / len(c["y"]),
                      "the softmax was normalised over axis 0, the examples: each row (one "
                      "example's scores) must sum to one, so normalise over axis 1.",
                      Hint("Normalise over the classes, axis=1, with keepdims=True.", NETWORK))
              for p in (lambda S: softmax(S, axis=0), columns_of_row_shifted)],
    hints={"factor": Hint("The loss is the mean over the N rows: its gradient carries 1/N.",
                          NETWORK),
           "sign": Hint("The gradient is P - Y (probabilities minus one-hot labels), over N.",
                        NETWORK)},
    planted=[Planted("factor", "(P - Y) / n", "(P - Y)"),
             Planted("sign", "(P - Y) / n", "(Y - P) / n"),
             Planted("softmax axis", "e / e.sum(axis=1, keepdims=True)",
                     "e / e.sum(axis=0, keepdims=True)")],
)


# ---------------------------------------------------------------- a linear layer's backward
def _linear_point(rng, k):
    n, d_in, d_out = 3 + k, 2 + k % 3, 3 + (k + 1) % 3  # never square in two cases
    return {"X": rng.normal(size=(n, d_in)), "W": rng.normal(size=(d_in, d_out)),
            "b": rng.normal(size=d_out), "dY": rng.normal(size=(n, d_out))}


LINEAR = FunctionExercise(
    "linear_backward", inputs=_linear_point, section=NETWORK, upstream="dY",
    function=lambda X, W, b, dY: X @ W + b,
    outputs=[Gradient("dX", "X"), Gradient("dW", "W"), Gradient("db", "b")],
    mistakes=[Mistake("bias mean", "db", lambda c: c["dY"].mean(axis=0),
                      "db is the mean of dY over the batch: b is added to every row, so each row "
                      "sends its whole gradient back, and db is their sum. Any 1/N is already "
                      "in dY, from the loss.",
                      Hint("An added bias gets the sum of dY over the batch axis, axis=0.",
                           NETWORK))],
    hints={"factor": Hint("A layer does not average: the loss's 1/N is already in dY.", NETWORK),
           "transpose": Hint("Y = X W + b gives dW = Xᵀ dY and dX = dY Wᵀ: check the shapes.",
                             NETWORK)},
    planted=[Planted("bias mean", "dY.sum(axis=0)", "dY.mean(axis=0)"),
             Planted("factor", "X.T @ dY", "X.T @ dY / len(X)")],
)


# ---------------------------------------------------------------- the ReLU's backward
def _away_from_kink(rng, shape):
    """Normal entries at least KINK_GAP from zero, both signs."""
    magnitude = KINK_GAP + np.abs(rng.normal(size=shape))
    return magnitude * rng.choice([-1.0, 1.0], size=shape)


def _relu_point(rng, k):
    shape = (3 + k, 2 + k % 3)
    return {"Z": _away_from_kink(rng, shape), "dA": rng.normal(size=shape)}


RELU = FunctionExercise(
    "relu_backward", inputs=_relu_point, section=MASK, upstream="dA",
    function=lambda Z, dA: np.maximum(Z, 0.0),
    outputs=[Gradient("dZ", "Z")],
    mistakes=[
        Mistake("no mask", "dZ", lambda c: c["dA"],
                "dZ is dA unchanged, as if the ReLU were the identity: the entries where "
                "Z < 0 must get zero, since the ReLU's output does not move there.",
                Hint("Multiply dA by the mask (Z > 0).", MASK)),
        Mistake("mask flipped", "dZ", lambda c: c["dA"] * (c["Z"] < 0),
                "dZ keeps dA where Z < 0 and stops it where Z > 0: the mask is the wrong way "
                "round. The ReLU's output moves with Z where Z > 0.",
                Hint("Multiply dA by the mask (Z > 0).", MASK)),
        Mistake("mask of dA", "dZ", lambda c: c["dA"] * (c["dA"] > 0),
                "the mask was taken from dA (dA > 0): it belongs to the forward pass's input, "
                "(Z > 0), whatever the sign of the upstream gradient.",
                Hint("The mask comes from the cached input Z.", MASK)),
    ],
    hints={"mask": Hint("The ReLU passes dA where Z > 0 and stops it where Z < 0.", MASK)},
    planted=[Planted("no mask", "dA * (Z > 0)", "dA"),
             Planted("mask flipped", "dA * (Z > 0)", "dA * (Z < 0)"),
             Planted("mask of dA", "dA * (Z > 0)", "dA * (dA > 0)")],
)


# ---------------------------------------------------------------- the whole backward pass
def _network_point(rng, k):
    """A batch and a two-layer network whose hidden pre-activations all avoid the ReLU's kink."""
    n, d, h, classes = 4 + k, 2 + k % 2, 3 + k % 3, 3 + (k + 1) % 2
    X = rng.normal(size=(n, d))
    while True:
        W1, b1 = rng.normal(size=(d, h)), rng.normal(size=h)
        if np.abs(X @ W1 + b1).min() > KINK_GAP:
            break
    return {"X": X, "y": rng.integers(0, classes, size=n), "W1": W1, "b1": b1,
            "W2": rng.normal(size=(h, classes)), "b2": rng.normal(size=classes)}


def two_layer_loss(X, y, W1, b1, W2, b2):
    return mean_xent(np.maximum(X @ W1 + b1, 0.0) @ W2 + b2, y)


def _unmasked_dW1(c):
    """dW1 when the ReLU passes dA unchanged (its mask forgotten)."""
    Z = c["X"] @ c["W1"] + c["b1"]
    S = np.maximum(Z, 0.0) @ c["W2"] + c["b2"]
    dS = (softmax(S) - _onehot(c["y"], S.shape[1])) / len(c["y"])
    return c["X"].T @ (dS @ c["W2"].T)


TWO_LAYER = FunctionExercise(
    "two_layer_backward", inputs=_network_point, section=GRADCHECK,
    function=two_layer_loss,
    outputs=[Gradient("dW1", "W1"), Gradient("db1", "b1")],
    mistakes=[Mistake("no mask", "dW1", _unmasked_dW1,
                      "dW1 is what it would be if the ReLU passed dA unchanged: multiply dA by "
                      "the mask (Z > 0) before it reaches the first layer.",
                      Hint("The ReLU's backward pass keeps dA only where Z > 0.", MASK))],
    hints={"factor": Hint("The loss is the mean over the N rows: dS = (P - Y) / N.", NETWORK),
           "sign": Hint("dS = (P - Y) / N, and every layer passes it on without a sign change.",
                        NETWORK)},
    planted=[Planted("no mask", "dZ = dA * (Z > 0)", "dZ = dA"),
             Planted("factor", "(P - Y) / n", "(P - Y)")],
    cases=5,
)


# ---------------------------------------------------------------- a step with momentum
def _momentum_point(rng, k):
    shape = (2 + k, 3) if k % 2 else (3 + k,)
    return {"theta": rng.normal(size=shape), "velocity": rng.normal(size=shape),
            "grad": rng.normal(size=shape), "lr": float(rng.uniform(0.01, 0.5)),
            "beta": float(rng.uniform(0.5, 0.95))}


def _new_velocity(c):
    return c["beta"] * c["velocity"] - c["lr"] * c["grad"]


MOMENTUM = FunctionExercise(
    "momentum_step", inputs=_momentum_point, section=VALLEYS,
    outputs=[Result("theta", lambda **c: c["theta"] + _new_velocity(c),
                    "the parameters after the step"),
             Result("velocity", lambda **c: _new_velocity(c), "the velocity after the step")],
    mistakes=[
        Mistake("uphill", "theta", lambda c: c["theta"] + c["beta"] * c["velocity"]
                + c["lr"] * c["grad"],
                "the step adds the gradient: it goes uphill. The velocity is "
                "β v - η ∇L, so that θ moves against the gradient.",
                Hint("v ← β v - η ∇L, then θ ← θ + v.", VALLEYS)),
        Mistake("old velocity", "theta", lambda c: c["theta"] + c["velocity"],
                "θ moved by the old velocity: update the velocity first (v ← β v - η ∇L), "
                "then move θ by the new one.",
                Hint("Two lines, in this order: v ← β v - η ∇L; θ ← θ + v.", VALLEYS)),
        Mistake("no momentum", "theta", lambda c: c["theta"] - c["lr"] * c["grad"],
                "θ took a plain gradient step: the velocity it keeps, β v, is missing.",
                Hint("v ← β v - η ∇L, then θ ← θ + v.", VALLEYS)),
    ],
    planted=[Planted("uphill", "- lr * grad", "+ lr * grad"),
             Planted("old velocity", "return theta + new_velocity,",
                     "return theta + velocity,")],
)

CHAPTER = Chapter([XENT, LINEAR, RELU, TWO_LAYER, MOMENTUM])  # as in the chapter
check = CHAPTER.check
progress = CHAPTER.progress
