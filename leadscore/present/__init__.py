"""What the app shows: charts, tables and words built from the workflow's results, for the pages to display.

The pages import only :mod:`leadscore.project` and this stage. Most names here are the tables
and charts each stage builds for display (re-exported, so a page has one place to look); the
modules of this stage hold what is about showing alone: :mod:`~leadscore.present.charts`
(Altair), :mod:`~leadscore.present.words` (user text shown as text, verdicts, notes) and
:mod:`~leadscore.present.automation` (commands to copy).
"""

from __future__ import annotations

from leadscore._lazy import lazy_exports

# public name -> the module that defines it
_EXPORTS = {
    "charts": "leadscore.present.charts",
    "SENSITIVE_ADVICE": "leadscore.inspect.sensitive",
    "fairness_display": "leadscore.explain.fairness",
    "profile_table": "leadscore.inspect.profile",
    "value_table": "leadscore.inspect.outcome",
    "mapping_from_table": "leadscore.inspect.outcome",
    "MEANINGS": "leadscore.inspect.outcome",
    "format_inspection": "leadscore.inspect.inspection",
    "column_table": "leadscore.clean.plan",
    "overrides_from_column_table": "leadscore.clean.plan",
    "labels_from_column_table": "leadscore.clean.plan",
    "category_mapping_table": "leadscore.clean.plan",
    "spellings_from_table": "leadscore.clean.plan",
    "plan_table": "leadscore.clean.plan",
    "cleaning_summary": "leadscore.clean.plan",
    "tier_table": "leadscore.model.tiers",
    "tier_table_text": "leadscore.model.tiers",
    "action_table": "leadscore.model.tiers",
    "actions_from_table": "leadscore.model.tiers",
    "replace_actions": "leadscore.model.tiers",
    "tier_advice": "leadscore.model.tiers",
    "gains_curve": "leadscore.model.tiers",
    "threshold_marks": "leadscore.model.tiers",
    "MODEL_NAMES": "leadscore.model.estimators",
    "label": "leadscore.labels",
    "format_value": "leadscore.labels",
    "model_file_bytes": "leadscore.model.bundle",
    "model_card": "leadscore.model.card",
    "scored_csv": "leadscore.score.export",
    "crm_csv": "leadscore.score.export",
    "tier_zip": "leadscore.score.export",
    "call_list": "leadscore.score.export",
    "ranked": "leadscore.score.export",
    "retier": "leadscore.score.scoring",
    "tier_summary": "leadscore.score.scoring",
    "expected_outcomes": "leadscore.score.expected",
    "drift_table": "leadscore.score.scoring",
    "SCORE_COLUMNS": "leadscore.score.scoring",
    "tier_changes": "leadscore.score.history",
    "identifier_columns": "leadscore.score.identity",
    "plain": "words",
    "verdict_box": "words",
    "holdout_ranges": "words",
    "tier_rate_ranges": "words",
    "expected_words": "words",
    "tier_gap_note": "words",
    "version_rows": "words",
    "examples": "automation",
    "example_lead": "automation",
    "automation_snippets": "automation",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
