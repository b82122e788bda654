"""The app's journey: which steps are done, and the small computations the pages need.

The pages of the Streamlit app (Data, Clean, Train, Insights, Tiers, Score) keep the user's
choices and results in a plain mapping (``st.session_state`` in the app, a ``dict`` in tests).
This module knows the keys, what each step needs before it can run, and how to turn what the
library returns into the tables a page shows. It never imports Streamlit.

Example
-------
>>> state = new_state()
>>> step_status(state)["Data"]
False
>>> missing_step(state, "Train")
'Data'
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from leadscore.errors import LeadScoreInputError

__all__ = [
    "MEANINGS",
    "MODEL_CHOICES",
    "SAMPLE_LEADS",
    "SAMPLE_NEW_LEADS",
    "STEPS",
    "cli_examples",
    "forget_after",
    "mapping_from_table",
    "models_dir",
    "missing_step",
    "new_state",
    "outcome_value_table",
    "retier",
    "save_model",
    "scored_csv",
    "step_status",
    "tier_files_zip",
]

REPO = Path(__file__).resolve().parents[1]
SAMPLE_LEADS = REPO / "sample_data" / "leads.csv"
SAMPLE_NEW_LEADS = REPO / "sample_data" / "new_leads.csv"

#: The journey, in order; each step needs the one before it.
STEPS: tuple[str, ...] = ("Data", "Clean", "Train", "Insights", "Tiers", "Score")

#: Model choice label shown to the user -> ``TrainingSettings.model``.
MODEL_CHOICES: dict[str, str] = {
    "Automatic (try each, keep the best)": "auto",
    "Logistic regression (simple, fast)": "logistic",
    "Random forest": "forest",
    "Gradient boosting": "boosting",
}

#: ``TrainingSettings.model`` -> the model's name in plain words.
MODEL_NAMES: dict[str, str] = {
    "logistic": "logistic regression",
    "forest": "random forest",
    "boosting": "gradient boosting",
}

#: An outcome column with more distinct values than this is not an outcome.
MAX_OUTCOME_VALUES = 30

#: What a value in the outcome column can mean.
MEANINGS: tuple[str, ...] = ("converted", "not converted", "still open")

# Session keys and their starting values. Results of later steps are dropped when an earlier
# choice changes (see forget_after), so a page never shows a model trained on other data.
_DEFAULTS: dict[str, object] = {
    "leads": None,  # DataFrame of the lead history
    "leads_name": None,  # file name, or "sample leads"
    "leads_key": None,  # identifies the data (upload or sample) for caching
    "last_upload": None,  # file id of the last upload read, so a rerun does not read it again
    "outcome": None,  # OutcomeMapping
    "inspection": None,  # Inspection of leads + outcome
    "plan": None,  # CleaningPlan the user confirmed
    "training_rows": None,  # TrainingRows selected with the plan
    "training": None,  # TrainingResult
    "bundle": None,  # ModelBundle of the trained (or picked saved) model
    "model_path": None,  # where that bundle is saved, if it is
    "bundle_source": None,  # "trained" (this session) or the path of the saved model in use
    "tier_policy": None,  # TierPolicy (defaults set in new_state)
    "scored": None,  # DataFrame of scored leads
    "scored_name": None,
    "score_warnings": (),
    "insights": None,  # dict of explanation tables for the current model
    "visited": None,  # set of the read-only steps (Insights, Tiers) seen with this model
    "train_runs": 0,  # how many times a model was trained (a slider must not add one)
    "score_runs": 0,  # how many times leads were scored
    "unexpected_errors": [],  # tracebacks of errors a page caught, for tests and support
}

# What each step's result lives in, and which later keys to forget when it changes.
_STEP_KEYS: dict[str, tuple[str, ...]] = {
    "Data": ("outcome", "inspection"),
    "Clean": ("plan", "training_rows"),
    "Train": ("training", "bundle", "bundle_source", "model_path", "insights", "visited"),
    "Insights": (),
    "Tiers": (),
    "Score": ("scored", "scored_name", "score_warnings"),
}


def new_state() -> dict:
    """Fresh values for every session key (lists copied so sessions never share one)."""
    from leadscore.tiers import TierPolicy

    state = {key: (list(value) if isinstance(value, list) else value) for key, value in _DEFAULTS.items()}
    state["tier_policy"] = TierPolicy()
    return state


def init_state(state: MutableMapping) -> None:
    """Add any missing session key with its starting value; keeps what is already there."""
    for key, value in new_state().items():
        if key not in state:
            state[key] = value


def forget_after(state: MutableMapping, step: str) -> None:
    """Drop the results of every step after ``step`` (its own inputs changed).

    Parameters
    ----------
    state : mutable mapping
        The session state.
    step : str
        One of :data:`STEPS`; ``"Data"`` with new leads also drops the outcome mapping, so
        call ``forget_after(state, "start")`` for a brand-new file.
    """
    order = ("start", *STEPS)
    for later in order[order.index(step) + 1 :]:
        for key in _STEP_KEYS.get(later, ()):
            state[key] = None if key != "score_warnings" else ()


def step_status(state: Mapping) -> dict[str, bool]:
    """Which steps are done: ``{"Data": True, "Clean": False, ...}``.

    Insights and Tiers are "done" once the user has looked at them with the current model:
    they have no required action, only things to read and adjust.
    """
    trained = state.get("bundle") is not None
    seen = state.get("visited") or set()
    return {
        "Data": state.get("leads") is not None and state.get("outcome") is not None,
        "Clean": state.get("plan") is not None,
        "Train": trained,
        "Insights": trained and state.get("training") is not None and "Insights" in seen,
        "Tiers": trained and "Tiers" in seen,
        "Score": state.get("scored") is not None,
    }


def mark_visited(state: MutableMapping, step: str) -> None:
    """Remember that the user looked at ``step`` with the current model."""
    state["visited"] = set(state.get("visited") or ()) | {step}


def call_list_columns(scored: pd.DataFrame, plan=None) -> list[str]:
    """Column order for the call list: who the lead is, then score, tier, action and reasons.

    Parameters
    ----------
    scored : DataFrame
        From ``score_leads``.
    plan : CleaningPlan, optional
        Its ``column_kinds`` say which columns identify a lead (IDs, names, emails, phones).
    """
    result = ["lead_score", "conversion_probability", "tier", "next_action", "reason_1", "reason_2", "reason_3"]
    kinds = dict(getattr(plan, "column_kinds", None) or {})
    who = [c for c in scored.columns if kinds.get(c) in ("identifier", "personal") and c not in result]
    first = who + [c for c in result if c in scored.columns]
    return first + [c for c in scored.columns if c not in first]


def missing_step(state: Mapping, step: str) -> str | None:
    """The earlier step that must be done before ``step`` can run, or ``None``.

    Score needs only a model (a saved one will do), not the training history; Insights needs
    the training run of this session because it explains the holdout leads.
    """
    status = step_status(state)
    needs = {
        "Data": (),
        "Clean": ("Data",),
        "Train": ("Data", "Clean"),
        "Insights": ("Data", "Clean", "Train"),
        "Tiers": ("Train",),
        "Score": ("Train",),
    }[step]
    if step == "Insights" and status["Train"] and state.get("training") is None:
        return "Train"
    for earlier in needs:
        if not status[earlier]:
            return earlier
    return None


def default_outcome_column(columns: list[str], current=None, suggestion=None) -> str:
    """The outcome column to preselect: the user's choice, else LeadScore's find, else the last.

    Parameters
    ----------
    columns : list of str
        The file's columns.
    current : OutcomeMapping, optional
        The mapping the user already confirmed.
    suggestion : OutcomeSuggestion, optional
        ``suggest_outcome`` on the whole file (None when it found nothing).
    """
    if current is not None and current.column in columns:
        return current.column
    if suggestion is not None and suggestion.mapping is not None and suggestion.mapping.column in columns:
        return suggestion.mapping.column
    if suggestion is not None and suggestion.candidates and suggestion.candidates[0] in columns:
        return suggestion.candidates[0]
    return columns[-1]


def starting_mapping(column: str, current=None, suggestion=None):
    """The mapping to pre-fill the value table of ``column`` with.

    The user's own mapping for that column wins; then LeadScore's (complete, or the known
    spellings it could sort while it asks about the rest); None when nothing is known.
    """
    if current is not None and current.column == column:
        return current
    if suggestion is None:
        return None
    return suggestion.mapping or getattr(suggestion, "proposed", None)


def outcome_value_table(leads: pd.DataFrame, column: str, mapping=None) -> pd.DataFrame:
    """The distinct values of the outcome column, how many leads have each, and their meaning.

    Parameters
    ----------
    leads : DataFrame
        The lead history.
    column : str
        The outcome column.
    mapping : OutcomeMapping, optional
        The suggested or current mapping; values it does not mention are "still open" until
        the user says otherwise (blanks always are).

    Returns
    -------
    DataFrame with ``value`` (as written in the file, "(blank)" for empty cells), ``leads`` and
    ``meaning`` (one of :data:`MEANINGS`), most frequent value first.
    """
    if column not in leads.columns:
        raise LeadScoreInputError(f"There is no column '{column}'. Pick the outcome column from the list.")
    distinct = leads[column].nunique(dropna=True)
    if distinct > MAX_OUTCOME_VALUES:
        raise LeadScoreInputError(
            f"The column '{column}' has {distinct:,} different values, so it cannot say whether a "
            "lead converted. Pick the column with a few values such as yes/no or won/lost."
        )
    text = leads[column].astype("string").str.strip()
    text = text.mask(text.fillna("") == "", "(blank)")
    counts = text.fillna("(blank)").value_counts(sort=True)
    positive = {v.lower() for v in getattr(mapping, "positive_values", ()) if mapping and mapping.column == column}
    negative = {v.lower() for v in getattr(mapping, "negative_values", ()) if mapping and mapping.column == column}

    def meaning(value: str) -> str:
        key = value.lower()
        if key in positive:
            return "converted"
        if key in negative:
            return "not converted"
        return "still open"

    return pd.DataFrame(
        {
            "value": [str(v) for v in counts.index],
            "leads": counts.to_numpy(dtype=int),
            "meaning": [meaning(str(v)) for v in counts.index],
        }
    )


def mapping_from_table(column: str, table: pd.DataFrame):
    """Build the :class:`~leadscore.outcome.OutcomeMapping` from the edited value table.

    Raises
    ------
    LeadScoreInputError
        When no value means converted or none means not converted.
    """
    from leadscore.outcome import OutcomeMapping

    def values(meaning: str) -> tuple[str, ...]:
        chosen = table.loc[table["meaning"] == meaning, "value"].astype(str)
        return tuple(v for v in chosen if v != "(blank)")

    positive, negative, still_open = values("converted"), values("not converted"), values("still open")
    if not positive or not negative:
        missing = "converted" if not positive else "not converted"
        raise LeadScoreInputError(
            f"No value of '{column}' is marked as '{missing}'. In the table, set the meaning of "
            "the values that say a lead converted and of those that say it did not."
        )
    return OutcomeMapping(column=column, positive_values=positive, negative_values=negative, open_values=still_open)


def exclusion_table(suspects, plan) -> pd.DataFrame:
    """One row per leakage suspect: column, LeadScore's advice, why, evidence and the switch.

    Returns
    -------
    DataFrame with ``column``, ``advice`` ("leave out" / "check"), ``reason``, ``evidence``
    (short text) and ``exclude`` (bool: left out of the model under the current plan).
    """
    excluded = dict(getattr(plan, "excluded", {}) or {})
    rows = []
    for suspect in suspects:
        rows.append(
            {
                "column": suspect.column,
                "advice": "leave out" if suspect.action == "exclude" else "check",
                "reason": suspect.reason,
                "evidence": _evidence_text(suspect.evidence),
                "exclude": suspect.column in excluded,
            }
        )
    return pd.DataFrame(rows, columns=["column", "advice", "reason", "evidence", "exclude"])


def _evidence_text(evidence: Mapping) -> str:
    parts = []
    for key, value in (evidence or {}).items():
        if isinstance(value, float):
            value = f"{value:.2f}"
        elif isinstance(value, int) and not isinstance(value, bool):
            value = f"{value:,}"
        elif isinstance(value, (list, tuple)):
            value = ", ".join(_item_text(item) for item in value[:5])
        elif isinstance(value, dict):
            value = ", ".join(f"{k}: {v:.0%}" if isinstance(v, float) else f"{k}: {v}" for k, v in value.items())
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)


def _item_text(item) -> str:
    if not isinstance(item, Mapping):
        return str(item)
    details = ", ".join(
        f"{key.replace('_', ' ')} {value:.0%}" if "share" in key and isinstance(value, float) else f"{key.replace('_', ' ')} {value}"
        for key, value in item.items()
        if key != "value"
    )
    return f"'{item.get('value', '')}' ({details})" if "value" in item else details


def suspects_as_chosen(suspects, exclude: Mapping[str, bool]):
    """The leakage suspects re-labelled with the user's include/exclude switches.

    ``suggest_cleaning_plan`` leaves out every suspect whose action is "exclude", so the user's
    choice is passed back to the library as each suspect's action.
    """
    chosen = []
    for suspect in suspects:
        wanted = exclude.get(suspect.column, suspect.action == "exclude")
        chosen.append(replace(suspect, action="exclude" if wanted else "warn"))
    return chosen


def category_mapping_table(plan) -> pd.DataFrame:
    """The plan's category mappings as rows ``column, raw_value, becomes`` for editing.

    Spellings LeadScore merged come first (they are what the user should check), then the
    values kept as written.
    """
    rows = [
        {"column": column, "raw_value": raw, "becomes": canonical}
        for column, mapping in sorted((plan.category_mappings or {}).items())
        for raw, canonical in mapping.items()
    ]
    table = pd.DataFrame(rows, columns=["column", "raw_value", "becomes"])
    merged = table["raw_value"] != table["becomes"]
    return pd.concat([table[merged], table[~merged]], ignore_index=True)


def plan_with_category_table(plan, table: pd.DataFrame):
    """A copy of ``plan`` whose category mappings are the (edited) table's rows.

    The plan's own order of columns and values is kept, so an unedited table gives back an
    equal plan (and the same model: feature order follows this order).
    """
    edited: dict[tuple[str, str], str] = {}
    for row in table.itertuples(index=False):
        if pd.isna(row.column) or pd.isna(row.raw_value):
            continue
        becomes = row.raw_value if pd.isna(row.becomes) or str(row.becomes).strip() == "" else row.becomes
        edited[(str(row.column), str(row.raw_value))] = str(becomes).strip()
    mappings: dict[str, dict[str, str]] = {}
    for column, mapping in (plan.category_mappings or {}).items():
        mappings[column] = {raw: edited.pop((column, raw), canonical) for raw, canonical in mapping.items()}
    for (column, raw), becomes in edited.items():
        mappings.setdefault(column, {})[raw] = becomes
    return replace(plan, category_mappings=mappings)


def cleaning_choices(plan) -> pd.DataFrame:
    """Each cleaning choice in plain words: ``choice``, ``setting`` and ``effect``."""
    missing = plan.missing or {}
    how = {
        "median": "typical (median) value",
        "most_frequent": "most common value",
        "unknown": "'Unknown'",
        "model": "left for the model",
    }
    fills = ", ".join(f"{column}: {how.get(rule, rule)}" for column, rule in sorted(missing.items())) or "none needed"
    rows = [
        ("Outcome", f"'{plan.outcome.column}'", "Converted = " + ", ".join(plan.outcome.positive_values)),
        (
            "Time window",
            f"last {plan.window_months} months of '{plan.date_column}'" if plan.window_months and plan.date_column else "all history",
            "Older leads are left out so the model learns today's market." if plan.window_months else "Every lead with an outcome is used.",
        ),
        ("Number columns", str(len(plan.numeric)), ", ".join(plan.numeric) or "none"),
        ("Category columns", str(len(plan.categorical)), ", ".join(plan.categorical) or "none"),
        ("Yes/no columns", str(len(plan.boolean)), ", ".join(plan.boolean) or "none"),
        ("Dates and times", str(len(plan.timestamps)), "Turned into hour and day of week: " + (", ".join(plan.timestamps) or "none")),
        ("Follow-up speed", str(len(plan.followup)), ", ".join(f"{a} -> {b} (minutes)" for a, b in plan.followup) or "none found"),
        ("Free text", "used" if plan.use_text else "not used", ", ".join(plan.text) or "no text columns"),
        ("Rare categories", f"under {plan.rare_share:.0%} of leads", "Grouped as 'Other' so a handful of leads cannot steer the model."),
        ("Missing values", f"{len(missing)} columns", fills),
        ("Missing flags", str(len(plan.missing_indicators)), "A yes/no column saying the value was missing: " + (", ".join(plan.missing_indicators) or "none")),
        ("Left out", f"{len(plan.excluded)} columns", "; ".join(f"{c}: {r}" for c, r in plan.excluded.items()) or "none"),
    ]
    return pd.DataFrame(rows, columns=["choice", "setting", "effect"])


def slider_percents(policy) -> tuple[int, int, int]:
    """The policy's Hot, Warm and Cool thresholds as whole percents, for sliders."""
    return tuple(int(round(value * 100)) for value in (policy.hot, policy.warm, policy.cool))


def action_table(policy) -> pd.DataFrame:
    """The policy's next action per tier as an editable table (``tier``, ``action``)."""
    from leadscore.tiers import TIERS

    return pd.DataFrame({"tier": list(TIERS), "action": [policy.actions[t] for t in TIERS]})


def actions_from_table(table: pd.DataFrame) -> dict[str, str]:
    """Actions from the edited table; an emptied cell goes back to the default action."""
    from leadscore.tiers import DEFAULT_ACTIONS

    actions = {}
    for tier, action in zip(table["tier"], table["action"]):
        text = "" if action is None or pd.isna(action) else str(action).strip()
        actions[str(tier)] = text or DEFAULT_ACTIONS[str(tier)]
    return actions


def retier(scored: pd.DataFrame, policy) -> pd.DataFrame:
    """Scored leads with ``tier`` and ``next_action`` recomputed for new thresholds.

    Only the tier labels change: probabilities are kept, so moving a slider never re-scores.
    """
    from leadscore.tiers import assign_tiers

    tiers = assign_tiers(scored["conversion_probability"].to_numpy(dtype=float), policy)
    result = scored.copy()
    result["tier"] = tiers
    if "next_action" in result.columns:
        result["next_action"] = [policy.actions[t] for t in tiers]
    return result


def ranked(scored: pd.DataFrame) -> pd.DataFrame:
    """Scored leads best first (highest conversion probability), the call list order."""
    return scored.sort_values("conversion_probability", ascending=False, kind="stable")


def scored_csv(scored: pd.DataFrame) -> bytes:
    """The scored leads as an Excel-safe UTF-8 CSV (with BOM so Excel reads accents)."""
    from leadscore.score import excel_safe

    return excel_safe(scored).to_csv(index=False).encode("utf-8-sig")


def tier_files_zip(scored: pd.DataFrame) -> bytes:
    """A zip with one CSV per tier (hot.csv, warm.csv, cool.csv, cold.csv), best leads first."""
    from leadscore.tiers import TIERS

    buffer = io.BytesIO()
    ordered = ranked(scored)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for tier in TIERS:
            archive.writestr(f"{tier.lower()}.csv", scored_csv(ordered[ordered["tier"] == tier]))
    return buffer.getvalue()


def tier_summary(scored: pd.DataFrame) -> pd.DataFrame:
    """Leads and expected conversions per tier among scored leads (no outcomes needed)."""
    from leadscore.tiers import TIERS

    rows = []
    for tier in TIERS:
        part = scored.loc[scored["tier"] == tier, "conversion_probability"]
        rows.append({"tier": tier, "leads": int(part.size), "expected_conversions": float(part.sum())})
    return pd.DataFrame(rows)


def models_dir() -> Path:
    """The local folder of saved models: ``$LEADSCORE_MODELS_DIR`` or ``./models``."""
    return Path(os.environ.get("LEADSCORE_MODELS_DIR") or "models")


def model_file_name(label: str, when: datetime | None = None) -> str:
    """A safe file name for a saved model, e.g. ``2026-11-27_1030_spring-leads.joblib``."""
    when = when or datetime.now()
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40] or "model"
    return f"{when:%Y-%m-%d_%H%M%S}_{slug}.joblib"


def save_model(bundle, label: str, folder: Path | None = None) -> Path:
    """Save ``bundle`` (signed, by ``leadscore.bundle.save_bundle``) into the models folder."""
    from leadscore.bundle import save_bundle

    folder = Path(folder or models_dir())
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / model_file_name(label)
    save_bundle(bundle, path)
    return path


def bundle_bytes(bundle) -> bytes:
    """The bundle as the bytes of a saved model file (for the download button)."""
    import tempfile

    from leadscore.bundle import save_bundle

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "leadscore-model.joblib"
        save_bundle(bundle, path)
        return path.read_bytes()


def example_lead(schema: list[dict] | None) -> dict[str, object]:
    """One made-up lead with every column a model reads (typical values), for the JSON example."""
    if not schema:
        return {"source": "Referral", "pages_viewed": 7}
    lead: dict[str, object] = {}
    for column in schema:
        kind, fill = column.get("kind"), column.get("fill")
        if kind == "date":
            value: object = "2026-11-27 09:30"
        elif kind == "category" and column.get("categories"):
            value = fill if fill not in (None, "", "Unknown") else column["categories"][0]
        elif kind == "number":
            value = round(float(fill), 2) if isinstance(fill, (int, float)) and fill == fill else 1
        elif kind == "boolean":
            value = "yes"
        else:
            value = fill if fill not in (None, "") else ""
        lead[column["name"]] = value
    return lead


def cli_examples(model_path: str = "models/leadscore-model.joblib", schema: list[dict] | None = None) -> dict[str, str]:
    """Shell examples for scoring with the ``leadscore`` command instead of the app.

    With the model's ``schema``, the JSON-lines example is a lead with exactly the columns that
    model reads, so it works when pasted into a terminal.
    """
    lead = json.dumps(example_lead(schema), ensure_ascii=False).replace("'", "")
    return {
        "csv": f"leadscore score {model_path} new_leads.csv --out scored_leads.csv",
        "tiers": f"leadscore score {model_path} new_leads.csv --out scored_leads.csv --split-tiers by_tier/",
        "jsonl": (
            f"echo '{lead}' \\\n  | leadscore score {model_path} -\n"
            "# one JSON result per lead, as soon as it is scored: the lead's own fields, then\n"
            '# "lead_score", "conversion_probability", "tier", "next_action", "reason_1".."reason_3"'
        ),
        "weekly": (
            "# every Monday at 7:00, score the week's export with last week's model\n"
            f"0 7 * * 1  leadscore score {model_path} /exports/new_leads.csv --out /exports/call_list.csv"
        ),
    }


def holdout_arrays(training) -> tuple[np.ndarray, np.ndarray]:
    """The holdout leads' probabilities and outcomes from a ``TrainingResult``."""
    holdout = training.holdout
    return (
        holdout["conversion_probability"].to_numpy(dtype=float),
        holdout["converted"].to_numpy(dtype=float),
    )


def run_counted(state: MutableMapping, counter: str, work: Callable):
    """Run ``work()`` and count it in ``state[counter]`` (tests check sliders add none)."""
    result = work()
    state[counter] = int(state.get(counter) or 0) + 1
    return result
