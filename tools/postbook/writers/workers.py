"""Work spread over the machine's cores: forked workers share the book, send back only results.

fork_map(work, n) computes work(0, n)'s results in slices: the main process takes the first
slice itself while forked workers take the others, and the slices come back in order, so the
result is exactly work(0, n)'s. Small jobs, machines with one core, platforms without a safe
fork, and any failure of a worker fall back to doing it all in this process (same result, no
traceback); Ctrl-C stops the workers with the main process.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Callable, TypeVar

T = TypeVar("T")
Work = Callable[[int, int], list[T]]  # work(start, stop): the results for items start..stop-1

MIN_ITEMS = 200  # fewer items than this are done here (small books and tests stay simple)
DISABLE_ENV = "POSTBOOK_WORKERS"  # "1": never fork (a debugging aid)
_JOB: Work | None = None  # the work of the running fork_map, inherited by the forked workers


def available_cores() -> int:
    if os.environ.get(DISABLE_ENV) == "1" or not sys.platform.startswith("linux"):
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def fork_map(work: Work, count: int, min_items: int = MIN_ITEMS) -> list[T]:
    """work(0, count), computed in slices by this process and forked workers when it pays."""
    cores = min(available_cores(), count // max(min_items // 2, 1))
    if count < min_items or cores < 2:
        return work(0, count)
    bounds = [count * k // cores for k in range(cores + 1)]
    slices = list(zip(bounds, bounds[1:]))
    try:
        return _run_forked(work, slices)
    except KeyboardInterrupt:
        raise
    except Exception:  # a worker died or failed: do it all here (the result is the same)
        return work(0, count)


def _run_forked(work: Work, slices: list[tuple[int, int]]) -> list[T]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _JOB
    _JOB = work
    pool = ProcessPoolExecutor(max_workers=len(slices) - 1,
                               mp_context=multiprocessing.get_context("fork"),
                               initializer=_quiet_worker)
    try:
        futures = [pool.submit(_run_job, start, stop) for start, stop in slices[1:]]
        first = work(*slices[0])
        return first + [item for future in futures for item in future.result()]
    except BaseException:
        _stop(pool)
        raise
    finally:
        _JOB = None
        pool.shutdown(wait=True, cancel_futures=True)


def _run_job(start: int, stop: int) -> list:
    assert _JOB is not None
    return _JOB(start, stop)


def _quiet_worker() -> None:
    """Ctrl-C goes to the whole process group: the main process alone answers it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(pool) -> None:
    """End the workers now (their results are no longer wanted)."""
    for process in list(getattr(pool, "_processes", {}).values()):
        try:
            process.terminate()
        except Exception:
            pass
