"""lab/book_contents.py: the contents manager `make lab` serves the notebooks with."""

import asyncio
import shutil
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "lab"))
from book_contents import (  # noqa: E402
    MACROS_CELL_ID,
    BookContentsManager,
    book_macros,
    macros_cell,
)
from execute_notebooks import COLLAPSED, kernelspec, solution_cells  # noqa: E402 (on the path now)

CHAPTER = ROOT / "book" / "ch03_jacobian.ipynb"


def test_macros_are_those_of_the_book_config():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    mathjax = config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    assert book_macros() == {f"\\{name}": body for name, body in mathjax.items()}
    assert book_macros()["\\R"] == "\\mathbb{R}"


def test_macros_cell_is_front_matter_only():
    cell = macros_cell({"\\R": "\\mathbb{R}"})
    assert cell.cell_type == "markdown" and cell.id == MACROS_CELL_ID
    _, front_matter, rest = cell.source.split("---\n")
    assert yaml.safe_load(front_matter) == {"math": {"\\R": "\\mathbb{R}"}}
    assert rest == ""


def test_served_with_macros_first_and_saved_normalised_without_them(tmp_path):
    shutil.copy(CHAPTER, tmp_path / CHAPTER.name)
    manager = BookContentsManager(root_dir=str(tmp_path))

    model = asyncio.run(manager.get(CHAPTER.name))
    cells = model["content"].cells
    assert cells[0].id == MACROS_CELL_ID
    assert len(cells) == len(nbformat.read(CHAPTER, as_version=4).cells) + 1

    model["content"].metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    model["content"].metadata["widgets"] = {"state": {}}
    asyncio.run(manager.save({"type": "notebook", "format": "json", "content": model["content"]},
                             CHAPTER.name))
    saved = nbformat.read(tmp_path / CHAPTER.name, as_version=4)
    assert [cell.id for cell in saved.cells] == [cell.id for cell in cells[1:]]
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
    other = next(cell for cell in nb.cells[1:] if cell.cell_type == "code" and cell is not solution)
    solution.metadata["jupyter"] = {"source_hidden": False}  # the reader opened a solution
    other.metadata.update(collapsed=True, scrolled=True, jupyter={"outputs_hidden": True})
    asyncio.run(manager.save({"type": "notebook", "format": "json", "content": nb}, CHAPTER.name))
    saved = nbformat.read(tmp_path / CHAPTER.name, as_version=4)
    by_id = {cell.id: cell for cell in saved.cells}
    assert by_id[solution.id].metadata["jupyter"] == COLLAPSED
    assert not {"jupyter", "collapsed", "scrolled"} & set(by_id[other.id].metadata)
