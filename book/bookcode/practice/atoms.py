"""Backprop, atom by atom: the reader writes the gradient of every intermediate of a staged pass.

A :class:`StagedExercise` gives the reader the values of a forward pass
(:class:`~bookcode.practice.staged.Staged`) as a dict and expects a dict of
gradients, one per intermediate, each shaped like its value. The check walks
the intermediates in backward order (the loss first) and judges each with
``mathnotes.check_gradient`` of the loss as a function of that intermediate
alone, on fresh random inputs; the first wrong one is reported with its
diagnosis. Besides the exercise's own typical mistakes and ``mathnotes``'
diagnosis, two mistakes are recognised for any staged pass:

- **fan-out**: an intermediate read by several steps holds the part of its
  gradient that comes back through only some of them (``=`` where ``+=``
  belongs);
- **local factor**: an intermediate read by one step holds that step's
  gradient unchanged (the step's local derivative is missing).

A reader may write the gradients one at a time: a dict that stops early, with
everything in it right, is "not answered yet", and names the next one to write.
"""

import itertools

import numpy as np

import mathnotes as mn

from bookcode.practice import diagnosis, verdict
from bookcode.practice.exercise import not_a_function, verdict_of
from bookcode.practice.reader_code import BadAnswer, call, describe_shape, real_array

def key(name):
    return f'd["{name}"]'


class StagedExercise:
    """A practice exercise: write ``name(c)`` returning ``d``, the gradient of every intermediate.

    Parameters
    ----------
    name : str
        The function the reader writes.
    forward : bookcode.practice.staged.Staged
        The forward pass; ``c`` holds its values by name.
    inputs : callable
        ``inputs(rng, k)`` returns fresh random inputs of the forward pass for
        case ``k`` of the check.
    section : str
        The section of the chapter that teaches the exercise.
    mistakes : sequence
        Typical wrong answers it recognises (:class:`~bookcode.practice.diagnosis.Mistake`,
        :class:`~bookcode.practice.diagnosis.NonzeroWhereZero`); their ``case`` is
        the dict of values with ``case["right"]``, the right gradients so far.
    hints : dict
        ``mathnotes`` mistake name to its :class:`~bookcode.practice.diagnosis.Hint`.
    planted : sequence of bookcode.practice.exercise.Planted
        Typical mistakes as changes of the worked solution.
    fan_out : bookcode.practice.diagnosis.Hint
        The hint for an intermediate whose gradient lacks the part of one of
        its readers.
    cases : int
        How many fresh random inputs a check tries.
    """

    def __init__(self, name, *, forward, inputs, section, fan_out, mistakes=(), hints=None,
                 planted=(), cases=3):
        self.name, self.forward, self.inputs, self.section = name, forward, inputs, section
        self.mistakes, self.hints, self.planted = tuple(mistakes), dict(hints or {}), tuple(planted)
        self.fan_out_hint, self.cases = fan_out, cases
        self.default_hint = diagnosis.Hint("Write the local derivative of the step that computes "
                                           "it, times the gradient of that step.", section)

    def run(self, answer, seed=None):
        """Check ``answer`` on fresh random inputs; return its :class:`Verdict`."""
        if not callable(answer):
            return not_a_function(self.name, answer, "c")
        rng = np.random.default_rng(seed)
        cases = [self.forward.run(self.inputs(rng, k)) for k in range(self.cases)]
        return verdict_of(self.name,
                          lambda printed: [self._answer(answer, values, printed) for values in cases],
                          lambda dicts: self._judge(cases, dicts))

    def _answer(self, answer, values, printed):
        copies = {k: np.copy(v) if isinstance(v, np.ndarray) else v for k, v in values.items()}
        returned = call(answer, copies, printed=printed, what=self.name)
        if returned is None:
            raise BadAnswer(f"{self.name} returned None; it must return the dict d of gradients. "
                            f"Is its return statement missing?")
        if not isinstance(returned, dict):
            raise BadAnswer(f"{self.name} returned a {type(returned).__name__}; it must return "
                            f"a dict d with one gradient per intermediate, d[\"loss\"] first.")
        unknown = [k for k in returned if k not in self.forward.order]
        if unknown:
            raise BadAnswer(f"d has the key {unknown[0]!r}, which is not a differentiable value "
                            f"of the forward pass; the keys are {', '.join(self.forward.order)}.")
        return {k: real_array(returned[k], key(k), np.shape(values[k]), like=k)
                for k in self.forward.order if k in returned}

    def _judge(self, cases, dicts):
        right = [{} for _ in cases]
        done = []
        for name in self.forward.order:
            if name not in dicts[0]:
                return self._partial(done, name, cases[0])
            given = [d[name] for d in dicts]
            results = [check_value(self.forward, values, name, g)
                       for values, g in zip(cases, given)]
            for r, result in zip(right, results):
                r[name] = result.numerical  # central differences, shaped like the value
            if not all(results):
                return self._wrong(name, done, cases, given, right, results)
            done.append(name)
        return verdict.correct(f"{self.name} gives the gradient of all {len(done)} values, "
                               f"right on {len(cases)} fresh random inputs.")

    def _partial(self, done, name, values):
        so_far = (f"the gradients of {', '.join(done)} are right" if done
                  else "the dict holds no gradient yet")
        return verdict.not_answered(f"{so_far}; write the next one, {key(name)}, shaped like "
                                    f"{name}, {describe_shape(np.shape(values[name]))}.")

    def _wrong(self, name, done, cases, given, right, results):
        contexts = [{**values, "right": r} for values, r in zip(cases, right)]
        mistake = (diagnosis.recognise(self.mistakes, name, given, contexts)
                   or self._fan_out(name, cases, given, right)
                   or self._local_factor(name, given, right)
                   or diagnosis.from_checks(results, self.hints, self.default_hint))
        failed = [r for r in results if not r]
        before = f" The gradients before it ({', '.join(done)}) are right." if done else ""
        message = (f"{key(name)} is not the gradient of the loss with respect to {name}: wrong "
                   f"on {len(failed)} of {len(cases)} fresh random inputs.{before}")
        return verdict.wrong(message, diagnosis.wrong_details(mistake, failed[0]),
                             mistake=mistake.name if mistake else None)

    def _fan_out(self, name, cases, given, right):
        readers = self.forward.readers(name)
        if len(readers) < 2:
            return None
        parts = [[self.forward.through(values, step, name, r[step.name]) for step in readers]
                 for values, r in zip(cases, right)]
        for size in range(1, len(readers)):
            for kept in itertools.combinations(range(len(readers)), size):
                sums = [sum(p[j] for j in kept) for p in parts]
                if all(diagnosis.close(g, s) for g, s in zip(given, sums)):
                    through = " and ".join(readers[j].name for j in kept)
                    missing = " and ".join(s.name for j, s in enumerate(readers) if j not in kept)
                    reads = ", ".join(s.name for s in readers)
                    return diagnosis.Mistake(
                        "fan-out", name, None,
                        f"{name} is read by {len(readers)} steps ({reads}), and your gradient holds "
                        f"only the part that comes back through {through}: the part through "
                        f"{missing} is missing (= where += belongs).",
                        self.fan_out_hint)
        return None

    def _local_factor(self, name, given, right):
        readers = self.forward.readers(name)
        if len(readers) != 1:
            return None
        step = readers[0]
        if all(np.shape(r[step.name]) == np.shape(g) and diagnosis.close(g, r[step.name])
               for g, r in zip(given, right)):
            return diagnosis.Mistake(
                "local factor", name, None,
                f"{key(name)} equals {key(step.name)}: the gradient of {step.name} = "
                f"{step.source} was passed on without the local derivative of that step.",
                diagnosis.Hint("Multiply by the local derivative of the step (the chain rule).",
                               self.section))
        return None


def check_value(forward, values, name, given):
    """``mathnotes.check_gradient`` of the loss as a function of ``name`` alone, at ``given``."""
    return mn.check_gradient(forward.loss_of(values, name), given,
                             np.asarray(values[name], dtype=np.float64), name=name)
