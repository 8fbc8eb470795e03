"""The practice exercises of chapter 2, *Partial derivatives and the gradient*.

Each exercise draws fresh random inputs of random sizes, knows the function
whose derivative it asks for, recognises its typical wrong answers and points
each mistake to the section of the chapter that teaches it. The chapter's
check cells call :func:`check`; its last exercise cell calls :func:`progress`.

Two kinds of evidence here are the chapter's own:

- the gradient of a function of three variables is wrong in one entry or in
  several, each in its own way: :class:`EntryMistake` names a mistake when
  every entry is either right or that mistake's version of the entry;
- a numerical gradient is judged against the exact one to ``RTOL`` of its
  largest entry (central differences are that accurate, forward ones are not).
  A forward difference shows by its error, ``h f''(x_i) / 2`` for one step
  ``h`` (:class:`ForwardDifferences`); a step that does not grow with ``|x|``
  as an answer that is right where the entries are of order one and wrong only
  where they are large (:class:`NotScaled`).
"""

from dataclasses import dataclass

import numpy as np

from bookcode.practice.chapter import Chapter
from bookcode.practice.diagnosis import Hint, Mistake, close
from bookcode.practice.exercise import FunctionExercise, Planted
from bookcode.practice.outputs import Comparison, Gradient, Result

SCALAR = "The scalar rules, checked by numbers"
PARTIALS = "Partial derivatives: hold everything else fixed"
GRADIENT = "The gradient: all the partials in one vector"
LINEARISATION = "Linearisation"
NUMERICAL = "Numerical derivatives and how far to trust them"
STEP = "Scaling the step"

EPS = float(np.finfo(np.float64).eps)
#: a numerical gradient agrees with the exact one to this much of its largest entry
RTOL = 1e-8


def _signs(rng, size):
    return rng.choice([-1.0, 1.0], size=size)


# ---------------------------------------------------------------- three partial derivatives
@dataclass(frozen=True)
class EntryMistake:
    """A mistake made in some entries of a gradient: ``entries[i](case)`` is entry ``i`` with it.

    Named when, on every input, each entry of the reader's array equals the
    right one or this mistake's version of it (to the 1e-5 of
    :func:`~bookcode.practice.diagnosis.close`); the check has failed, so at
    least one entry is the mistaken one.
    """

    name: str
    output: str
    entries: dict
    right: object
    sentence: str
    hint: Hint

    def matches(self, given, case):
        right = self.right(case)
        return all(close(given[i], right[i]) or (i in self.entries
                                                 and close(given[i], self.entries[i](case)))
                   for i in range(len(right)))


def _f3(v):
    x, y, z = v
    return x * y**2 * z**3 + np.cos(x * z)


def _grad_f3(case):
    x, y, z = case["v"]
    return np.array([y**2 * z**3 - z * np.sin(x * z), 2 * x * y * z**3,
                     3 * x * y**2 * z**2 - x * np.sin(x * z)])


def _f3_point(rng, k):
    """x, y, z of either sign and away from 0, so that every mistake changes its entry."""
    return {"v": _signs(rng, 3) * rng.uniform(0.3, 1.8, size=3)}


def _sine(c):
    x, _, z = c["v"]
    return np.sin(x * z)


def _cos_term_entries(wrong):
    """Entries x and z of the gradient with the partial of cos(xz) written ``wrong(c, a)``.

    ``a`` is the right inner factor (z in the entry of x, x in that of z): the
    right partial is ``-a sin(xz)``.
    """
    def entry(i, a):
        return lambda c: _grad_f3(c)[i] + c["v"][a] * _sine(c) + wrong(c, c["v"][a])

    return {0: entry(0, 2), 2: entry(2, 0)}


GRAD_F3 = FunctionExercise(
    "grad_f3", inputs=_f3_point, section=PARTIALS, function=_f3,
    outputs=[Gradient("df", "v")],
    mistakes=[
        EntryMistake("sign", "df", _cos_term_entries(lambda c, a: a * _sine(c)),
                     _grad_f3, "the cos term's partials have the wrong sign: the derivative of "
                     "cos is -sin.",
                     Hint("d/dt cos t = -sin t.", SCALAR)),
        EntryMistake("inner factor", "df", _cos_term_entries(lambda c, a: -_sine(c)), _grad_f3,
                     "the chain rule's inner factor is missing from the cos term: the partial "
                     "of xz with respect to x is z (and with respect to z it is x).",
                     Hint("The chain rule multiplies by the derivative of the inside, xz.",
                          SCALAR)),
        EntryMistake("frozen variable", "df",
                     _cos_term_entries(lambda c, a: -(c["v"][0] + c["v"][2]) * _sine(c)),
                     _grad_f3, "the inner derivative of cos(xz) is x + z, as if both x and z "
                     "moved: with z frozen, xz is z times x, and its partial is z.",
                     Hint("Freeze every variable but one: then xz is a constant times x.",
                          PARTIALS)),
        EntryMistake("power rule", "df",
                     {1: lambda c: _grad_f3(c)[1] / 2,
                      2: lambda c: _grad_f3(c)[2] - 2 * c["v"][0] * (c["v"][1] * c["v"][2])**2},
                     _grad_f3, "the power rule's factor is missing: the partial of y^2 is 2y, "
                     "of z^3 it is 3z^2.",
                     Hint("d/dx x^n = n x^(n-1): the exponent comes down as a factor.", SCALAR)),
    ],
    hints={"sign": Hint("Check the sign of each term: d/dt cos t = -sin t.", SCALAR)},
    planted=[Planted("sign", "y**2 * z**3 - z * np.sin", "y**2 * z**3 + z * np.sin"),
             Planted("inner factor", "- z * np.sin(x * z)", "- np.sin(x * z)"),
             Planted("frozen variable", "- z * np.sin(x * z)", "- (x + z) * np.sin(x * z)"),
             Planted("power rule", "2 * x * y * z**3", "x * y * z**3")],
)


# ---------------------------------------------------------------- the gradient of a quadratic form
def _quadratic_point(rng, k):
    n = 2 + k % 4
    return {"w": rng.normal(size=n), "A": rng.normal(size=(n, n))}  # not symmetric


ONE_TERM = Hint("w_k appears twice in the double sum: in row k and in column k.", GRADIENT)
SYMMETRIC = Hint("2Aw is the gradient only for a symmetric A; write out the partial "
                 "with respect to w_k.", GRADIENT)
QUADRATIC_GRAD = FunctionExercise(
    "quadratic_grad", inputs=_quadratic_point, section=GRADIENT,
    function=lambda w, A: w @ A @ w,
    outputs=[Gradient("dw", "w")],
    mistakes=[
        *[Mistake("one term", "dw", answer,
                  "you kept one of the two sums that hold w_k: the terms of row k give "
                  "(Aw)_k and those of column k give (A^T w)_k.", ONE_TERM)
          for answer in (lambda c: c["A"] @ c["w"], lambda c: c["A"].T @ c["w"])],
        *[Mistake("symmetric part", "dw", answer,
                  "you returned twice one of the two sums, as if A were symmetric: the "
                  "gradient is (A + A^T) w, which is 2Aw only when A = A^T.", SYMMETRIC)
          for answer in (lambda c: 2 * c["A"] @ c["w"], lambda c: 2 * c["A"].T @ c["w"])],
    ],
    hints={"factor": Hint("Each of the two sums counts once.", GRADIENT),
           "symmetric part": SYMMETRIC},
    planted=[Planted("one term", "(A + A.T) @ w", "A @ w"),
             Planted("symmetric part", "(A + A.T) @ w", "2 * A @ w"),
             Planted("factor", "(A + A.T) @ w", "(A + A.T) @ w / 2")],
)


# ---------------------------------------------------------------- a linearisation
def _lse(x):
    return np.log(np.sum(np.exp(x)))


def _softmax(x):
    e = np.exp(x)
    return e / e.sum()


def _linearise_point(rng, k):
    n, rows = 2 + k % 4, 1 + k % 3
    return {"x": rng.normal(size=n), "D": rng.normal(0.0, 0.5, size=(rows, n))}


LINEARISE_LSE = FunctionExercise(
    "linearise_lse", inputs=_linearise_point, section=LINEARISATION,
    outputs=[Result("predictions", lambda x, D: _lse(x) + D @ _softmax(x),
                    "the first-order predictions of lse(x + d)")],
    mistakes=[
        Mistake("constant term", "predictions", lambda c: c["D"] @ _softmax(c["x"]),
                "you returned the predicted change, grad lse(x)^T d, without the value "
                "lse(x) it changes.",
                Hint("The linearisation is f(p) + grad f(p)^T d.", LINEARISATION)),
        Mistake("missing 1/sum", "predictions",
                lambda c: _lse(c["x"]) + c["D"] @ np.exp(c["x"]),
                "your gradient is exp(x): the chain rule through the log divides by "
                "sum(exp(x)), which makes the gradient the softmax of x.",
                Hint("d/du ln u = 1/u: the inner sum divides the exponentials.", GRADIENT)),
        Mistake("wrong point", "predictions",
                lambda c: _lse(c["x"]) + np.array([d @ _softmax(c["x"] + d) for d in c["D"]]),
                "you took the gradient at x + d, the point you predict; the linearisation "
                "uses the gradient at x, where it is made.",
                Hint("Value and gradient both come from the point x.", LINEARISATION)),
        Mistake("exact value", "predictions",
                lambda c: np.log(np.sum(np.exp(c["x"] + c["D"]), axis=1)),
                "you returned lse(x + d) itself: the exercise asks for its prediction from the "
                "value and the gradient at x, which differs from it by about d^T H d / 2 (H the "
                "Hessian of lse at x).",
                Hint("Use only lse(x) and its gradient at x.", LINEARISATION)),
    ],
    planted=[Planted("constant term", "return value + D @ grad", "return D @ grad"),
             Planted("missing 1/sum", "grad = e / e.sum()", "grad = e"),
             Planted("wrong point", "return value + D @ grad",
                     "return value + np.array([d @ np.exp(x + d) / np.exp(x + d).sum() "
                     "for d in D])"),
             Planted("exact value", "return value + D @ grad",
                     "return np.log(np.exp(x + D).sum(axis=1))")],
)


# ---------------------------------------------------------------- central differences by hand
class SmoothAbs:
    """``f(x) = sum_i c_i sqrt(1 + x_i^2)``, a smooth weighted sum of ``|x_i|``; its gradient."""

    def __init__(self, c):
        self.c = np.asarray(c, dtype=np.float64)

    def __call__(self, x):
        return float(self.c @ np.sqrt(1.0 + np.asarray(x, dtype=np.float64) ** 2))

    def gradient(self, x):
        return self.c * x / np.sqrt(1.0 + x**2)

    def second(self, x):
        """The second partials ``d^2 f / d x_i^2``, shape of ``x``."""
        return self.c / (1.0 + x**2) ** 1.5

    def __repr__(self):
        return "f"


def _central_point(rng, k):
    """Entries of order one in even cases, near 1e5 in odd ones (where the step's scale matters)."""
    n = 2 + k % 3
    size = rng.uniform(0.4, 1.5, size=n) if k % 2 == 0 else 10 ** rng.uniform(5.0, 5.3, size=n)
    return {"f": SmoothAbs(rng.uniform(0.5, 2.0, size=n)), "x": _signs(rng, n) * size}


def _agrees(given, exact):
    return bool(np.all(np.abs(given - exact) <= RTOL * np.max(np.abs(exact))))


def _large(x):
    """Whether the entries of ``x`` are large: the inputs of the odd cases."""
    return bool(np.max(np.abs(x)) > 2.0)


def _rounding_only(given, f, x):
    """Whether ``given`` is off by no more than rounding ``f`` with a step of 1e-8 or more gives."""
    return bool(np.all(np.abs(given - f.gradient(x)) <= 10 * EPS * abs(f(x)) / 1e-8))


@dataclass(frozen=True)
class ExactGradient(Gradient):
    """A numerical gradient with respect to input ``wrt``, judged against ``exact(**inputs)``."""

    exact: object

    def meaning(self):
        return "the gradient of f at x to central differences' accuracy"

    def check(self, exercise, case, given):
        return Agreement(self.name, case[self.wrt], given, self.exact(**case))


class Agreement(Comparison):
    """A numerical gradient against the exact one: passed when every entry is within ``RTOL``
    of the largest exact entry."""

    def __init__(self, name, x, given, exact):
        self.name, self.x, self.given, self.exact = name, x, given, exact
        self.tolerance = RTOL * float(np.max(np.abs(exact)))
        self.wrong = np.abs(given - exact) > self.tolerance
        self.passed = not self.wrong.any()

    def __str__(self):
        rows = [f"{self.name} against the exact gradient: {int(self.wrong.sum())} of "
                f"{self.wrong.size} entries off by over {self.tolerance:.1e}",
                f"{'index':>7} {'x':>11} {'exact':>15} {'yours':>15} {'rel err':>8}"]
        for i in np.flatnonzero(self.wrong)[:5]:
            error = abs(self.given[i] - self.exact[i]) / abs(self.exact[i])
            rows.append(f"{f'[{i}]':>7} {self.x[i]:>11.4g} {self.exact[i]:>15.10f} "
                        f"{self.given[i]:>15.10f} {error:>8.1e}")
        return "\n".join(rows)


@dataclass(frozen=True)
class Recogniser:
    """A typical mistake recognised by a property of the answer (``matches``), not computed."""

    name: str
    output: str
    sentence: str
    hint: Hint


class NotScaled(Recogniser):
    """A step that does not grow with ``|x_i|``: right wherever the entries of ``x`` are of order
    one (there the scale is 1 anyway), and elsewhere off by no more than rounding can give."""

    def matches(self, given, case):
        f, x = case["f"], case["x"]
        return _rounding_only(given, f, x) if _large(x) else _agrees(given, f.gradient(x))


class ForwardDifferences(Recogniser):
    """Forward differences with a step between 1e-9 and 1e-2, fixed or scaled with ``|x_i|``.

    Where the entries of ``x`` are of order one, the error of entry ``i`` is
    the truncation ``h_i f''(x_i) / 2``: the step it implies, ``h_i``, must be
    positive and the same for every entry (to 5 %), or the same once divided by
    ``max(1, |x_i|)``. Where they are large, the truncation is negligible and
    the answer is off by no more than rounding can give.
    """

    def matches(self, given, case):
        f, x = case["f"], case["x"]
        if _large(x):
            return _rounding_only(given, f, x)
        h = 2 * (given - f.gradient(x)) / f.second(x)
        if not np.all((h > 1e-9) & (h < 1e-2)):
            return False
        return any(np.ptp(h / scale) <= 0.05 * np.max(h / scale)
                   for scale in (1.0, np.maximum(1.0, np.abs(x))))


CENTRAL_GRADIENT = FunctionExercise(
    "central_gradient", inputs=_central_point, section=NUMERICAL,
    outputs=[ExactGradient("grad", "x", lambda f, x: f.gradient(x))],
    mistakes=[
        NotScaled("not scaled", "grad",
                  "your gradient is right where the entries of x are of order one and wrong "
                  "where they are large: there a fixed step is lost in the rounding of f(x + h) "
                  "and f(x - h), which are as large as x.",
                  Hint("Let the step grow with the entry: h_i = eps^(1/3) max(1, |x_i|).",
                       STEP)),
        ForwardDifferences("forward", "grad",
                           "you returned forward differences, (f(x + h e_i) - f(x)) / h, whose "
                           "error falls only like h; central ones are far more accurate.",
                           Hint("Step both ways: (f(x + h e_i) - f(x - h e_i)) / (2h).",
                                NUMERICAL)),
        Mistake("factor", "grad", lambda c: 2 * c["f"].gradient(c["x"]),
                "your numbers are twice the derivatives: f(x + h e_i) and f(x - h e_i) lie 2h "
                "apart, so divide by 2h, not h.",
                Hint("The two points x + h e_i and x - h e_i are 2h apart.", NUMERICAL)),
    ],
    planted=[Planted("not scaled", " * np.maximum(1.0, np.abs(x))", " * np.ones(x.shape)"),
             Planted("forward", "(f(x + step) - f(x - step)) / (2 * h[i])",
                     "(f(x + step) - f(x)) / h[i]"),
             Planted("factor", "/ (2 * h[i])", "/ h[i]")],
)

# in the order of the chapter
CHAPTER = Chapter([GRAD_F3, QUADRATIC_GRAD, LINEARISE_LSE, CENTRAL_GRADIENT])
check = CHAPTER.check
progress = CHAPTER.progress
