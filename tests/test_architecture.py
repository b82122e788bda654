"""The package's shape: imports run one way, no cycle, no module-level mutable state, no Streamlit.

The data flows down once: read -> outcome -> profile -> leakage -> plan -> cleaner -> encoders
-> estimators -> train -> explain -> tiers -> score -> project -> cli. Each module is given its
layer below; a module may import only modules of lower layers (anywhere in its code, lazy imports
inside functions included), so a cycle cannot form and a reader can follow one lead through the
modules top to bottom.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "leadscore"

# Lower layers first; a module may import only from layers before its own.
LAYERS: list[tuple[str, ...]] = [
    ("errors", "jsonable", "samples", "_parallel"),
    ("atomic", "read", "estimators", "_saabas", "_answers", "metrics", "labels", "sufficiency"),
    ("outcome", "profile", "categories", "timing", "tiers", "chunks"),
    ("leakage", "drift", "history"),
    ("inspect", "plan"),
    ("rows", "cleaner"),
    ("_text_features", "_category_encoder"),
    ("_lead_encoder",),
    ("pipeline",),
    ("calibration", "splits", "readiness"),
    ("train", "explain"),
    ("segments", "bundle", "export", "charts"),
    ("insights", "card", "score"),
    ("runs", "score_files", "stream"),
    ("store", "dask_engine"),
    ("project",),
    ("cli",),
]
LAYER = {module: number for number, modules in enumerate(LAYERS) for module in modules}


def _modules() -> list[str]:
    return sorted(path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__")


def _imports(module: str) -> set[str]:
    """Every leadscore module ``module`` imports, at the top or inside functions."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "leadscore":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("leadscore."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("leadscore."):
                    found.add(alias.name.split(".")[1])
    # `import leadscore` alone reads the package's version, not a module.
    return {name for name in found if (PACKAGE / f"{name}.py").exists()} - {module}


def test_every_module_has_a_layer():
    missing = [module for module in _modules() if module not in LAYER]
    assert not missing, f"give these modules a layer in LAYERS: {missing}"


@pytest.mark.parametrize("module", _modules())
def test_imports_run_one_way(module):
    upward = sorted(name for name in _imports(module) if LAYER.get(name, -1) >= LAYER[module])
    assert not upward, f"leadscore.{module} (layer {LAYER[module]}) imports {upward}, which sit at the same layer or above"


def test_no_import_cycle():
    graph = {module: _imports(module) for module in _modules()}
    visiting, done = set(), set()

    def visit(module, path):
        assert module not in visiting, f"import cycle: {' -> '.join(path + [module])}"
        if module in done:
            return
        visiting.add(module)
        for name in graph.get(module, ()):
            visit(name, path + [module])
        visiting.discard(module)
        done.add(module)

    for module in graph:
        visit(module, [])


@pytest.mark.parametrize("module", _modules())
def test_no_module_level_mutable_state(module):
    """No module keeps state between calls (it would be shared by every app session).

    Constants in capitals may be mappings, as long as nothing assigns into them; a lower-case
    module-level dict, list or set, or a ``global`` statement, is state.
    """
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    problems = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        value = getattr(node, "value", None)
        for target in targets:
            if isinstance(target, ast.Name) and not target.id.isupper() and not target.id.startswith("__") and isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)):
                problems.append(f"{target.id} (line {node.lineno})")
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            problems.append(f"global {', '.join(node.names)} (line {node.lineno})")
    constants = {t.id for n in tree.body for t in (n.targets if isinstance(n, ast.Assign) else []) if isinstance(t, ast.Name) and t.id.isupper()}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id in constants:
                    problems.append(f"assigns into the constant {target.value.id} (line {node.lineno})")
    assert not problems, f"leadscore.{module} keeps module-level state: {problems}"


def test_library_never_imports_streamlit():
    offenders = []
    for module in _modules():
        tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(name.split(".")[0] == "streamlit" for name in names):
                offenders.append(module)
    assert not offenders, f"leadscore modules import Streamlit: {offenders}"
