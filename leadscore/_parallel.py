"""How many threads a piece of work gets, and running independent pieces side by side.

Two kinds of work run on threads:

- preparing a large table (:func:`each`): cleaning one column or writing one range of rows is
  mostly pyarrow hashing and numpy, which let go of the GIL: on two cores a million leads clean in
  about 60% of the time taken one column after another (``benchmarks/bench_train.py``, stop 10);
- fitting models (:func:`side_by_side`): whole fits run next to each other, each on one thread.

Fits are not split with OpenMP: a gradient boosting fit meets an OpenMP barrier at every node of
every tree, and when one core is busy with other work the thread on it is descheduled for whole
time slices while the others wait (auto training of 100k leads: 539 s with OpenMP threads against
78-96 s on one thread, one core held by other work). Whole fits side by side never wait for each
other, so a busy core only slows the fit that runs on it (``benchmarks/bench_busy.py``). A pool
never runs inside another: inside a fit started here OpenMP, BLAS and joblib (a forest's trees,
:func:`each`) stay on the fit's own thread.

The thread count comes from the machine and the work: the physical cores among the CPUs this
process may run on (CPU affinity, a container's CPU quota), never more threads than pieces of
work, and one thread for small tables, where a pool costs more than it saves.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["each", "side_by_side", "usable_cores", "THREADS", "PARALLEL_ROWS"]

# Tables with at least this many leads are prepared on a few threads.
PARALLEL_ROWS = 50_000


def _cpus() -> list[int]:
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def _quota() -> int | None:
    """CPUs a container may use (cgroup v2 ``cpu.max``), None without a quota."""
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        return None
    if quota == "max":
        return None
    return max(1, math.floor(int(quota) / int(period)))


def usable_cores() -> int:
    """Physical cores (not hyper-threads) among the CPUs this process may run on, within any
    container CPU quota; at least 1."""
    cores = set()
    for cpu in _cpus():
        topology = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
        try:
            cores.add((topology.joinpath("physical_package_id").read_text().strip(), topology.joinpath("core_id").read_text().strip()))
        except OSError:  # no topology (not Linux, or hidden): count the CPU
            cores.add(("cpu", str(cpu)))
    quota = _quota()
    return max(1, min(len(cores), quota) if quota else len(cores))


THREADS = min(4, usable_cores())


def each(function, items, rows: int) -> list:
    """``[function(item) for item in items]``, on a few threads when ``rows`` is large.

    Every item is computed on its own, so the results, and their order, are the same either way.
    scikit-learn's ``Parallel`` passes the caller's scikit-learn settings on to its threads;
    inside a fit run by :func:`side_by_side` it runs on the fit's own thread.

    Parameters
    ----------
    function : callable
    items : iterable
    rows : int
        Leads in the table the work is about; below :data:`PARALLEL_ROWS` no thread starts.

    Returns
    -------
    list
        One result per item, in order.
    """
    items = list(items)
    if rows < PARALLEL_ROWS or len(items) < 2 or THREADS < 2:
        return [function(item) for item in items]
    from sklearn.utils.parallel import Parallel, delayed

    return Parallel(n_jobs=min(THREADS, len(items)), prefer="threads")(delayed(function)(item) for item in items)


def _alone(task: Callable[[int], object]):
    """Run ``task(1)`` on this thread with every thread pool it could start limited to it."""
    from joblib import parallel_config
    from threadpoolctl import threadpool_limits

    # OpenMP's limit is per thread: a worker thread does not inherit its caller's.
    with threadpool_limits(limits=1, user_api="openmp"), parallel_config(backend="sequential"):
        return task(1)


def side_by_side(tasks: Sequence[Callable[[int], object]], workers: int, done: Callable[[int], None] | None = None) -> list:
    """Run independent tasks (model fits), ``workers`` at a time; their results, in order.

    Each task is called with the number of threads it may use itself (e.g. a forest's
    ``n_jobs``): 1 when tasks run side by side, ``workers`` when there is a single task.
    Give the longest tasks first: a free worker takes the next task in order.

    Parameters
    ----------
    tasks : sequence of callable(threads: int)
    workers : int
        From the work and the machine (see :func:`usable_cores`); 1 runs the tasks in turn on
        the calling thread.
    done : callable(position), optional
        Called on the calling thread as each task finishes (for a progress bar).

    Returns
    -------
    list
        ``[task(...) for task in tasks]``: every task computes on its own, so the results are the
        same however many run at once.
    """
    budget = max(1, int(workers))
    if budget == 1 or len(tasks) < 2:
        results = []
        for position, task in enumerate(tasks):
            results.append(task(budget))
            if done is not None:
                done(position)
        return results
    from sklearn.utils.parallel import Parallel, delayed

    def numbered(position: int):
        return position, _alone(tasks[position])

    results: list = [None] * len(tasks)
    running = Parallel(n_jobs=min(budget, len(tasks)), prefer="threads", return_as="generator_unordered")
    for position, result in running(delayed(numbered)(position) for position in range(len(tasks))):
        results[position] = result
        if done is not None:
            done(position)
    return results
