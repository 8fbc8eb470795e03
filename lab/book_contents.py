"""The contents manager `make lab` serves the book's notebooks with.

The notebooks are written in standard LaTeX (no macros), so jupyterlab-myst renders them
as they are stored. Saving applies the executor's normalisation
(``tools/execute_notebooks.py``), so opening, running and saving a chapter writes what
``make notebooks`` writes.
"""

import sys
from pathlib import Path

import nbformat
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from execute_notebooks import normalise  # noqa: E402


class BookContentsManager(AsyncLargeFileManager):
    """Serves notebooks as stored; saves them in the executor's normal form."""

    async def save(self, model, path=""):
        if model.get("type") == "notebook" and model.get("content") is not None:
            nb = nbformat.from_dict(model["content"])
            model = {**model, "content": normalise(nb)}
        return await super().save(model, path)
