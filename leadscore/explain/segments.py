"""Conversion rates by segment: the business view of each column, from plain counts.

Numbers are split into ranges read in value order ("under 12", "12 to 247", "248 and above"),
categories keep their values (rare ones pooled as "other values"), blanks are their own
segment. The most telling segments are also written as sentences.

Example
-------
>>> table = segment_rates(leads, converted, ["source"])                 # doctest: +SKIP
>>> segment_sentences(table)[0]                                         # doctest: +SKIP
'Leads with Source Referral converted at 31%, against 12% overall (420 leads).'
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.explain.contributions import shown_values
from leadscore.labels import display_values, format_value, label, rate_text

__all__ = ["segment_rates", "segment_sentences"]




def _is_number(values: pd.Series, bins: int) -> bool:
    return (
        pd.api.types.is_numeric_dtype(values)
        and not pd.api.types.is_bool_dtype(values)
        and values.nunique() > bins
    )


def _segments(values: pd.Series, bins: int, min_leads: int) -> tuple[pd.Series, list[str]]:
    """A readable segment label per lead, and the labels in display order.

    Numbers get quantile ranges ("under 3", "3 to under 7", "7 and above"); other columns their
    values, with values rarer than ``min_leads`` pooled as "other values".
    """
    if _is_number(values, bins):
        numbers = values.astype(float)
        edges = np.unique(np.nanquantile(numbers.dropna(), np.linspace(0, 1, bins + 1)))[1:-1]
        if len(edges):
            whole = bool(np.all(np.mod(numbers.dropna(), 1) == 0) and np.all(np.mod(edges, 1) == 0))
            labels = [f"under {format_value(edges[0])}"]
            for low, high in zip(edges[:-1], edges[1:]):
                if whole:  # whole numbers: [3, 5) reads "3 to 4", [3, 4) reads "3"
                    labels.append(format_value(low) if high - low == 1 else f"{format_value(low)} to {format_value(high - 1)}")
                else:
                    labels.append(f"{format_value(low)} to under {format_value(high)}")
            labels.append(f"{format_value(edges[-1])} and above")
            # right=False: ranges are [low, high), matching the words "under" and "and above".
            segment = pd.cut(numbers, [-np.inf, *edges, np.inf], labels=labels, right=False).astype(object)
            return segment.where(numbers.notna(), "missing"), labels + ["missing"]
    text = display_values(values)
    counts = text.value_counts()
    text = text.where(~text.isin(counts.index[counts < min_leads]), "other values")
    return text, []


def segment_rates(
    X_raw: pd.DataFrame,
    y,
    columns: list[str] | None = None,
    bins: int = 4,
    min_leads: int = 20,
    pipeline=None,
) -> pd.DataFrame:
    """Conversion rate by segment of each column: the business view on its own.

    Parameters
    ----------
    X_raw : DataFrame of leads (raw or cleaned)
    y : array-like of 0/1
        Outcome per lead (1 = converted; NaN = still open, left out).
    columns : list of str, optional
        Columns to segment (e.g. the most important ones); default all columns except dates.
    bins : int
        Numbers are split into this many quantile ranges ("under 3", "3 to under 7", ...).
    min_leads : int
        Category values with fewer leads are pooled as "other values".
    pipeline : fitted Pipeline, optional
        Lets ``columns`` name the model's derived columns too (e.g. "first_engaged_at: hour",
        as listed by :func:`global_importance`): they are taken from the pipeline's cleaner.

    Returns
    -------
    DataFrame with ``column``, ``segment``, ``leads``, ``converted``, ``conversion_rate``,
    ``overall_rate``, ``lift`` (rate / overall rate), ordered by column, then segment
    (number ranges in order, categories by rate, highest first, then "other values" and
    "missing").
    """
    values = np.asarray(y).ravel()
    if len(values) != len(X_raw):
        raise LeadScoreInputError(f"There are {len(X_raw):,} leads but {len(values):,} outcomes. Give one outcome per lead.")
    outcome = pd.to_numeric(pd.Series(values, index=X_raw.index), errors="coerce")
    derived = [c for c in (columns or []) if c not in X_raw.columns]
    if derived and pipeline is not None:
        cleaned = shown_values(pipeline, X_raw)
        X_raw = X_raw.assign(**{c: cleaned[c] for c in derived if c in cleaned.columns})
    known = outcome.notna()
    X_known, outcome = X_raw.loc[known], outcome[known].astype(float)
    overall = float(outcome.mean()) if len(outcome) else np.nan
    if columns is None:
        columns = [c for c in X_raw.columns if not pd.api.types.is_datetime64_any_dtype(X_raw[c])]
    frames = []
    for column in columns:
        if column not in X_known:
            raise LeadScoreInputError(
                f"There is no column called '{column}' in these leads. Choose one of: "
                f"{', '.join(map(str, X_raw.columns[:12]))}."
            )
        segment, range_order = _segments(X_known[column], bins, min_leads)
        grouped = outcome.groupby(segment.to_numpy(), sort=False).agg(["size", "sum"])
        table = pd.DataFrame(
            {
                "column": column,
                "segment": grouped.index.astype(str),
                "leads": grouped["size"].to_numpy(dtype=int),
                "converted": grouped["sum"].to_numpy(dtype=int),
            }
        )
        table["conversion_rate"] = table["converted"] / table["leads"]
        if range_order:
            position = {label: i for i, label in enumerate(range_order)}
            table = table.sort_values("segment", key=lambda s: s.map(position))
        else:
            # Real values by rate, highest first; the pooled rest and blanks at the end.
            table["_pooled"] = table["segment"].isin(["other values", "missing"])
            table = table.sort_values(["_pooled", "conversion_rate", "leads"], ascending=[True, False, False], kind="stable")
            table = table.drop(columns="_pooled")
        frames.append(table)
    result = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["column", "segment", "leads", "converted", "conversion_rate"]
    )
    result["overall_rate"] = overall
    result["lift"] = result["conversion_rate"] / overall if overall else np.nan
    return result.reset_index(drop=True)


def segment_sentences(table: pd.DataFrame, top: int = 5, min_leads: int = 30, labels: Mapping[str, str] | None = None) -> list[str]:
    """The most telling segments in words, e.g.
    "Leads with Lead Source LinkedIn converted at 31%, against 12% overall (420 leads)."

    Parameters
    ----------
    table : DataFrame from :func:`segment_rates`
    top : int
        At most this many sentences, largest difference from the overall rate first.
    min_leads : int
        Segments smaller than this are not quoted (their rate is too uncertain).
    labels : mapping, optional
        The user's column labels.
    """
    if table.empty:
        return []
    candidates = table[(table["leads"] >= min_leads) & (table["segment"] != "other values")].copy()
    # Weigh the gap by segment size so that large, clearly different segments come first.
    candidates["weight"] = (candidates["conversion_rate"] - candidates["overall_rate"]).abs() * np.sqrt(candidates["leads"])
    sentences = []
    for row in candidates.sort_values("weight", ascending=False).head(top).itertuples():
        sentences.append(
            f"Leads with {label(row.column, labels)} {row.segment} converted at {rate_text(row.conversion_rate, row.overall_rate)}, "
            f"against {rate_text(row.overall_rate, row.conversion_rate)} overall ({row.leads:,} leads)."
        )
    return sentences


