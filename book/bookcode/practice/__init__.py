"""Practice cells: exercises the reader answers in code, checked, with the mistake named.

A practice exercise in a chapter is three cells (CONTRIBUTING.md, "Practice
cells"): a stub the reader edits, tagged ``practice``; a check cell, tagged
``practice-check``, that calls ``practice.check("name")`` and prints a verdict
whose first line begins with ``Not answered yet``, ``Error``, ``Wrong`` or
``Correct``; and the worked solution, collapsed, that defines the same name.

The chapter modules (``ch02``, ``ch05``, ``ch08``, …, one per chapter) hold the exercises: fresh random
inputs, the loss or the reference the check relies on, the typical wrong answers
each recognises and the hints that point to the section teaching them. The
machinery is shared:

- :mod:`~bookcode.practice.exercise`: a function that returns gradients;
- :mod:`~bookcode.practice.atoms` and :mod:`~bookcode.practice.staged`: the
  gradient of every intermediate of a staged forward pass;
- :mod:`~bookcode.practice.tracer` and :mod:`~bookcode.practice.graphs`: a
  scalar value class with ``backward``, against ``mathnotes.Value``;
- :mod:`~bookcode.practice.diagnosis`: naming a mistake only where the evidence
  supports it; :mod:`~bookcode.practice.verdict`: the four answers;
  :mod:`~bookcode.practice.reader_code`: calling the reader's code;
  :mod:`~bookcode.practice.chapter`: a chapter's check and progress table.
"""
