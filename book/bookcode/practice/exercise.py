"""Exercises whose answer is a function that returns arrays: gradients, Jacobians, results.

A :class:`FunctionExercise` draws fresh random inputs (sizes included), calls
the reader's function on copies of them, and judges each returned array as its
kind says (:mod:`bookcode.practice.outputs`). From the outcome it makes the
:class:`~bookcode.practice.verdict.Verdict`:

- ``NotImplementedError`` (the untouched stub): not answered yet;
- an exception: an error, with the reader's traceback;
- ``None``, a non-array, a wrong shape or dtype, a NaN: an error that names
  the expected shape;
- a failed check: wrong, with the mistake named where the evidence supports it
  (:mod:`bookcode.practice.diagnosis`) and a hint;
- otherwise: correct.

:class:`Planted` records a typical mistake as a small change of the worked
solution's code; ``tests/book/test_practice.py`` makes the change and proves
that the check names the mistake.
"""

from dataclasses import dataclass

import numpy as np

from bookcode.practice import diagnosis, verdict
from bookcode.practice.reader_code import (BadAnswer, NotAnswered, Printed, ReaderError, call,
                                           describe_shape, real_array)


@dataclass(frozen=True)
class Planted:
    """A typical mistake made by changing the worked solution: ``old`` becomes ``new``.

    ``mistake`` is the name the check must give it (``tests/book/test_practice.py``).
    """

    mistake: str
    old: str
    new: str


def not_answered_verdict(where, name):
    if where.split(".")[-1] == name.split(".")[-1] or where == "<module>":
        return verdict.not_answered(f"{name} still raises NotImplementedError. Write its body "
                                    f"in the cell above, run that cell, then run this one.")
    return verdict.not_answered(f"{where} still raises NotImplementedError: write it in the cell "
                                f"above, run that cell, then run this one.")


def error_verdict(exception, printed):
    """The verdict for :class:`ReaderError` or :class:`BadAnswer`."""
    if isinstance(exception, ReaderError):
        result = verdict.error(f"{exception}. Your traceback is below.", exception=exception.error)
    else:
        result = verdict.error(str(exception))
    result.printed = printed.text
    return result


def verdict_of(name, collect, judge):
    """The verdict of one check: ``collect(printed)`` calls the reader's code on every input,
    ``judge(collected)`` compares what it returned; the reader's prints come after the verdict."""
    printed = Printed()
    try:
        collected = collect(printed)
    except NotAnswered as missing:
        return not_answered_verdict(missing.where, name)
    except (ReaderError, BadAnswer) as problem:
        return error_verdict(problem, printed)
    result = judge(collected)
    result.printed = printed.text
    return result


def not_a_function(name, answer, parameters):
    return verdict.error(f"{name} is a {type(answer).__name__}, not a function: define it with "
                         f"def {name}({parameters}) in the cell above.")


class FunctionExercise:
    """A practice exercise: write ``name(*inputs)`` returning one array or a tuple of arrays.

    Parameters
    ----------
    name : str
        The function the reader writes, as the stub defines it.
    inputs : callable
        ``inputs(rng, k)`` returns a dict of fresh random inputs for case ``k``
        of the check (``0, 1, ...``), in the order of the function's
        parameters; ``k`` lets the cases cover every branch of a function.
    outputs : sequence
        What the function returns, in order (one output: returned alone, not
        in a tuple): :class:`~bookcode.practice.outputs.Gradient`,
        :class:`~bookcode.practice.outputs.Jacobian` or
        :class:`~bookcode.practice.outputs.Result`.
    section : str
        The section of the chapter that teaches the exercise.
    function : callable, optional
        ``function(**inputs)``: the scalar loss whose gradients are asked for,
        or the array function of a Jacobian or a VJP.
    upstream : str, optional
        The input that holds the upstream gradient: each Gradient is then
        checked as a VJP of ``function``.
    mistakes : sequence of diagnosis.Mistake
        Typical wrong answers it recognises.
    hints : dict
        ``mathnotes`` mistake name to the :class:`~bookcode.practice.diagnosis.Hint`
        given for it; others get a hint to the ``section``.
    planted : sequence of Planted
        At least two typical mistakes, as changes of the worked solution.
    cases : int
        How many fresh random inputs a check tries.
    """

    def __init__(self, name, *, inputs, outputs, section, function=None, upstream=None,
                 mistakes=(), hints=None, planted=(), cases=4):
        self.name, self.inputs, self.function, self.upstream = name, inputs, function, upstream
        self.outputs, self.section = tuple(outputs), section
        self.mistakes, self.hints, self.planted = tuple(mistakes), dict(hints or {}), tuple(planted)
        self.cases = cases
        self.default_hint = diagnosis.Hint("Derive it again, one step at a time.", section)

    def expected(self):
        """What the function must return, in words."""
        names = ", ".join(out.describe() for out in self.outputs)
        return names if len(self.outputs) == 1 else f"the tuple ({names})"

    def run(self, answer, seed=None):
        """Check ``answer`` on fresh random inputs; return its :class:`Verdict`."""
        if not callable(answer):
            return not_a_function(self.name, answer, "...")
        rng = np.random.default_rng(seed)
        cases = [self.inputs(rng, k) for k in range(self.cases)]
        return verdict_of(self.name,
                          lambda printed: [self._answer(answer, case, printed) for case in cases],
                          lambda answers: self._judge(cases, answers))

    def _answer(self, answer, case, printed):
        """The reader's outputs for one case, each checked for type and shape."""
        copies = [np.copy(value) if isinstance(value, np.ndarray) else value
                  for value in case.values()]
        returned = call(answer, *copies, printed=printed, what=self.name)
        if returned is None:
            raise BadAnswer(f"{self.name} returned None; it must return {self.expected()}. "
                            f"Is its return statement missing?")
        if len(self.outputs) == 1:
            returned = (returned,)
        elif not isinstance(returned, (tuple, list)) or len(returned) != len(self.outputs):
            got = (f"{len(returned)} values" if isinstance(returned, (tuple, list))
                   else f"a {type(returned).__name__}")
            raise BadAnswer(f"{self.name} returned {got}; it must return {self.expected()}.")
        return [real_array(value, out.name, out.shape(self, case), like=getattr(out, "wrt", None))
                for value, out in zip(returned, self.outputs)]

    def _judge(self, cases, answers):
        for k, out in enumerate(self.outputs):
            given = [outputs[k] for outputs in answers]
            results = [out.check(self, case, g) for case, g in zip(cases, given)]
            if all(results):
                continue
            mistake = (diagnosis.recognise(self.mistakes, out.name, given, cases)
                       or diagnosis.from_checks(results, self.hints, self.default_hint))
            failed = [r for r in results if not r]
            shape = describe_shape(given[0].shape)
            message = (f"{out.name} is not {out.meaning()} (shape {shape}): wrong on "
                       f"{len(failed)} of {len(cases)} fresh random inputs.")
            return verdict.wrong(message, diagnosis.wrong_details(mistake, failed[0]),
                                 mistake=mistake.name if mistake else None)
        return verdict.correct(f"{self.name} returns {self.expected()}, right on {len(cases)} "
                               f"fresh random inputs.")
