"""The practice exercises of chapter 9, *Derivatives as linear maps*.

Each exercise draws fresh random inputs of random sizes (matrices kept well
conditioned and not symmetric, so that a missing transpose always shows),
knows the function whose derivative it asks for, recognises its typical wrong
answers and points each mistake to the section of the chapter that teaches
it. The chapter's check cells call :func:`check`; its last exercise cell
calls :func:`progress`.
"""

import numpy as np

from bookcode.practice.chapter import Chapter
from bookcode.practice.diagnosis import Hint, Mistake
from bookcode.practice.exercise import FunctionExercise, Planted
from bookcode.practice.outputs import Gradient, Jacobian

GRADIENT = "The gradient, defined once"
INVERSE = "The inverse"
DETERMINANT = "The determinant and the log-determinant"
VEC = "The Kronecker form and the two ways to flatten a matrix"
SOLVE = "Differentiating through a linear solve"
HVP = "Hessian-vector products without the Hessian"


def _well_conditioned(rng, n):
    """A random n x n matrix with singular values between 1 and 3, far from symmetric."""
    left, _ = np.linalg.qr(rng.normal(size=(n, n)))
    right, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return left @ np.diag(rng.uniform(1.0, 3.0, size=n)) @ right


def _inv(M):
    return np.linalg.inv(M)


# ---------------------------------------------------------------- the backward pass of X⁻¹
def _inverse_point(rng, k):
    n = 2 + k % 3
    return {"X": _well_conditioned(rng, n), "G": rng.normal(size=(n, n))}


INVERSE_BACKWARD = FunctionExercise(
    "inverse_backward", inputs=_inverse_point, section=INVERSE,
    function=lambda X, G: np.linalg.inv(X), upstream="G",
    outputs=[Gradient("dX", "X")],
    mistakes=[
        Mistake("no transposes", "dX", lambda c: -_inv(c["X"]) @ c["G"] @ _inv(c["X"]),
                "you returned -X⁻¹ G X⁻¹, the differential's factors as they stand: moving "
                "them across the inner product <G, -X⁻¹ dX X⁻¹> transposes each one.",
                Hint("Write <G, -X⁻¹ dX X⁻¹> as a trace and move dX to the right.", INVERSE)),
        # -X⁻² dX moved across the inner product, with or without its transpose
        *[Mistake("scalar rule", "dX", answer,
                  "you used the rule of a number, d(1/x) = -dx/x², as -X⁻² dX: matrices do "
                  "not commute, and d(X⁻¹) = -X⁻¹ dX X⁻¹ has dX in the middle.",
                  Hint("Differentiate X X⁻¹ = I with the product rule.", INVERSE))
          for answer in (lambda c: -(_inv(c["X"]) @ _inv(c["X"])).T @ c["G"],
                         lambda c: -_inv(c["X"]) @ _inv(c["X"]) @ c["G"])],
    ],
    hints={"sign": Hint("X X⁻¹ = I gives X d(X⁻¹) = -dX X⁻¹: keep the minus sign.", INVERSE)},
    planted=[Planted("no transposes", "X_inv.T @ G @ X_inv.T", "X_inv @ G @ X_inv"),
             Planted("sign", "return -X_inv.T", "return X_inv.T"),
             Planted("scalar rule", "-X_inv.T @ G @ X_inv.T", "-(X_inv @ X_inv).T @ G")],
)


# ---------------------------------------------------------------- the gradient of log|det X|
def _logdet_point(rng, k):
    n = 2 + k % 3
    X = _well_conditioned(rng, n)
    wanted = -1.0 if k % 2 else 1.0  # both signs of the determinant
    X[0] *= wanted * np.sign(np.linalg.det(X))
    return {"X": X}


LOGDET_GRAD = FunctionExercise(
    "logdet_grad", inputs=_logdet_point, section=DETERMINANT,
    function=lambda X: np.linalg.slogdet(X)[1],
    outputs=[Gradient("dX", "X")],
    mistakes=[
        Mistake("gradient of det", "dX", lambda c: np.linalg.det(c["X"]) * _inv(c["X"]).T,
                "you returned det(X) X⁻ᵀ, the gradient of det X: the logarithm divides it by "
                "det X.",
                Hint("d log|u| = du / u: divide Jacobi's formula by det X.", DETERMINANT)),
    ],
    hints={"transpose": Hint("tr(X⁻¹ dX) = <X⁻ᵀ, dX>: the inner product puts a transpose on "
                             "the factor it moves.", GRADIENT),
           "sign": Hint("log|det X| grows with |det X|: its gradient is +X⁻ᵀ.", DETERMINANT)},
    planted=[Planted("transpose", "np.linalg.inv(X).T", "np.linalg.inv(X)"),
             Planted("gradient of det", "return np.linalg.inv(X).T",
                     "return np.linalg.det(X) * np.linalg.inv(X).T")],
)


# ---------------------------------------------------------------- the Jacobian of vec(BXC)
def _vec(M):
    return M.reshape(-1, order="F")


def _vec_point(rng, k):
    m, p, q = 2 + k % 2, 2 + (k + 1) % 3, 2 + k % 3
    X = rng.normal(size=(p, q))
    return {"x": _vec(X), "B": rng.normal(size=(m, p)), "C": rng.normal(size=(q, q))}


def _BXC_of_vec(x, B, C):
    return _vec(B @ x.reshape((B.shape[1], C.shape[0]), order="F") @ C)


COLUMNS = Hint("Write column j of BXC as a sum over the columns of X.", VEC)
VEC_JACOBIAN = FunctionExercise(
    "vec_jacobian", inputs=_vec_point, section=VEC, function=_BXC_of_vec,
    outputs=[Jacobian("J", "x")],
    mistakes=[
        Mistake("row-major", "J", lambda c: np.kron(c["B"], c["C"].T),
                "you returned B ⊗ Cᵀ, the Jacobian for matrices flattened row by row (NumPy's "
                "ravel); vec stacks columns, and then it is Cᵀ ⊗ B.",
                COLUMNS),
        Mistake("no transpose", "J", lambda c: np.kron(c["C"], c["B"]),
                "you returned C ⊗ B: column j of BXC is Σₖ C[k, j] B xₖ, so block (j, k) is "
                "C[k, j] B, the block of Cᵀ ⊗ B.",
                COLUMNS),
        Mistake("order", "J", lambda c: np.kron(c["B"], c["C"]),
                "you returned B ⊗ C: the factor on the left of the Kronecker product is the "
                "one that mixes the columns of X, that is Cᵀ.",
                COLUMNS),
    ],
    planted=[Planted("row-major", "np.kron(C.T, B)", "np.kron(B, C.T)"),
             Planted("no transpose", "np.kron(C.T, B)", "np.kron(C, B)")],
)


# ---------------------------------------------------------------- through a linear solve
def _solve_point(rng, k):
    n = 2 + k % 4
    return {"A": _well_conditioned(rng, n), "b": rng.normal(size=n), "g": rng.normal(size=n)}


def _solve_without_transpose(c):
    return np.linalg.solve(c["A"], c["g"])


NO_TRANSPOSE = ("your gradient of b solves A db = g: the adjoint equation has the "
                "transposed matrix, Aᵀ db = g (the two agree only for a symmetric A).")
SOLVE_BACKWARD = FunctionExercise(
    "solve_backward", inputs=_solve_point, section=SOLVE,
    function=lambda A, b, g: np.linalg.solve(A, b), upstream="g",
    outputs=[Gradient("dA", "A"), Gradient("db", "b")],
    mistakes=[
        Mistake("no transpose", "dA",
                lambda c: -np.outer(_solve_without_transpose(c), np.linalg.solve(c["A"], c["b"])),
                NO_TRANSPOSE, Hint("Solve with A.T for the gradient of b.", SOLVE)),
        Mistake("no transpose", "db", _solve_without_transpose,
                NO_TRANSPOSE, Hint("Solve with A.T for the gradient of b.", SOLVE)),
    ],
    hints={"transpose": Hint("∇_A L = -(∇_b L) xᵀ: the adjoint vector on the left, x on the "
                             "right.", SOLVE),
           "sign": Hint("dx = A⁻¹(db - dA x): the minus sign carries into ∇_A L.", SOLVE)},
    planted=[Planted("no transpose", "np.linalg.solve(A.T, g)", "np.linalg.solve(A, g)"),
             Planted("transpose", "np.outer(db, x)", "np.outer(x, db)"),
             Planted("sign", "dA = -np.outer", "dA = np.outer")],
)


# ---------------------------------------------------------------- a Hessian-vector product
def _hvp_point(rng, k):
    N, n = 6 + 3 * k, 2 + k % 3
    return {"theta": rng.normal(0.0, 0.5, size=n), "F": rng.normal(size=(N, n)),
            "s": rng.choice([-1.0, 1.0], size=N), "v": rng.normal(size=n)}


def _logistic_grad(theta, F, s, v):
    """The gradient map of the logistic loss; its VJP with the upstream v is H v."""
    return -(F.T @ (s / (1.0 + np.exp(s * (F @ theta))))) / len(s)


def _sigma_margins(c):
    return 1.0 / (1.0 + np.exp(-c["s"] * (c["F"] @ c["theta"])))


LOGISTIC_HVP = FunctionExercise(
    "logistic_hvp", inputs=_hvp_point, section=HVP, function=_logistic_grad, upstream="v",
    outputs=[Gradient("Hv", "theta")],
    mistakes=[
        Mistake("weights", "Hv",
                lambda c: c["F"].T @ (_sigma_margins(c) * (c["F"] @ c["v"])) / len(c["s"]),
                "the weights are σ(μ), the derivative of the loss's softplus: the Hessian "
                "needs its second derivative, σ(μ)(1 - σ(μ)).",
                Hint("Differentiate the gradient once more: σ' = σ(1 - σ).", HVP)),
        Mistake("signs in the weights", "Hv",
                lambda c: c["F"].T @ (c["s"] * _sigma_margins(c) * (1 - _sigma_margins(c))
                                      * (c["F"] @ c["v"])) / len(c["s"]),
                "the labels appear once in the weights: they enter the margins μ = s ⊙ Fθ "
                "twice in the Hessian, and s² = 1.",
                Hint("Differentiate the gradient once more; s ⊙ s is all ones.", HVP)),
    ],
    hints={"factor": Hint("The loss is a mean over the N examples: H carries 1/N.", HVP),
           "sign": Hint("The logistic loss is convex: vᵀ H v is never negative.", HVP)},
    planted=[Planted("factor", " / len(s)", ""),
             Planted("weights", "p * (1 - p)", "p"),
             Planted("sign", "return F.T", "return -F.T")],
)

# in the order of the chapter
CHAPTER = Chapter([INVERSE_BACKWARD, LOGDET_GRAD, VEC_JACOBIAN, SOLVE_BACKWARD, LOGISTIC_HVP])
check = CHAPTER.check
progress = CHAPTER.progress
