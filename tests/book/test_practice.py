"""Every practice exercise of the book, found by its cell tags, proven as a reader meets it.

For each exercise (a cell tagged ``practice``, its ``practice-check`` cell and
its worked solution, CONTRIBUTING.md "Practice cells"):

- the untouched stub, then the check cell: "Not answered yet";
- the notebook's own worked solution, then the check cell: "Correct", and
  correct on many fresh random inputs;
- every typical mistake the exercise plants (a small change of the worked
  solution): "Wrong", with that mistake named, on every fresh random input tried;
- a wrong shape, a non-array, ``None``: "Error" naming the expected shape;
  an exception in the reader's code: "Error" with the reader's own traceback.

Stubs and solutions run in a namespace that holds ``np`` and ``mn`` only: a
practice exercise must not depend on the cells of its chapter.
"""

import ast
import contextlib
import importlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
import pytest

import mathnotes as mn
from bookcode.practice import graphs, verdict
from bookcode.practice.atoms import StagedExercise
from bookcode.practice.exercise import FunctionExercise
from bookcode.practice.tracer import TracerExercise

BOOK = Path(__file__).resolve().parents[2] / "book"
CHECK = re.compile(r'practice\.check\("(\w+)"\)')
MODULE = re.compile(r"from bookcode\.practice import (ch\d+) as practice")
#: fresh random inputs tried per planted mistake, and for the worked solution
SEEDS = range(5)
SOLUTION_SEEDS = range(12)


@dataclass
class Practice:
    """One practice exercise as its notebook holds it."""

    notebook: str
    name: str
    stub: str
    check: str
    solution: str

    def __str__(self):
        return f"{self.notebook}:{self.name}"

    def namespace(self):
        return {"np": np, "mn": mn, "__name__": "__main__"}

    def define(self, source, namespace=None):
        namespace = self.namespace() if namespace is None else namespace
        exec(compile(source, f"<{self.name} answer>", "exec"), namespace)  # noqa: S102
        return namespace

    def run_check_cell(self, namespace):
        """What the check cell prints, run in ``namespace`` (where the answer is defined)."""
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(self.check, f"<{self.name} check>", "exec"), namespace)  # noqa: S102
        return output.getvalue()

    def module(self):
        """The chapter's practice module, as the check cell imports it."""
        return importlib.import_module("bookcode.practice." + MODULE.search(self.check).group(1))

    def exercise(self):
        return self.module().CHAPTER.exercise(self.name)


def _practice_in(path):
    cells = nbformat.read(path, as_version=4).cells
    found = []
    for i, cell in enumerate(cells):
        if "practice" not in cell.metadata.get("tags", []):
            continue
        check = cells[i + 1].source
        solution = cells[i + 3].source  # after the markdown cell that opens the solution
        found.append(Practice(path.name, CHECK.search(check).group(1), cell.source, check,
                              solution))
    return found


EXERCISES = [p for path in sorted(BOOK.glob("ch*.ipynb")) for p in _practice_in(path)]
PLANTED = [(p, plant) for p in EXERCISES for plant in p.exercise().planted]


def first_line(text):
    return text.splitlines()[0]


def test_practice_exercises_are_found():
    assert len(EXERCISES) >= 8, [str(p) for p in EXERCISES]


@pytest.mark.parametrize("practice", EXERCISES, ids=str)
def test_the_untouched_stub_is_not_answered_yet(practice):
    printed = practice.run_check_cell(practice.define(practice.stub))
    assert first_line(printed).startswith("Not answered yet"), printed


@pytest.mark.parametrize("practice", EXERCISES, ids=str)
def test_the_worked_solution_is_correct(practice):
    namespace = practice.define(practice.solution, practice.define(practice.stub))
    printed = practice.run_check_cell(namespace)
    assert first_line(printed).startswith("Correct") and len(printed.splitlines()) <= 2, printed
    exercise = practice.exercise()
    for seed in SOLUTION_SEEDS:
        result = exercise.run(namespace[practice.name], seed)
        assert result.kind == verdict.CORRECT, f"seed {seed}:\n{result}"


@pytest.mark.parametrize("practice", EXERCISES, ids=str)
def test_each_exercise_plants_at_least_two_typical_mistakes(practice):
    planted = practice.exercise().planted
    assert len(planted) >= 2
    assert len({p.mistake for p in planted}) >= 2 or len(planted) >= 3


@pytest.mark.parametrize("practice, plant", PLANTED, ids=lambda x: str(x) if isinstance(
    x, Practice) else f"{x.mistake}")
def test_a_typical_mistake_is_wrong_and_named(practice, plant):
    assert plant.old in practice.solution, f"{plant.old!r} is not in the worked solution"
    wrong = practice.define(practice.solution.replace(plant.old, plant.new))[practice.name]
    exercise = practice.exercise()
    for seed in SEEDS:
        result = exercise.run(wrong, seed)
        assert (result.kind, result.mistake) == (verdict.WRONG, plant.mistake), (
            f"seed {seed}:\n{result}")
        assert result.first_line.startswith("Wrong")
        assert "Hint:" in result.text()


def _function_variants(practice, solution):
    """Broken versions of a function answer: (function, words its Error must contain)."""
    exercise = practice.exercise()
    case = exercise.inputs(np.random.default_rng(0), 0)
    first = exercise.outputs[0]
    expected = str(tuple(first.shape(exercise, case)))

    def add_axis(*args):
        returned = solution(*args)
        if len(exercise.outputs) == 1:
            return np.asarray(returned)[..., None]
        return (np.asarray(returned[0])[..., None], *returned[1:])

    def as_text(*args):
        return "not an array" if len(exercise.outputs) == 1 else ("not an array",) * len(
            exercise.outputs)

    def not_a_number(*args):
        returned = solution(*args)
        if len(exercise.outputs) == 1:
            return np.full(np.shape(returned), np.nan)
        return (np.full(np.shape(returned[0]), np.nan), *returned[1:])

    return [(lambda *args: None, ["returned None", "return statement"]),
            (add_axis, [expected]), (as_text, ["expected an array of shape", expected]),
            (not_a_number, ["nan", expected])]


def _staged_variants(practice, solution):
    exercise = practice.exercise()
    first = exercise.forward.order[1]

    def reshaped(c):
        d = solution(c)
        d[first] = np.asarray(d[first])[..., None]
        return d

    return [(lambda c: None, ["returned None", "return statement"]),
            (reshaped, [f'd["{first}"]', "expected"]),
            (lambda c: {**solution(c), "nonsense": 1.0}, ["'nonsense'", "the keys are"]),
            (lambda c: [1.0], ["must return a dict"])]


def _tracer_variants(practice, solution):
    class NoReturn(solution):
        def __add__(self, other):
            super().__add__(other)

    class Missing(solution):
        tanh = None

    array_grad = practice.define(practice.solution.replace("self.grad = 1.0",
                                                           "self.grad = np.ones(2)"))["Scalar"]

    return [(NoReturn, ["gave None", "return statement of Scalar.__add__"]),
            (array_grad, [".grad of", "expected a single number"]),
            (Missing, ["no method tanh"]), (solution(1.0), ["not a class"])]


@pytest.mark.parametrize("practice", EXERCISES, ids=str)
def test_a_wrong_type_or_shape_is_an_error_that_says_what_to_return(practice):
    exercise = practice.exercise()
    solution = practice.define(practice.solution)[practice.name]
    variants = {FunctionExercise: _function_variants, StagedExercise: _staged_variants,
                TracerExercise: _tracer_variants}[type(exercise)](practice, solution)
    for answer, words in variants:
        result = exercise.run(answer, 0)
        assert result.kind == verdict.ERROR and result.first_line.startswith("Error"), str(result)
        for word in words:
            assert word in " ".join(result.text().split()), f"{word!r} not in:\n{result}"


READER_BUG = '''
def helper(value):
    return 1 / 0    # the reader's bug


def {name}(*args):
    return helper(args)
'''

READER_CLASS_BUG = '''
class Scalar:
    def __init__(self, data):
        self.data, self.grad = data, 0.0

    def __add__(self, other):
        return self.data / 0    # the reader's bug

    __mul__ = __pow__ = tanh = exp = backward = __add__
'''


@pytest.mark.parametrize("practice", EXERCISES, ids=str)
def test_an_exception_in_the_readers_code_shows_their_traceback(practice):
    source = (READER_CLASS_BUG if isinstance(practice.exercise(), TracerExercise)
              else READER_BUG.format(name=practice.name))
    namespace = practice.define(source)
    result = practice.exercise().run(namespace[practice.name], 0)
    assert result.first_line.startswith("Error") and "ZeroDivisionError" in result.first_line
    trace = result.traceback_text()
    frames = re.findall(r'File "([^"]+)"', trace)
    assert frames and all(f == f"<{practice.name} answer>" for f in frames), trace
    assert "bookcode" not in trace and "ZeroDivisionError" in trace.splitlines()[-1]


@pytest.mark.parametrize("practice", EXERCISES, ids=str)
def test_a_check_before_its_stub_is_not_answered_yet(practice):
    printed = practice.run_check_cell(practice.namespace())
    assert first_line(printed).startswith(f"Not answered yet: {practice.name} is not defined")


@pytest.mark.parametrize("practice", EXERCISES, ids=str)
def test_the_readers_inputs_may_be_changed_without_harm(practice):
    """An answer that scribbles over its inputs after computing is still judged right."""
    exercise = practice.exercise()
    if not isinstance(exercise, FunctionExercise):
        pytest.skip("the inputs of the other kinds are not arrays the answer receives")
    solution = practice.define(practice.solution)[practice.name]

    def scribbles(*args):
        result = solution(*args)
        result = tuple(np.copy(r) for r in result) if isinstance(result, tuple) else np.copy(result)
        for arg in args:
            if isinstance(arg, np.ndarray):
                arg[...] = 0
        return result

    assert exercise.run(scribbles, 0).kind == verdict.CORRECT


def test_what_the_readers_code_prints_comes_after_the_verdict():
    practice = next(p for p in EXERCISES if p.name == "fork_max_grad")
    namespace = practice.define(practice.solution)
    solution = namespace[practice.name]

    def chatty(v):
        print("v is", v.shape)
        return solution(v)

    result = practice.exercise().run(chatty, 0)
    text = result.text()
    assert text.startswith("Correct")
    assert text.index("Correct") < text.index("What your code printed") < text.index("v is (3,)")


def _sections(path):
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                     if c.cell_type == "markdown")
    return set(re.findall(r"^#+ (.+)$", text, re.MULTILINE))


CHAPTER_NOTEBOOKS = {f"chapter {int(p.name[2:4])}": p for p in sorted(BOOK.glob("ch*.ipynb"))}


def _hints(exercise):
    found = [exercise.default_hint] if hasattr(exercise, "default_hint") else []
    found += [m.hint for m in getattr(exercise, "mistakes", ())]
    found += list(getattr(exercise, "hints", {}).values())
    if isinstance(exercise, StagedExercise):
        found.append(exercise.fan_out_hint)
    if isinstance(exercise, TracerExercise):
        found += [exercise._mistake(name, "").hint for name in exercise.sections]
    return found


@pytest.mark.parametrize("practice", EXERCISES, ids=str)
def test_every_hint_points_to_a_section_that_exists(practice):
    for hint in _hints(practice.exercise()):
        path = CHAPTER_NOTEBOOKS[hint.chapter] if hint.chapter else BOOK / practice.notebook
        assert hint.section in _sections(path), f"{hint.section!r} is not a heading of {path.name}"


@pytest.mark.parametrize("notebook", sorted({p.notebook for p in EXERCISES}))
def test_a_chapters_practice_module_holds_its_exercises_in_order(notebook):
    in_notebook = [p for p in EXERCISES if p.notebook == notebook]
    assert {p.module() for p in in_notebook} == {
        importlib.import_module(f"bookcode.practice.ch{notebook[2:4]}")}
    assert list(in_notebook[0].module().CHAPTER.exercises) == [p.name for p in in_notebook]


def test_random_graphs_have_fan_out_and_an_operation_on_one_value_twice():
    rng = np.random.default_rng(0)
    for _ in range(20):
        graph = graphs.random_graph(rng)
        leaves = len(graph.leaves)
        assert any(len(set(graph.node(i).operands)) == 1 and len(graph.node(i).operands) == 2
                   for i in range(leaves, len(graph)))
        assert any(len({k for k, _ in graph.readers(i)}) > 1 for i in range(leaves, len(graph)))
        assert all(graph.readers(i) for i in range(len(graph) - 1))  # the output needs them all


def test_soft_targets_try_scores_that_overflow_without_the_max_shift():
    practice = next(p for p in EXERCISES if p.name == "soft_xent_grad")

    def no_shift(s, q):
        p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
        return (q.sum(axis=1, keepdims=True) * p - q) / len(s)

    with np.errstate(over="ignore", invalid="ignore"):
        result = practice.exercise().run(no_shift, 0)
    assert result.kind == verdict.ERROR and "nan" in result.first_line


def test_the_progress_table_records_the_last_verdict():
    from bookcode.practice import ch05

    chapter = type(ch05.CHAPTER)(list(ch05.CHAPTER.exercises.values()))
    chapter.run("fork_max_grad", {"fork_max_grad": lambda v: np.zeros(3)}, seed=0)
    chapter.run("batch_grad", {}, seed=0)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        chapter.progress()
    rows = dict(line.split(None, 1) for line in output.getvalue().splitlines()[1:-1])
    assert rows["fork_max_grad"] == "Wrong" and rows["batch_grad"] == "Not answered yet"
    assert rows["Scalar"] == "not checked yet"
    assert output.getvalue().splitlines()[-1] == "0 of 6 correct."


def test_a_verdict_kind_is_one_of_four():
    with pytest.raises(ValueError, match="kind must be one of"):
        verdict.Verdict("Maybe", "no")
    assert verdict.KINDS == ("Not answered yet", "Error", "Wrong", "Correct")


def test_stubs_raise_not_implemented_error():
    for practice in EXERCISES:
        raises = [n for n in ast.walk(ast.parse(practice.stub)) if isinstance(n, ast.Raise)]
        assert any("NotImplementedError" in ast.unparse(r) for r in raises), practice


@pytest.mark.parametrize("practice", EXERCISES, ids=str)
def test_a_wrong_answer_that_is_no_typical_mistake_is_not_named(practice):
    """The right answer with every entry scaled by its own random factor: wrong, and no name."""
    exercise = practice.exercise()
    solution = practice.define(practice.solution)[practice.name]
    rng = np.random.default_rng(21)

    def scrambled(value):
        return np.asarray(value) * (1 + 0.3 * rng.standard_normal(np.shape(value)))

    if isinstance(exercise, FunctionExercise):
        def answer(*args):
            returned = solution(*args)
            if isinstance(returned, tuple):
                return tuple(scrambled(r) for r in returned)
            return scrambled(returned)
    elif isinstance(exercise, StagedExercise):
        def answer(c):
            d = solution(c)
            d[exercise.forward.order[3]] = scrambled(d[exercise.forward.order[3]])
            return d
    else:
        pytest.skip("the tracer's answer is a class: its probes are tested by the planted mistakes")
    for seed in SEEDS:
        result = exercise.run(answer, seed)
        assert (result.kind, result.mistake) == (verdict.WRONG, None), f"seed {seed}:\n{result}"


def test_the_fork_exercise_tries_both_sides_of_the_max_gate():
    practice = next(p for p in EXERCISES if p.name == "fork_max_grad")
    exercise = practice.exercise()
    rng = np.random.default_rng(0)
    x_wins = [bool(case["v"][0] > case["v"][2])
              for case in (exercise.inputs(rng, k) for k in range(exercise.cases))]
    assert any(x_wins) and not all(x_wins)
