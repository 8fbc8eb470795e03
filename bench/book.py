"""Benchmark of the book pipeline on this machine; prints a table.

Usage: .venv/bin/python bench/book.py

Measures a cold book build and a rebuild with nothing changed (both into a
temporary folder), nbval's wall time over every notebook (both cores, as in
``make test``), each notebook's execution time (in memory: nothing is written
back) and the time of ``import mathnotes`` in a fresh interpreter.
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGETS = {
    "cold book build": 60.0,
    "no-op rebuild": 10.0,
    "notebook execution": 10.0,
}


def timed(command, **kwargs):
    """Run a command from the repository root; return its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - start


def notebook_seconds(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def import_seconds(repeats=7):
    def run(code):
        return timed([sys.executable, "-c", code])

    baseline = statistics.median(run("pass") for _ in range(repeats))
    with_import = statistics.median(run("import mathnotes") for _ in range(repeats))
    return max(with_import - baseline, 0.0)


def main():
    rows = []
    with tempfile.TemporaryDirectory() as out:
        build = [str(BIN / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going",
                 "--path-output", out]
        rows.append(("cold book build", timed(build)))
        rows.append(("no-op rebuild", timed(build)))
    nbval = [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadfile", "book",
             "--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]
    rows.append(("nbval, all notebooks (2 workers)", timed(nbval)))
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        rows.append((f"notebook execution: {path.name}", notebook_seconds(path)))
    rows.append(("import mathnotes", import_seconds()))

    width = max(len(name) for name, _ in rows)
    print(f"{'measure':<{width}}  {'seconds':>8}  target")
    print(f"{'-' * width}  {'-' * 8}  ------")
    for name, seconds in rows:
        target = next((f"<= {t:g} s" for key, t in TARGETS.items() if name.startswith(key)), "")
        print(f"{name:<{width}}  {seconds:8.3f}  {target}")


if __name__ == "__main__":
    main()
