"""A chapter's practice exercises, as its check cells and its progress table use them.

A chapter module builds one :class:`Chapter` from its exercises and exposes
its ``check`` and ``progress``. A check cell calls ``practice.check("name")``:
the answer is whatever ``name`` means in the notebook at that moment (the
reader's function or class, or the worked solution once it has run), so a
check cell run before its stub cell says "not answered yet" rather than
raising ``NameError``.
"""

import sys

from bookcode.practice import verdict

_NOT_TRIED = "not checked yet"


class Chapter:
    """The practice exercises of one chapter, by the name of the function or class they ask for."""

    def __init__(self, exercises):
        self.exercises = {exercise.name: exercise for exercise in exercises}
        self.latest = {}

    def exercise(self, name):
        """The exercise that asks for ``name``."""
        try:
            return self.exercises[name]
        except KeyError:
            raise ValueError(f"no practice exercise asks for {name!r}; this chapter's are "
                             f"{', '.join(self.exercises)}") from None

    def run(self, name, namespace, seed=None):
        """The :class:`~bookcode.practice.verdict.Verdict` for ``namespace[name]``, recorded for :meth:`progress`."""
        exercise = self.exercise(name)
        if name not in namespace:
            result = verdict.not_answered(f"{name} is not defined yet. Run the cell above that "
                                          f"defines it, then run this one.")
        else:
            result = exercise.run(namespace[name], seed)
        self.latest[name] = result.kind
        return result

    def check(self, name, *, seed=None):
        """Check the reader's ``name`` (looked up where the check is called) and print the verdict.

        Parameters
        ----------
        name : str
            The name of the function or class the exercise asks for.
        seed : int, optional
            Seed of the random inputs; fresh ones by default.
        """
        self.run(name, sys._getframe(1).f_globals, seed).show()

    def progress(self):
        """Print which exercises of the chapter were checked since the kernel started, with their last verdict."""
        width = max(len(name) for name in self.exercises)
        print("Practice exercises of this chapter, last check since the kernel started:")
        for name in self.exercises:
            print(f"  {name:<{width}}  {self.latest.get(name, _NOT_TRIED)}")
        done = sum(kind == verdict.CORRECT for kind in self.latest.values())
        print(f"{done} of {len(self.exercises)} correct.")
