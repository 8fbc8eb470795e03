"""Re-execute notebooks in place so that their stored outputs are fresh.

Usage: python tools/execute_notebooks.py book/ch01_linear_systems.ipynb [...]

Each notebook runs in its own folder with the current Python environment's
kernel. What would change on every run, or means nothing without a kernel,
is dropped: widget views and widget state (the stored output keeps each
widget's static picture, which the book and an unexecuted notebook show) and
per-cell timings. Stream outputs are coalesced.
Prints each notebook's execution time; exits non-zero if a cell fails.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def execute(path):
    """Execute one notebook in place and return the seconds it took."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        coalesce_streams=True,  # one stream output per cell and name, however the kernel flushed
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)  # nbclient needs the state while running; the book does not
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
    nbformat.write(nb, path)
    return seconds


def main(paths):
    if not paths:
        sys.exit("usage: python tools/execute_notebooks.py NOTEBOOK.ipynb [...]")
    for path in paths:
        seconds = execute(path)
        print(f"{seconds:6.1f} s  {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
