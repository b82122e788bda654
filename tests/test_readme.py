"""The README's set-up commands: CI runs the test command exactly as a newcomer reads it."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _commands(heading_text: str) -> list[str]:
    """The one-line ``bash`` blocks that follow a paragraph starting with ``heading_text``."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    pattern = re.escape(heading_text) + r"[^\n]*\n\n```bash\n(.*?)\n```"
    return re.findall(pattern, readme, flags=re.DOTALL)


def test_ci_runs_the_readme_test_command_word_for_word():
    (command,) = _commands("Run the tests")
    assert "\n" not in command and command.endswith("-m pytest")
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in ci_lines, f".ci/run does not run the README's test command:\n{command}"


def test_both_readme_commands_make_their_own_virtual_environment_with_python3():
    # Debian and Ubuntu refuse `pip install` outside a virtual environment and have no `python`.
    (app,), (tests,) = _commands("Run the app"), _commands("Run the tests")
    for command in (app, tests):
        assert command.startswith("python3 -m venv .venv && .venv/bin/python -m pip install -r ")
        assert re.search(r"(^|&&)\s*(pip|python|streamlit|pytest)\s", command) is None
