"""A practice exercise in JupyterLab, answered as a reader answers it: wrong, then right.

Chapter 5 is opened in the real client (the JupyterLab server and headless
Chromium of ``test_lab.py``); its imports run; a wrong answer is typed into the
stub of the fork-and-max-gate exercise, which is run with its check cell, and
the check names the mistake; the worked solution is typed in, and the check
says "Correct". Every step waits for a condition, never for a fixed time. The
notebook is closed without saving.
"""

import re
from pathlib import Path

import nbformat
from test_lab import COUNT_RENDERS_JS, PANEL_JS, shut_down

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = "ch05_backpropagation.ipynb"
NAME = "fork_max_grad"


def _cells():
    """Indices of the chapter's first code cell, the exercise's stub, and its worked solution."""
    cells = nbformat.read(ROOT / "book" / CHAPTER, as_version=4).cells
    first = next(i for i, c in enumerate(cells) if c.cell_type == "code")
    stub = next(i for i, c in enumerate(cells) if "practice" in c.metadata.get("tags", [])
                and re.search(rf'practice\.check\("{NAME}"\)', cells[i + 1].source))
    return first, stub, cells[stub + 3].source


def _run(page, index):
    """Run cell ``index`` of the open notebook and wait until the kernel is idle again."""
    page.evaluate(f"async (i) => {{ const panel = {PANEL_JS}; panel.content.activeCellIndex = i;"
                  " await window.jupyterapp.commands.execute('notebook:run-cell'); }", index)
    page.wait_for_function(f"() => {PANEL_JS}.sessionContext.session.kernel.status === 'idle'")


def _type(page, index, text):
    """Replace the code of cell ``index`` by ``text``, typed into its editor."""
    editor = page.locator(f'.jp-Notebook .jp-Cell[data-windowed-list-index="{index}"] .cm-content')
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)
    page.wait_for_function(
        f"([i, text]) => {PANEL_JS}.content.widgets[i].model.sharedModel.getSource() === text",
        arg=[index, text])


def _answer(page, stub, text, verdict):
    """Type ``text`` into the stub, run it and its check; return the check's output once it says ``verdict``."""
    _type(page, stub, text)
    _run(page, stub)
    _run(page, stub + 1)
    output = page.locator(f'.jp-Notebook .jp-Cell[data-windowed-list-index="{stub + 1}"] '
                          ".jp-OutputArea-output")
    page.wait_for_function(
        "([node, verdict]) => node.innerText.startsWith(verdict)",
        arg=[output.first.element_handle(), verdict])
    return output.first.inner_text()


def test_a_wrong_answer_is_named_and_the_right_one_is_correct(app):
    page = app
    first, stub, solution = _cells()
    wrong = solution.replace("y + route,", "y,")  # the max gate's part of x's gradient forgotten
    assert wrong != solution
    page.evaluate("async (path) => { await window.jupyterapp.commands.execute('docmanager:open',"
                  " {path}); }", CHAPTER)
    page.wait_for_function(f"() => {PANEL_JS} && {PANEL_JS}.context"
                           f" && {PANEL_JS}.context.path === '{CHAPTER}'"
                           f" && {PANEL_JS}.context.isReady")
    page.evaluate(f"async () => {{ const panel = {PANEL_JS}; await panel.sessionContext.ready;"
                  f" {COUNT_RENDERS_JS} }}")
    try:
        _run(page, first)  # the chapter's imports, as a reader runs them first
        said = _answer(page, stub, wrong, "Wrong")
        assert "Mistake (fork)" in " ".join(said.split()), said
        assert "Gradients add at forks" in said, said
        said = _answer(page, stub, solution, "Correct")
        assert len(said.strip().splitlines()) <= 2, said
    finally:
        shut_down(page)
