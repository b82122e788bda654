"""Where a project keeps what (the folder layout), and what can be said of a project from its files alone.

::

    <project id>/
        project.sqlite      the database: choices, model versions, jobs, scoring runs
        name.json           the project's name, readable when the database is not
        leads.parquet       the lead history as read
        models/v<n>.leadscore   each trained model version
        runs/run-<n>.parquet    the scored leads of a run made in the app

A damaged database still leaves the name, the leads and the model files readable: the store's
messages name them (:func:`still_readable`), so the user knows what is not lost.
"""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

from leadscore.errors import LeadScoreInputError
from leadscore.io.atomic import pid_alive
from leadscore.io.faults import fault_advice, fault_of

__all__ = [
    "DATABASE", "NAME_FILE", "LEADS_FILE", "MODELS", "RUNS", "CREATING",
    "project_name", "name_key", "saved_name", "still_readable", "not_created", "pid_alive",
]

DATABASE = "project.sqlite"
# The project's name beside its database, so that a damaged database still has its name.
NAME_FILE = "name.json"
# A project being created lives under this prefix until it is whole, then is renamed into place.
CREATING = ".creating-"
LEADS_FILE = "leads.parquet"
MODELS = "models"
RUNS = "runs"


def project_name(name) -> str:
    """A project's name as saved and shown: Unicode composed, spaces collapsed ("Spring  leads"
    is "Spring leads"), "My leads" when blank. Lookups compare these, ignoring case."""
    return " ".join(unicodedata.normalize("NFC", str(name or "")).split()) or "My leads"


def name_key(name) -> str:
    return project_name(name).casefold()


def saved_name(folder: Path) -> str:
    """A project's name from the file beside its database (readable when the database is not)."""
    try:
        return project_name(json.loads((folder / NAME_FILE).read_text(encoding="utf-8"))["name"])
    except (OSError, ValueError, KeyError, TypeError):
        return folder.name


def still_readable(folder: Path) -> str:
    """What of a damaged project can still be read, as a sentence (its leads, its model files)."""
    parts = []
    try:
        import pyarrow.parquet as pq

        rows = pq.ParquetFile(folder / LEADS_FILE).metadata.num_rows
        parts.append(f"its {rows:,} leads ({folder / LEADS_FILE})")
    except Exception:  # noqa: BLE001 - absent or broken: not readable, not listed
        pass
    models = sorted((folder / MODELS).glob("v*.leadscore"), key=lambda path: path.stat().st_mtime) if (folder / MODELS).is_dir() else []
    if models:
        parts.append(
            f"{len(models)} model file(s), the latest {models[-1]} (score with it: leadscore score {models[-1]} NEW_LEADS.csv)"
        )
    return ("Still readable: " + " and ".join(parts) + ".") if parts else "Nothing else in it can be read."


def not_created(name: str, root: Path, error: BaseException) -> LeadScoreInputError:
    cause = getattr(error, "os_error", None) or error
    if isinstance(error, LeadScoreInputError) and cause is error:
        fault = fault_of(OSError(), root)
        if fault == "other":
            return LeadScoreInputError(f"The project '{name}' could not be created ({error.message}) No project was created.")
    else:
        fault = fault_of(cause, root)
    return LeadScoreInputError(f"The project '{name}' could not be created: {fault_advice(fault, root)}; no project was created.")
