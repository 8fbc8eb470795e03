"""House rules every stored notebook keeps (CONTRIBUTING.md).

nbval checks that stored outputs match a fresh run; these tests check what nbval
cannot: that the outputs come from one clean top-to-bottom run, that no error or
warning was stored, that every figure has alt text, that each chapter has
its learning goals, exercises with solutions, and a pitfalls section, and that
every notebook is in the normal form the executor (and JupyterLab's save, see
``lab/``) writes: the environment's kernelspec, so that opening it in
JupyterLab does not mark it modified; no widget state or views; every
exercise solution's code collapsed.
"""

import copy
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

BOOK = Path(__file__).resolve().parents[2] / "book"
sys.path.insert(0, str(BOOK.parent / "tools"))
from execute_notebooks import kernelspec, normalise, solution_cells  # noqa: E402

from mathnotes.interactive import PLAIN_PREFIX  # noqa: E402

TOC = (BOOK.parent / "_toc.yml").read_text(encoding="utf-8")
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if p.name.startswith("ch")]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def markdown(nb):
    return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_listed_in_the_table_of_contents(path):
    assert f"file: book/{path.stem}\n" in TOC


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_come_from_one_clean_run(path):
    nb = load(path)
    counts = [c["execution_count"] for c in code_cells(nb) if "".join(c["source"]).strip()]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..n: run `make notebooks`"
    )
    assert "widgets" not in nb["metadata"], f"{path.name} stores widget state"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_error_or_warning_is_stored(path):
    for index, cell in enumerate(load(path)["cells"]):
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", f"{path.name} cell {index} stores an error"
            if output["output_type"] == "stream":
                assert output["name"] == "stdout", (
                    f"{path.name} cell {index} writes to stderr: {''.join(output['text'])[:200]}"
                )


def _live_figure_alt(cell):
    """The alt text an interactive figure stores with its picture (mathnotes.interactive)."""
    for output in cell["outputs"]:
        plain = "".join(output.get("data", {}).get("text/plain", ""))
        if plain.startswith(PLAIN_PREFIX):
            return plain.removeprefix(PLAIN_PREFIX)
    return ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_alt_text(path):
    for index, cell in enumerate(code_cells(load(path))):
        has_image = any("image/png" in o.get("data", {}) for o in cell["outputs"])
        alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
        alt = alt or _live_figure_alt(cell)  # the book shows it (tools/live_figures.py)
        assert not has_image or alt.strip(), (
            f"{path.name}: code cell {index} shows a figure without alt text "
            '(cell metadata {"mystnb": {"image": {"alt": ...}}})'
        )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_has_goals_exercises_solutions_and_pitfalls(path):
    text = markdown(load(path))
    assert "Learning goals" in text, f"{path.name} has no learning goals"
    exercises = re.findall(r"[:`]{3,}\{exercise(?:-start)?\}", text)
    solutions = re.findall(r"[:`]{3,}\{solution(?:-start)?\}", text)
    assert len(exercises) >= 4, f"{path.name} has {len(exercises)} exercises, fewer than four"
    assert len(solutions) >= len(exercises), f"{path.name}: an exercise has no solution"
    assert re.search(r"^#+ .*Pitfalls", text, re.MULTILINE), f"{path.name} has no Pitfalls section"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_in_normal_form(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"] == kernelspec(), (
        f"{path.name} stores kernelspec {nb.metadata['kernelspec']}: JupyterLab marks it "
        "modified on opening; run `make notebooks`"
    )
    assert normalise(copy.deepcopy(nb)) == nb, (
        f"{path.name} is not in the form tools/execute_notebooks.py writes: run `make notebooks`"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_only_solution_code_is_collapsed(path):
    nb = nbformat.read(path, as_version=4)
    solutions = {id(cell) for cell in solution_cells(nb)}
    assert solutions, f"{path.name}: no code cell between solution-start and solution-end"
    for index, cell in enumerate(nb.cells):
        collapsed = cell.metadata.get("jupyter", {}).get("source_hidden", False)
        if id(cell) in solutions:
            assert collapsed, f"{path.name} cell {index}: a solution's code is not collapsed"
        else:
            assert not collapsed, f"{path.name} cell {index}: collapsed, but not a solution"


#: code lines that fit their box without scrolling at 1280 px (tests/browser/test_reading.py
#: measures it: 82 characters scroll in the column, 75 in an exercise's box)
CODE_LINE = 81
PRACTICE_CODE_LINE = 72


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_lines_fit_their_box(path):
    long = []
    for index, cell in enumerate(code_cells(load(path))):
        limit = PRACTICE_CODE_LINE if "practice" in cell["metadata"].get("tags", []) else CODE_LINE
        long += [f"cell {index}: {len(line)} > {limit}: {line}"
                 for line in "".join(cell["source"]).splitlines() if len(line) > limit]
    assert not long, f"{path.name}: code lines too long for their box:\n" + "\n".join(long)


#: macros this book once defined; MathJax in the HTML and jupyterlab-myst in any JupyterLab
#: know only standard LaTeX, so the pages spell them out (\mathsf{T}, \mathbb{R}, ...)
FORMER_MACROS = re.compile(r"\\(T|R|diag|rank|sigmoid)(?![A-Za-z])")
PAGES = NOTEBOOKS + sorted(BOOK.glob("*.md"))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_math_is_standard_latex(path):
    if path.suffix == ".ipynb":
        nb = load(path)
        text = markdown(nb) + json.dumps([c["metadata"] for c in nb["cells"]])
    else:
        text = path.read_text(encoding="utf-8")
    found = sorted(set(FORMER_MACROS.findall(text.replace("\\\\", "\\"))))
    assert not found, (
        f"{path.name} uses the macros {found}: write standard LaTeX "
        r"(\mathsf{T}, \mathbb{R}, \operatorname{diag}, \operatorname{rank}, \sigma)"
    )
    config = yaml.safe_load((BOOK.parent / "_config.yml").read_text(encoding="utf-8"))
    assert "mathjax3_config" not in config["sphinx"]["config"], (
        "_config.yml configures MathJax (macros?): the notebooks must not need any"
    )


PRACTICE_CHECK = re.compile(
    r'\Afrom bookcode\.practice import (ch\d\d) as practice\npractice\.check\("(\w+)"\)\Z')


def _tags(cell):
    return cell.metadata.get("tags", [])


def _defines(source, name):
    """True if ``source`` defines ``name`` (a function or a class) at its top level."""
    import ast

    return any(isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name
               for node in ast.parse(source).body)


def _practice_problems(path):
    """What is wrong with the practice exercises of a chapter; and how many it has."""
    cells = nbformat.read(path, as_version=4).cells
    problems, count = [], 0
    for i, cell in enumerate(cells):
        if "practice-check" in _tags(cell) and not (i and "practice" in _tags(cells[i - 1])):
            problems.append(f"cell {i}: a practice-check cell must follow its practice cell")
        if "practice" not in _tags(cell):
            continue
        count += 1
        where = f"{path.name} cell {i}"
        exercise, check, opening, solution = cells[i - 1], cells[i + 1], cells[i + 2], cells[i + 3]
        label = re.search(r"\{exercise-start\}[^\n]*\n:label: (\S+)\n(?::[^\n]*\n)*?:class: practice\n",
                          exercise.source)
        if exercise.cell_type != "markdown" or not label:
            problems.append(f"{where}: the markdown cell before a practice cell opens it with "
                            ":::{exercise-start}, a :label: and :class: practice")
            continue
        match = PRACTICE_CHECK.match(check.source)
        if check.cell_type != "code" or "practice-check" not in _tags(check) or not match:
            problems.append(f"{where}: the next cell is the check, tagged practice-check: "
                            'from bookcode.practice import chNN as practice / practice.check("name")')
            continue
        module, name = match.groups()
        if module != path.name[:4]:
            problems.append(f"{where}: the check imports bookcode.practice.{module}, not the "
                            f"chapter's own {path.name[:4]}")
        if cell.cell_type != "code" or not _defines(cell.source, name) \
                or "NotImplementedError" not in cell.source:
            problems.append(f"{where}: the stub defines {name} and raises NotImplementedError")
        if not (opening.cell_type == "markdown" and "{exercise-end}" in opening.source
                and re.search(rf"\{{solution-start\}} {re.escape(label.group(1))}\n:class: dropdown",
                              opening.source)):
            problems.append(f"{where}: after the check, a markdown cell closes the exercise "
                            f"(exercise-end) and opens its solution (solution-start "
                            f"{label.group(1)}, :class: dropdown)")
        if solution.cell_type != "code" or _tags(solution) or not _defines(solution.source, name):
            problems.append(f"{where}: the solution's first code cell defines {name} again")
        if not any("{solution-end}" in c.source for c in cells[i + 4:i + 8]
                   if c.cell_type == "markdown"):
            problems.append(f"{where}: the solution ends with :::{{solution-end}}")
    return problems, count


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_practice_exercises_are_stub_check_then_solution(path):
    problems, count = _practice_problems(path)
    assert not problems, "\n".join(problems)
    assert count >= 4, (f"{path.name} has {count} practice exercises, fewer than four "
                        "(CONTRIBUTING.md, Practice cells)")
