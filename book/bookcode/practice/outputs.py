"""What a practice function returns, and how each returned array is judged.

Each kind knows the shape the array must have for one random input and checks
it, returning an object with ``passed``, ``diagnosis`` and a printable report:

- :class:`Gradient`: the gradient of the exercise's scalar function with
  respect to one input (``mathnotes.check_gradient``), or, when the exercise
  names an upstream gradient, the vector-Jacobian product of its array function
  (``mathnotes.check_vjp``, whose diagnosis can name a wrong reduction axis);
- :class:`Jacobian`: the Jacobian of its array function with respect to one
  input, in numerator layout (``mathnotes.check_jacobian``);
- :class:`Result`: any other array, compared with a reference computation
  (:class:`Comparison`).
"""

from dataclasses import dataclass

import numpy as np

import mathnotes as mn
from mathnotes._evaluator import DEFAULT_EPS

#: a Result agrees with its reference to this relative tolerance, entry by entry
RESULT_RTOL = 1e-8


def absolute_step(x):
    """The relative step that moves the largest entry of ``x`` by the default step of 1.

    Scores near 1000 (where a softmax without its max shift overflows) would
    otherwise be moved by steps of 0.006, too coarse for the check's tolerance.
    """
    return DEFAULT_EPS / max(1.0, float(np.max(np.abs(x))))


def _varied(exercise, case, wrt):
    """The exercise's function of input ``wrt`` alone, and the point, in float64."""
    def function(value):
        return exercise.function(**{**case, wrt: value})

    return function, np.asarray(case[wrt], dtype=np.float64)


@dataclass(frozen=True)
class Gradient:
    """The gradient (or, with an upstream gradient, the VJP) with respect to input ``wrt``."""

    name: str
    wrt: str

    def shape(self, exercise, case):
        return np.shape(case[self.wrt])

    def describe(self):
        return f"{self.name} (shaped like {self.wrt})"

    def meaning(self):
        return f"the gradient with respect to {self.wrt}"

    def check(self, exercise, case, given):
        function, x = _varied(exercise, case, self.wrt)
        if exercise.upstream is not None:
            return mn.check_vjp(function, given, x, case[exercise.upstream], name=self.name,
                                eps=absolute_step(x))
        return mn.check_gradient(function, given, x, name=self.name, eps=absolute_step(x))


@dataclass(frozen=True)
class Jacobian:
    """The Jacobian with respect to input ``wrt``: shape ``output.shape + wrt.shape``."""

    name: str
    wrt: str

    def shape(self, exercise, case):
        return np.shape(exercise.function(**case)) + np.shape(case[self.wrt])

    def describe(self):
        return f"{self.name} (the Jacobian with respect to {self.wrt})"

    def meaning(self):
        return f"the Jacobian with respect to {self.wrt}"

    def check(self, exercise, case, given):
        function, x = _varied(exercise, case, self.wrt)
        return mn.check_jacobian(function, given, x, name=self.name, eps=absolute_step(x))


@dataclass(frozen=True)
class Result:
    """Any other array: ``reference(**inputs)`` computes the right one."""

    name: str
    reference: object
    description: str = "the right result"

    def shape(self, exercise, case):
        return np.shape(self.reference(**case))

    def describe(self):
        return self.name

    def meaning(self):
        return self.description

    def check(self, exercise, case, given):
        return Comparison(self.name, given, np.asarray(self.reference(**case), dtype=np.float64))


class Comparison:
    """The reader's array against a reference: passed when every entry agrees to ``RESULT_RTOL``."""

    diagnosis = None
    intro = "On the first input where it differs:"

    def __init__(self, name, given, right):
        self.name, self.given, self.right = name, given, right
        scale = max(1.0, float(np.max(np.abs(right), initial=0.0)))
        self.wrong = np.abs(given - right) > RESULT_RTOL * np.maximum(np.abs(right), scale)
        self.passed = not self.wrong.any()

    def __bool__(self):
        return self.passed

    def __str__(self):
        rows = [f"comparison of {self.name} with the right result: "
                f"{int(self.wrong.sum())} of {self.wrong.size} entries differ",
                f"  {'index':>12} {'right':>12} {'yours':>12}"]
        for index in [tuple(i) for i in np.argwhere(self.wrong)][:5]:  # 0-d too
            where = "[" + ", ".join(str(int(i)) for i in index) + "]"
            rows.append(f"  {where:>12} {self.right[index]:>12.6g} {self.given[index]:>12.6g}")
        return "\n".join(rows)
