"""The chapters in JupyterLab, as a reader meets them after `make lab`.

JupyterLab is started from ``.venv`` with the configuration of ``lab/`` on
127.0.0.1 with a token, serving a copy of ``book/`` (the test saves notebooks).
Every notebook is opened in headless Chromium, run top to bottom, saved, closed
with its kernel and reopened. The test fails on: a notebook marked modified as
soon as it opens, raw MyST markup or a math error in rendered markdown, an
exercise solution shown open, an error or stderr output, a figure cell without
a live widget after the run or with a stretched picture, a slider move that
does not change the picture, a saved file that differs from what
``make notebooks`` writes in anything but outputs, a widget view (which shows "Error
displaying widget") or a missing static picture after the reopen, and a browser console
error (jupyterlab-myst's "Cross reference target was not found" included). It also fails on
an unresolved reference or citation (logged by the server, or its label or key left visible)
and on a number or citation that the built HTML page does not show (the book must be built: the
lab stage runs after the build). A second test clicks a figure link and a chapter link
and hovers a citation; a third opens every chapter in a JupyterLab without ``lab/`` and
fails on a math error there.
Screenshots go to ``_build/lab/``.
"""

import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest

from mathnotes._figures import PIXEL_DENSITY

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from execute_notebooks import WIDGET_VIEW, normalise, solution_cells  # noqa: E402
from test_book_references import ROLE, html_references  # noqa: E402

NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
SCREENSHOTS = ROOT / "_build" / "lab"
# Directive fences, roles (the plain renderer shows "{doc}" and the target as code) and labels.
ROLES = r"doc|ref|numref|eq|cite(?::[a-z]+)?|prf:ref|term|abbr|download|index|sub|sup"
RAW_MYST = re.compile(rf":::|```\{{|\{{(?:{ROLES})\}}|^\([\w-]+\)=", re.MULTILINE)
STATIC_PICTURE = "mathnotes-static-widget"
# what the HTML numbers: "Fig. 1.1", "Theorem 6.1", "Exercise 4.4", "Table 1.1"
NUMBERED = re.compile(r"(Fig\.|Table|Exercise|[A-Z][a-z]+) \d+\.\d+")

# Visible text of the rendered markdown cells, without code and math.
MARKDOWN_TEXT_JS = """() => Array.from(document.querySelectorAll('.jp-MarkdownCell')).map(cell => {
  const copy = cell.cloneNode(true);
  copy.querySelectorAll('code, pre, mjx-container, .jp-InputArea-editor, style, script')
      .forEach(node => node.remove());
  return copy.innerText;
}).join('\\n')"""
PANEL_JS = "window.jupyterapp.shell.currentWidget"
# jupyterlab-myst renders a markdown cell asynchronously, in waves (each render parses the
# whole notebook and hands every rendered cell its new content), and a cell closed before its
# render ends logs "Failed to render". So the renders of markdown cells are counted (their
# class's ``render``, once per page), and a notebook is read or closed only once none has run
# for half a second (longer than the 0.1 s pause after which an edit is rendered).
COUNT_RENDERS_JS = """
  const cell = panel.content.widgets.find(c => c.model.type === 'markdown');
  const kind = cell && Object.getPrototypeOf(cell);
  if (!kind || kind.hasOwnProperty('countedRender')) return;
  kind.countedRender = kind.render;
  window.rendersRunning = 0;
  window.lastRenderEnd = performance.now();
  kind.render = async function (...args) {
    window.rendersRunning += 1;
    try { return await this.countedRender(...args); }
    finally { window.rendersRunning -= 1; window.lastRenderEnd = performance.now(); }
  };"""
RENDERS_DONE_JS = ("() => window.rendersRunning === 0"
                   " && performance.now() - window.lastRenderEnd > 500")


def wait_for_renders(page):
    """Wait until jupyterlab-myst has rendered every markdown cell it was asked to."""
    page.wait_for_function(RENDERS_DONE_JS, polling=100)


def shut_down(page):
    """Shut the open notebook's kernel down and close the notebook, once jupyterlab-myst's
    renders have ended."""
    wait_for_renders(page)
    page.evaluate(f"async () => {{ const panel = {PANEL_JS}; if (panel) {{"
                  " await panel.sessionContext.shutdown(); panel.dispose(); } }")


class Chapter:
    """One notebook open in JupyterLab, with what went wrong on the way."""

    def __init__(self, page, path):
        self.path = path
        self.name = path.name
        self.problems = []
        self.start = time.monotonic()
        self.phase = "opening"  # what the test did last (``mark``), named in an error
        self.page = page
        page.on("console", self._console)
        page.on("pageerror", self._page_error)
        self.open()

    def _page_error(self, error):
        self.problems.append(f"page error ({self.phase}): {error}")

    def close(self):
        if self.js("return Boolean(panel) && panel.context.path === arg;", self.name):
            shut_down(self.page)
        self.page.evaluate("() => 0")  # a round trip: errors reported before it are this chapter's
        self.page.remove_listener("console", self._console)
        self.page.remove_listener("pageerror", self._page_error)

    def _console(self, message):
        # jupyterlab-myst logs "Cross reference target was not found" for what it cannot resolve
        if message.type == "error":
            self.problems.append(f"console error ({self.phase}): {message.text[:300]}")

    def mark(self, what):
        self.phase = f"after {what!r}"
        if os.environ.get("LAB_TEST_VERBOSE"):
            print(f"{time.monotonic() - self.start:6.1f} s  {self.name}: {what}")

    def js(self, body, arg=None):
        return self.page.evaluate(f"async (arg) => {{ const panel = {PANEL_JS}; {body} }}", arg)

    def wait_until_open(self):
        self.page.wait_for_function(
            f"() => window.jupyterapp && {PANEL_JS} && {PANEL_JS}.context"
            f" && {PANEL_JS}.context.path === {json.dumps(self.name)}"
            f" && {PANEL_JS}.context.isReady")
        self.js("await panel.revealed; await panel.sessionContext.ready;")
        self.js(COUNT_RENDERS_JS)
        # every markdown cell rendered by jupyterlab-myst, math typeset
        self.page.wait_for_function(
            "() => !document.querySelector('.jp-MarkdownCell:not(.jp-mod-rendered)')")
        wait_for_renders(self.page)
        try:  # MathJax typesets after the render: no $ left outside code (the text of
            # every markdown cell is copied to look: four times a second, not every frame)
            self.page.wait_for_function(f"() => !({MARKDOWN_TEXT_JS})().includes('$')",
                                        polling=250)
        except Exception:
            self.problems.append("math left as $...$ TeX in rendered markdown")

    def kernel_names(self):
        """The kernel display name the file stores and that of the kernel JupyterLab started."""
        return self.js("const spec = await panel.sessionContext.session.kernel.spec;"
                       "const file = await window.jupyterapp.serviceManager.contents.get(arg);"
                       "return [file.content.metadata.kernelspec.display_name, spec.display_name];",
                       self.name)

    def widget_views(self):
        """Indices of the cells with a widget view among their outputs (a live widget's, or
        one whose model is gone: JupyterLab's "Error displaying widget")."""
        return self.js("""return panel.content.widgets.map((cell, index) => [cell, index])
            .filter(([cell]) => cell.model.type === 'code' && Array.from(
                {length: cell.model.outputs.length},
                (_, k) => cell.model.outputs.get(k).data).some(data => arg in data))
            .map(([, index]) => index);""", WIDGET_VIEW)

    def dirty(self):
        return self.js("return panel.context.model.dirty;")

    def hidden_code_cells(self, outputs_too=True):
        """Indices of the code cells whose code (and outputs, if asked) is collapsed."""
        return self.js("""return panel.content.widgets.map((cell, index) => [cell, index])
            .filter(([cell]) => cell.model.type === 'code' && cell.inputHidden
                                && (cell.outputHidden || !arg))
            .map(([, index]) => index);""", outputs_too)

    def run_all(self):
        self.js("await panel.sessionContext.ready;"
                "await window.jupyterapp.commands.execute('notebook:run-all-cells');")
        self.page.wait_for_function(
            f"() => {PANEL_JS}.sessionContext.session.kernel.status === 'idle'")

    def cell(self, index):
        return self.page.locator(f'.jp-Notebook .jp-Cell[data-windowed-list-index="{index}"]')

    def open(self):
        self.js("await window.jupyterapp.commands.execute('docmanager:open', {path: arg});",
                self.name)
        self.wait_until_open()

    def save_close_reopen(self):
        self.js("await window.jupyterapp.commands.execute('docmanager:save');")
        shut_down(self.page)
        self.open()


def _expected(path):
    """Indices (as served) of solution cells and figure cells."""
    nb = nbformat.read(path, as_version=4)
    solutions = {id(cell) for cell in solution_cells(nb)}
    solution_indices, figure_indices = [], []
    for index, cell in enumerate(nb.cells):
        if id(cell) in solutions:
            solution_indices.append(index)
        outputs = cell.get("outputs", [])
        html = "".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
        if STATIC_PICTURE in html:
            figure_indices.append(index)
    return solution_indices, figure_indices


def _math_errors(page):
    """Math errors in rendered markdown: MathJax's (a syntax error, an undefined macro in red)
    and jupyterlab-myst's error box."""
    problems = []
    for selector in ("mjx-merror", 'mjx-container [style*="color: red"]', ".text-red-500"):
        count = page.locator(f".jp-MarkdownCell {selector}").count()
        if count:
            problems.append(f"{count} math errors ({selector}) in rendered markdown")
    return problems


def _reference_problems(chapter, book):
    """References and citations the served notebook does not show as the HTML book does.

    Counted three ways: the server's log of references the build's record cannot resolve, a
    role's label or citation key visible in the text, and (with jupyterlab-myst's own console
    errors, which ``Chapter`` collects) numbers and citation texts the HTML page does not have.
    """
    problems = [line.strip() for line in (book.parent / "server.log").read_text().splitlines()
                if f"unresolved reference in {chapter.name}" in line]
    stored = nbformat.read(chapter.path, as_version=4)
    roles = [role for cell in stored.cells if cell.cell_type == "markdown"
             for role in ROLE.findall(cell.source)]
    text = chapter.page.evaluate(MARKDOWN_TEXT_JS)
    labels = {label.strip() for _, content in roles
              for label in re.sub(r"^.*<(.*)>$", r"\1", content).split(",")}
    problems += [f"raw label or key visible: {label}" for label in sorted(labels)
                 if re.search(r"[-_\d]", label) and label in text]
    html_texts, html_citations = html_references(chapter.path)
    # a box's own number links to the box ("#label"), a reference to its chapter's notebook
    numbered = [(text.strip(), href) for text, href in chapter.page.locator(
        ".jp-MarkdownCell .myst a").evaluate_all("links => links.map(link =>"
                                                 " [link.innerText, link.getAttribute('href')])")
        if NUMBERED.fullmatch(text.strip())]
    if any(role in ("numref", "prf:ref") for role, _ in roles) and \
            not any(not href.startswith("#") for _, href in numbered):
        problems.append("no numbered reference shown")
    known = set().union(*html_texts.values())
    problems += [f"{text!r} (link {href}) is not what the HTML page shows there"
                 for text, href in numbered
                 if text not in (html_texts[href[1:]] if href.startswith("#") else known)]
    cited = chapter.page.locator(".jp-MarkdownCell abbr.hover-text").all_inner_texts()
    if any(role.startswith("cite") for role, _ in roles) and not cited:
        problems.append("no citation shown")
    problems += [f"citation {name!r} is not in the HTML page" for name in cited
                 if not any(name.strip() in citation for citation in html_citations)]
    return problems


def _move_slider(chapter, cell):
    """Move a figure's first slider one step (back, if it is at its end) and wait for the
    picture to change."""
    image = cell.locator("img.widget-image")
    before = image.get_attribute("src")
    handle = cell.locator(".widget-slider .noUi-handle").first
    handle.focus()
    value = handle.get_attribute("aria-valuenow")
    handle.press("ArrowRight")
    if handle.get_attribute("aria-valuenow") == value:  # at its largest value
        handle.press("ArrowLeft")
    chapter.page.wait_for_function("([node, before]) => node.getAttribute('src') !== before",
                                   arg=[image.element_handle(), before])


def _stored_form(nb):
    """What the repository stores of a notebook, outputs aside."""
    return nb.metadata, [(c.cell_type, c.source, c.metadata) for c in nb.cells]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_reads_runs_and_reopens_in_jupyterlab(app, lab, path):
    _, book = lab
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    solution_indices, figure_indices = _expected(path)
    cells = nbformat.read(path, as_version=4).cells
    reference_index = next((index for index, cell in enumerate(cells)
                            if "{numref}`fig-" in cell.source), None)
    chapter = Chapter(app, path)
    problems = chapter.problems
    try:
        chapter.mark('open')
        if chapter.dirty():
            problems.append("marked modified as soon as it opened")
        stored, running = chapter.kernel_names()
        if stored != running:  # JupyterLab rewrites the stored name (and marks it modified)
            problems.append(f"stored kernel name {stored!r}, the kernel is {running!r}")
        text = chapter.page.evaluate(MARKDOWN_TEXT_JS)
        problems += [f"raw MyST markup: {m!r}" for m in sorted(set(RAW_MYST.findall(text)))]
        problems += _math_errors(chapter.page)
        problems += _reference_problems(chapter, book)
        if chapter.hidden_code_cells() != solution_indices:
            problems.append(f"collapsed code cells {chapter.hidden_code_cells()}, "
                            f"solutions are {solution_indices}")
        definition = chapter.page.locator(".jp-MarkdownCell", has_text="Definition").first
        if definition.count():
            definition.screenshot(path=SCREENSHOTS / f"{path.stem}-definition.png")
        if reference_index is not None:
            chapter.cell(reference_index).screenshot(
                path=SCREENSHOTS / f"{path.stem}-figure-reference.png")
        if solution_indices:  # the exercise and its collapsed solution below it
            exercise, solution = (chapter.cell(solution_indices[0] + k) for k in (-1, 0))
            solution.scroll_into_view_if_needed()
            top, bottom = exercise.bounding_box(), solution.bounding_box()
            chapter.page.screenshot(path=SCREENSHOTS / f"{path.stem}-exercise.png", clip={
                "x": top["x"], "y": max(top["y"], 0), "width": top["width"],
                "height": bottom["y"] + bottom["height"] - max(top["y"], 0)})

        chapter.run_all()
        chapter.mark('ran')
        errors = chapter.page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        if errors.count():
            problems.append(f"error or stderr output: {errors.first.inner_text()[:300]}")
        # JupyterLab shows a cell's outputs again when it runs it; the code stays collapsed
        if chapter.hidden_code_cells(outputs_too=False) != solution_indices:
            problems.append("a solution's code opened when the notebook ran")
        for index in figure_indices:
            cell = chapter.cell(index)
            image = cell.locator("img.widget-image")
            if image.count() != 1:
                problems.append(f"cell {index}: no live widget after the run")
                continue
            shown, pixels, room = image.evaluate(
                "node => [node.getBoundingClientRect().width, node.naturalWidth,"
                " node.parentElement.clientWidth]")
            natural = pixels / PIXEL_DENSITY  # the PNG has twice the pixels of its size
            if shown > natural + 1 or (shown < natural - 1 and shown < room - 1):
                problems.append(f"cell {index}: live picture {natural:.0f} px wide shown at "
                                f"{shown:.0f} px (room for {room} px)")
            try:
                _move_slider(chapter, cell)
            except Exception as error:  # a timeout: the picture did not change
                problems.append(f"cell {index}: moving a slider did not change the picture "
                                f"({type(error).__name__})")

        chapter.mark('sliders moved')
        chapter.save_close_reopen()
        chapter.mark('reopened')
        saved = nbformat.read(book / path.name, as_version=4)
        expected = normalise(nbformat.read(path, as_version=4))
        if _stored_form(saved) != _stored_form(expected):
            problems.append("the saved notebook differs from what `make notebooks` writes "
                            "(metadata or sources)")
        # a widget view saved in a file has no model when the file is opened again: JupyterLab
        # shows "Loading widget...", then "Error displaying widget" instead of the static picture
        views = chapter.widget_views()
        if views:
            problems.append(f"cells {views}: a widget view after save and reopen")
        for index in set(figure_indices) - set(views):
            chapter.cell(index).locator(f".{STATIC_PICTURE} img").wait_for()
        for index in figure_indices:
            cell = chapter.cell(index)
            if not cell.locator(f".{STATIC_PICTURE} img").is_visible():
                problems.append(f"cell {index}: no static picture after save and reopen")
            if not cell.locator(".mathnotes-note-lab").is_visible() or \
                    cell.locator(".mathnotes-note-book").is_visible():
                problems.append(f"cell {index}: the static picture's note is not JupyterLab's")
        if figure_indices:
            chapter.cell(figure_indices[0]).locator(f".{STATIC_PICTURE}").screenshot(
                path=SCREENSHOTS / f"{path.stem}-widget-after-reopen.png")
        chapter.mark('done')
    finally:
        chapter.close()
    problems = list(dict.fromkeys(problems))  # each problem once, in the order met
    assert not problems, f"{path.name} in JupyterLab:\n" + "\n".join(problems)


def test_references_open_their_targets(app):
    """A figure link scrolls to the figure, a chapter link opens the chapter, a citation
    shows its bibliography entry on hover."""
    path = ROOT / "book" / "ch02_partial_derivatives.ipynb"
    chapter = Chapter(app, path)
    try:
        chapter.js("panel.content.scrollToItem(0);")
        figure = chapter.page.locator(".jp-MarkdownCell .myst a", has_text=NUMBERED).filter(
            has_text="Fig.").first
        name = figure.inner_text().strip()
        cell_id = figure.get_attribute("href").split("#cell-id=")[1]
        figure.click()
        index = chapter.js("return panel.content.widgets.findIndex(c => c.model.id === arg);",
                           cell_id)
        chapter.page.wait_for_function(
            "([index]) => { const box = document.querySelector("
            "`.jp-Notebook .jp-Cell[data-windowed-list-index=\"${index}\"]`)"
            ".getBoundingClientRect(); return box.top >= 0 && box.top < window.innerHeight; }",
            arg=[index])
        citation = chapter.page.locator(".jp-MarkdownCell abbr.hover-text").first
        citation.scroll_into_view_if_needed()
        citation.hover()
        entry = citation.get_attribute("aria-label")
        chapter.page.get_by_text(entry).last.wait_for()
        chapter.page.screenshot(path=SCREENSHOTS / "citation-hover.png")
        other = chapter.page.locator(".jp-MarkdownCell .myst a[href*='ch03_jacobian.ipynb']").first
        other.scroll_into_view_if_needed()
        other.click()
        chapter.page.wait_for_function(
            f"() => {PANEL_JS}.context.path === 'ch03_jacobian.ipynb'")
        shut_down(chapter.page)
        assert chapter.problems == [], f"after {name}: {chapter.problems}"
    finally:
        chapter.close()


@pytest.mark.xdist_group("plain-lab")  # one worker starts the second JupyterLab
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_math_renders_without_the_project_set_up(plain_app, path):
    """Issue 19, item 9: a JupyterLab with jupyterlab-myst and none of ``lab/`` (a JupyterHub,
    a colleague's install) shows every formula; its references are jupyterlab-myst's own."""
    chapter = Chapter(plain_app, path)
    try:
        problems = [problem for problem in chapter.problems if problem.startswith("math ")]
        problems += _math_errors(chapter.page)
        index = next((index for index, cell in enumerate(nbformat.read(path, 4).cells)
                      if "{numref}`fig-" in cell.source), None)
        if index is not None:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            chapter.cell(index).screenshot(path=SCREENSHOTS / f"{path.stem}-plain-lab.png")
    finally:
        chapter.close()
    assert not problems, f"{path.name} in a JupyterLab without lab/:\n" + "\n".join(problems)
