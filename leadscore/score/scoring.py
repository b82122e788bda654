"""Score new leads with a saved model: probabilities, tiers, next actions and reasons.

The scoring core. Three ways in use it:

- :func:`score_leads` for a DataFrame already read (the app, the project),
- :func:`leadscore.score.score_files.score_file` for a file of any size, in chunks (``leadscore score``),
- :func:`leadscore.score.stream.stream_jsonl` for one JSON lead per line (``leadscore score MODEL -``).

Every new file is checked against the model's input schema first: a missing column the model
needs is an error naming it; a missing column the model can do without is a warning; extra
columns pass through untouched; values the model has not seen, text in number columns, yes/no
answers that are neither and values of date columns that are no date are counted and reported,
never a crash; Excel day numbers in a date column are read as their dates, with a note. Row in = row out: a blank row is scored as a blank lead.

Only what scoring needs is imported here (pandas, numpy, the saved pipeline's own modules):
no Streamlit, no Altair, no shap (tree reasons are LeadScore's own Saabas values,
:mod:`leadscore.explain._saabas`), and the drift comparison only when a whole batch is compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from leadscore.inspect.categories import canonicalize
from leadscore.clean.cleaner import to_flag
from leadscore.errors import LeadScoreInputError
from leadscore.explain.contributions import lead_contributions, lead_reasons, predict_and_explain, shown_values, tree_explainer
from leadscore.clean.plan import OTHER
from leadscore.io.read import day_numbers_note, read_date_column, to_number, unreadable_dates_note
from leadscore.model.tiers import TIERS, TierPolicy, assign_tiers, tier_advice
from leadscore.score.export import ROW_COLUMN

__all__ = [
    "SCORE_COLUMNS",
    "ScoringResult",
    "score_leads",
    "score_batch",
    "merge_reports",
    "report_warnings",
    "reference_lead",
    "reasons_explainer",
    "resolve_policy",
    "retier",
    "with_row_numbers",
    "drift_table",
    "tier_summary",
]

REASON_COLUMNS = ("reason_1", "reason_2", "reason_3")
SCORE_COLUMNS = ("lead_score", "conversion_probability", "tier", "next_action", *REASON_COLUMNS)
_EXAMPLES = 3


@dataclass
class ScoringResult:
    """What :func:`score_leads` returns.

    Attributes
    ----------
    scored : DataFrame
        Every original column in its original order (values as read; the outputs of
        :mod:`leadscore.score.export` show them as written), then ``lead_score`` (0-100),
        ``conversion_probability``, ``tier``, ``next_action``, ``reason_1``..``reason_3``; then,
        when nothing else tells the leads apart, ``row`` (see :func:`with_row_numbers`).
    warnings : list of str
        Plain-words notes about the file (missing optional columns, unseen values, text in
        number columns), each saying what was done.
    report : dict
        The same as counts: ``rows``, ``tiers`` (tier -> leads), ``missing_columns``,
        ``renamed_columns`` (model column -> column in the file), ``unreadable_numbers``
        (column -> count), ``excel_serial_dates`` (column -> Excel day numbers read as dates),
        ``unreadable_dates`` (column -> values that were no date, now missing),
        ``unseen_values`` (column -> {"leads", "examples", "kind"}, and for a yes/no column the
        ``fill`` its unreadable answers were scored as),
        ``replaced_columns``, ``reasons`` (how reasons were computed; absent without reasons),
        ``reasons_error`` (why reasons are missing, if they are).
    drift : dict or None
        How these leads compare with the training leads (:class:`leadscore.score.drift.DriftReport`
        as a dict: ``verdict``, ``message``, ``columns``, ``score_psi``); None for models saved
        without a drift reference.
    """

    scored: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    report: dict = field(default_factory=dict)
    drift: dict | None = None


# --------------------------------------------------------------------------------------------
# Schema checks


def _key(name) -> str:
    return " ".join(str(name).split()).lower()


def _blank(series: pd.Series) -> pd.Series:
    """True where a value is missing or only spaces."""
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series.isna()
    text = series.astype("str")
    return series.isna() | (text.str.strip() == "")


def _blank_rows(df: pd.DataFrame) -> np.ndarray:
    """True for rows where every cell is blank."""
    blank = np.ones(len(df), dtype=bool)
    for position in range(df.shape[1]):
        blank &= _blank(df.iloc[:, position]).to_numpy()
        if not blank.any():
            break
    return blank


def _numbers(series: pd.Series) -> tuple[pd.Series, int]:
    """Floats for a number column and how many non-blank values were not numbers."""
    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
        return series.astype("float64"), 0
    clean_numbers = _arrow_numbers(series)
    if clean_numbers is not None:
        return clean_numbers, 0
    blank = _blank(series)
    fast = pd.to_numeric(series.where(~blank), errors="coerce")
    unread = ~blank & fast.isna()
    if not unread.any():
        return fast.astype("float64"), 0
    # Messy numbers ("$3,500", "45%") are read exactly as the training file was.
    return to_number(series)


def _arrow_numbers(series: pd.Series) -> pd.Series | None:
    """Fast path for text columns holding only plain numbers and blanks (the usual case in a
    big file read as text): one Arrow cast. None when any value needs the careful path."""
    if not pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        text = pc.utf8_trim_whitespace(pa.array(series))
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        floats = pc.cast(text, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    values = floats.to_numpy(zero_copy_only=False)
    if np.isinf(values).any():  # "inf" is text to a marketer; let the careful path count it
        return None
    return pd.Series(values, index=series.index, name=series.name, dtype="float64")


def _prepare(df: pd.DataFrame, schema: list[dict]) -> tuple[pd.DataFrame, dict]:
    """The model's input for these leads, and what was found while checking them.

    Raises
    ------
    LeadScoreInputError
        When columns the model cannot do without are missing.
    """
    by_key = {_key(c): c for c in df.columns}
    model_input = {}
    report = {
        "missing_columns": [], "unreadable_numbers": {}, "unseen_values": {}, "renamed_columns": {},
        "excel_serial_dates": {}, "unreadable_dates": {},
    }
    missing_required = []
    for column in schema:
        name = column["name"]
        source = name if name in df.columns else by_key.get(_key(name))
        if source is None:
            if column.get("required", False):
                missing_required.append(name)
            else:
                report["missing_columns"].append(name)
                model_input[name] = pd.Series(np.nan, index=df.index, dtype="float64")
            continue
        if source != name:
            report["renamed_columns"][name] = source
        values = df[source]
        kind = column.get("kind")
        if kind == "number":
            values, not_numbers = _numbers(values)
            if not_numbers:
                report["unreadable_numbers"][name] = not_numbers
        elif kind == "date":
            # Read as the training file was read, Excel day numbers included (a column of only
            # day numbers is read as numbers by read_leads, which cannot know it holds dates).
            values, day_numbers, not_dates = read_date_column(values)
            if day_numbers:
                report["excel_serial_dates"][name] = day_numbers
            if not_dates:
                report["unreadable_dates"][name] = not_dates
        if not (pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(values.dtype)):
            values = values.where(~_blank(values))
        model_input[name] = values
    if schema and len(missing_required) + len(report["missing_columns"]) == len(schema):
        raise LeadScoreInputError(
            "None of the columns the model reads are in these leads (it reads "
            f"{', '.join(repr(c['name']) for c in schema[:8])}{', ...' if len(schema) > 8 else ''}). "
            "Check that this is an export of the same kind of leads, with the same column names."
        )
    if missing_required:
        listed = ", ".join(f"'{name}'" for name in missing_required)
        raise LeadScoreInputError(
            f"These leads have no column {listed}, which the model needs to score them. Add "
            f"{'it' if len(missing_required) == 1 else 'them'} to the file (same name as in the "
            f"training file), or train a new model without {'it' if len(missing_required) == 1 else 'them'}."
        )
    frame = pd.DataFrame(model_input, index=df.index)
    return frame, report


def _count_unseen(
    model_input: pd.DataFrame, cleaned: pd.DataFrame, schema: list[dict], report: dict, mappings: dict | None = None
) -> None:
    """Count leads whose category (or yes/no) value the model did not learn from, with a few
    examples. Read as the cleaner reads them, so spelling grouping is exactly training's: a
    category value the cleaner sent to "Other", or a yes/no value that is neither yes nor no."""
    for column in schema:
        name, kind = column["name"], column.get("kind")
        if kind not in ("category", "boolean") or name not in cleaned.columns or name not in model_input.columns:
            continue
        raw = model_input[name]
        given = raw.notna().to_numpy()
        if kind == "category":
            outside = cleaned[name].to_numpy(dtype=object) == OTHER
            outside &= given & (raw.astype("str").str.strip().str.lower() != OTHER.lower()).to_numpy()
            spellings = (mappings or {}).get(name)
            if spellings and outside.any():
                # Values seen in training but too rare to learn from were grouped as "Other"
                # there too: scoring treats them exactly as training did, so they are not new.
                seen = set(spellings.values())
                canonical = canonicalize(raw[outside], spellings)
                outside[np.flatnonzero(outside)[canonical.isin(seen).to_numpy()]] = False
        else:
            # The cleaner fills an unreadable answer like a blank one, so read the raw values.
            outside = given & to_flag(raw).isna().to_numpy()
        if not outside.any():
            continue
        entry = report["unseen_values"].setdefault(name, {"leads": 0, "examples": [], "kind": kind})
        if kind == "boolean":
            entry["fill"] = column.get("fill")
        entry["leads"] += int(outside.sum())
        for value in pd.unique(raw[outside].astype("str"))[:_EXAMPLES]:
            if value not in entry["examples"] and len(entry["examples"]) < _EXAMPLES:
                entry["examples"].append(value)


def report_warnings(report: dict) -> list[str]:
    """Plain-words warnings from a (possibly merged) report."""
    notes = []
    missing = report.get("missing_columns", [])
    if missing:
        listed = ", ".join(f"'{name}'" for name in missing)
        notes.append(
            f"These leads have no column {listed}; the model scored them as if the value were "
            "unknown. Add the column to get more precise scores."
        )
    for name, source in report.get("renamed_columns", {}).items():
        notes.append(f"The column '{source}' was read as the model's column '{name}'.")
    for name, count in report.get("unreadable_numbers", {}).items():
        values = "value" if count == 1 else "values"
        were = "was not a number and was" if count == 1 else "were not numbers and were"
        notes.append(f"{count:,} {values} in '{name}' {were} treated as missing. Check that column if this is unexpected.")
    notes += [day_numbers_note(name, count) for name, count in report.get("excel_serial_dates", {}).items()]
    notes += [unreadable_dates_note(name, count) for name, count in report.get("unreadable_dates", {}).items()]
    for name, entry in report.get("unseen_values", {}).items():
        examples = ", ".join(f"'{e}'" for e in entry["examples"])
        one = entry["leads"] == 1
        if entry.get("kind") == "boolean":
            notes.append(_not_yes_or_no(name, entry["leads"], examples, entry.get("fill")))
            continue
        treated = "scored like the model's 'Other' group"
        notes.append(
            f"{entry['leads']:,} {'lead has' if one else 'leads have'} a '{name}' value the model never "
            f"saw in training (for example {examples}); {'it was' if one else 'they were'} {treated}."
        )
    replaced = report.get("replaced_columns", [])
    if replaced:
        notes.append(
            f"The file already had the column(s) {', '.join(replaced)}; they were replaced by the new scores."
        )
    blank = report.get("blank_rows", 0)
    if blank:
        notes.append(
            f"{blank:,} row(s) were completely empty; they were scored as leads with nothing known, so "
            "every row of the file has its row in the result."
        )
    if report.get("reasons_error"):
        notes.append(report["reasons_error"])
    return notes


def _not_yes_or_no(name: str, count: int, examples: str, fill) -> str:
    """The warning for answers in a yes/no column that are neither, saying how they were scored."""
    one = count == 1
    if fill is None or pd.isna(fill):
        scored_as = "left to the model as unknown"
    else:
        scored_as = f"scored as '{'yes' if fill else 'no'}', as the model scores a blank answer"
    return (
        f"{count:,} {'value' if one else 'values'} in '{name}' {'was' if one else 'were'} not yes or no "
        f"(such as {examples}); {'it was' if one else 'they were'} treated as missing and {scored_as}. "
        "Write yes or no (also read: y/n, true/false, 1/0, x for a ticked box) to score "
        f"{'it on its' if one else 'them on their'} answer."
    )


def merge_reports(total: dict, part: dict) -> None:
    for name in part.get("missing_columns", []):
        if name not in total.setdefault("missing_columns", []):
            total["missing_columns"].append(name)
    total.setdefault("renamed_columns", {}).update(part.get("renamed_columns", {}))
    for key in ("unreadable_numbers", "excel_serial_dates", "unreadable_dates"):
        for name, count in part.get(key, {}).items():
            total.setdefault(key, {})[name] = total.get(key, {}).get(name, 0) + count
    for name, entry in part.get("unseen_values", {}).items():
        merged = total.setdefault("unseen_values", {}).setdefault(
            name, {key: value for key, value in entry.items() if key not in ("leads", "examples")} | {"leads": 0, "examples": []}
        )
        merged["leads"] += entry["leads"]
        for example in entry["examples"]:
            if example not in merged["examples"] and len(merged["examples"]) < _EXAMPLES:
                merged["examples"].append(example)
    for name in part.get("replaced_columns", []):
        if name not in total.setdefault("replaced_columns", []):
            total["replaced_columns"].append(name)
    for key in ("rows", "blank_rows"):
        total[key] = total.get(key, 0) + part.get(key, 0)
    for tier, count in part.get("tiers", {}).items():
        total.setdefault("tiers", {}).setdefault(tier, 0)
        total["tiers"][tier] += count
    for key in ("reasons", "reasons_error", "drift"):
        if part.get(key) and not total.get(key):
            total[key] = part[key]


# --------------------------------------------------------------------------------------------
# Scoring core


def reference_lead(bundle):
    """What reasons compare each lead with: the model's average training lead (None for a bundle
    built without one: reasons then compare with the average of the leads scored together)."""
    return getattr(bundle, "explain_reference", None)


def score_batch(
    bundle, df: pd.DataFrame, policy: TierPolicy, reasons: bool, reference, labels=None, drift: bool = False, explainer=None
) -> tuple[pd.DataFrame, dict]:
    """Score one batch: the leads with their score columns, and what was found on the way.

    A policy by share is resolved on this batch's probabilities (callers resolve it first when
    the batch is only part of the leads). With ``drift``, ``report["drift"]`` compares the batch
    with the training leads."""
    pipeline = bundle.pipeline
    schema = list(bundle.schema)
    model_input, report = _prepare(df, schema)
    reason_texts = None
    if len(df) == 0:
        probability = np.zeros(0)
    else:
        # Clean, encode and predict once; the reasons reuse all three (and, for trees, the walk
        # down the trees that gave the probabilities).
        cleaned = pipeline[0].transform(model_input)
        encoded = pipeline[1:-1].transform(cleaned) if len(pipeline) > 2 else cleaned
        if reasons and explainer is None:
            explainer = reasons_explainer(pipeline)
        probability, tree_values = predict_and_explain(pipeline, encoded, explainer if reasons else None)
        plan = getattr(pipeline[0], "plan", None)
        _count_unseen(model_input, cleaned, schema, report, getattr(plan, "category_mappings", None))
        if drift and getattr(bundle, "drift_reference", None):
            report["drift"] = _drift(bundle, model_input, cleaned, probability, report)
        if reasons:
            try:
                contributions = lead_contributions(
                    pipeline, model_input, reference, forward=(cleaned, encoded, probability), explainer=explainer,
                    tree_values=tree_values,
                )
                reason_texts = lead_reasons(
                    pipeline, model_input, top=len(REASON_COLUMNS), contributions=contributions, labels=labels
                )
                report["reasons"] = contributions.method
            except TypeError as error:  # a model kind explain.py cannot explain
                report["reasons_error"] = f"Reasons are not available for this model ({error}); the scores are complete."

    replaced = [c for c in SCORE_COLUMNS if c in df.columns]
    scored = df.drop(columns=replaced) if replaced else df.copy()
    # Scores and tiers are read off the probability as shown (4 decimals), so sorting by either,
    # or re-tiering the shown probabilities later, gives the same answer.
    probability = np.round(np.clip(np.asarray(probability, dtype=float), 0.0, 1.0), 4)
    policy = policy.resolved(probability)
    tiers = assign_tiers(probability, policy)
    scored["lead_score"] = np.floor(probability * 100 + 0.5).astype("int64")
    scored["conversion_probability"] = probability
    scored["tier"] = tiers
    scored["next_action"] = pd.Series(tiers, index=df.index).map(policy.actions).to_numpy(dtype=object)
    for column in REASON_COLUMNS:
        scored[column] = reason_texts[column].to_numpy() if reason_texts is not None else ""
    report["rows"] = len(df)
    report["blank_rows"] = int(_blank_rows(df).sum())
    report["tiers"] = {tier: int(np.sum(tiers == tier)) for tier in TIERS}
    report["replaced_columns"] = replaced
    return scored, report


def reasons_explainer(pipeline):
    """The tree explainer for reasons, built once per file or stream (None for other models)."""
    try:
        return tree_explainer(pipeline)
    except TypeError:  # a model kind explain.py cannot explain: the reasons say so
        return None


def _drift(bundle, model_input: pd.DataFrame, cleaned: pd.DataFrame, probability, report: dict) -> dict:
    """These leads against the training leads (see :mod:`leadscore.score.drift`)."""
    # Imported here: a stream of single leads never compares drift and starts without it.
    from leadscore.score.drift import DriftReference, compare

    reference = DriftReference.from_dict(bundle.drift_reference)
    shown = shown_values(bundle.pipeline, model_input, cleaned)
    columns = [column.name for column in reference.columns if column.name in shown.columns]
    unseen = {name: entry for name, entry in report.get("unseen_values", {}).items() if name in columns}
    return compare(reference, shown[columns], probability, unseen=unseen).to_dict()


def score_leads(
    bundle, df: pd.DataFrame, policy: TierPolicy | None = None, reasons: bool = True, labels=None
) -> ScoringResult:
    """Score a table of new leads with a saved model.

    Parameters
    ----------
    bundle : ModelBundle
        A loaded model (``pipeline``, ``schema``, ``policy``).
    df : DataFrame
        The new leads, as read by ``read_leads``. Row in = row out: order, index and every
        original column (IDs included) are kept; extra columns pass through untouched.
    policy : TierPolicy, optional
        Tier thresholds and actions; the model's own when omitted.
    reasons : bool
        Fill ``reason_1``..``reason_3`` (a little slower); empty text when False.
    labels : mapping, optional
        Column labels the reasons use (default: the model's).

    Returns
    -------
    ScoringResult

    Raises
    ------
    LeadScoreInputError
        When columns the model needs are missing (the message names them).

    Example
    -------
    >>> result = score_leads(load_bundle("model.joblib"), read_leads("new.csv"))   # doctest: +SKIP
    >>> result.scored[["lead_score", "tier", "reason_1"]].head(1)                  # doctest: +SKIP
    """
    policy = policy or getattr(bundle, "policy", None) or TierPolicy()
    reference = reference_lead(bundle) if reasons else None
    scored, report = score_batch(bundle, df, policy, reasons, reference, labels, drift=True)
    scored = with_row_numbers(scored, bundle)
    advice = tier_advice(scored["conversion_probability"].to_numpy(dtype=float), policy)
    return ScoringResult(scored, report_warnings(report) + ([advice] if advice else []), report, report.get("drift"))


def with_row_numbers(scored: pd.DataFrame, bundle) -> pd.DataFrame:
    """The scored leads with their row in the file, as a last column ``row``, when nothing else
    tells them apart: no column of theirs is an identifier in the model's plan (a lead ID), and
    none is already called "row". Otherwise ``scored`` as it is. (Last, so that the file's own
    columns keep their places; the CRM file and the call list put it first.)

    ``row`` counts the leads as a spreadsheet user counts data rows: 1 is the first lead under
    the header (the spreadsheet's row 2), blank rows included, so the row of a lead in any output
    is its row in the file. It is read off the index, which :func:`leadscore.io.read.read_leads`
    and the chunked reader number from 0 in the file's order; a table with another index is
    numbered from 1 in its own order.

    Example
    -------
    >>> from types import SimpleNamespace
    >>> bundle = SimpleNamespace(plan=SimpleNamespace(column_kinds={"email": "personal"}))
    >>> with_row_numbers(pd.DataFrame({"email": ["a@x.example", "b@x.example"]}), bundle)["row"].tolist()
    [1, 2]
    """
    kinds = dict(getattr(getattr(bundle, "plan", None), "column_kinds", {}) or {})
    if any(kinds.get(column) == "identifier" for column in scored.columns):
        return scored
    if any(str(column).strip().lower() == ROW_COLUMN for column in scored.columns):
        return scored
    index = scored.index
    if pd.api.types.is_integer_dtype(index.dtype) and index.is_unique and (len(index) == 0 or index.min() >= 0):
        rows = index.to_numpy(dtype=np.int64) + 1
    else:
        rows = np.arange(1, len(scored) + 1, dtype=np.int64)
    numbered = scored.copy()
    numbered[ROW_COLUMN] = rows
    return numbered


def retier(scored: pd.DataFrame, policy: TierPolicy) -> pd.DataFrame:
    """Scored leads with ``tier`` and ``next_action`` recomputed for new thresholds.

    Only the tier labels change: probabilities are kept, so moving a slider never re-scores.
    """
    tiers = assign_tiers(scored["conversion_probability"].to_numpy(dtype=float), policy)
    result = scored.copy()
    result["tier"] = tiers
    if "next_action" in result.columns:
        result["next_action"] = [policy.actions[t] for t in tiers]
    return result


def drift_table(drift: dict, labels=None) -> pd.DataFrame:
    """The drift report's columns as a table to show: column (its label), change (PSI), band,
    share of values never seen in training, examples of them."""
    from leadscore.labels import label

    rows = [
        {
            "column": label(entry["column"], labels),
            "psi": entry.get("psi"),
            "band": entry.get("band"),
            "unseen_share": entry.get("unseen_share"),
            "new values": ", ".join(map(str, entry.get("unseen_examples") or [])),
        }
        for entry in drift.get("columns", [])
    ]
    return pd.DataFrame(rows, columns=["column", "psi", "band", "unseen_share", "new values"])


def tier_summary(scored: pd.DataFrame) -> pd.DataFrame:
    """Leads and expected conversions per tier among scored leads (no outcomes needed)."""
    rows = []
    for tier in TIERS:
        part = scored.loc[scored["tier"] == tier, "conversion_probability"]
        rows.append({"tier": tier, "leads": int(part.size), "expected_conversions": float(part.sum())})
    return pd.DataFrame(rows)


def resolve_policy(policy: TierPolicy, bundle, batch: np.ndarray | None) -> tuple[TierPolicy, str | None]:
    """A policy by share resolved on the scored batch, or on the model's held-out leads when
    leads are not all in one batch; the note says which."""
    if policy.by != "share":
        return policy, None
    if batch is not None:
        return policy.resolved(batch), None
    holdout = getattr(bundle, "holdout", None)
    if holdout is None or not len(holdout):
        raise LeadScoreInputError(
            "Tiers by share need all leads at once, or a model that keeps its held-out leads. Score "
            "the leads in one file, or train the model again."
        )
    return policy.resolved(holdout["conversion_probability"].to_numpy(dtype=float)), (
        f"{policy.describe()} These leads were scored in parts (or one at a time), so the shares "
        "were taken of the model's held-out leads: the shares among these leads can differ a little."
    )
