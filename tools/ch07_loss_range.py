"""Check that chapter 7's widget draws every loss any slider setting gives; prints the range.

Usage: .venv/bin/python tools/ch07_loss_range.py

The widget's loss panel keeps fixed axes, and its limits, ``loss_limits`` in
the chapter, must hold every mini-batch loss of every setting of the sliders.
This runs the chapter's code cells up to the widget (from ``book/``, as a
kernel runs them), then trains the run of the largest number of steps for
every width and learning rate of the sliders (the shorter runs are its first
steps) and prints the smallest and largest loss with their settings. It
takes a few minutes (about 1300 runs of 3000 steps). Exits non-zero if a loss
lies outside the limits.
"""

import contextlib
import io
import os
import sys
from pathlib import Path

import matplotlib
import nbformat
import numpy as np

matplotlib.use("Agg")

BOOK = Path(__file__).resolve().parents[1] / "book"
NOTEBOOK = BOOK / "ch07_training.ipynb"


def chapter_up_to_widget():
    """The namespace of the chapter's code cells, run up to the one that builds the sliders."""
    namespace = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nbformat.read(NOTEBOOK, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            if "training_explorer(" in cell.source:  # run the cell up to the widget
                source = cell.source.split("picture = ")[0]
                exec(compile(source, str(NOTEBOOK), "exec"), namespace)
                return namespace
            exec(compile(cell.source, str(NOTEBOOK), "exec"), namespace)
    raise RuntimeError(f"{NOTEBOOK.name} has no cell that calls interactive_figure")


def slider_values(slider):
    """Every value a slider can take."""
    count = round((slider.max - slider.min) / slider.step)
    return [type(slider.value)(slider.min + k * slider.step) for k in range(count + 1)]


def main():
    os.chdir(BOOK)
    sys.path.insert(0, str(BOOK))
    chapter = chapter_up_to_widget()
    sliders, runs = chapter["sliders"], chapter["runs"]
    low, high = chapter["loss_limits"]
    max_steps = sliders["steps"].max
    smallest = (np.inf, None)
    largest = (-np.inf, None)
    settings = [(width, rate) for width in slider_values(sliders["hidden"])
                for rate in slider_values(sliders["lr"])]
    for width, rate in settings:
        losses = runs.train(width, rate, max_steps)[1]
        smallest = min(smallest, (losses.min(), (width, rate)))
        largest = max(largest, (losses.max(), (width, rate)))
    print(f"{len(settings)} settings of width and learning rate, {max_steps} steps each")
    print(f"smallest loss {smallest[0]:.3g} at hidden, lr = {smallest[1]}")
    print(f"largest loss {largest[0]:.3g} at hidden, lr = {largest[1]}")
    inside = low < smallest[0] and largest[0] < high
    print(f"all within the loss axis, {low:g} .. {high:g}: {inside}")
    return 0 if inside else 1


if __name__ == "__main__":
    sys.exit(main())
