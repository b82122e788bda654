"""Scoring new leads: the scoring core, files in chunks, JSON lines as they arrive, drift, runs and history, downloads.

Names are imported lazily, so that importing one stage does not load the libraries of the others.
"""

from __future__ import annotations

from leadscore._lazy import lazy_exports

# public name -> module of this package that defines it
_EXPORTS = {
    "score_leads": "scoring",
    "ScoringResult": "scoring",
    "score_file": "score_files",
    "stream_jsonl": "stream",
    "LeadStream": "stream",
    "excel_safe": "export",
    "scored_csv": "export",
    "crm_csv": "export",
    "read_values": "value",
    "check_value_column": "value",
    "add_expected_value": "value",
    "expected_outcomes": "expected",
    "expected_auc": "expected",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
