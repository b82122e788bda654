"""Run independent pieces of work on a few threads when the table is large enough to gain.

Cleaning one column or writing one range of rows is mostly pyarrow hashing and numpy, which let
go of the GIL: on two cores a million leads clean in about 60% of the time taken one column after
another (``benchmarks/bench_train.py``, stop 10). Small tables stay on one thread, where a pool
costs more than it saves.
"""

from __future__ import annotations

import os

__all__ = ["each", "THREADS", "PARALLEL_ROWS"]

# Tables with at least this many leads are prepared on a few threads.
PARALLEL_ROWS = 50_000


def _usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


THREADS = min(4, _usable_cores())


def each(function, items, rows: int) -> list:
    """``[function(item) for item in items]``, on a few threads when ``rows`` is large.

    Every item is computed on its own, so the results, and their order, are the same either way.
    scikit-learn's ``Parallel`` passes the caller's scikit-learn settings on to its threads.

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
