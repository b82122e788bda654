"""Shared fixtures: where the real and sample data live, and small lead tables to build on.

Keep this small and generic; module-specific data belongs in the module's own test file.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import sys

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO / "sample_data"
# Public real data (CC BY 4.0, see its ATTRIBUTION.md), shipped gzip-compressed with the repository.
BANK_GZ = SAMPLE_DIR / "bank-marketing" / "bank-additional-full.csv.gz"


@pytest.fixture(scope="session")
def bank_csv() -> bytes:
    """UCI Bank Marketing as CSV bytes (41,188 leads, `;`-separated, outcome `y` yes/no, 4,640 converted)."""
    assert BANK_GZ.is_file(), f"missing {BANK_GZ}; it is part of the repository"
    return gzip.decompress(BANK_GZ.read_bytes())


@pytest.fixture(scope="session")
def bank_csv_file(bank_csv, tmp_path_factory) -> Path:
    """The same data as a plain file named as published, for tests that need a path."""
    path = tmp_path_factory.mktemp("bank-marketing") / BANK_GZ.stem  # bank-additional-full.csv
    path.write_bytes(bank_csv)
    return path


@pytest.fixture(scope="session")
def sample_leads_path() -> Path:
    """The bundled sample export (sample_data/leads.csv, described in sample_data/README.md)."""
    path = SAMPLE_DIR / "leads.csv"
    assert path.is_file(), f"missing {path}; run sample_data/make_sample_data.py"
    return path


@pytest.fixture
def unwritable_folder(tmp_path) -> Path:
    """A folder no file can be created in, for this user: a locked folder (mode 0500), or, when
    locks do not stop this user (root), /proc, which takes no new files from anyone."""
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        (locked / "probe").touch()
    except PermissionError:
        yield locked
    else:
        (locked / "probe").unlink()
        if not Path("/proc/self").is_dir():
            pytest.skip("no folder this user cannot write into (running as root without /proc)")
        yield Path("/proc")
    locked.chmod(0o700)


@pytest.fixture
def small_leads() -> pd.DataFrame:
    """300 made-up leads, 60 converted, 225 not, 15 still open, with the usual column kinds.

    Deterministic: values cycle, no randomness.
    """
    n = 300
    outcome = (["yes"] * 60 + ["no"] * 225 + [None] * 15)
    return pd.DataFrame(
        {
            "lead_id": [f"L-{i:05d}" for i in range(n)],
            "email": [f"person{i}@example.com" for i in range(n)],
            "source": [["Referral", "LinkedIn", "Paid Ad", "Event"][i % 4] for i in range(n)],
            "pages_viewed": [float(i % 17) for i in range(n)],
            "visited_pricing_page": [["yes", "no"][i % 2] for i in range(n)],
            "converted": outcome,
        }
    )


# pytest's own __main__, taken when the test session starts (before any AppTest runs).
PYTEST_MAIN = sys.modules.get("__main__")


@pytest.fixture(autouse=True)
def keep_the_main_module():
    """Streamlit's AppTest runs app.py as ``__main__`` and leaves it there; a process started
    afterwards with "spawn" (the store's two-writer tests, Dask's local cluster) would then run
    the app instead of starting. Every test starts and ends with pytest's own ``__main__``
    (module-scoped AppTest fixtures run before a test's own fixtures, so it is taken once, at
    the start of the session)."""
    if PYTEST_MAIN is not None:
        sys.modules["__main__"] = PYTEST_MAIN
    yield
    if PYTEST_MAIN is not None:
        sys.modules["__main__"] = PYTEST_MAIN


@pytest.fixture
def forced_threads(monkeypatch):
    """Threads even on small tables (3 of them), and the worker count of every pool started:
    the list the test reads to check that threads really did the work."""
    import sklearn.utils.parallel

    from leadscore import _parallel

    pools: list = []

    class CountedParallel(sklearn.utils.parallel.Parallel):
        def __call__(self, iterable):
            pools.append(self.n_jobs)
            return super().__call__(iterable)

    monkeypatch.setattr(sklearn.utils.parallel, "Parallel", CountedParallel)
    monkeypatch.setattr(_parallel, "PARALLEL_ROWS", 1)
    monkeypatch.setattr(_parallel, "THREADS", 3)
    return pools
