"""The one timer of the benchmarks: the best of several runs (the machine is shared)."""

import time


def best_seconds(run, repeats=5, clock=time.perf_counter):
    """The shortest of ``repeats`` timings of ``run()``, and what its last call returned.

    ``clock`` is wall time by default; pass ``time.process_time`` for CPU time.
    """
    best, value = float("inf"), None
    for _ in range(repeats):
        start = clock()
        value = run()
        best = min(best, clock() - start)
    return best, value


def conditions(timing="best of several runs"):
    """The line under a benchmark's table: how it timed, BLAS threads, the machine's load."""
    import os

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    return (f"({timing}; {threads} BLAS thread(s); load average during the run: {load} "
            f"on {os.cpu_count()} cores)")
