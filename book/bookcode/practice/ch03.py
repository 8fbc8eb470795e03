"""The practice exercises of chapter 3, *The Jacobian and its shape cases*.

Each exercise draws fresh random inputs of random sizes, knows the function
whose Jacobian (or gradient, or vector-Jacobian product) it asks for,
recognises its typical wrong answers and points each mistake to the section of
the chapter that teaches it. The chapter's check cells call :func:`check`; its
last exercise cell calls :func:`progress`.
"""

import numpy as np

from bookcode.practice.chapter import Chapter
from bookcode.practice.diagnosis import Hint, Mistake
from bookcode.practice.exercise import FunctionExercise, Planted
from bookcode.practice.outputs import Gradient, Jacobian

JACOBIAN = "From gradients to the Jacobian"
LAYOUTS = "Numerator and denominator layout"
ELEMENTWISE = "Element-wise operations have diagonal Jacobians"
SOFTMAX = "The softmax Jacobian"
GENERALIZED = "Generalized Jacobians: matrices in, matrices out"
VJP = "Vector-Jacobian products"


def _signs(rng, size):
    return rng.choice([-1.0, 1.0], size=size)


def _softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


# ---------------------------------------------------------------- an element-wise function
def _x_tanh(x):
    return x * np.tanh(x)


def _elementwise_point(rng, k):
    """Entries of either sign, away from 0 where x tanh x is flat."""
    n = 2 + k % 4
    return {"x": _signs(rng, n) * rng.uniform(0.3, 2.0, size=n)}


def _x_tanh_slopes(x):
    """The two terms of the product rule for x tanh x: tanh x and x (1 - tanh^2 x)."""
    t = np.tanh(x)
    return t, x * (1 - t**2)


ELEMENTWISE_JACOBIAN = FunctionExercise(
    "elementwise_jacobian", inputs=_elementwise_point, section=ELEMENTWISE, function=_x_tanh,
    outputs=[Jacobian("J", "x")],
    mistakes=[
        *[Mistake("product rule", "J", lambda c, i=i: np.diag(_x_tanh_slopes(c["x"])[i]),
                  "your diagonal holds one term of the product rule: the derivative of "
                  "x tanh x is tanh x + x (1 - tanh^2 x).",
                  Hint("(uv)' = u'v + uv', with u = x and v = tanh x.", ELEMENTWISE))
          for i in (0, 1)],
        *[Mistake("not diagonal", "J", lambda c, axis=axis: np.repeat(
            np.expand_dims(sum(_x_tanh_slopes(c["x"])), axis), c["x"].size, axis=axis),
            "your Jacobian repeats the derivatives in every row or column: y_i depends on x_i "
            "alone, so every entry off the diagonal is zero.",
            Hint("Put the derivatives on the diagonal: np.diag(d).", ELEMENTWISE))
          for axis in (0, 1)],
    ],
    planted=[Planted("product rule", "t + x * (1 - t**2)", "x * (1 - t**2)"),
             Planted("not diagonal", "np.diag(t + x * (1 - t**2))",
                     "(t + x * (1 - t**2)) * np.ones((x.size, x.size))")],
)


# ---------------------------------------------------------------- the polar map
def _polar(v):
    r, theta = v
    return np.array([r * np.cos(theta), r * np.sin(theta)])


def _polar_point(rng, k):
    return {"v": np.array([rng.uniform(0.5, 2.0), rng.uniform(-np.pi, np.pi)])}


POLAR_JACOBIAN = FunctionExercise(
    "polar_jacobian", inputs=_polar_point, section=JACOBIAN, function=_polar,
    outputs=[Jacobian("J", "v")],
    mistakes=[
        Mistake("missing r", "J",
                lambda c: np.array([[np.cos(c["v"][1]), -np.sin(c["v"][1])],
                                    [np.sin(c["v"][1]), np.cos(c["v"][1])]]),
                "your column for theta lacks the factor r: the partial of r cos(theta) with "
                "respect to theta is -r sin(theta), with r frozen as a constant factor.",
                Hint("Freeze r: r cos(theta) is then a constant times cos(theta).", JACOBIAN)),
    ],
    hints={"transpose": Hint("Row i is the transposed gradient of output i: one row per "
                             "output, one column per input.", JACOBIAN)},
    planted=[Planted("transpose", "[[np.cos(theta), -r * np.sin(theta)],\n"
                                  "                     [np.sin(theta),  r * np.cos(theta)]]",
                     "[[np.cos(theta), np.sin(theta)],\n"
                     "                     [-r * np.sin(theta),  r * np.cos(theta)]]"),
             Planted("missing r", "[[np.cos(theta), -r * np.sin(theta)],\n"
                                  "                     [np.sin(theta),  r * np.cos(theta)]]",
                     "[[np.cos(theta), -np.sin(theta)],\n"
                     "                     [np.sin(theta),  np.cos(theta)]]")],
)


# ---------------------------------------------------------------- x divided by its sum
def _normalise(x):
    return x / np.sum(x)


def _normalise_point(rng, k):
    """Positive entries: the sum stays well away from zero."""
    n = 2 + k % 4
    return {"x": rng.uniform(0.5, 2.0, size=n)}


NORMALISE_JACOBIAN = FunctionExercise(
    "normalise_jacobian", inputs=_normalise_point, section=SOFTMAX, function=_normalise,
    outputs=[Jacobian("J", "x")],
    mistakes=[
        Mistake("constant denominator", "J", lambda c: np.eye(c["x"].size) / c["x"].sum(),
                "you treated the sum as a constant: every output divides by a sum that holds "
                "every input, so each x_j moves every output.",
                Hint("The quotient rule: d(x_i / S)/dx_j = delta_ij / S - x_i / S^2.",
                     SOFTMAX)),
        Mistake("softmax's Jacobian", "J",
                lambda c: np.diag(_normalise(c["x"])) - np.outer(_normalise(c["x"]),
                                                                  _normalise(c["x"])),
                "you returned diag(f) - f f^T, softmax's Jacobian: this f divides x, not "
                "exp(x), so the derivative of the numerator is 1, not f_i.",
                Hint("Differentiate x_i / S with the quotient rule.", SOFTMAX)),
    ],
    hints={"transpose": Hint("Output i moves with x_j by delta_ij / S - f_i / S: f_i depends "
                             "on the row, so each column sums to zero.", SOFTMAX)},
    planted=[Planted("transpose", "np.outer(f, np.ones(x.size))", "np.outer(np.ones(x.size), f)"),
             Planted("constant denominator",
                     "(np.eye(x.size) - np.outer(f, np.ones(x.size))) / total",
                     "np.eye(x.size) / total"),
             Planted("softmax's Jacobian",
                     "(np.eye(x.size) - np.outer(f, np.ones(x.size))) / total",
                     "np.diag(f) - np.outer(f, f)")],
)


# ---------------------------------------------------------------- the softmax VJP
def _softmax_vjp_point(rng, k):
    n = 2 + k % 5
    return {"z": rng.normal(size=n), "g": rng.normal(size=n)}


SOFTMAX_VJP = FunctionExercise(
    "softmax_vjp", inputs=_softmax_vjp_point, section=VJP,
    function=lambda z, g: _softmax(z), upstream="g",
    outputs=[Gradient("dz", "z")],
    mistakes=[
        Mistake("element-wise rule", "dz",
                lambda c: _softmax(c["z"]) * (1 - _softmax(c["z"])) * c["g"],
                "you multiplied g by the diagonal s_i (1 - s_i) alone, as if softmax were "
                "element-wise: every s_i depends on every z_j.",
                Hint("Multiply g^T by the whole diag(s) - s s^T.", SOFTMAX)),
        Mistake("missing term", "dz", lambda c: _softmax(c["z"]) * c["g"],
                "you returned g^T diag(s) and dropped the product with -s s^T, which adds "
                "-(g . s) s.",
                Hint("g^T (diag(s) - s s^T) = s * g - (g . s) s.", VJP)),
    ],
    hints={"sign": Hint("The diagonal of diag(s) - s s^T, s_i (1 - s_i), is positive.",
                        SOFTMAX)},
    planted=[Planted("element-wise rule", "s * (g - g @ s)", "s * (1 - s) * g"),
             Planted("missing term", "s * (g - g @ s)", "s * g"),
             Planted("sign", "s * (g - g @ s)", "s * (g @ s - g)")],
)


# ---------------------------------------------------------------- a scalar of a matrix
def _bilinear(u, X, v):
    return u @ np.tanh(X) @ v


def _bilinear_point(rng, k):
    """A square X: a transposed answer has the right shape, and only the numbers tell."""
    n = 2 + k % 4
    return {"u": rng.normal(size=n), "X": rng.normal(size=(n, n)), "v": rng.normal(size=n)}


def _tanh_slope(c):
    return 1 - np.tanh(c["X"]) ** 2


MATRIX_GRADIENT = FunctionExercise(
    "matrix_gradient", inputs=_bilinear_point, section=GENERALIZED, function=_bilinear,
    outputs=[Gradient("dX", "X")],
    mistakes=[
        Mistake("element-wise factor", "dX", lambda c: np.outer(c["u"], c["v"]),
                "you returned u v^T, the gradient of u^T X v: tanh acts on each entry of X, "
                "so each entry of the gradient is also multiplied by 1 - tanh^2 of that entry.",
                Hint("Entry (i, j) is u_i v_j tanh'(X_ij).", ELEMENTWISE)),
        Mistake("matrix product", "dX", lambda c: np.outer(c["u"], c["v"]) @ _tanh_slope(c),
                "you multiplied u v^T by 1 - tanh^2(X) as matrices: an element-wise function "
                "has a diagonal Jacobian, whose product with the upstream is element-wise.",
                Hint("Use * for an element-wise product, @ for a matrix product.",
                     ELEMENTWISE)),
    ],
    hints={"transpose": Hint("The gradient has the shape of X, entry (i, j) the partial with "
                             "respect to X_ij; the transpose is the row-gradient layout.",
                             LAYOUTS)},
    planted=[Planted("transpose", "return np.outer(u, v) * (1 - np.tanh(X) ** 2)",
                     "return (np.outer(u, v) * (1 - np.tanh(X) ** 2)).T"),
             Planted("element-wise factor", "np.outer(u, v) * (1 - np.tanh(X) ** 2)",
                     "np.outer(u, v)"),
             Planted("matrix product", "np.outer(u, v) * (1 - np.tanh(X) ** 2)",
                     "np.outer(u, v) @ (1 - np.tanh(X) ** 2)")],
)

# in the order of the chapter
CHAPTER = Chapter([POLAR_JACOBIAN, ELEMENTWISE_JACOBIAN, NORMALISE_JACOBIAN, SOFTMAX_VJP,
                   MATRIX_GRADIENT])
check = CHAPTER.check
progress = CHAPTER.progress
