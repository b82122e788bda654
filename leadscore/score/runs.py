"""What a scoring run records, the same way from the app and the command line.

A run keeps, for each lead, a *key* (to follow the lead from run to run), its probability, its
tier and its top reason, plus a summary (tiers, drift against the training leads, the model).
The key is, in this order: the column the user names; else the export's identifier column (a
lead ID); else its email address; else a stable hash of the values the model reads (see
:func:`leadscore.score.history.lead_keys`, which says the limit: without an ID or email, a lead whose
values change gets a new key).

Example
-------
>>> scheme = key_scheme(bundle, leads)                         # doctest: +SKIP
>>> run_leads(result.scored, scheme).head(2)                   # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from leadscore.score.drift import DriftReference
from leadscore.errors import LeadScoreInputError
from leadscore.explain.contributions import shown_values
from leadscore.score.history import lead_keys, outcome_feedback
from leadscore.clean.plan import cleaned_columns
from leadscore.model.tiers import TIERS
from leadscore.score.expected import expected_outcomes

__all__ = ["drift_reference", "key_scheme", "run_leads", "run_summary", "feedback_for"]


def drift_reference(pipeline, plan, X: pd.DataFrame) -> dict:
    """What the training leads looked like to the model, to tell later whether new leads differ.

    Parameters
    ----------
    pipeline : fitted Pipeline
        The saved model (its scores on the training leads are the reference scores).
    plan : CleaningPlan
    X : DataFrame
        The raw training leads.

    Returns
    -------
    dict
        :meth:`leadscore.score.drift.DriftReference.to_dict`.
    """
    # Only what the fitted model reads (its own cleaner's plan): a column it does not use never
    # raises drift, whatever the plan passed in says.
    model_plan = getattr(pipeline[0], "plan", None) if hasattr(pipeline, "__getitem__") else None
    columns = cleaned_columns(model_plan if model_plan is not None else plan)
    kinds = {name: "number" for name in columns["number"]} | {name: "category" for name in columns["category"]}
    shown = shown_values(pipeline, X)
    kinds = {name: kind for name, kind in kinds.items() if name in shown.columns}
    probabilities = pipeline.predict_proba(X)[:, 1]
    return DriftReference.from_training(shown[list(kinds)], probabilities, kinds).to_dict()


def key_scheme(bundle, leads: pd.DataFrame, key_column: str | None = None) -> dict:
    """How this run's leads are told apart: ``{"column": name or None, "columns": [...]}``.

    Raises
    ------
    LeadScoreInputError
        ``key_column`` is not a column of the leads.
    """
    if key_column is not None:
        if key_column not in leads.columns:
            raise LeadScoreInputError(
                f"There is no column '{key_column}' in these leads to tell them apart. Choose one of: "
                f"{', '.join(map(str, leads.columns[:20]))}."
            )
        return {"column": key_column, "columns": []}
    kinds = dict(getattr(bundle.plan, "column_kinds", {}) or {})
    for wanted in ("identifier", "personal"):
        for column in leads.columns:
            if kinds.get(column) != wanted:
                continue
            if wanted == "personal" and "mail" not in str(column).lower():
                continue
            values = leads[column]
            if values.notna().mean() >= 0.9 and values.nunique() >= 0.95 * values.notna().sum():
                return {"column": str(column), "columns": []}
    reads = [column["name"] for column in bundle.schema if column["name"] in leads.columns]
    return {"column": None, "columns": reads or [str(c) for c in leads.columns]}


def run_leads(scored: pd.DataFrame, scheme: dict) -> pd.DataFrame:
    """Each lead's key, probability, tier and top reason, as a run records them."""
    return pd.DataFrame(
        {
            "key": lead_keys(scored, key_column=scheme.get("column"), columns=scheme.get("columns") or None).to_numpy(),
            "probability": scored["conversion_probability"].to_numpy(dtype=float),
            "tier": scored["tier"].astype(str).to_numpy(),
            "reason": scored["reason_1"].fillna("").astype(str).to_numpy() if "reason_1" in scored else "",
        }
    )


def run_summary(bundle, scored: pd.DataFrame, drift: dict | None, policy, scheme: dict, warnings=()) -> dict:
    """The run's summary as recorded (and as ``leadscore score --summary-json`` writes it)."""
    tiers = scored["tier"].astype(str).value_counts()
    return {
        "rows": int(len(scored)),
        "tiers": {tier: int(tiers.get(tier, 0)) for tier in TIERS},
        "drift": drift,
        "model": bundle.name,
        "model_hash": bundle.content_hash,
        "policy": policy.describe(),
        "keys": scheme,
        "warnings": list(warnings),
        # What the chances promise before any outcome arrives (score.expected).
        "expected": expected_outcomes(scored) if len(scored) else None,
    }


def feedback_for(scores: pd.DataFrame, leads: pd.DataFrame, outcome, scheme: dict):
    """How earlier-scored leads really converted (:func:`leadscore.score.history.outcome_feedback`).

    Parameters
    ----------
    scores : DataFrame
        Recorded scores: ``key``, ``probability``, ``tier``, ``at``.
    leads : DataFrame
        A later export carrying outcomes.
    outcome : OutcomeMapping
        Which values mean converted (leads still open are skipped).
    scheme : dict
        The key scheme the runs used (:func:`key_scheme`).

    Raises
    ------
    LeadScoreInputError
        The export lacks the outcome column or the key column.
    """
    if scheme.get("column") and scheme["column"] not in leads.columns:
        raise LeadScoreInputError(
            f"These leads have no column '{scheme['column']}', which told the scored leads apart. "
            "Export them with that column to match them to their earlier scores."
        )
    converted = outcome.apply(leads)
    keys = lead_keys(leads, key_column=scheme.get("column"), columns=scheme.get("columns") or None)
    outcomes = pd.DataFrame({"key": keys.to_numpy(), "converted": converted.to_numpy(dtype=float)})
    if not np.isfinite(outcomes["converted"]).any():
        raise LeadScoreInputError(
            f"No lead in this file has a known outcome in '{outcome.column}'. Export the leads once "
            "their outcomes are known."
        )
    return outcome_feedback(scores[["key", "probability", "tier", "at"]], outcomes)
