"""Naming the mistake behind a wrong answer, only where the evidence supports it.

A mistake is named in two ways:

- a :class:`Mistake` of the exercise recognises one typical wrong answer by
  computing it: it is named when the reader's answer equals it, to 1e-5
  relative, on *every* fresh random input of the check (on several random
  inputs of several sizes a coincidence is out of the question);
- otherwise the diagnosis of ``mathnotes``' gradient check (a transpose, a
  sign, a factor such as a missing 1/N, a wrong reduction axis, a mask) is
  named when every failing input gives the same one.

Each named mistake comes with a hint that points to the section of the chapter
that teaches it (:class:`Hint`).
"""

from dataclasses import dataclass

import numpy as np

#: relative agreement at which a reader's array "equals" a candidate wrong answer
MATCH = 1e-5


@dataclass(frozen=True)
class Hint:
    """What to do about a mistake, and the section that teaches it (in ``chapter``, if another)."""

    text: str
    section: str
    chapter: str = ""

    def paragraph(self):
        where = f" of {self.chapter}" if self.chapter else ""
        return f"Hint: {self.text} See the section \u201c{self.section}\u201d{where}."


@dataclass(frozen=True)
class Mistake:
    """One typical wrong answer of an exercise, recognised by computing it.

    Parameters
    ----------
    name : str
        A short stable name (``"slope at the input"``); tests look for it.
    output : str
        The output it concerns (``"dw"``), for an exercise with several outputs
        or intermediates.
    answer : callable
        ``answer(case)`` returns the wrong value for one random input ``case``
        (a dict of the inputs, and for a staged exercise of every
        intermediate and of the right gradients computed so far).
    sentence : str
        What the reader did, in a sentence.
    hint : Hint
        What to do, and where the chapter teaches it.
    """

    name: str
    output: str
    answer: object
    sentence: str
    hint: Hint

    def matches(self, given, case):
        """True when the reader's ``given`` is this wrong answer for ``case``."""
        return close(given, self.answer(case))


@dataclass(frozen=True)
class NonzeroWhereZero:
    """The typical mistake of a gradient that is zero: the reader's is not.

    For a staged exercise, where ``case["right"][output]`` is the right
    gradient by central differences: named when it is zero up to rounding
    (below 1e-6 of the reader's largest entry) and the reader's is not.
    """

    name: str
    output: str
    sentence: str
    hint: Hint

    def matches(self, given, case):
        right = np.max(np.abs(case["right"][self.output]))
        return bool(right <= 1e-6 * np.max(np.abs(given)))


def close(a, b):
    """Equal entry by entry to ``MATCH`` relative to the larger of the two, with a floor."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    if scale == 0.0:
        return True
    bound = MATCH * np.maximum(np.abs(a), np.abs(b)) + 1e-9 * scale
    return bool(np.all(np.abs(a - b) <= bound))


def recognise(mistakes, output, answers, cases):
    """The first of ``mistakes`` about ``output`` whose wrong answer the reader gave on every case."""
    for mistake in mistakes:
        if mistake.output == output and all(mistake.matches(given, case)
                                            for given, case in zip(answers, cases)):
            return mistake
    return None


def from_checks(results, hints, default_hint):
    """A :class:`Mistake` from failed ``mathnotes`` checks that all name the same mistake, or None.

    ``hints`` maps a ``mathnotes`` mistake name to the :class:`Hint` this
    exercise gives for it; ``default_hint`` is used for the others.
    """
    failed = [r for r in results if not r.passed]
    names = {r.diagnosis.mistake if r.diagnosis else None for r in failed}
    if not failed or len(names) != 1 or None in names:
        return None
    (name,) = names
    sentence = f"The gradient check says: {failed[0].diagnosis.sentence}"
    return Mistake(name, "", None, sentence, hints.get(name, default_hint))


def wrong_details(mistake, report):
    """The paragraphs of a Wrong verdict: the mistake and its hint, then the check's report."""
    if mistake is None:
        lines = ["No common mistake explains the difference; compare your numbers with the "
                 "right ones below."]
    else:
        lines = [f"Mistake ({mistake.name}): {mistake.sentence}", mistake.hint.paragraph()]
    intro = getattr(report, "intro", "The gradient check on the first input where it fails "
                                     "('analytic' is your answer, 'numerical' its central "
                                     "differences):")
    return lines + [intro, " " + str(report)]
