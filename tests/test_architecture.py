"""The package's shape: stages that import one way, pages and command that only drive the workflow.

The data flows down once, and the folders show it::

    io -> inspect -> clean -> model -> explain -> score -> project -> present -> cli

A module of a stage may import modules of its own stage and of the stages before it (the base
modules ``errors``, ``jsonable``, ``labels`` and ``_parallel`` sit below them all), anywhere in its
code, lazy imports inside functions included. The pages (``app_pages/``, ``app.py``) and the
command (``leadscore/cli.py``) may use only the workflow (``leadscore.project``), the
presentation helpers (``leadscore.present``) and the error type: the rule ExplainerDashboard
follows, where a component only calls the explainer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "leadscore"

BASE = ("errors", "jsonable", "labels", "_parallel", "_lazy")
# Stages in the order a lead passes them; a stage may import only from itself and stages before it.
STAGES: list[tuple[str, ...]] = [
    BASE,
    ("io",),
    ("inspect",),
    ("clean",),
    ("model",),
    ("explain",),
    ("score",),
    ("project",),
    ("automate",),
    ("present",),
    ("cli",),
]
STAGE = {name: number for number, names in enumerate(STAGES) for name in names}
# What the pages and the command may import: the workflow, what the app shows, the error type.
DRIVER_ALLOWED = ("leadscore.project", "leadscore.automate", "leadscore.present", "leadscore.errors")
MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 100


def _modules() -> list[str]:
    """Every module of the package, dotted below ``leadscore`` ("io.read", "cli")."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found.append(".".join(parts[:-1]) if parts[-1] == "__init__" else ".".join(parts))
    return [name for name in found if name]


def _path(module: str) -> Path:
    path = PACKAGE.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _stage(module: str) -> str:
    """The stage a module belongs to: its package ("io"), or itself for a base module."""
    return module.split(".")[0]


def _imported(path: Path) -> set[str]:
    """Every leadscore module a file imports (dotted, "leadscore.io.read"), lazy ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "leadscore" or node.module.startswith("leadscore."):
                found.add(node.module)
                for alias in node.names:
                    candidate = f"{node.module}.{alias.name}"
                    if _exists(candidate):
                        found.add(candidate)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("leadscore"))
    return found


def _exists(dotted: str) -> bool:
    path = REPO.joinpath(*dotted.split("."))
    return path.is_dir() or path.with_suffix(".py").exists()


def _module_imports(module: str) -> set[str]:
    """The leadscore modules (dotted below ``leadscore``) that ``module`` imports."""
    names = {name.removeprefix("leadscore.") for name in _imported(_path(module)) if name != "leadscore"}
    return {name for name in names if name in MODULES} - {module}


MODULES = set(_modules())


def test_every_module_belongs_to_a_stage():
    missing = sorted(module for module in MODULES if _stage(module) not in STAGE)
    assert not missing, f"put these modules in a stage package (or add their package to STAGES): {missing}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_stages_import_one_way(module):
    own = STAGE[_stage(module)]
    upward = sorted(
        name for name in _module_imports(module)
        if STAGE[_stage(name)] > own or (STAGE[_stage(name)] == own and _stage(name) != _stage(module))
    )
    assert not upward, f"leadscore.{module} (stage {_stage(module)}) imports {upward}, from a later stage"


def test_no_import_cycle_between_modules():
    graph = {module: _module_imports(module) for module in MODULES}
    # A package's __init__ only re-exports lazily (importlib, by name), so it adds no edge.
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

    for module in sorted(graph):
        visit(module, [])


def _drivers() -> list[Path]:
    return [REPO / "app.py", *sorted((REPO / "app_pages").glob("*.py")), PACKAGE / "cli.py"]


@pytest.mark.parametrize("path", _drivers(), ids=lambda p: str(p.relative_to(REPO)))
def test_pages_and_command_only_drive_the_workflow(path):
    used = {name for name in _imported(path) if name != "leadscore"}
    outside = sorted(name for name in used if not name.startswith(DRIVER_ALLOWED))
    assert not outside, (
        f"{path.relative_to(REPO)} imports {outside}: the pages and the command may use only "
        f"{', '.join(DRIVER_ALLOWED)} (add what they need to the workflow or to leadscore.present)"
    )


def test_the_pages_use_the_workflow_through_its_public_face():
    """Pages import ``leadscore.project`` itself, never a module inside it."""
    deep = sorted(
        f"{path.name}: {name}"
        for path in _drivers()
        for name in _imported(path)
        if name.startswith("leadscore.project.")
    )
    assert not deep, f"use the names of leadscore.project's public face instead: {deep}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_level_mutable_state(module):
    """No module keeps state between calls (it would be shared by every app session).

    Constants in capitals may be mappings, as long as nothing assigns into them; a lower-case
    module-level dict, list or set, or a ``global`` statement, is state.
    """
    tree = ast.parse(_path(module).read_text(encoding="utf-8"))
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
    for module in sorted(MODULES):
        tree = ast.parse(_path(module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(name.split(".")[0] == "streamlit" for name in names):
                offenders.append(module)
    assert not offenders, f"leadscore modules import Streamlit: {offenders}"


def test_no_module_over_800_lines():
    long = {module: n for module in sorted(MODULES) if (n := len(_path(module).read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, f"split these modules by idea (over {MAX_MODULE_LINES} lines): {long}"


def test_no_function_over_100_lines():
    long = {}
    for path in [*(_path(module) for module in sorted(MODULES)), *_drivers()]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
                long[f"{path.relative_to(REPO)}:{node.name}"] = node.end_lineno - node.lineno + 1
    assert not long, f"split these functions (over {MAX_FUNCTION_LINES} lines): {long}"


def test_each_stage_has_a_public_face():
    """Every stage package says what it is for and lists its public names in ``__all__``."""
    for stage in (name for names in STAGES[1:] for name in names if (PACKAGE / name).is_dir()):
        init = PACKAGE / stage / "__init__.py"
        tree = ast.parse(init.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"leadscore/{stage}/__init__.py needs a docstring saying what the stage does"
        assert any(isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets) for n in tree.body), (
            f"leadscore/{stage}/__init__.py needs an __all__"
        )
