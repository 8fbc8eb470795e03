"""The practice exercises of chapter 1, *Linear systems*.

Each exercise draws fresh random inputs of random sizes (square matrices not
symmetric, so that a missing transpose gives the right shape and wrong
numbers), knows the right answer, recognises its typical wrong answers and
points each mistake to the section of the chapter that teaches it. The
chapter's check cells call :func:`check`; its last exercise cell calls
:func:`progress`.
"""

import numpy as np

from bookcode.ch01 import lu_partial_pivoting
from bookcode.practice.chapter import Chapter
from bookcode.practice.diagnosis import Hint, Mistake
from bookcode.practice.exercise import FunctionExercise, Planted
from bookcode.practice.outputs import Gradient, Result

ELIMINATION = "Elimination with row exchanges: $PA = LU$"
CONDITIONING = "Conditioning: how far can the answer move?"
LEAST_SQUARES = "Least squares: the step into calculus"


def _square(rng, n):
    """A random n x n matrix with singular values between 1 and 4, far from symmetric."""
    left, _ = np.linalg.qr(rng.normal(size=(n, n)))
    right, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return left @ np.diag(rng.uniform(1.0, 4.0, size=n)) @ right


# ---------------------------------------------------------------- solving with P, L, U
def _factored_point(rng, k):
    """The factors of a random matrix whose first pivot needs a row exchange (P is not I)."""
    n = 2 + k % 4
    E = rng.normal(size=(n, n))
    largest = int(np.argmax(np.abs(E[:, 0])))
    E[[largest, n - 1]] = E[[n - 1, largest]]  # the largest first entry in the last row
    P, L, U = lu_partial_pivoting(E)
    return {"P": P, "L": L, "U": U, "c": rng.normal(size=n)}


def _lu_solution(P, L, U, c):
    return np.linalg.solve(P.T @ L @ U, c)  # P E = L U, so E = P^T L U


def _unit_diagonal(c):
    """Back substitution that forgets to divide by the pivots U[i, i]."""
    U = np.triu(c["U"], 1) + np.eye(len(c["c"]))
    return np.linalg.solve(c["L"] @ U, c["P"] @ c["c"])


PERMUTATION = Hint("Elimination solved the system with its rows exchanged: apply the "
                   "exchanges to c first, L y = P c.", ELIMINATION)
LU_SOLVE = FunctionExercise(
    "lu_solve", inputs=_factored_point, section=ELIMINATION,
    outputs=[Result("x", _lu_solution, "the solution of E x = c")],
    mistakes=[
        Mistake("no permutation", "x",
                lambda c: np.linalg.solve(c["L"] @ c["U"], c["c"]),
                "you solved L U x = c: the factors are those of P E, the rows of E in "
                "the order elimination used, so the right-hand side needs the same order, "
                "P c.", PERMUTATION),
        Mistake("transposed permutation", "x",
                lambda c: np.linalg.solve(c["L"] @ c["U"], c["P"].T @ c["c"]),
                "you reordered c with P^T, the inverse of the exchanges: P E = L U asks "
                "for P c.", PERMUTATION),
        Mistake("unit diagonal", "x", _unit_diagonal,
                "your back substitution does not divide by the pivots U[i, i]: only L has "
                "ones on its diagonal.",
                Hint("Row i of U x = y reads U[i, i] x_i + (the known terms) = y_i.",
                     ELIMINATION)),
    ],
    planted=[Planted("no permutation", "z = P @ c", "z = c"),
             Planted("unit diagonal", "(y[i] - U[i, i + 1:] @ x[i + 1:]) / U[i, i]",
                     "y[i] - U[i, i + 1:] @ x[i + 1:]")],
)


# ---------------------------------------------------------------- the sensitivity bound
def _sensitivity_point(rng, k):
    n = 2 + k % 4
    return {"A": _square(rng, n) * 10.0 ** rng.uniform(-1, 1), "b": rng.normal(size=n),
            "db": 10.0 ** rng.uniform(-4, -2) * rng.normal(size=n)}


def _bound(A, b, db, cond=None):
    kappa = np.linalg.cond(A) if cond is None else cond
    return kappa * np.linalg.norm(db) / np.linalg.norm(b)


SENSITIVITY_BOUND = FunctionExercise(
    "sensitivity_bound", inputs=_sensitivity_point, section=CONDITIONING,
    outputs=[Result("bound", _bound,
                    "the bound kappa(A) ||db|| / ||b|| of the relative change of x")],
    mistakes=[
        Mistake("Frobenius norm", "bound",
                lambda c: _bound(c["A"], c["b"], c["db"], np.linalg.cond(c["A"], "fro")),
                "your condition number uses the Frobenius norm, the default of "
                "np.linalg.norm for a matrix: the theorem's kappa is in the 2-norm, the "
                "largest over the smallest singular value.",
                Hint("np.linalg.cond(A), or np.linalg.norm(M, 2) for each matrix.",
                     CONDITIONING)),
        Mistake("absolute change", "bound",
                lambda c: np.linalg.cond(c["A"]) * np.linalg.norm(c["db"]),
                "you returned kappa ||db||, without dividing by ||b||: the theorem bounds "
                "a relative change by a relative change.",
                Hint("Both sides are relative: ||dx|| / ||x|| and ||db|| / ||b||.",
                     CONDITIONING)),
        Mistake("inverse only", "bound",
                lambda c: (np.linalg.norm(np.linalg.inv(c["A"]), 2) * np.linalg.norm(c["db"])
                           / np.linalg.norm(c["b"])),
                "you used ||A^-1|| alone: kappa(A) = ||A|| ||A^-1|| has both factors.",
                Hint("kappa(A) = ||A|| ||A^-1||.", CONDITIONING)),
    ],
    planted=[Planted("Frobenius norm", "np.linalg.norm(A, 2) * np.linalg.norm(A_inv, 2)",
                     "np.linalg.norm(A) * np.linalg.norm(A_inv)"),
             Planted("absolute change", "kappa * np.linalg.norm(db) / np.linalg.norm(b)",
                     "kappa * np.linalg.norm(db)")],
)


# ---------------------------------------------------------------- the least-squares gradient
def _residual(c):
    return c["A"] @ c["x"] - c["b"]


def _lstsq_point(rng, k):
    n = 2 + k % 4
    return {"A": _square(rng, n), "b": rng.normal(size=n), "x": rng.normal(size=n)}


TRANSPOSE = Hint("Write f(x) = r^T r with r = A x - b and differentiate one entry x_k: "
                 "it meets column k of A.", LEAST_SQUARES)
LSTSQ_GRADIENT = FunctionExercise(
    "lstsq_gradient", inputs=_lstsq_point, section=LEAST_SQUARES,
    function=lambda A, b, x: (A @ x - b) @ (A @ x - b),
    outputs=[Gradient("dx", "x")],
    mistakes=[
        Mistake("no transpose", "dx", lambda c: 2 * c["A"] @ _residual(c),
                "you returned 2 A (A x - b), the scalar rule 2a(ax - b) copied to "
                "matrices: x_k multiplies column k of A, so the gradient collects A^T.",
                TRANSPOSE),
        Mistake("missing 2", "dx", lambda c: c["A"].T @ _residual(c),
                "you returned A^T (A x - b), half the gradient: the square brings down "
                "a factor 2.",
                Hint("d/dx (r^2) = 2 r dr/dx: the 2 stays.", LEAST_SQUARES)),
        Mistake("sign", "dx", lambda c: -2 * c["A"].T @ _residual(c),
                "you returned the gradient with the wrong sign, 2 A^T (b - A x): that is "
                "the downhill direction, minus the gradient.",
                Hint("The gradient points uphill: 2 A^T (A x - b).", LEAST_SQUARES)),
    ],
    hints={"transpose": TRANSPOSE},
    planted=[Planted("no transpose", "2 * A.T @", "2 * A @"),
             Planted("missing 2", "2 * A.T @", "A.T @")],
)


# ---------------------------------------------------------------- ridge regression
def _ridge_point(rng, k):
    n = 2 + k % 3
    m = n + 2 + k % 4
    return {"A": rng.normal(size=(m, n)), "b": rng.normal(size=m),
            "lam": float(rng.uniform(0.2, 2.0))}


def _ridge(A, b, lam, penalty=None):
    n = A.shape[1]
    added = lam * np.eye(n) if penalty is None else penalty
    return np.linalg.solve(A.T @ A + added, A.T @ b)


PENALTY = Hint("Set the gradient 2 A^T (A x - b) + 2 lam x to zero and collect the terms "
               "in x.", LEAST_SQUARES)
RIDGE_SOLVE = FunctionExercise(
    "ridge_solve", inputs=_ridge_point, section=LEAST_SQUARES,
    outputs=[Result("x", _ridge, "the minimiser of ||A x - b||^2 + lam ||x||^2")],
    mistakes=[
        Mistake("no penalty", "x", lambda c: _ridge(c["A"], c["b"], c["lam"], 0.0),
                "you solved the normal equations of least squares, A^T A x = A^T b: the "
                "penalty adds lam I to A^T A.", PENALTY),
        Mistake("half penalty", "x",
                lambda c: _ridge(c["A"], c["b"], c["lam"], c["lam"] / 2 * np.eye(c["A"].shape[1])),
                "you added lam / 2 to the diagonal: the gradient of lam ||x||^2 is "
                "2 lam x, and the 2 cancels against the 2 of 2 A^T (A x - b).", PENALTY),
        Mistake("every entry", "x", lambda c: _ridge(c["A"], c["b"], c["lam"], c["lam"]),
                "you added lam to every entry of A^T A (NumPy broadcasts a number to the "
                "whole matrix): the penalty adds lam I, lam on the diagonal only.",
                Hint("Write lam * np.eye(n), not + lam.", LEAST_SQUARES)),
    ],
    planted=[Planted("no penalty", "A.T @ A + lam * np.eye(n)", "A.T @ A"),
             Planted("half penalty", "lam * np.eye(n)", "lam / 2 * np.eye(n)"),
             Planted("every entry", "lam * np.eye(n)", "lam")],
)

# in the order of the chapter
CHAPTER = Chapter([LU_SOLVE, SENSITIVITY_BOUND, LSTSQ_GRADIENT, RIDGE_SOLVE])
check = CHAPTER.check
progress = CHAPTER.progress
