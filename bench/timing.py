"""Timing helpers shared by the benchmarks: best of N runs (wall and CPU) and percentiles."""

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Best:
    wall: float  # seconds, the fastest run's elapsed time
    cpu: float  # seconds, the least CPU time this thread spent in one run
    result: object  # what the last run returned


def best_of(call, repeat: int = 5, warmup: int = 1) -> Best:
    """Run `call()` `warmup` times unmeasured, then `repeat` times; keep the fastest.

    On a shared machine the fastest run is the one least disturbed by other processes, and the
    thread's CPU time (which waiting for a core does not count) is steadier still.
    """
    for _ in range(warmup):
        call()
    wall = cpu = float("inf")
    result = None
    for _ in range(max(1, repeat)):
        started, started_cpu = time.perf_counter(), time.thread_time()
        result = call()
        cpu = min(cpu, time.thread_time() - started_cpu)
        wall = min(wall, time.perf_counter() - started)
    return Best(wall, cpu, result)


def percentile(values, p: float) -> float:
    """The p-th percentile (0-100) by nearest rank over the sorted values; 0.0 when empty."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]
