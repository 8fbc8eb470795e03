"""Re-execute notebooks in place so that their stored outputs are fresh.

Usage: python tools/execute_notebooks.py book/ch01_linear_systems.ipynb [...]

Each notebook runs in its own folder with the current Python environment's
kernel, then is normalised (:func:`normalise`): what would change on every run,
or means nothing without a kernel, is dropped: widget views and widget state
(the stored output keeps each widget's static picture, which the book and an
unexecuted notebook show) and per-cell timings. Stream outputs are coalesced.
The same normalisation runs when JupyterLab saves a chapter (``lab/``), so
opening, running and saving a chapter there writes what this script writes.
Prints each notebook's execution time; exits non-zero if a cell fails.
"""

import re
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
KERNEL_NAME = "python3"
SOLUTION_START = re.compile(r"^[:`]{3,}\{solution-start\}", re.MULTILINE)
SOLUTION_END = re.compile(r"^[:`]{3,}\{solution-end\}", re.MULTILINE)
# A solution's code stays collapsed (JupyterLab) until the reader opens it; it still runs.
COLLAPSED = {"source_hidden": True, "outputs_hidden": True}
# Cell metadata JupyterLab writes for what a reader folds or scrolls, and for timings.
VIEW_STATE = ("jupyter", "collapsed", "scrolled", "execution")


def kernelspec():
    """The kernelspec of this environment's Python kernel, as a notebook stores it.

    JupyterLab marks a notebook modified as soon as it opens if the stored
    display name differs from the installed kernel's.
    """
    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    return {"name": KERNEL_NAME, "display_name": spec.display_name, "language": spec.language}


def solution_cells(nb):
    """The code cells between a ``solution-start`` and its ``solution-end``."""
    inside, cells = False, []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            source = "".join(cell.source)
            if SOLUTION_END.search(source):
                inside = False
            if SOLUTION_START.search(source):
                inside = True
        elif inside:
            cells.append(cell)
    return cells


def normalise(nb):
    """Put a notebook in the one form the repository stores; return it.

    Sets the environment's kernelspec, drops widget state, widget views and
    cell timings, and sets what is collapsed: the code of every exercise
    solution, nothing else (whatever a reader folded in JupyterLab).
    """
    nb.metadata["kernelspec"] = kernelspec()
    nb.metadata.pop("widgets", None)  # nbclient needs the state while running; the book does not
    for cell in nb.cells:
        for key in VIEW_STATE:
            cell.metadata.pop(key, None)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
    for cell in solution_cells(nb):
        cell.metadata["jupyter"] = dict(COLLAPSED)
    return nb


def execute(path):
    """Execute one notebook in place and return the seconds it took."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        coalesce_streams=True,  # one stream output per cell and name, however the kernel flushed
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nbformat.write(normalise(nb), path)
    return seconds


def main(paths):
    if not paths:
        sys.exit("usage: python tools/execute_notebooks.py NOTEBOOK.ipynb [...]")
    for path in paths:
        seconds = execute(path)
        print(f"{seconds:6.1f} s  {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
