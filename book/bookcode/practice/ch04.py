"""The practice exercises of chapter 4, *The chain rules*.

Each exercise draws fresh random inputs of random sizes, knows the function
whose derivative it asks for, recognises its typical wrong answers and points
each mistake to the section of the chapter that teaches it. Where the order
of two factors is the lesson, the check uses square matrices, so that the
wrong order has the right shape and wrong numbers. The chapter's check cells
call :func:`check`; its last exercise cell calls :func:`progress`.
"""

import numpy as np

from bookcode.practice.chapter import Chapter
from bookcode.practice.diagnosis import Hint, Mistake
from bookcode.practice.exercise import FunctionExercise, Planted
from bookcode.practice.outputs import Gradient, Jacobian

SINGLE = "The single-variable chain rule, one intermediate value at a time"
TOTAL = "The total-derivative rule: paths add"
VECTOR = "The vector chain rule: a product of Jacobians"
ELEMENTWISE = "The element-wise special case"
MODES = "Forward and reverse accumulation"

ONE_PATH = Hint("List every path from x to y and add one product of local derivatives per "
                "path.", TOTAL)


def _slope(u):
    """The derivative of tanh at u."""
    return 1 - np.tanh(u) ** 2


# ---------------------------------------------------------------- paths add
def _paths_point(rng, k):
    return {"x": rng.uniform(-2.0, 2.0, size=2 + k % 4)}


def _paths_y(x):
    u = np.sin(x)
    return np.sum(x * u + u**2)


PATHS_DERIVATIVE = FunctionExercise(
    "paths_derivative", inputs=_paths_point, section=TOTAL, function=_paths_y,
    outputs=[Gradient("dydx", "x")],
    mistakes=[
        Mistake("direct path only", "dydx", lambda c: np.sin(c["x"]),
                "you kept only the direct path, the partial of y = x u + u^2 with u "
                "held fixed: x also reaches y through u = sin x.", ONE_PATH),
        Mistake("path through u only", "dydx",
                lambda c: (c["x"] + 2 * np.sin(c["x"])) * np.cos(c["x"]),
                "you kept only the path through u: x also appears in y directly, in the "
                "factor x of x u.", ONE_PATH),
        Mistake("inner factor", "dydx", lambda c: 3 * np.sin(c["x"]) + c["x"],
                "the path through u lacks its last factor, du/dx = cos x: a path's "
                "contribution multiplies every local derivative along it.",
                Hint("Along the path x -> u -> y multiply dy/du by du/dx.", SINGLE)),
    ],
    planted=[Planted("path through u only", "direct + through_u", "through_u"),
             Planted("direct path only", "direct + through_u", "direct"),
             Planted("inner factor", "(x + 2 * u) * np.cos(x)", "(x + 2 * u)")],
)


# ---------------------------------------------------------------- a product of Jacobians
def _chain_point(rng, k):
    n = 2 + k % 4
    return {"A": rng.normal(size=(n, n)), "B": rng.normal(size=(n, n)),
            "x": rng.normal(size=n)}


def _chain_y(A, B, x):
    return B @ np.tanh(A @ x)


ORDER = Hint("The outer function's Jacobian stands on the left: dy/da, then da/du, then "
             "du/dx.", VECTOR)
CHAIN_JACOBIAN = FunctionExercise(
    "chain_jacobian", inputs=_chain_point, section=VECTOR, function=_chain_y,
    outputs=[Jacobian("J", "x")],
    mistakes=[
        Mistake("order", "J", lambda c: c["A"] @ np.diag(_slope(c["A"] @ c["x"])) @ c["B"],
                "you multiplied the Jacobians from the inside out, A diag(s) B: the "
                "product goes from the outside in, B diag(s) A.", ORDER),
        Mistake("slope at the input", "J",
                lambda c: c["B"] @ np.diag(_slope(c["x"])) @ c["A"],
                "your tanh slopes are taken at x: tanh acts on u = A x, so its slope is "
                "1 - tanh^2 at u.",
                Hint("Evaluate each local derivative at that stage's own input.", SINGLE)),
        Mistake("missing slope", "J", lambda c: c["B"] @ c["A"],
                "you returned B A, as if tanh were not there: its diagonal Jacobian "
                "diag(1 - tanh^2(u)) stands between B and A.",
                Hint("An element-wise stage contributes a diagonal factor.", ELEMENTWISE)),
    ],
    hints={"transpose": ORDER},
    planted=[Planted("order", "B @ (slope[:, None] * A)", "A @ (slope[:, None] * B)"),
             Planted("slope at the input", "1 - np.tanh(A @ x) ** 2", "1 - np.tanh(x) ** 2"),
             Planted("missing slope", "B @ (slope[:, None] * A)", "B @ A")],
)


# ---------------------------------------------------------------- a vector-Jacobian product
def _vjp_point(rng, k):
    m, n = 2 + k % 3, 2 + (k + 1) % 4
    return {"W": rng.normal(size=(m, n)), "x": rng.normal(size=n), "g": rng.normal(size=m)}


TANH_VJP = FunctionExercise(
    "tanh_vjp", inputs=_vjp_point, section=MODES,
    function=lambda W, x, g: np.tanh(W @ x), upstream="g",
    outputs=[Gradient("dx", "x")],
    mistakes=[
        Mistake("missing slope", "dx", lambda c: c["W"].T @ c["g"],
                "you sent g straight through W: on its way back it first crosses tanh, "
                "which multiplies it entry by entry by 1 - tanh^2(W x).",
                Hint("Reverse accumulation visits tanh before W.", MODES)),
        Mistake("slope formula", "dx",
                lambda c: c["W"].T @ (c["g"] * (1 - (c["W"] @ c["x"]) ** 2)),
                "your slope is 1 - u^2 with u = W x: the derivative of tanh at u is "
                "1 - tanh^2(u).",
                Hint("d/du tanh u = 1 - tanh^2 u.", ELEMENTWISE)),
    ],
    hints={"transpose": Hint("A row vector times W: g^T W, that is W^T g as a column.",
                             MODES)},
    planted=[Planted("missing slope", "W.T @ (g * (1 - np.tanh(W @ x) ** 2))", "W.T @ g"),
             Planted("slope formula", "1 - np.tanh(W @ x) ** 2", "1 - (W @ x) ** 2")],
)


# ---------------------------------------------------------------- a broadcast bias
def _bias_point(rng, k):
    n, d = 2 + k % 4, 2 + (k + 2) % 3
    return {"X": rng.normal(size=(n, d)), "b": rng.normal(size=d), "G": rng.normal(size=(n, d))}


FAN_OUT = Hint("b_j reaches all N entries of column j: add their contributions.", TOTAL)
BIAS_VJP = FunctionExercise(
    "bias_vjp", inputs=_bias_point, section=TOTAL,
    function=lambda X, b, G: np.tanh(X + b), upstream="G",
    outputs=[Gradient("db", "b")],
    mistakes=[
        Mistake("mean", "db", lambda c: (c["G"] * _slope(c["X"] + c["b"])).mean(axis=0),
                "you averaged the contributions of the N rows: b_j reaches each of them, "
                "and the paths add (a sum, not a mean).", FAN_OUT),
        Mistake("missing slope", "db", lambda c: c["G"].sum(axis=0),
                "you summed G without the tanh slopes: each entry's contribution is "
                "G[i, j] (1 - tanh^2(X[i, j] + b_j)).",
                Hint("Each path from b_j crosses tanh at its own entry.", ELEMENTWISE)),
    ],
    hints={"factor": FAN_OUT},
    planted=[Planted("mean", ".sum(axis=0)", ".mean(axis=0)"),
             Planted("missing slope", "G * (1 - np.tanh(X + b) ** 2)", "G")],
)

# in the order of the chapter
CHAPTER = Chapter([PATHS_DERIVATIVE, CHAIN_JACOBIAN, TANH_VJP, BIAS_VJP])
check = CHAPTER.check
progress = CHAPTER.progress
