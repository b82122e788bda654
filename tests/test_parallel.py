"""Thread counts and work side by side (leadscore/_parallel.py)."""

from __future__ import annotations

import os
import threading
import time

from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

from leadscore import _parallel
from leadscore._parallel import each, side_by_side, usable_cores


def test_usable_cores_counts_only_cpus_this_process_may_use():
    cores = usable_cores()
    assert 1 <= cores <= len(os.sched_getaffinity(0))


def test_usable_cores_counts_a_core_once_however_many_hyperthreads(monkeypatch, tmp_path):
    """Four CPUs that are two cores with two hyper-threads each: two cores."""
    monkeypatch.setattr(_parallel, "_cpus", lambda: [0, 1, 2, 3])
    monkeypatch.setattr(_parallel, "_quota", lambda: None)
    real_path = _parallel.Path

    def topology(path):
        text = str(path)
        if text.startswith("/sys/devices/system/cpu/cpu"):
            cpu = int(text.split("/cpu/cpu")[1].split("/")[0])
            folder = tmp_path / f"cpu{cpu}" / "topology"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "physical_package_id").write_text("0\n")
            (folder / "core_id").write_text(f"{cpu % 2}\n")
            return real_path(str(folder) + text.split("/topology")[1])
        return real_path(path)

    monkeypatch.setattr(_parallel, "Path", topology)
    assert usable_cores() == 2
    monkeypatch.setattr(_parallel, "_quota", lambda: 1)  # a container allowed one CPU
    assert usable_cores() == 1


def test_tasks_side_by_side_return_their_results_in_order_each_on_one_thread():
    seen = []

    def task(number):
        def run(threads):
            time.sleep(0.05 * (3 - number))  # the first task finishes last
            seen.append((number, threads, threading.current_thread().name, _openmp_effective_n_threads()))
            return number * 10

        return run

    finished = []
    results = side_by_side([task(n) for n in range(3)], workers=2, done=lambda position: finished.append((position, threading.current_thread().name)))
    assert results == [0, 10, 20]
    assert {threads for _, threads, _, _ in seen} == {1}
    assert {openmp for *_, openmp in seen} == {1}  # no OpenMP pool inside a worker
    assert len({name for _, _, name, _ in seen}) == 2 and threading.main_thread().name not in {name for _, _, name, _ in seen}
    # Progress is reported on the calling thread, once per task, as each finishes.
    assert sorted(position for position, _ in finished) == [0, 1, 2]
    assert {name for _, name in finished} == {threading.main_thread().name}
    assert finished[0][0] != 0


def test_one_worker_runs_tasks_in_turn_on_the_calling_thread():
    names = []
    results = side_by_side([lambda threads, n=n: names.append(threading.current_thread().name) or (n, threads) for n in range(3)], workers=1)
    assert results == [(0, 1), (1, 1), (2, 1)]
    assert set(names) == {threading.main_thread().name}


def test_a_single_task_may_use_every_worker():
    assert side_by_side([lambda threads: threads], workers=4) == [4]


def test_each_inside_a_worker_stays_on_the_workers_thread(monkeypatch):
    """No pool inside a pool: cleaning a big table inside a fit runs on the fit's thread."""
    monkeypatch.setattr(_parallel, "THREADS", 4)

    def task(threads):
        here = threading.current_thread().name
        names = each(lambda item: threading.current_thread().name, range(4), rows=10**6)
        return set(names) == {here}

    assert side_by_side([task, task], workers=2) == [True, True]
    # Outside a worker, a big table is prepared on several threads.
    assert len(set(each(lambda item: (time.sleep(0.05), threading.current_thread().name)[1], range(4), rows=10**6))) > 1
