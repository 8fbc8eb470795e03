"""lab/book_contents.py: the contents manager `make lab` serves the notebooks with."""

import asyncio
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "lab"))
from book_contents import BookContentsManager  # noqa: E402
from execute_notebooks import COLLAPSED, kernelspec, solution_cells  # noqa: E402 (on the path now)

CHAPTER = ROOT / "book" / "ch03_jacobian.ipynb"


def test_cells_keep_their_ids_and_are_saved_normalised(tmp_path):
    shutil.copy(CHAPTER, tmp_path / CHAPTER.name)
    manager = BookContentsManager(root_dir=str(tmp_path))

    model = asyncio.run(manager.get(CHAPTER.name))
    cells = model["content"].cells
    assert [cell.id for cell in cells] == [
        cell.id for cell in nbformat.read(CHAPTER, as_version=4).cells
    ]

    model["content"].metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    model["content"].metadata["widgets"] = {"state": {}}
    asyncio.run(manager.save({"type": "notebook", "format": "json", "content": model["content"]},
                             CHAPTER.name))
    saved = nbformat.read(tmp_path / CHAPTER.name, as_version=4)
    assert [cell.id for cell in saved.cells] == [cell.id for cell in cells]
    assert saved.metadata["kernelspec"] == kernelspec()
    assert "widgets" not in saved.metadata


def test_directories_and_files_pass_through(tmp_path):
    (tmp_path / "notes.md").write_text("# Notes\n", encoding="utf-8")
    manager = BookContentsManager(root_dir=str(tmp_path))
    assert asyncio.run(manager.get("notes.md"))["content"] == "# Notes\n"
    assert asyncio.run(manager.get(""))["type"] == "directory"


def test_saving_resets_what_the_reader_folded(tmp_path):
    shutil.copy(CHAPTER, tmp_path / CHAPTER.name)
    manager = BookContentsManager(root_dir=str(tmp_path))
    nb = asyncio.run(manager.get(CHAPTER.name))["content"]
    solution = solution_cells(nb)[0]
    other = next(cell for cell in nb.cells if cell.cell_type == "code" and cell is not solution)
    solution.metadata["jupyter"] = {"source_hidden": False}  # the reader opened a solution
    other.metadata.update(collapsed=True, scrolled=True, jupyter={"outputs_hidden": True})
    asyncio.run(manager.save({"type": "notebook", "format": "json", "content": nb}, CHAPTER.name))
    saved = nbformat.read(tmp_path / CHAPTER.name, as_version=4)
    by_id = {cell.id: cell for cell in saved.cells}
    assert by_id[solution.id].metadata["jupyter"] == COLLAPSED
    assert not {"jupyter", "collapsed", "scrolled"} & set(by_id[other.id].metadata)
