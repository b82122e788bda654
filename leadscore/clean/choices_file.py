"""The choices file: cleaning choices saved from the app for ``leadscore train --choices``.

One format, written by the Clean page's download and read by the command (a training report's
``choices`` reads too): ``{"choices": {...}}`` with :meth:`CleaningChoices.to_dict`'s fields.

Example
-------
>>> from leadscore.clean.plan import CleaningChoices
>>> text = choices_file_text(CleaningChoices(exclude=("owner",)))
>>> parse_choices_file(text).exclude
('owner',)
"""

from __future__ import annotations

import json
from pathlib import Path

from leadscore.clean.plan import CleaningChoices
from leadscore.errors import LeadScoreInputError

__all__ = ["choices_file_text", "parse_choices_file", "read_choices_file", "CHOICES_FILE_NAME"]

CHOICES_FILE_NAME = "leadscore-choices.json"


def choices_file_text(choices: CleaningChoices) -> str:
    """The choices as the text of a choices file."""
    return json.dumps({"choices": choices.to_dict()}, indent=2, ensure_ascii=False)


def parse_choices_file(text: str, name: str = "the choices file") -> CleaningChoices:
    """Cleaning choices from a choices file's text (or a training report, which has ``choices``).

    Raises
    ------
    LeadScoreInputError
        The text is not JSON, or not choices.
    """
    try:
        data = json.loads(text)
    except ValueError:
        raise LeadScoreInputError(f"'{name}' is not a choices file (JSON). Save it again from the app's Clean page or take a report's 'choices'.") from None
    data = data.get("choices", data) if isinstance(data, dict) else None
    if not isinstance(data, dict):
        raise LeadScoreInputError(f"'{name}' holds no cleaning choices. Save it again from the app's Clean page.")
    try:
        return CleaningChoices.from_dict(data)
    except (TypeError, ValueError) as problem:
        raise LeadScoreInputError(f"'{name}' has choices LeadScore cannot read ({problem}). Save it again from the app's Clean page.") from None


def read_choices_file(path) -> CleaningChoices:
    """Cleaning choices from a choices file on disk (see :func:`parse_choices_file`)."""
    file = Path(path)
    if not file.is_file():
        raise LeadScoreInputError(f"There is no choices file '{path}'. Check the path, or download it again from the Clean page.")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise LeadScoreInputError(f"'{path}' is not a choices file (JSON). Save it again from the app's Clean page.") from None
    return parse_choices_file(text, str(path))
