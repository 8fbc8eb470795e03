"""The contents manager `make lab` serves the book's notebooks with.

JupyterLab renders MyST with jupyterlab-myst, which takes math macros only from
a front-matter block in a notebook's first markdown cell. The book defines its
macros once, in ``_config.yml`` (for MathJax in the HTML). So each notebook is
served with one more first cell, a front-matter block made from those macros,
and saved without it: the file on disk never holds it. Saving also applies the
executor's normalisation (``tools/execute_notebooks.py``), so opening, running
and saving a chapter writes what ``make notebooks`` writes.
"""

import sys
from pathlib import Path

import nbformat
import yaml
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from execute_notebooks import normalise  # noqa: E402

MACROS_CELL_ID = "mathnotes-lab-macros"


def book_macros(config_path=ROOT / "_config.yml"):
    """The MathJax macros of ``_config.yml``, keyed by their TeX name (``\\R``)."""
    config = yaml.safe_load(Path(config_path).read_text(encoding="utf-8"))
    macros = config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    for name, body in macros.items():
        if not isinstance(body, str):
            raise ValueError(
                f"macro {name!r} in _config.yml takes arguments: only text macros are supported"
            )
    return {f"\\{name}": body for name, body in macros.items()}


def macros_cell(macros):
    """A markdown cell holding only a MyST front-matter block with the math macros."""
    front_matter = yaml.safe_dump({"math": macros}, allow_unicode=True, sort_keys=True)
    cell = nbformat.v4.new_markdown_cell(f"---\n{front_matter}---\n", id=MACROS_CELL_ID)
    cell.metadata["deletable"] = False
    cell.metadata["editable"] = False
    return cell


def without_macros_cell(nb):
    """The notebook with the served macros cell removed (wherever the reader moved it)."""
    nb.cells = [cell for cell in nb.cells if cell.get("id") != MACROS_CELL_ID]
    return nb


class BookContentsManager(AsyncLargeFileManager):
    """Serves notebooks with the macros cell first; saves them normalised without it."""

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if model["type"] == "notebook" and model.get("content") is not None:
            model["content"].cells.insert(0, macros_cell(book_macros()))
        return model

    async def save(self, model, path=""):
        if model.get("type") == "notebook" and model.get("content") is not None:
            nb = nbformat.from_dict(model["content"])
            model = {**model, "content": normalise(without_macros_cell(nb))}
        return await super().save(model, path)
