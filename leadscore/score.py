"""Score new leads with a saved model: probabilities, tiers, next actions and reasons.

Three ways in, one scoring core:

- :func:`score_leads` for a DataFrame already read (the app, and every other way in),
- :func:`score_file` for a file of any size, read and written in chunks (bounded memory),
- :func:`stream_jsonl` for one JSON lead per line, answered line by line (workflows, the
  ``leadscore score MODEL -`` chain command).

Every new file is checked against the model's input schema first: a missing column the model
needs is an error naming it; a missing column the model can do without is a warning; extra
columns pass through untouched; values the model has not seen and text in number columns are
counted and reported, never a crash. Row in = row out: a blank row is scored as a blank lead.

Only what scoring needs is imported here (pandas, numpy, the saved pipeline's own modules):
no Streamlit, no Altair, no shap (tree reasons are LeadScore's own Saabas values,
:mod:`leadscore._saabas`), and the drift comparison only when a whole batch is compared.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import itertools
import json
import warnings
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from leadscore.atomic import atomic_output, check_output_path, same_file
from leadscore.categories import canonicalize
from leadscore.errors import LeadScoreInputError
from leadscore.explain import lead_contributions, lead_reasons, predict_and_explain, shown_values, tree_explainer, typical_reference
from leadscore.export import TIER_FILE_ENCODING, TIER_FILES, excel_safe, jsonl, ranked, records, tier_frames, write_csv
from leadscore.plan import OTHER
from leadscore.read import check_text_table, read_leads, to_number
from leadscore.tiers import TIERS, TierPolicy, assign_tiers, tier_advice

__all__ = [
    "SCORE_COLUMNS",
    "ScoringResult",
    "score_leads",
    "retier",
    "tier_summary",
    "iter_lead_chunks",
    "score_file",
    "stream_jsonl",
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
        Every original column in its original order, then ``lead_score`` (0-100),
        ``conversion_probability``, ``tier``, ``next_action``, ``reason_1``..``reason_3``.
    warnings : list of str
        Plain-words notes about the file (missing optional columns, unseen values, text in
        number columns), each saying what was done.
    report : dict
        The same as counts: ``rows``, ``tiers`` (tier -> leads), ``missing_columns``,
        ``renamed_columns`` (model column -> column in the file), ``unreadable_numbers``
        (column -> count), ``unseen_values`` (column -> {"leads", "examples", "kind"}),
        ``replaced_columns``, ``reasons`` (how reasons were computed; absent without reasons),
        ``reasons_error`` (why reasons are missing, if they are).
    drift : dict or None
        How these leads compare with the training leads (:class:`leadscore.drift.DriftReport`
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
    report = {"missing_columns": [], "unreadable_numbers": {}, "unseen_values": {}, "renamed_columns": {}}
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
    examples. Read from the cleaner's own output, so spelling grouping is exactly training's:
    a category value the cleaner sent to "Other", or a yes/no value it could not read."""
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
            outside = given & cleaned[name].isna().to_numpy()
        if not outside.any():
            continue
        entry = report["unseen_values"].setdefault(name, {"leads": 0, "examples": [], "kind": kind})
        entry["leads"] += int(outside.sum())
        for value in pd.unique(raw[outside].astype("str"))[:_EXAMPLES]:
            if value not in entry["examples"] and len(entry["examples"]) < _EXAMPLES:
                entry["examples"].append(value)


def _warnings(report: dict) -> list[str]:
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
    for name, entry in report.get("unseen_values", {}).items():
        examples = ", ".join(f"'{e}'" for e in entry["examples"])
        one = entry["leads"] == 1
        treated = "treated as blank" if entry.get("kind") == "boolean" else "scored like the model's 'Other' group"
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


def _merge(total: dict, part: dict) -> None:
    for name in part.get("missing_columns", []):
        if name not in total.setdefault("missing_columns", []):
            total["missing_columns"].append(name)
    total.setdefault("renamed_columns", {}).update(part.get("renamed_columns", {}))
    for name, count in part.get("unreadable_numbers", {}).items():
        total.setdefault("unreadable_numbers", {})[name] = total.get("unreadable_numbers", {}).get(name, 0) + count
    for name, entry in part.get("unseen_values", {}).items():
        merged = total.setdefault("unseen_values", {}).setdefault(name, {"leads": 0, "examples": [], "kind": entry.get("kind")})
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


def _schema(bundle) -> list[dict]:
    schema = getattr(bundle, "schema", None)
    if schema:
        return list(schema)
    clean = bundle.pipeline[0]
    return list(clean.input_schema()) if hasattr(clean, "input_schema") else []


def _reference(bundle):
    """What reasons compare each lead with: the saved average lead, else a typical lead."""
    saved = getattr(bundle, "explain_reference", None)
    if saved is not None:
        return saved
    schema = _schema(bundle)
    try:
        return typical_reference(bundle.pipeline, schema) if schema else None
    except Exception:  # noqa: BLE001 - reasons then compare with the batch average instead
        return None


def _score_frame(
    bundle, df: pd.DataFrame, policy: TierPolicy, reasons: bool, reference, labels=None, drift: bool = False, explainer=None
) -> tuple[pd.DataFrame, dict]:
    """Score one batch: the leads with their score columns, and what was found on the way.

    A policy by share is resolved on this batch's probabilities (callers resolve it first when
    the batch is only part of the leads). With ``drift``, ``report["drift"]`` compares the batch
    with the training leads."""
    pipeline = bundle.pipeline
    schema = _schema(bundle)
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
            explainer = _explainer(pipeline)
        probability, tree_values = predict_and_explain(pipeline, encoded, explainer if reasons else None)
        plan = getattr(pipeline[0], "plan", None)
        _count_unseen(model_input, cleaned, schema, report, getattr(plan, "category_mappings", None))
        if drift and getattr(bundle, "drift_reference", None):
            report["drift"] = _drift(bundle, model_input, cleaned, probability, report)
        if reasons:
            try:
                contributions = lead_contributions(
                    pipeline, model_input, reference, forward=(cleaned, encoded, probability), explainer=explainer, tree_values=tree_values
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


def _explainer(pipeline):
    """The tree explainer for reasons, built once per file or stream (None for other models)."""
    try:
        return tree_explainer(pipeline)
    except TypeError:  # a model kind explain.py cannot explain: the reasons say so
        return None


def _drift(bundle, model_input: pd.DataFrame, cleaned: pd.DataFrame, probability, report: dict) -> dict:
    """These leads against the training leads (see :mod:`leadscore.drift`)."""
    # Imported here: a stream of single leads never compares drift and starts without it.
    from leadscore.drift import DriftReference, compare

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
    reference = _reference(bundle) if reasons else None
    scored, report = _score_frame(bundle, df, policy, reasons, reference, labels, drift=True)
    advice = tier_advice(scored["conversion_probability"].to_numpy(dtype=float), policy)
    return ScoringResult(scored, _warnings(report) + ([advice] if advice else []), report, report.get("drift"))


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


# --------------------------------------------------------------------------------------------
# Files, in chunks


class _RaggedRows(Exception):
    """Some rows have more cells than the header: read again with room for the extra cells."""


def _cp1252_fallback(error: UnicodeDecodeError):
    # A file mostly in UTF-8 with a few lines saved in Windows-1252 ("Müller"): those bytes are
    # read as Windows-1252 rather than replaced, as read_leads reads such lines.
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("leadscore-cp1252", _cp1252_fallback)


def iter_lead_chunks(path, chunksize: int = 100_000, sheet=None, width: int | None = None) -> Iterator[pd.DataFrame]:
    """Read a large CSV lead file in chunks, every value kept as text exactly as written.

    Encoding and delimiter are detected like :func:`leadscore.read.read_leads` (first megabyte);
    bytes that are not UTF-8 in a UTF-8 file are read as Windows-1252. Values stay text (blank
    cells are empty text) so IDs like "00123" and all other columns are written back unchanged;
    scoring converts the columns the model reads. No column is ever taken as the index, rows
    made only of delimiters are kept (row in = row out), and rows with more cells than the
    header keep them in "(extra 1)", ... columns (pass ``width``, the widest row; without it, a
    longer row stops the reading with ``_RaggedRows`` so the caller can read again with it).
    Excel files are read whole (they cannot be streamed) and then cut into chunks.

    Parameters
    ----------
    path : path of a .csv/.txt/.tsv or .xlsx file
    chunksize : int
        Leads per chunk.
    sheet : str or int, optional
        The Excel sheet with the leads.
    width : int, optional
        Cells in the widest row, when wider than the header.

    Yields
    ------
    DataFrame chunks with a running index (0, 1, 2, ... over the whole file).
    """
    path = Path(path)
    if not path.is_file():
        raise LeadScoreInputError(f"There is no file at '{path}'. Check the name and the folder.")
    with open(path, "rb") as handle:
        head = handle.read(1_000_000)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        whole = read_leads(path, **({"sheet": sheet} if sheet is not None else {}))
        for start in range(0, len(whole), chunksize):
            yield whole.iloc[start : start + chunksize]
        return
    encoding, delimiter = check_text_table(head, path.name)
    options = dict(
        sep=delimiter,
        encoding=encoding,
        encoding_errors="leadscore-cp1252",
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=True,
        index_col=False,
        chunksize=chunksize,
    )
    if width is not None:
        header = next(csv.reader([_first_line(path, encoding)], delimiter=delimiter))
        options["names"] = [*header, *(f"(extra {n})" for n in range(1, width - len(header) + 1))]
        options["header"] = 0
    try:
        with pd.read_csv(path, **options) as reader:
            while True:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", pd.errors.ParserWarning)
                    chunk = next(reader, None)
                if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
                    raise _RaggedRows
                if chunk is None:
                    return
                chunk.columns = [str(c).strip() for c in chunk.columns]
                yield chunk
    except pd.errors.ParserError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise LeadScoreInputError(
            f"'{path.name}' could not be read as a table: the rows do not all have the same number of "
            f"columns ({first_line}). Open it in a spreadsheet, check that row, save it as CSV again."
        ) from error
    except pd.errors.EmptyDataError as error:
        raise LeadScoreInputError(f"'{path.name}' is empty. Export your leads again with a header row.") from error


def _first_line(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="leadscore-cp1252", newline="") as handle:
        for line in handle:
            if line.strip():
                return line.lstrip("\ufeff").rstrip("\r\n")
    return ""


def _widest_row(path: Path) -> int:
    """The number of cells in the file's widest row (read only when a row is wider than the header)."""
    with open(path, "rb") as handle:
        encoding, delimiter = check_text_table(handle.read(1_000_000), path.name)
    with open(path, encoding=encoding, errors="leadscore-cp1252", newline="") as handle:
        return max((len(row) for row in csv.reader(handle, delimiter=delimiter)), default=0)


def _check_outputs(in_path: Path, out_path, split_dir) -> None:
    """Refuse outputs that cannot be written whole, before any lead is scored."""
    if out_path is not None:
        check_output_path(out_path, inputs=[in_path], what="the scored leads")
    if split_dir is not None:
        folder = Path(split_dir)
        if folder.exists() and not folder.is_dir():
            raise LeadScoreInputError(
                f"'{folder}' is a file, not a folder. Give --split-tiers a folder name (it is created if needed)."
            )
        parent = folder.parent if str(folder.parent) else Path(".")
        if not folder.exists():
            check_output_path(parent / ".probe", what="the tier files")
        for name in TIER_FILES.values():
            target = folder / name
            if target.exists():
                check_output_path(target, inputs=[in_path, out_path], what="the tier files")
            if out_path is not None and Path(out_path).exists() and target.exists() and same_file(target, out_path):
                raise LeadScoreInputError(f"--out and --split-tiers both write '{target}'. Choose different places.")


def _resolve_policy(policy: TierPolicy, bundle, batch: np.ndarray | None) -> tuple[TierPolicy, str | None]:
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


def score_file(
    bundle,
    in_path,
    out_path=None,
    policy: TierPolicy | None = None,
    fmt: str = "csv",
    chunksize: int = 100_000,
    split_dir=None,
    reasons: bool = True,
    sort: bool = False,
    labels=None,
    on_batch=None,
    sheet=None,
) -> dict:
    """Score a lead file of any size, chunk by chunk, with bounded memory.

    Every output is written to a temporary file and renamed when complete, so a failed run
    leaves nothing half-written, and an output that is also the input is refused before
    anything is read.

    Parameters
    ----------
    bundle : ModelBundle
    in_path : path of the new leads (CSV in any common encoding/delimiter, or .xlsx)
    out_path : path, optional
        Where to write the scored leads; standard output when None.
    policy : TierPolicy, optional
        Defaults to the model's policy.
    fmt : "csv" or "jsonl"
        CSV output is Excel-safe (see :func:`leadscore.export.excel_safe`); JSON lines keep
        values as they are.
    chunksize : int
        Leads per chunk (memory grows with it, not with the file).
    split_dir : path, optional
        Also write hot.csv, warm.csv, cool.csv, cold.csv there (the folder is created).
    reasons : bool
        Fill the reason columns.
    sort : bool
        Write the leads best first (the call list) instead of in the file's order (for joining
        back); the whole file is then held in memory.
    labels : mapping, optional
        Column labels for the reasons (default: the model's).
    on_batch : callable(int, DataFrame), optional
        Called with each scored chunk's number and the chunk (e.g. to record the run in a
        project). If the file has to be read again (a row longer than the header), the chunks
        come again with the same numbers.
    sheet : str or int, optional
        The Excel sheet with the leads.

    Returns
    -------
    dict with ``rows``, ``tiers`` (tier -> leads), ``warnings`` (list of str), ``out_path``,
    ``blank_rows`` (scored as blank leads), ``drift`` (the first chunk, at most ``chunksize``
    leads, against the training leads), and the counts of :class:`ScoringResult` ``report``.

    Raises
    ------
    LeadScoreInputError
        Unreadable file, unwritable output, or columns the model needs are missing (checked on
        the first chunk, before anything is written).
    """
    if fmt not in ("csv", "jsonl"):
        raise LeadScoreInputError(f"Unknown output format '{fmt}'. Choose csv or jsonl.")
    in_path = Path(in_path)
    _check_outputs(in_path, out_path, split_dir)
    policy = policy or getattr(bundle, "policy", None) or TierPolicy()
    reference = _reference(bundle) if reasons else None
    settings = dict(fmt=fmt, chunksize=chunksize, split_dir=split_dir, reasons=reasons, sort=sort, labels=labels, on_batch=on_batch, sheet=sheet)
    try:
        return _score_file(bundle, in_path, out_path, policy, reference, width=None, **settings)
    except _RaggedRows:
        # A row has more cells than the header: read the file again with room for them, so
        # nothing shifts and nothing is lost (the outputs of the first try were never kept).
        return _score_file(bundle, in_path, out_path, policy, reference, width=_widest_row(in_path), **settings)


def _score_file(bundle, in_path: Path, out_path, policy, reference, *, width, fmt, chunksize, split_dir, reasons, sort, labels, on_batch, sheet) -> dict:
    chunks = iter_lead_chunks(in_path, chunksize, sheet=sheet, width=width)
    first = next(chunks, None)
    if first is None or first.empty:
        raise LeadScoreInputError(
            f"'{in_path.name}' has column names but no leads. Export the file again including the rows of your leads."
        )
    second = next(chunks, None)
    if second is None:
        batches, whole = iter([first]), True
    elif sort:
        batches, whole = iter([pd.concat([first, second, *chunks])]), True
    else:
        batches, whole = itertools.chain([first, second], chunks), False
    # Tiers by share are shares of the whole batch when it is one; of the held-out leads if not.
    resolved, note = (policy, None) if whole else _resolve_policy(policy, bundle, None)
    total: dict = {}
    probabilities = []
    extra_rows = 0
    explainer = _explainer(bundle.pipeline) if reasons else None
    with contextlib.ExitStack() as stack:
        out = _open_output(stack, out_path, fmt)
        tier_handles = _open_tier_files(stack, split_dir) if split_dir is not None else None
        for number, chunk in enumerate(_guarded(batches, out_path)):
            if width is not None:
                extras = [c for c in chunk.columns if str(c).startswith("(extra ")]
                extra_rows += int((chunk[extras] != "").any(axis=1).sum())
            scored, report = _score_frame(bundle, chunk, resolved, reasons, reference, labels, drift=number == 0, explainer=explainer)
            probabilities.append(scored["conversion_probability"].to_numpy(dtype=float))
            if on_batch is not None:
                on_batch(number, scored)
            if sort:
                scored = ranked(scored)
            if fmt == "csv":
                write_csv(excel_safe(scored), out, header=number == 0)
            else:
                out.write(jsonl(scored))
            if tier_handles is not None:
                for tier, frame in tier_frames(scored).items():
                    write_csv(excel_safe(frame), tier_handles[tier], header=number == 0)
            _merge(total, report)
    summary = dict(total)
    summary["tiers"] = {tier: total.get("tiers", {}).get(tier, 0) for tier in TIERS}
    advice = tier_advice(np.concatenate(probabilities), policy)
    extra = (
        [
            f"{extra_rows:,} row(s) have more cells than the header has names; the extra cells are kept in "
            "the '(extra 1)' column(s) after your columns. A value with an unquoted separator usually causes this: "
            "check those rows in the file."
        ]
        if extra_rows
        else []
    )
    summary["warnings"] = extra + _warnings(total) + ([note] if note else []) + ([advice] if advice else [])
    summary["out_path"] = None if out_path is None else str(out_path)
    summary["policy"] = policy.describe()
    return summary


def _guarded(batches: Iterator[pd.DataFrame], out_path) -> Iterator[pd.DataFrame]:
    """The batches. A row longer than the header found after leads went to standard output
    cannot be read again (a file output can: the caller reads the file again), so it is said
    plainly instead."""
    try:
        yield from batches
    except _RaggedRows:
        if out_path is not None:
            raise
        raise LeadScoreInputError(
            "A row further down the file has more cells than the header has names, and the first leads "
            "were already written to the screen. Score the file into a file with --out, which keeps the "
            "extra cells in their own column."
        ) from None


def _open_output(stack: contextlib.ExitStack, out_path, fmt: str):
    """CSV is written as bytes (Arrow's writer), JSON lines as text; standard output when no path."""
    if out_path is None:
        if fmt == "csv":
            sys.stdout.flush()
            return sys.stdout.buffer
        return sys.stdout
    if fmt == "csv":
        return stack.enter_context(atomic_output(out_path))
    return stack.enter_context(atomic_output(out_path, "w", encoding="utf-8", newline="\n"))


def _open_tier_files(stack: contextlib.ExitStack, split_dir) -> dict:
    folder = Path(split_dir)
    folder.mkdir(parents=True, exist_ok=True)
    handles = {}
    for tier in TIERS:
        handles[tier] = stack.enter_context(atomic_output(folder / TIER_FILES[tier]))
        handles[tier].write("".encode(TIER_FILE_ENCODING))  # the byte-order mark
    return handles


# --------------------------------------------------------------------------------------------
# JSON lines


def _decode(line: bytes | str, number: int) -> tuple[str, str | None]:
    """A line as text: UTF-8, else Windows-1252 (with a note), so one odd byte never stops a stream."""
    if isinstance(line, str):
        return line, None
    try:
        return line.decode("utf-8"), None
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace"), (
            f"Line {number} was not valid UTF-8; it was read as Windows-1252 text. Check accented "
            "letters in this lead."
        )


def _parse_line(raw_line, number: int) -> tuple[dict | None, str | None, str | None]:
    """One input line as (lead, problem, note): the lead's fields, or why it cannot be scored."""
    line, note = _decode(raw_line, number)
    if not line.strip():
        return None, None, None
    try:
        lead = json.loads(line)
    except json.JSONDecodeError as error:
        return None, (
            f"Line {number} is not valid JSON ({error.msg}). Send one lead per line as a JSON "
            'object, e.g. {"lead_source": "LinkedIn", "pages_viewed": 4}.'
        ), note
    if not isinstance(lead, dict):
        return None, (
            f"Line {number} is not a JSON object. Send one lead per line as an object, e.g. "
            '{"lead_source": "LinkedIn", "pages_viewed": 4}.'
        ), note
    return lead, None, note


class _Stream:
    """Scores leads as they arrive, keeping what every lead reuses: the tiers, the reference lead
    and the tree explainer (building one per lead cost more than scoring the lead)."""

    def __init__(self, bundle, policy: TierPolicy, reasons: bool, labels):
        self.bundle, self.reasons, self.labels = bundle, reasons, labels
        self.policy, _ = _resolve_policy(policy, bundle, None)
        self.reference = _reference(bundle) if reasons else None
        self.explainer = _explainer(bundle.pipeline) if reasons else None

    def score(self, leads: list[dict]) -> tuple[pd.DataFrame, dict]:
        frame = pd.DataFrame([{key: _cell(value) for key, value in lead.items()} for lead in leads])
        return _score_frame(self.bundle, frame, self.policy, self.reasons, self.reference, self.labels, explainer=self.explainer)

    def one(self, number: int, lead: dict, note: str | None) -> tuple[str, bool]:
        """The result line of one lead (its own warnings), or its error line; and whether it scored."""
        try:
            scored, report = self.score([lead])
            result = next(records(scored))
            notes = _warnings({key: value for key, value in report.items() if key != "replaced_columns"})
            notes += [note] if note else []
            if notes:
                result["warnings"] = notes
            return json.dumps(result, ensure_ascii=False, default=str), True
        except LeadScoreInputError as error:
            return json.dumps({"line": number, "error": error.message}, ensure_ascii=False), False
        except Exception as error:  # noqa: BLE001 - one bad lead must never stop the stream
            message = f"This lead could not be scored ({type(error).__name__}: {error})."
            return json.dumps({"line": number, "error": message}, ensure_ascii=False), False

    def batch(self, parsed: list[tuple[int, dict, str | None]]) -> list[tuple[str, bool]]:
        """Result lines for leads that arrived together: scored as one batch when they share
        their fields and nothing about them needs a warning, else one by one (so every lead
        still gets its own warnings or error)."""
        if len(parsed) > 1 and len({tuple(lead) for _, lead, _ in parsed}) == 1:
            try:
                scored, report = self.score([lead for _, lead, _ in parsed])
            except LeadScoreInputError:
                pass
            else:
                if not _warnings({key: value for key, value in report.items() if key != "replaced_columns"}):
                    lines = []
                    for (_, _, note), result in zip(parsed, records(scored)):
                        if note:
                            result["warnings"] = [note]
                        lines.append((json.dumps(result, ensure_ascii=False, default=str), True))
                    return lines
        return [self.one(number, lead, note) for number, lead, note in parsed]


def stream_jsonl(
    bundle, lines_in: Iterable, out: TextIO, policy: TierPolicy | None = None, reasons: bool = True, labels=None
) -> dict:
    """Score one JSON lead per input line and write one JSON result per line as each arrives.

    Each result is the lead's own fields followed by ``lead_score``, ``conversion_probability``,
    ``tier``, ``next_action`` and ``reason_1``..``reason_3`` (plus ``warnings`` when something
    about the lead was unusual), written and flushed as soon as it is scored. A line that cannot
    be scored gets ``{"line": n, "error": "..."}`` and the stream goes on. Blank lines are
    skipped. Lines may be bytes (not valid UTF-8 is read as Windows-1252, with a warning).

    ``lines_in`` yields lines, or lists of lines that arrived together (a micro-batch, see
    ``leadscore.cli``): those are scored together, each lead still answered on its own line, in
    order. Models run on one thread: for a few leads at a time, threads cost more than they save.

    Parameters
    ----------
    bundle : ModelBundle
    lines_in : iterable of str, bytes, or lists of them (e.g. ``sys.stdin.buffer``)
    out : text stream (e.g. ``sys.stdout``)
    policy : TierPolicy, optional
        Tiers by share are taken of the model's held-out leads (one lead has no share of itself).
    reasons : bool
    labels : mapping, optional

    Returns
    -------
    dict with ``scored`` and ``errors`` counts.
    """
    from threadpoolctl import threadpool_limits

    stream = _Stream(bundle, policy or getattr(bundle, "policy", None) or TierPolicy(), reasons, labels)
    counts = {"scored": 0, "errors": 0}
    number = 0
    with threadpool_limits(limits=1):
        for arrived in lines_in:
            batch = arrived if isinstance(arrived, list) else [arrived]
            parsed, written = [], []
            for raw_line in batch:
                number += 1
                lead, problem, note = _parse_line(raw_line, number)
                if problem is not None:
                    written.append((number, json.dumps({"line": number, "error": problem}, ensure_ascii=False), False))
                elif lead is not None:
                    parsed.append((number, lead, note))
            written += [(n, text, ok) for (n, _, _), (text, ok) in zip(parsed, stream.batch(parsed))]
            for _, text, ok in sorted(written):
                counts["scored" if ok else "errors"] += 1
                out.write(text + "\n")
            out.flush()
    return counts


def _cell(value):
    # Nested JSON (lists, objects) is kept as its JSON text: a lead table has flat cells.
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value
