"""The model that scores arriving leads: a model file, or a project's current version.

A project's current version and tiers are read again before every batch of leads (one small
query), so a version made current in the app or by ``leadscore`` is used from the next request;
a model file is loaded again when the file changes.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from leadscore.errors import LeadScoreInputError
from leadscore.score.stream import LeadStream  # the very scorer of `leadscore score MODEL -`

__all__ = ["ModelSource", "Scoring", "stable_key_scheme"]


def stable_key_scheme(bundle) -> dict:
    """How served leads are told apart, fixed for the model (one lead alone cannot show which
    column is an ID): its ID column, else its email column, else a fingerprint of what it reads."""
    kinds = dict(getattr(bundle.plan, "column_kinds", {}) or {})
    # A lead sent without its ID is known by the values the model reads (not by its score).
    reads = [column["name"] for column in bundle.schema]
    for column, kind in kinds.items():
        if kind == "identifier":
            return {"column": str(column), "columns": reads}
    for column, kind in kinds.items():
        if kind == "personal" and "mail" in str(column).lower():
            return {"column": str(column), "columns": reads}
    return {"column": None, "columns": reads}


@dataclass
class Scoring:
    """One model version ready to score: the bundle, the tiers in use, the stream's scorer."""

    bundle: object
    policy: object
    version: object  # the project's version number, or the model file's short content hash
    project_version: int | None
    stream: LeadStream
    scheme: dict

    @classmethod
    def of(cls, bundle, policy, version, project_version=None) -> "Scoring":
        return cls(bundle, policy, version, project_version, LeadStream(bundle, policy, True, None), stable_key_scheme(bundle))

    @property
    def verdict(self) -> str:
        return str((self.bundle.metrics or {}).get("readiness", {}).get("verdict", ""))

    def score(self, parsed: list[tuple[int, dict, str | None]]) -> list[tuple[str, bool]]:
        """Result lines (as ``leadscore score MODEL -`` writes them) for leads, in order: leads
        with the same fields are scored together, each still answered on its own."""
        lines: list = [None] * len(parsed)
        groups: dict[tuple, list[int]] = {}
        for position, (_, lead, _) in enumerate(parsed):
            groups.setdefault(tuple(lead), []).append(position)
        for positions in groups.values():
            for position, line in zip(positions, self.stream.batch([parsed[p] for p in positions])):
                lines[position] = line
        return lines

    def describe(self) -> dict:
        """What ``GET /model`` shows: the columns read, the verdict, the tiers."""
        return {
            "model_version": self.version,
            "model": self.bundle.name,
            "verdict": self.verdict,
            "columns": [
                {key: column[key] for key in ("name", "kind", "categories") if column.get(key) is not None}
                for column in self.bundle.schema
            ],
            "tiers": {"described": self.policy.describe(), **self.policy.to_dict()},
            "key": self.scheme,
        }


class ModelSource:
    """Where the model comes from; :meth:`current` gives the version to use now.

    Build it with :meth:`from_file` or :meth:`from_project`.
    """

    def __init__(self, load, db=None, model_path: Path | None = None, name: str = ""):
        self._load, self.db, self.model_path, self.name = load, db, model_path, name
        self._key, self._scoring = None, None
        self._lock = threading.Lock()  # the scoring thread and /health may ask at once

    @classmethod
    def from_file(cls, path, trust: bool = False) -> "ModelSource":
        from leadscore.model.bundle import load_bundle

        file = Path(path)
        if not file.is_file():
            raise LeadScoreInputError(f"There is no model file '{path}'. Check the path, or use --project NAME.")

        def load(key):
            bundle = load_bundle(file, trust=trust)
            return Scoring.of(bundle, bundle.policy, (bundle.content_hash or "")[:12])

        source = cls(load, model_path=file, name=file.name)
        source.current()
        return source

    @classmethod
    def from_project(cls, name: str) -> "ModelSource":
        """A project's version in use, with its tiers in use, exactly as the app scores with them
        (the workflow's own rule: a draft from the Tiers page, else the tiers saved with the version)."""
        from leadscore.project import LeadProject

        project = LeadProject.named(name)
        if not project.models.has_model:
            raise LeadScoreInputError(f"The project '{project.name}' has no model yet. Train one in the app (Train step) first.")

        def load(key):
            project.sync()  # the app or the command may have made another version current,
            project.models.reload()  # or saved tiers into its model file
            version = project.models.current
            return Scoring.of(project.models.bundle(), project.models.policy, version, version)

        source = cls(load, db=project.db, name=project.name)
        source.current()
        return source

    def _changed_key(self):
        if self.db is not None:
            return self.db.current_choice()
        stat = os.stat(self.model_path)
        return stat.st_mtime_ns, stat.st_size

    def current(self) -> Scoring:
        """The version to score with now (loaded again only when it changed)."""
        with self._lock:
            key = self._changed_key()
            if key != self._key or self._scoring is None:
                self._scoring, self._key = self._load(key), key
            return self._scoring
