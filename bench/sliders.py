"""Benchmark of a slider move in every interactive figure of the book; prints a table.

Usage: .venv/bin/python bench/sliders.py [book/chXX_name.ipynb ...]

Each chapter's code cells are run in this process (from ``book/``, as the
kernels run them), with :func:`mathnotes.interactive.interactive_figure`
wrapped so that every live figure the chapter makes is kept. Then, for each
figure, each slider is moved in turn to a value it has not held before
(``MOVES`` moves in all); a move is timed from setting the new value to the
new PNG in the widget: the chapter's draw function plus the image. The table
gives the median wall time and the median CPU time of this process (other
programs on the machine inflate the wall time, not the CPU time) against the
target of issue 12.
"""

import contextlib
import io
import os
import statistics
import sys
import time
from pathlib import Path

import matplotlib
import nbformat

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
MOVES = 7
TARGET_MS = 150.0


def live_figures(notebook):
    """Run a notebook's code cells here; return the live figures it made, in order."""
    import mathnotes.interactive

    made = []
    original = mathnotes.interactive.LiveFigure.__init__

    def keep(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)

    namespace = {"__name__": "__main__"}
    mathnotes.interactive.LiveFigure.__init__ = keep
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for cell in nbformat.read(notebook, as_version=4).cells:
                if cell.cell_type == "code":
                    exec(compile(cell.source, str(notebook), "exec"), namespace)
    finally:
        mathnotes.interactive.LiveFigure.__init__ = original
    return made


def new_values(control, count):
    """``count`` values of a slider's range, none equal to its current value."""
    if not hasattr(control, "min"):  # a checkbox
        return [not control.value if k % 2 == 0 else control.value for k in range(count)]
    low, high, step = control.min, control.max, control.step
    span = int(round((high - low) / step))
    values = [low + step * ((3 * k + 1) * span // (3 * count + 1)) for k in range(count)]
    values = [type(control.value)(v) for v in values]
    return [v if v != control.value else type(v)(v + step) for v in values]


def time_moves(live):
    """Wall and CPU seconds of ``MOVES`` slider moves, the sliders taken in turn."""
    controls = list(live.controls.values())
    per_control = [new_values(c, MOVES) for c in controls]
    walls, cpus = [], []
    for k in range(MOVES):
        control = controls[k % len(controls)]
        value = per_control[k % len(controls)][k]
        if value == control.value:
            continue
        wall, cpu = time.perf_counter(), time.process_time()
        control.value = value  # observers redraw synchronously
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def main(notebooks):
    os.chdir(BOOK)
    sys.path.insert(0, str(BOOK))
    print(f"{'chapter':<34} {'figure':<7} {'moves':>5} {'wall ms':>8} {'CPU ms':>7} "
          f"{'PNG px':>10} {'target':>7}")
    for notebook in notebooks:
        for index, live in enumerate(live_figures(notebook), start=1):
            walls, cpus = time_moves(live)
            wall, cpu = 1000 * statistics.median(walls), 1000 * statistics.median(cpus)
            width = int.from_bytes(live.image.value[16:20], "big")
            height = int.from_bytes(live.image.value[20:24], "big")
            verdict = "ok" if cpu <= TARGET_MS else "SLOW"
            print(f"{notebook.name:<34} {index:<7} {len(walls):>5} {wall:>8.0f} {cpu:>7.0f} "
                  f"{f'{width}x{height}':>10} {verdict:>7}", flush=True)


if __name__ == "__main__":
    chosen = [Path(arg).resolve() for arg in sys.argv[1:]]
    main(chosen or sorted(BOOK.glob("ch[0-9]*.ipynb")))
