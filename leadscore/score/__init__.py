"""Scoring new leads: the scoring core, files in chunks, JSON lines as they arrive, drift, runs and history, downloads.

Names are imported lazily, so that importing one stage does not load the libraries of the others.
"""

from __future__ import annotations

import importlib

# public name -> module of this package that defines it
_EXPORTS = {
    "score_leads": "scoring",
    "ScoringResult": "scoring",
    "score_file": "score_files",
    "stream_jsonl": "stream",
    "excel_safe": "export",
    "scored_csv": "export",
    "crm_csv": "export",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
