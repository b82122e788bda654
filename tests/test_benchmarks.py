"""The benchmarks (benchmarks/*.py) are run by hand, not by the suite: this keeps them runnable.

Every ``from leadscore.x import y`` in a benchmark names a module and a name that exist, so a
refactor that moves or renames an API breaks this test instead of the next person's benchmark run.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).resolve().parents[1] / "benchmarks").glob("bench_*.py"))


def _leadscore_imports(path: Path) -> list[tuple[str, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "leadscore":
            found += [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names if alias.name.split(".")[0] == "leadscore"]
    return found


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.name)
def test_a_benchmark_imports_only_what_leadscore_has(path):
    missing = []
    for module, name in _leadscore_imports(path):
        try:
            loaded = importlib.import_module(module)
        except ImportError:
            missing.append(module)
            continue
        if name and not hasattr(loaded, name):
            try:
                importlib.import_module(f"{module}.{name}")
            except ImportError:
                missing.append(f"{module}.{name}")
    assert not missing, f"{path.name} imports what leadscore no longer has: {missing}"


def test_there_are_benchmarks_to_check():
    assert len(BENCHMARKS) >= 8
