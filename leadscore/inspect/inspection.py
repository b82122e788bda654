"""First look at a lead file: its columns, its outcome, and whether there is enough to learn from.

:func:`inspect_leads` runs the intake steps in order (profile every column, find and map the
outcome, count converted / not converted / still open leads, judge the amount of data, look for
columns that give the answer away) and gathers what they found in one :class:`Inspection`. The app
shows it on its first page; ``leadscore inspect --json`` prints :meth:`Inspection.to_dict`.

Example
-------
>>> from leadscore.io.read import read_leads
>>> from leadscore.io.samples import bank_marketing_csv
>>> leads = read_leads(bank_marketing_csv())                 # doctest: +SKIP
>>> inspect_leads(leads, target="y").outcome_counts          # doctest: +SKIP
{'converted': 4640, 'not_converted': 36548, 'open': 0}
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from leadscore.inspect.leakage import default_exclusions, examine_columns
from leadscore.inspect.outcome import OutcomeMapping, OutcomeSuggestion, require_two_outcomes, suggest_outcome
from leadscore.inspect.sensitive import find_sensitive_columns
from leadscore.inspect.profile import ColumnProfile, profile_columns
from leadscore.inspect.sufficiency import Sufficiency, judge_sufficiency

__all__ = ["Inspection", "inspect_leads", "format_inspection"]


@dataclass
class Inspection:
    """Everything the intake found about a lead file.

    Attributes
    ----------
    rows : int
        Leads in the file.
    profiles : list of ColumnProfile
        One per column, in file order.
    outcome : OutcomeSuggestion
        The outcome column and its mapping, or the question to ask the user.
    outcome_counts : dict or None
        ``{"converted", "not_converted", "open"}``; None while the outcome question is unanswered.
    sufficiency : Sufficiency or None
        The verdict on the amount of data; None while the outcome question is unanswered.
    leakage_suspects : list
        :class:`leadscore.inspect.leakage.LeakageSuspect` items: columns that may give the answer away.
    column_auc : dict
        Column -> how well it alone predicts the outcome (cross-validated ROC AUC).
    excluded_columns : dict
        Column -> reason it is left out of the model by default.
    read_info : dict
        How the file was read (encoding, delimiter, values that were not numbers).
    """

    rows: int
    profiles: list[ColumnProfile]
    outcome: OutcomeSuggestion
    outcome_counts: dict[str, int] | None
    sufficiency: Sufficiency | None
    leakage_suspects: list = field(default_factory=list)
    excluded_columns: dict = field(default_factory=dict)
    column_auc: dict = field(default_factory=dict)
    read_info: dict = field(default_factory=dict)
    sensitive: list = field(default_factory=list)

    @property
    def mapping(self) -> OutcomeMapping | None:
        """The outcome mapping in use, or None while there is a question."""
        return self.outcome.mapping

    def to_dict(self) -> dict:
        """The inspection as JSON-native values (the output of ``leadscore inspect --json``)."""
        mapping = self.outcome.mapping or self.outcome.proposed
        return {
            "rows": int(self.rows),
            "target": {
                "column": None if mapping is None else str(mapping.column),
                "positive_values": [] if mapping is None else [str(v) for v in mapping.positive_values],
                "negative_values": [] if mapping is None else [str(v) for v in mapping.negative_values],
                "open_values": [] if mapping is None else [str(v) for v in mapping.open_values],
                "question": self.outcome.question,
                "unmapped_values": [str(v) for v in self.outcome.unmapped_values],
                "candidates": [str(c) for c in self.outcome.candidates],
            },
            "outcomes": None
            if self.outcome_counts is None
            else {key: int(value) for key, value in self.outcome_counts.items()},
            "columns": [
                {
                    "name": str(p.name),
                    "kind": str(p.kind),
                    "missing_share": float(p.missing_share),
                    "distinct": int(p.distinct),
                    "examples": [str(e) for e in p.examples],
                    "note": str(p.note),
                }
                for p in self.profiles
            ],
            "sufficiency": None
            if self.sufficiency is None
            else {
                "verdict": self.sufficiency.verdict,
                "message": self.sufficiency.message,
                "advice": self.sufficiency.advice,
            },
            "leakage_suspects": [_suspect_dict(s) for s in self.leakage_suspects],
            "column_auc": {str(k): round(float(v), 3) for k, v in self.column_auc.items()},
            "excluded_columns": {str(k): str(v) for k, v in self.excluded_columns.items()},
            "file": _json_native(self.read_info),
            "sensitive": [dict(item) for item in self.sensitive],
        }


def inspect_leads(
    df: pd.DataFrame,
    target: str | None = None,
    outcome: OutcomeMapping | None = None,
    *,
    date_column: str | None = None,
) -> Inspection:
    """Inspect a lead table: profile, outcome, counts, sufficiency, leakage suspects.

    Parameters
    ----------
    df : pandas.DataFrame
        Leads, as returned by :func:`leadscore.io.read.read_leads`.
    target : str, optional
        The outcome column, if the user named it; found automatically otherwise.
    outcome : OutcomeMapping, optional
        The user's answer to the outcome question (which values mean converted); takes
        precedence over ``target``.
    date_column : str, optional
        When each lead arrived; lets the leakage check spot dates recorded after the outcome.

    Returns
    -------
    Inspection
        When the outcome's values need the user's choice, ``outcome.question`` says what to ask,
        and counts, sufficiency and leakage suspects are left empty until it is answered.

    Raises
    ------
    LeadScoreInputError
        No column could be the outcome, the named column is missing, or every lead with a known
        outcome has the same one.
    """
    profiles = profile_columns(df)
    if outcome is not None:
        suggestion = suggest_outcome(df, outcome.column)
        suggestion = OutcomeSuggestion(outcome, (), None, suggestion.candidates, outcome)
    else:
        suggestion = suggest_outcome(df, target)
    inspection = Inspection(
        rows=len(df),
        profiles=profiles,
        outcome=suggestion,
        outcome_counts=None,
        sufficiency=None,
        read_info=dict(df.attrs.get("leadscore_read", {})),
        sensitive=find_sensitive_columns(df),
    )
    if suggestion.mapping is None:
        return inspection

    counts = suggestion.mapping.counts(df)
    require_two_outcomes(counts, suggestion.mapping)
    inspection.outcome_counts = counts
    inspection.sufficiency = judge_sufficiency(counts["converted"], counts["not_converted"])

    # --- Cleaning engineer's hook: leakage suspects and default exclusions (leakage.py, clean.py).
    inspection.leakage_suspects, inspection.excluded_columns, inspection.column_auc = _leakage_and_exclusions(
        df, suggestion.mapping, profiles, date_column
    )
    return inspection


def format_inspection(inspection: Inspection) -> str:
    """The inspection as a short plain-text report (``leadscore inspect`` without ``--json``)."""
    lines = [f"{inspection.rows:,} leads, {len(inspection.profiles)} columns."]
    info = inspection.read_info
    if info.get("delimiter"):
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
        lines.append(f"Read as {info.get('encoding')} text, {names.get(info['delimiter'], info['delimiter'])}-separated.")
    # What the reader noticed (extra cells, mixed encodings, formulas, day numbers...), as the Data page shows it.
    lines += [f"Note: {warning}" for warning in info.get("warnings", [])]
    mapping = inspection.outcome.mapping
    if mapping is None:
        lines += ["", f"Outcome: {inspection.outcome.question}"]
        if inspection.outcome.candidates:
            lines.append(f"Other columns that could be the outcome: {', '.join(inspection.outcome.candidates)}.")
    else:
        counts = inspection.outcome_counts or {}
        lines += [
            "",
            f"Outcome column: '{mapping.column}' (converted = {', '.join(mapping.positive_values) or '-'}; "
            f"not converted = {', '.join(mapping.negative_values) or '-'}).",
            f"  converted: {counts.get('converted', 0):,}   not converted: {counts.get('not_converted', 0):,}   "
            f"still in the pipeline: {counts.get('open', 0):,}",
        ]
    if inspection.sufficiency is not None:
        lines += [
            "",
            f"Enough data? {inspection.sufficiency.verdict.upper()}. {inspection.sufficiency.message}",
            f"What to do: {inspection.sufficiency.advice}",
        ]
    if inspection.sensitive:
        from leadscore.inspect.sensitive import SENSITIVE_ADVICE

        names = ", ".join(f"'{item['column']}' ({item['why']})" for item in inspection.sensitive)
        lines += ["", f"About people: {names}.", f"  {SENSITIVE_ADVICE} To leave one out: --exclude COLUMN."]
    lines += ["", "Columns:"]
    width = max((len(p.name) for p in inspection.profiles), default=6)
    for p in inspection.profiles:
        note = f"  {p.note}" if p.note else ""
        lines.append(
            f"  {p.name:<{width}}  {p.kind:<10}  {p.missing_share:6.1%} missing  {p.distinct:>7,} values{note}"
        )
    if inspection.leakage_suspects:
        lines += ["", "Columns that may give the answer away:"]
        lines += [f"  {s.column}: {s.reason}" for s in inspection.leakage_suspects]
    if inspection.excluded_columns:
        lines += ["", "Left out of the model by default:"]
        lines += [f"  {column}: {reason}" for column, reason in inspection.excluded_columns.items()]
    return "\n".join(lines)


def _leakage_and_exclusions(
    df: pd.DataFrame, mapping: OutcomeMapping, profiles: list[ColumnProfile], date_column: str | None
) -> tuple[list, dict, dict]:
    """Leakage suspects, default exclusions and every column's single-column AUC."""
    report = examine_columns(df, mapping.apply(df), profiles, date_column=date_column)
    excluded = dict(default_exclusions(profiles, report.suspects))
    # The outcome is what the model learns, never an input to leave out or keep.
    excluded.pop(mapping.column, None)
    return list(report.suspects), excluded, dict(report.column_auc)


def _suspect_dict(suspect) -> dict:
    if hasattr(suspect, "to_dict"):
        return _json_native(suspect.to_dict())
    return _json_native(
        {
            "column": suspect.column,
            "action": suspect.action,
            "reason": suspect.reason,
            "evidence": dict(suspect.evidence),
        }
    )


def _json_native(value):
    """Turn numpy / pandas scalars inside dicts and lists into plain Python values."""
    if isinstance(value, dict):
        return {str(k): _json_native(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_json_native(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (bool, int, float, str)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None  # strict JSON has no NaN
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
