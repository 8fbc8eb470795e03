"""The contents manager `make lab` serves the book's notebooks with.

Serving a notebook resolves what jupyterlab-myst cannot: cross-references, chapter links and
citations become the HTML book's text (``book_references.py``, from the build's record).
Each markdown cell so rewritten carries its stored source in its metadata (``STORED``);
saving puts that source back, so nothing of the rewriting reaches the file. A cell the
reader edited is saved as edited, with each resolved reference that is still there
turned back into its role. Saving also applies the executor's normalisation
(``tools/execute_notebooks.py``), so opening, running and saving a chapter writes what
``make notebooks`` writes.
"""

import logging
import sys
from pathlib import Path

import nbformat
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from book_references import BookRecord  # noqa: E402
from execute_notebooks import normalise  # noqa: E402

RECORD = ROOT / "_build" / ".doctrees" / "environment.pickle"
STORED = "mathnotes_stored"  # cell metadata while served: {"source", "served", "references"}
log = logging.getLogger(__name__)


class BookContentsManager(AsyncLargeFileManager):
    """Serves notebooks with the book's references resolved; saves them as stored."""

    _record = (None, None)  # (modification time of RECORD, BookRecord)

    def book_record(self):
        """The build's record, reread when ``make book`` rewrote it; None without a build."""
        if not RECORD.exists():
            log.warning("%s is missing: run `make book` to resolve the book's references "
                        "in JupyterLab", RECORD)
            return None
        mtime = RECORD.stat().st_mtime
        if BookContentsManager._record[0] != mtime:
            BookContentsManager._record = (mtime, BookRecord(RECORD))
        return BookContentsManager._record[1]

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if model["type"] == "notebook" and content and (record := self.book_record()):
            self.resolve_references(record, model["content"], path)
        return model

    def resolve_references(self, record, nb, path):
        docname = record.docname(Path(path).stem)
        if docname is None:
            return
        folder = Path(self.root_dir) / Path(path.strip("/")).parent
        markdown = [cell for cell in nb.cells if cell.cell_type == "markdown"]
        for cell in markdown:
            rewrite = record.rewrite(cell.source, docname, folder, first=cell is markdown[0])
            for role in rewrite.unresolved:
                log.warning("unresolved reference in %s: %s", path, role)
            if rewrite.source != cell.source:
                cell.metadata[STORED] = {"source": cell.source, "served": rewrite.source,
                                         "references": rewrite.replacements}
                cell.source = rewrite.source

    async def save(self, model, path=""):
        if model.get("type") == "notebook" and model.get("content") is not None:
            nb = nbformat.from_dict(model["content"])
            for cell in nb.cells:
                restore_stored_source(cell)
            model = {**model, "content": normalise(nb)}
        return await super().save(model, path)


def restore_stored_source(cell):
    """Put back the stored source of a cell served with its references resolved."""
    stored = cell.metadata.pop(STORED, None)
    if stored is None:
        return
    if cell.source == stored["served"]:
        cell.source = stored["source"]
        return
    # edited by the reader: keep the edit, with the references it kept as roles again
    for shown, role in sorted(stored["references"], key=lambda pair: -len(pair[0])):
        cell.source = cell.source.replace(shown, role)
