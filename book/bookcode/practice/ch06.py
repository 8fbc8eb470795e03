"""The practice exercises of chapter 6, *Gradients of matrix multiplication*.

Each exercise draws fresh random inputs of random sizes and asks for the
gradients of a matrix product, each judged as the vector-Jacobian product of
the forward pass with the upstream gradient (or as the gradient of a scalar
loss). The weight matrices are square, and in the affine layer the batch is as
large as the layer is wide: a transposed weight gradient or a bias summed over
the wrong axis then has the right shape, and only the numbers show the mistake
(the chapter's pitfalls). The chapter's check cells call :func:`check`; its
last exercise cell calls :func:`progress`.
"""

import numpy as np

from bookcode.practice.chapter import Chapter
from bookcode.practice.diagnosis import Hint, Mistake
from bookcode.practice.exercise import FunctionExercise, Planted
from bookcode.practice.outputs import Gradient

INDEX = "Derivation from the index form"
TRACE = "The same result from differentials and the trace trick"
SHAPES = "The same result from shapes alone"
SAMPLE_FIRST = "Sample-first: `Y = X W + b`"
LOSSES = "ReLU and the losses"
PITFALLS = "Pitfalls"

SHAPE_HINT = Hint("Match shapes: the only product of the upstream gradient and the other "
                  "factor with the shape of the variable is the answer.", SHAPES)


# ---------------------------------------------------------------- S = W X, dimension-first
def _matmul_point(rng, k):
    n, N = 2 + k % 3, 3 + k % 4
    return {"W": rng.normal(size=(n, n)), "X": rng.normal(size=(n, N)),
            "dS": rng.normal(size=(n, N))}


MATMUL_BACKWARD = FunctionExercise(
    "matmul_backward", inputs=_matmul_point, section=INDEX,
    function=lambda W, X, dS: W @ X, upstream="dS",
    outputs=[Gradient("dW", "W"), Gradient("dX", "X")],
    mistakes=[
        Mistake("untransposed weights", "dX", lambda c: c["W"] @ c["dS"],
                "you returned W dS: X_pq meets row i of W through W_ip, so the sum over i "
                "pairs dS with the columns of W, which is W^T dS.",
                Hint("Write the sum over i for one entry X_pq.", INDEX)),
    ],
    hints={"transpose": SHAPE_HINT},
    planted=[Planted("transpose", "dW = dS @ X.T", "dW = X @ dS.T"),
             Planted("untransposed weights", "dX = W.T @ dS", "dX = W @ dS")],
)


# ---------------------------------------------------------------- Y = X W + b, sample-first
def _affine(X, W, b, dY):
    return X @ W + b


def _affine_point(rng, k):
    """A square layer and a batch as large as it is wide: every wrong axis keeps its shape."""
    n = 2 + k % 3
    return {"X": rng.normal(size=(n, n)), "W": rng.normal(size=(n, n)), "b": rng.normal(size=n),
            "dY": rng.normal(size=(n, n))}


LINEAR_BACKWARD = FunctionExercise(
    "linear_backward", inputs=_affine_point, section=SAMPLE_FIRST, function=_affine,
    upstream="dY", outputs=[Gradient("dX", "X"), Gradient("dW", "W"), Gradient("db", "b")],
    mistakes=[
        Mistake("untransposed weights", "dX", lambda c: c["dY"] @ c["W"],
                "you returned dY W: X_rd meets column c of W through W_dc, so the sum over c "
                "pairs dY with the rows of W, which is dY W^T.",
                Hint("Transpose Y = X W + b into a dimension-first product and apply the "
                     "theorem there.", SAMPLE_FIRST)),
        Mistake("mean over the batch", "db", lambda c: c["dY"].mean(axis=0),
                "you averaged dY over the batch: the bias is added to every example, and "
                "the gradients of its copies add up, so db is the sum of the rows of dY.",
                Hint("Gradients add where a value fans out: sum dY over axis 0.", PITFALLS)),
    ],
    hints={"transpose": Hint("In sample-first, dW = X^T dY: the batch axis, shared by X and dY, "
                             "must cancel.", PITFALLS),
           "reduction axis": Hint("Each bias is added to every row (every example): sum dY "
                                  "over the batch, axis 0.", SAMPLE_FIRST),
           "factor": Hint("Each gradient is linear in dY, with no factor of its own.",
                          SAMPLE_FIRST)},
    planted=[Planted("transpose", "dW = X.T @ dY", "dW = dY.T @ X"),
             Planted("reduction axis", "db = dY.sum(axis=0)", "db = dY.sum(axis=1)"),
             Planted("mean over the batch", "db = dY.sum(axis=0)", "db = dY.mean(axis=0)"),
             Planted("untransposed weights", "dX = dY @ W.T", "dX = dY @ W")],
)


# ---------------------------------------------------------------- a mean squared error
def _mean_squared_error(X, W, T):
    return 0.5 * np.sum((X @ W - T) ** 2) / X.shape[0]


def _mse_point(rng, k):
    n, N = 2 + k % 3, 5 + 2 * k
    return {"X": rng.normal(size=(N, n)), "W": rng.normal(size=(n, n)),
            "T": rng.normal(size=(N, n))}


MSE_WEIGHT_GRAD = FunctionExercise(
    "mse_weight_grad", inputs=_mse_point, section=LOSSES, function=_mean_squared_error,
    outputs=[Gradient("dW", "W")],
    mistakes=[
        Mistake("missing 1/N", "dW", lambda c: c["X"].T @ (c["X"] @ c["W"] - c["T"]),
                "your gradient is N times too large: the loss is a mean over the N examples, "
                "and the 1/N carries into its gradient.",
                Hint("The upstream gradient of a mean is (X W - T) / N.", LOSSES)),
        Mistake("missing 1/2", "dW", lambda c: 2 * c["X"].T @ (c["X"] @ c["W"] - c["T"]) / len(
            c["X"]), "your gradient is twice too large: the 1/2 of the loss cancels the 2 of "
            "the square.", Hint("d(r^2 / 2)/dr = r.", LOSSES)),
    ],
    hints={"transpose": Hint("In sample-first, dW = X^T dY: the batch axis, shared by X and "
                             "dY, must cancel.", PITFALLS),
           "sign": Hint("The residual is prediction minus target, X W - T.", LOSSES)},
    planted=[Planted("missing 1/N", "return X.T @ (X @ W - T) / N", "return X.T @ (X @ W - T)"),
             Planted("transpose", "X.T @ (X @ W - T) / N", "(X @ W - T).T @ X / N"),
             Planted("sign", "(X @ W - T)", "(T - X @ W)")],
)


# ---------------------------------------------------------------- Y = X W^T, PyTorch's layout
def _xwt_point(rng, k):
    n, N = 2 + k % 3, 3 + k % 4
    return {"X": rng.normal(size=(N, n)), "W": rng.normal(size=(n, n)),
            "dY": rng.normal(size=(N, n))}


XWT_BACKWARD = FunctionExercise(
    "xwt_backward", inputs=_xwt_point, section=SHAPES,
    function=lambda X, W, dY: X @ W.T, upstream="dY",
    outputs=[Gradient("dX", "X"), Gradient("dW", "W")],
    mistakes=[
        Mistake("formula of X W", "dX", lambda c: c["dY"] @ c["W"].T,
                "you returned dY W^T, the input gradient of Y = X W: here the weights enter "
                "transposed, and their transposes cancel, dX = dY (W^T)^T = dY W.",
                Hint("Apply the sample-first rule with W^T in the place of W.", SAMPLE_FIRST)),
    ],
    hints={"transpose": Hint("W is (outputs, inputs) here: dW = dY^T X has its shape; X^T dY "
                             "is the gradient of W^T.", SHAPES)},
    planted=[Planted("transpose", "dW = dY.T @ X", "dW = X.T @ dY"),
             Planted("formula of X W", "dX = dY @ W", "dX = dY @ W.T")],
)


# ---------------------------------------------------------------- Y = A X B
def _axb_point(rng, k):
    n = 2 + k % 4
    return {"A": rng.normal(size=(n, n)), "X": rng.normal(size=(n, n)),
            "B": rng.normal(size=(n, n)), "dY": rng.normal(size=(n, n))}


AXB_BACKWARD = FunctionExercise(
    "axb_backward", inputs=_axb_point, section=TRACE,
    function=lambda A, X, B, dY: A @ X @ B, upstream="dY",
    outputs=[Gradient("dX", "X")],
    mistakes=[
        Mistake("no transposes", "dX", lambda c: c["A"] @ c["dY"] @ c["B"],
                "you returned A dY B, the factors as they stand: moving them across "
                "<dY, A dX B> transposes each one.",
                Hint("Write <dY, A dX B> as a trace and move dX to the right.", TRACE)),
        Mistake("order", "dX", lambda c: c["B"].T @ c["dY"] @ c["A"].T,
                "you returned B^T dY A^T: the factor on the left of X stays on the left, "
                "transposed, and the one on the right stays on the right.",
                Hint("Write <dY, A dX B> as a trace and move dX to the right.", TRACE)),
    ],
    planted=[Planted("no transposes", "A.T @ dY @ B.T", "A @ dY @ B"),
             Planted("order", "A.T @ dY @ B.T", "B.T @ dY @ A.T")],
)

# in the order of the chapter
CHAPTER = Chapter([MATMUL_BACKWARD, LINEAR_BACKWARD, MSE_WEIGHT_GRAD, XWT_BACKWARD,
                   AXB_BACKWARD])
check = CHAPTER.check
progress = CHAPTER.progress
