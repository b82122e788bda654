"""The model card: what a saved model learned from, how well it did, and what it leaves out.

Written in Markdown for the app's download and ``leadscore card``. Tier figures are computed
from the model's held-out leads with the tier policy the model carries now, so the card never
shows one set of thresholds in a table and another in the text.

Example
-------
>>> print(model_card(load_bundle("models/leads.joblib")))   # doctest: +SKIP
# Model card: boosting model, 2026-11-29
...
"""

from __future__ import annotations

import math

from leadscore.model.bundle import ModelBundle
from leadscore.labels import label, rate_text
from leadscore.model.tiers import tier_table

__all__ = ["model_card"]



def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _percent(value, *against) -> str:
    # An empty tier has no conversion rate: a dash, never "nan%" or "None"; digits that tell
    # rates apart at low conversion (labels.rate_text), never "0.0%".
    return "-" if _missing(value) else rate_text(value, *[a for a in against if not _missing(a)])


def _count(value) -> str:
    return "-" if _missing(value) else f"{int(value):,}"


def _number(value, digits: int = 3) -> str:
    return "-" if _missing(value) else f"{value:.{digits}f}"


_KIND_NAMES = {
    "logistic": "logistic regression (regularized, scaled inputs)",
    "forest": "random forest",
    "boosting": "gradient boosting (scikit-learn HistGradientBoostingClassifier)",
}


def model_card(bundle: ModelBundle) -> str:
    """A Markdown model card: what the model learned from, how well it did, what it leaves out.

    Parameters
    ----------
    bundle : ModelBundle

    Returns
    -------
    str
        Markdown with sections: Summary, Trained on, How well it did, Tiers, Calibration,
        Left out, Would more data help, Technical details.
    """
    metrics = bundle.metrics
    validation = metrics.get("validation", {})
    readiness = metrics.get("readiness", {})
    counts = bundle.row_counts
    plan = bundle.plan
    outcome = getattr(plan, "outcome", None)
    labels = dict(getattr(plan, "labels", {}) or {})
    lines = [
        f"# Model card: {bundle.name or bundle.kind}",
        "",
        "## Summary",
        f"- Model: {_KIND_NAMES.get(bundle.kind, bundle.kind)}",
        f"- Trained: {bundle.trained_at}",
        f"- Verdict: **{readiness.get('verdict', 'n/a')}**. {readiness.get('message', '')}",
        "",
        "## Trained on",
        *([f"- Data: {bundle.data_name}"] if bundle.data_name else []),
        f"- {_count(counts.get('known_rows'))} past leads with a known outcome "
        f"({_count(counts.get('converted'))} converted, {_count(counts.get('not_converted'))} not converted).",
    ]
    if outcome is not None:
        lines.append(
            f"- Outcome column '{outcome.column}': converted = {', '.join(outcome.positive_values)}; "
            f"not converted = {', '.join(outcome.negative_values)}."
        )
    for reason, leads in (counts.get("set_aside") or {}).items():
        lines.append(f"- {_count(leads)} leads set aside: {reason}.")
    used = [label(column, labels) if label(column, labels) == column else f"{label(column, labels)} ({column})" for column in bundle.features_used]
    lines.append(f"- Columns used ({len(used)}): {', '.join(used)}.")
    lines += _performance_lines(bundle, validation, readiness, plan, labels)
    leaderboard = metrics.get("leaderboard", [])
    if leaderboard:
        lines += [
            "Models compared (on validation leads inside the training part, not the holdout):",
            "",
            "| Model | ROC AUC | Log loss | Brier | Fit seconds |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {row['model']} | {_number(row.get('roc_auc'))} | {_number(row.get('log_loss'))} | "
            f"{_number(row.get('brier'))} | {_number(row.get('fit_seconds'), 1)} |"
            for row in leaderboard
        ]
        lines.append("")
    lines += _tier_lines(bundle)
    lines += [
        "## Calibration",
        f"Calibration method: {bundle.calibration}. {bundle.notes.get('calibration', '')}",
        "",
        "## Left out, and why",
    ]
    excluded = dict(getattr(plan, "excluded", {}) or {})
    if excluded:
        lines += [f"- **{label(column, labels)}**: {reason}" for column, reason in excluded.items()]
    else:
        lines.append("- No columns were left out.")
    warned = dict(getattr(plan, "warned", {}) or {})
    if warned:
        lines += ["", "Kept by your choice although LeadScore flagged them:"]
        lines += [f"- **{label(column, labels)}**: {reason}" for column, reason in warned.items()]
    lines += [
        "",
        "## Would more data help?",
        metrics.get("learning_curve_answer", "n/a"),
        "",
        "## Technical details",
        f"- Final model: {bundle.notes.get('final_fit', '')}",
        f"- Libraries: " + ", ".join(f"{k} {v}" for k, v in bundle.versions.items()),
        f"- Content hash (sha256): {bundle.content_hash or 'not saved yet'}",
    ]
    return "\n".join(lines) + "\n"


def _performance_lines(bundle: ModelBundle, validation: dict, readiness: dict, plan, labels) -> list[str]:
    """How well it did, saying which model the figures describe (the model in use, and with a
    kept flagged column, the honest range beside it)."""
    honest = validation.get("without_warned")
    kept = [label(column, labels) for column in (honest or {}).get("columns", [])]
    if kept:
        which = (
            f"These figures describe the model in use, which reads {', '.join(repr(k) for k in kept)} by your choice; "
            "the honest range below gives the figure without them, on the same held-out leads."
        )
    else:
        which = "These figures describe the model in use, the one that scores your leads."
    lines = [
        "",
        "## How well it did",
        f"{bundle.notes.get('validation', '')}",
        "",
        which,
        "",
        "| Measure | Value | What it means |",
        "|---|---|---|",
        f"| ROC AUC | {_number(validation.get('roc_auc'))} | chance a converter is scored above a non-converter (0.5 = guessing) |",
        f"| Average precision | {_number(validation.get('average_precision'))} | how well converters concentrate at the top of the list |",
        f"| Lift in top 10% | {_number(validation.get('lift_top_decile'), 2)}x | the best-scored tenth converts this many times the average rate |",
        f"| Calibration error (ECE) | {_percent(validation.get('ece'))} | average gap between predicted and real conversion rate |",
        f"| Brier score | {_number(validation.get('brier'))} | squared error of the probabilities (lower is better) |",
        f"| Log loss | {_number(validation.get('log_loss'))} | penalty for confident mistakes (lower is better) |",
        "",
    ]
    if validation.get("copies"):
        lines += [f"{validation['copies']:,} leads were copies of another lead; each lead and its copies stayed on one side of every split.", ""]
    if honest:
        lines += [
            "**The honest range.** " + str(honest.get("sentence", "")),
            f"The verdict rests on {'the figure without them' if readiness.get('rests_on') == 'without warned columns' else 'the model as trained'}.",
            "",
        ]
    return lines


def _range(interval) -> str:
    """'27% and 38%' for a rate's [low, high] ("-" without one)."""
    return f"{rate_text(interval[0], interval[1])} and {rate_text(interval[1], interval[0])}" if interval else "-"


def _tier_lines(bundle: ModelBundle) -> list[str]:
    """The tier policy in words and, with held-out leads, how each tier converted under it."""
    policy = bundle.policy
    lines = ["## Tiers", f"- {policy.describe()}"]
    holdout = bundle.holdout
    if holdout is None or not len(holdout):
        return lines + [""]
    table = tier_table(holdout["conversion_probability"], policy, holdout["converted"])
    lines += [
        "",
        f"On the {len(holdout):,} held-out leads, with these tiers:",
        "",
        "| Tier | Probability | Leads | Converted | Conversion rate | Expected conversions | Rate most likely between (90%) |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {row.tier} | {row.range} | {_count(row.leads)} | {_count(row.converted)} | "
        f"{_percent(row.conversion_rate, *[r for r in table['conversion_rate'] if r != row.conversion_rate])} | "
        f"{_number(row.expected_conversions, 1)} | {_range(row.converted_interval)} |"
        for row in table.itertuples()
    ]
    return lines + [""]
