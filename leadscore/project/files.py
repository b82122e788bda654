"""The files the workflow reads and writes for the command: checked before work, written whole.

Every output is checked before minutes of work (a folder, an unwritable place, the input itself
are refused with a plain message), and written to a temporary file then renamed, so nothing is
ever left half-written (see :mod:`leadscore.io.atomic`).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from leadscore.errors import LeadScoreInputError
from leadscore.io.atomic import atomic_output, check_output_path

__all__ = ["check_file", "check_output", "write_text", "output_text", "write_summary"]


def check_file(path) -> Path:
    """The path of an existing file, or a plain message saying what is wrong with it."""
    file = Path(path)
    if not file.exists():
        raise LeadScoreInputError(f"There is no file '{path}'. Check the path and the file name.")
    if file.is_dir():
        raise LeadScoreInputError(f"'{path}' is a folder. Give the path of a CSV or Excel file.")
    return file


def check_output(path, *, inputs=(), models=(), what: str = "the output", example: str | None = None) -> Path:
    """Refuse, before any work, an output that cannot be written or would overwrite an input
    (``inputs``: lead files; ``models``: model files, named as such in the message)."""
    options = {"example": example} if example else {}
    if models:
        check_output_path(path, inputs=[Path(p) for p in models], what=what, read="your model", **options)
    return check_output_path(path, inputs=[Path(p) for p in inputs], what=what, **options)


def write_text(path, text: str) -> None:
    """Write a text file (UTF-8) whole or not at all."""
    with atomic_output(path, "w", encoding="utf-8") as handle:
        handle.write(text)


@contextlib.contextmanager
def output_text(path):
    """A text file (UTF-8, ``\\n`` lines) that appears whole when the block ends without error."""
    with atomic_output(path, "w", encoding="utf-8", newline="\n") as handle:
        yield handle


def write_summary(summary: dict, path) -> None:
    """Write a scoring run's summary as JSON (``--summary-json``), ``run`` first."""
    write_text(path, json.dumps({"run": summary.get("run"), **{k: v for k, v in summary.items() if k != "run"}}, indent=2, ensure_ascii=False))
