"""Run the stages of ``make test``, independent ones at the same time, and time each one.

    python tools/run_stages.py [--cores N] [STAGE ...]

Without names, every stage of :data:`STAGES` runs; with names, those stages and the stages
they need. A stage starts once the stages it needs have passed and its ``cores`` (about the
CPU it keeps busy, from its CPU and wall time measured here) fit beside those of the stages
already running, within one and a half times the machine's cores (``--cores``): a stage
also waits on its kernels, browsers and files, so a little more work than cores keeps them
busy without crowding them. Ready stages are taken in the order of :data:`STAGES`, and one
stage always runs, however many cores it wants: ``--cores 0`` runs one stage at a time.
A stage whose prerequisite failed does not run.

Each stage writes to ``_build/test-logs/NAME.log``; the log is printed whole when the stage
ends, so the output of stages that run together never interleaves. At the end a table gives
each stage's wall time and CPU time (all its processes, a browser's included: each stage runs
under a reaper that collects what its processes leave behind), and the script exits non-zero
if any stage failed.
"""

import argparse
import ctypes
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "_build" / "test-logs"
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python")
PYTEST = [PYTHON, "-m", "pytest"]
NBVAL = PYTEST + ["-n", "2", "--dist", "loadfile", "book", "--nbval", "--nbval-current-env",
                  "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]
PDF_TESTS = "tests/browser/test_pdf.py"


@dataclass
class Stage:
    """One command of the test run, the stages it needs first, and the cores it keeps busy."""

    name: str
    command: list
    needs: tuple = ()
    cores: float = 1.0


#: The stages, in the order in which ready stages start: the longest chain first, then the
#: quick feedback of this computer's tests.
STAGES = [
    Stage("build", [str(BIN / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"]),
    Stage("here", NBVAL + ["tests/unit", "tests/book", "mathnotes", "--doctest-modules"],
          cores=2.0),
    Stage("browser", PYTEST + ["-n", "2", "--dist", "loadgroup", "tests/browser",
                               "--ignore", PDF_TESTS], needs=("build",)),
    Stage("pdf", [PYTHON, "tools/book_pdf.py"], needs=("build",)),
    Stage("pdf-tests", PYTEST + ["-rP", PDF_TESTS], needs=("pdf",)),
    # the build's record gives JupyterLab the book's numbers (lab/book_references.py)
    Stage("lab", PYTEST + ["-n", "2", "--dist", "loadgroup", "tests/lab"], needs=("build",)),
    # the same notebooks on two other computers, imitated here (tools/simulated_cpu.py)
    Stage("avx2-laptop", [PYTHON, "tools/simulated_cpu.py", "avx2-laptop", "--"] + NBVAL,
          cores=2.0),
    Stage("older-cpu", [PYTHON, "tools/simulated_cpu.py", "older-cpu", "--"] + NBVAL,
          cores=2.0),
]

OVERCOMMIT = 1.5  # stages wait on kernels, pages and files: fill the cores 1.5 times over
_PR_SET_CHILD_SUBREAPER = 36
LEFTOVER_GRACE = 30  # seconds a stage's processes may outlive its command


def reap(command, log_path):
    """Run ``command`` as a subreaper, output to ``log_path``; return (exit status, CPU s).

    Processes the command leaves behind (a browser's helpers whose parent exited) are
    re-parented to this process instead of to init, so their CPU time is counted; any still
    running ``LEFTOVER_GRACE`` seconds after the command ended are killed.
    """
    try:
        ctypes.CDLL(None).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the CPU time of orphans is not counted
    with open(log_path, "w") as log:
        status = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=ROOT).returncode
    deadline = time.monotonic() + LEFTOVER_GRACE
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            if time.monotonic() > deadline:
                _kill_children()
            time.sleep(0.2)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return status, usage.ru_utime + usage.ru_stime


def _kill_children():
    """SIGKILL every process whose parent is this one."""
    me = str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = stat.read_text().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError):
            continue
        if parent == me:
            try:
                os.kill(int(stat.parent.name), signal.SIGKILL)
            except ProcessLookupError:
                pass


def selected(names):
    """The stages named and every stage they need, in the order of STAGES."""
    by_name = {stage.name: stage for stage in STAGES}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        sys.exit(f"unknown stage {', '.join(unknown)}; the stages: {', '.join(by_name)}")
    wanted, todo = set(), list(names or by_name)
    while todo:
        name = todo.pop()
        if name not in wanted:
            wanted.add(name)
            todo.extend(by_name[name].needs)
    return [stage for stage in STAGES if stage.name in wanted]


class _Running:
    def __init__(self, stage):
        self.stage = stage
        self.log = LOGS / f"{stage.name}.log"
        self.start = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--reap", str(self.log), "--", *stage.command],
            stdout=subprocess.PIPE, text=True, cwd=ROOT)

    def finish(self):
        """(exit status, wall seconds, CPU seconds) of the finished stage."""
        output = self.process.communicate()[0].split()
        wall = time.monotonic() - self.start
        if self.process.returncode or len(output) != 2:
            return self.process.returncode or 1, wall, float("nan")
        return int(output[0]), wall, float(output[1])


def run(stages, cores):
    """Run ``stages``; print each log as it ends and a table at the end; return the results."""
    LOGS.mkdir(parents=True, exist_ok=True)
    pending, running, results = list(stages), [], {}
    started = time.monotonic()
    while pending or running:
        for stage in list(pending):
            states = [results.get(need, (None,))[0] for need in stage.needs]
            if any(state not in (None, "passed") for state in states):
                pending.remove(stage)
                results[stage.name] = ("not run", 0.0, 0.0)
                print(f"---- {stage.name}: not run (needs {', '.join(stage.needs)})", flush=True)
                continue
            busy = sum(r.stage.cores for r in running)
            if None not in states and (not running or busy + stage.cores <= OVERCOMMIT * cores):
                pending.remove(stage)
                running.append(_Running(stage))
                print(f"---- {stage.name}: started at {time.monotonic() - started:.0f} s",
                      flush=True)
        time.sleep(0.2)
        for job in [r for r in running if r.process.poll() is not None]:
            running.remove(job)
            status, wall, cpu = job.finish()
            state = "passed" if status == 0 else "FAILED"
            results[job.stage.name] = (state, wall, cpu)
            print(f"==== {job.stage.name}: {state} in {wall:.0f} s "
                  f"(CPU {cpu:.0f} s): {' '.join(job.stage.command)}", flush=True)
            print(job.log.read_text(errors="replace").rstrip(), flush=True)
    total = time.monotonic() - started
    print(f"\n{'stage':12s} {'result':8s} {'wall s':>7s} {'CPU s':>7s}")
    for stage in stages:
        state, wall, cpu = results[stage.name]
        print(f"{stage.name:12s} {state:8s} {wall:7.0f} {cpu:7.0f}")
    cpu_total = sum(cpu for _, _, cpu in results.values() if cpu == cpu)
    print(f"{'all':12s} {'':8s} {total:7.0f} {cpu_total:7.0f}", flush=True)
    return results


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--reap"]:  # the reaper of one stage: --reap LOG -- COMMAND ...
        status, cpu = reap(argv[3:], argv[1])
        print(status, cpu)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stages", nargs="*", help="default: every stage")
    parser.add_argument("--cores", type=float, default=os.cpu_count() or 1,
                        help="cores to fill (default: this machine's)")
    args = parser.parse_args(argv)
    results = run(selected(args.stages), args.cores)
    return 0 if all(state == "passed" for state, _, _ in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
