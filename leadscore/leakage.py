"""The leakage guard: find columns that would not be known when a new lead arrives.

A model trained on "deal stage" or "final deal size" looks brilliant and is useless: those are
filled in after the sale. The guard gathers general evidence for every column, says it in words,
and decides:

- ``"exclude"``: strong evidence; the column is left out by default (the user can keep it).
- ``"warn"``: moderate evidence; the column is kept unless the user leaves it out.

Evidence (never a list of known column names, so it works on exports it has never seen):

- how well the column alone predicts the outcome: cross-validated single-column ROC AUC, using
  scikit-learn's ``TargetEncoder`` (out-of-fold conversion rate of each value or number band) on
  at most 50,000 sampled leads, so a million-row file takes about a second;
- whether it is filled in mostly for one outcome (missingness that predicts the outcome);
- values that are almost pure ("Closed Won" converted 99% of the time);
- a name that denotes a fact known after the outcome (deal size, close date, stage, status,
  revenue, duration of a call, ...);
- dates that fall after the newest lead's date (recorded later than any lead arrived).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from leadscore.categories import category_key

__all__ = [
    "LeakageSuspect",
    "find_leakage_suspects",
    "default_exclusions",
    "post_outcome_name_hint",
    "single_column_auc",
    "MAX_ROWS_CHECKED",
]

MAX_ROWS_CHECKED = 50_000

# AUC of one column alone above which it is "too good to be true" for a lead-scoring input.
STRONG_AUC = 0.90
MODERATE_AUC = 0.80
# With another sign of leakage (a post-outcome name, a pure value), a lower AUC is enough.
SUPPORTING_AUC = 0.70
# Missingness alone predicting the outcome this well (as an AUC).
STRONG_MISSING_AUC = 0.90
MODERATE_MISSING_AUC = 0.75
PURE_SHARE = 0.98
# A value must be common enough that, at the base rate, we would expect this many leads of the
# other outcome; seeing almost none is then evidence, not chance.
PURE_MIN_EXPECTED = 10
DATES_AFTER_SHARE = 0.05
_NUMBER_BANDS = 20
_TOP_VALUES = 100

# Word sequences in a column name that denote a fact known only after the outcome.
_POST_OUTCOME_NAMES: dict[tuple[str, ...], str] = {
    ("deal", "size"): "deal size",
    ("deal", "value"): "deal value",
    ("deal", "amount"): "deal amount",
    ("sale", "amount"): "sale amount",
    ("sales", "amount"): "sale amount",
    ("order", "value"): "order value",
    ("contract", "value"): "contract value",
    ("amount", "paid"): "amount paid",
    ("lifetime", "value"): "lifetime value",
    ("ltv",): "lifetime value",
    ("revenue",): "revenue",
    ("won",): "won date or amount",
    ("lost",): "lost date or reason",
    ("closed",): "close date or result",
    ("close",): "close date or reason",
    ("closing",): "closing date or result",
    ("stage",): "pipeline stage",
    ("status",): "status",
    ("outcome",): "outcome",
    ("result",): "result",
    ("duration",): "duration of a call or meeting",
    ("call", "length"): "call length",
    ("talk", "time"): "talk time",
    ("churn",): "churn",
    ("churned",): "churn",
    ("cancelled",): "cancellation",
    ("canceled",): "cancellation",
    ("cancellation",): "cancellation",
    ("refund",): "refund",
    ("refunded",): "refund",
    ("invoice",): "invoice",
    ("invoiced",): "invoice",
    ("payment",): "payment",
    ("purchase",): "purchase",
    ("purchased",): "purchase",
    ("signed",): "signature",
    ("contract",): "contract",
    ("subscription",): "subscription",
    ("converted",): "conversion",
    ("conversion",): "conversion",
    ("final",): "final figure",
}


@dataclass(frozen=True)
class LeakageSuspect:
    """A column that may not be known when a new lead arrives, with the evidence in words.

    Attributes
    ----------
    column : str
        The column's name in the user's file.
    action : str
        ``"exclude"`` (left out by default) or ``"warn"`` (kept unless the user leaves it out).
    reason : str
        One or two sentences a marketer can act on.
    evidence : dict
        JSON-ready numbers behind the reason: ``auc``, ``pure_values`` (list of
        ``{value, leads, converted_share}``), ``missing_by_outcome`` (share filled in for
        ``converted`` / ``not_converted``), ``missing_auc``, ``name_hint``,
        ``dates_after_newest_lead_share``, and ``known_outcomes`` (leads examined).
    """

    column: str
    action: str
    reason: str
    evidence: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The suspect as ``{column, action, reason, evidence}`` for ``inspect --json``."""
        return {"column": self.column, "action": self.action, "reason": self.reason, "evidence": self.evidence}


def _name_words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(name))
    return re.findall(r"[a-z0-9]+", spaced.lower())


def post_outcome_name_hint(name: str) -> str | None:
    """Say which after-the-outcome fact a column name denotes, if any.

    Whole words are compared, so "poutcome" (previous outcome) or "closeness" do not match.

    Parameters
    ----------
    name : str
        A column name such as "Final Deal Size" or "dealStage".

    Returns
    -------
    str or None
        Plain words such as "deal size", or ``None``.

    Example
    -------
    >>> post_outcome_name_hint("final_deal_size"), post_outcome_name_hint("lead_source")
    ('deal size', None)
    """
    words = _name_words(name)
    # Longer phrases first: "deal size" says more than "final".
    for phrase in sorted(_POST_OUTCOME_NAMES, key=len, reverse=True):
        n = len(phrase)
        if any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1)):
            return _POST_OUTCOME_NAMES[phrase]
    return None


def _as_codes(values: pd.Series, kind: str) -> pd.Series:
    """Turn a column into value labels for per-value conversion rates (missing is a value)."""
    if kind in ("number", "date") or pd.api.types.is_numeric_dtype(values.dtype):
        numbers = pd.to_numeric(values, errors="coerce").astype("float64")
        if numbers.nunique() > _NUMBER_BANDS:
            bands = pd.qcut(numbers, q=_NUMBER_BANDS, duplicates="drop", labels=False)
            labels = bands.astype("float64").map(lambda b: f"band {int(b)}", na_action="ignore")
        else:
            labels = numbers.map(lambda v: f"{v:g}", na_action="ignore")
    else:
        labels = category_key(values)
        labels = labels.where(labels != "")
        top = labels.value_counts().index[:_TOP_VALUES]
        labels = labels.where(labels.isin(top) | labels.isna(), "(other)")
    return labels.astype("object").fillna("(missing)")


def single_column_auc(values: pd.Series, y: np.ndarray, kind: str = "category") -> float:
    """Cross-validated ROC AUC of one column alone (5-fold, out-of-fold conversion rates).

    Each value (or, for numbers and dates, each of 20 equal-count bands; missing counts as a
    value) gets the conversion rate learnt on the other folds, and those rates are scored
    against the outcome with ``roc_auc_score``.

    Parameters
    ----------
    values : pd.Series
        The column, for leads with a known outcome.
    y : np.ndarray
        1 for converted, 0 for not converted.
    kind : str
        The column's profile kind ("number", "date", "category", ...).

    Returns
    -------
    float
        0.5 means no signal, 1.0 a perfect predictor.
    """
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import TargetEncoder

    codes = _as_codes(values, kind).to_numpy().reshape(-1, 1)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    encoded = TargetEncoder(target_type="binary", cv=folds).fit_transform(codes, y)
    return float(roc_auc_score(y, encoded[:, 0]))


def _pure_values(values: pd.Series, y: np.ndarray, kind: str) -> list[dict]:
    """Values that nearly always go with one outcome, where chance would not explain it."""
    if kind in ("text", "identifier", "personal", "date"):
        return []
    if kind == "number" and values.nunique() > _NUMBER_BANDS:
        return []
    text = values.astype("str").where(values.notna()).str.strip()
    table = pd.DataFrame({"value": text.to_numpy(), "y": y}).dropna()
    if table.empty:
        return []
    base = float(y.mean())
    stats = table.groupby("value", sort=True)["y"].agg(["size", "mean"])
    pure = []
    for value, row in stats.iterrows():
        n, rate = int(row["size"]), float(row["mean"])
        if rate >= PURE_SHARE and n * (1 - base) >= PURE_MIN_EXPECTED:
            pure.append({"value": str(value), "leads": n, "converted_share": round(rate, 3)})
        elif rate <= 1 - PURE_SHARE and n * base >= PURE_MIN_EXPECTED:
            pure.append({"value": str(value), "leads": n, "converted_share": round(rate, 3)})
    # Values that mean "sold" first: they are the clearest sign of a post-outcome column.
    return sorted(pure, key=lambda p: (p["converted_share"] < 0.5, -p["leads"], p["value"]))


def _missing_evidence(values: pd.Series, y: np.ndarray) -> tuple[dict | None, float | None]:
    """Share filled in per outcome, and how well 'is it filled in?' alone predicts the outcome."""
    filled = values.notna().to_numpy()
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        filled = filled & values.astype("str").str.strip().ne("").to_numpy()
    share = filled.mean()
    if share in (0.0, 1.0):
        return None, None
    converted = float(filled[y == 1].mean())
    not_converted = float(filled[y == 0].mean())
    # AUC of a yes/no signal, both directions, is (TPR + TNR) / 2 of its better reading.
    auc = (converted + (1 - not_converted)) / 2
    auc = max(auc, 1 - auc)
    return {"converted": round(converted, 3), "not_converted": round(not_converted, 3)}, round(auc, 3)


def _dates_after(values: pd.Series, arrival: pd.Series | None) -> float | None:
    """Share of a date column's values later than the newest lead's arrival date."""
    if arrival is None or not pd.api.types.is_datetime64_any_dtype(values.dtype):
        return None
    newest = arrival.max()
    present = values.dropna()
    if present.empty or pd.isna(newest):
        return None
    return round(float((present > newest).mean()), 3)


def _percent(share: float) -> str:
    """A share in words, never rounding a few leads to 0% or all-but-a-few to 100%."""
    if 0 < share < 0.01:
        return "under 1%"
    if 0.99 < share < 1:
        return "over 99%"
    return f"{share:.0%}"


def _decide(column: str, evidence: dict, base_rate: float) -> LeakageSuspect | None:
    """Weigh a column's evidence: strong -> "exclude", moderate -> "warn", else None."""
    auc = evidence.get("auc") or 0.5
    missing_auc = evidence.get("missing_auc") or 0.5
    name_hint = evidence.get("name_hint")
    pure = evidence.get("pure_values", [])
    pure_converted = [p for p in pure if p["converted_share"] >= PURE_SHARE]
    pure_converted_leads = sum(p["leads"] for p in pure_converted)
    dates_after = evidence.get("dates_after_newest_lead_share") or 0.0
    converted_leads = evidence["known_outcomes"] * base_rate

    # Each of these alone would not be known for a brand-new lead in an honest export.
    strong = (
        auc >= STRONG_AUC
        or missing_auc >= STRONG_MISSING_AUC
        or (converted_leads > 0 and pure_converted_leads >= 0.2 * converted_leads)
        or (name_hint and (auc >= SUPPORTING_AUC or missing_auc >= MODERATE_MISSING_AUC or pure_converted))
        or (pure_converted and auc >= SUPPORTING_AUC)
        or (dates_after >= DATES_AFTER_SHARE and (auc >= SUPPORTING_AUC or missing_auc >= MODERATE_MISSING_AUC))
    )
    moderate = (
        auc >= MODERATE_AUC
        or missing_auc >= MODERATE_MISSING_AUC
        or bool(name_hint)
        or bool(pure_converted)
        or dates_after >= DATES_AFTER_SHARE
    )
    if not (strong or moderate):
        return None

    clauses = []
    if evidence.get("auc") is not None and (auc >= SUPPORTING_AUC or strong):
        clauses.append(f"'{column}' alone predicts the outcome with AUC {auc:.2f}")
    if pure:
        top = pure_converted[0] if pure_converted else pure[0]
        clauses.append(
            f"leads with '{top['value']}' converted {_percent(top['converted_share'])} of the time"
        )
    missing = evidence.get("missing_by_outcome")
    if missing and missing_auc >= MODERATE_MISSING_AUC:
        clauses.append(
            f"it is filled in for {_percent(missing['converted'])} of converted leads but "
            f"{_percent(missing['not_converted'])} of the others"
        )
    if dates_after >= DATES_AFTER_SHARE:
        clauses.append(f"{dates_after:.0%} of its dates fall after the newest lead arrived")
    if name_hint:
        clauses.append(f"its name suggests a {name_hint}, usually known only after the outcome")
    if not clauses:
        clauses.append(f"'{column}' alone predicts the outcome with AUC {auc:.2f}")
    if len(clauses) > 2:
        text = ", ".join(clauses[:-1]) + ", and " + clauses[-1]
    else:
        text = " and ".join(clauses)
    text = text[0].upper() + text[1:]
    if strong:
        reason = (
            f"{text}: this looks like something recorded after the sale, so it is left out. "
            "Keep it only if you know it when a new lead arrives."
        )
        return LeakageSuspect(column, "exclude", reason, evidence)
    reason = (
        f"{text}. Check that '{column}' is known when a new lead arrives; "
        "leave it out if it is filled in later."
    )
    return LeakageSuspect(column, "warn", reason, evidence)


def _kind_of(values: pd.Series) -> str:
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return "date"
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return "number"
    return "category"


def find_leakage_suspects(
    df: pd.DataFrame,
    outcome: pd.Series,
    profiles,
    date_column: str | None = None,
) -> list[LeakageSuspect]:
    """Find columns that look recorded after the outcome, with the evidence in words.

    Parameters
    ----------
    df : pd.DataFrame
        The leads as read.
    outcome : pd.Series
        ``OutcomeMapping.apply(df)``: 1.0 converted, 0.0 not converted, NaN still open. Only
        leads with a known outcome are examined (at most 50,000, sampled with both outcomes kept
        in proportion). The column named like ``outcome`` is skipped.
    profiles : list of ColumnProfile
        From ``profile_columns(df)``; the kind decides how a column is examined.
    date_column : str, optional
        The column saying when each lead arrived; other dates are compared with it. Default:
        the most complete date column, the earliest if several are equally complete.

    Returns
    -------
    list[LeakageSuspect]
        Excluded suspects first, then warnings, each group in column order.

    Example
    -------
    >>> suspects = find_leakage_suspects(leads, mapping.apply(leads), profiles)  # doctest: +SKIP
    >>> [(s.column, s.action) for s in suspects]                                 # doctest: +SKIP
    [('deal_stage', 'exclude'), ('final_deal_size', 'exclude')]
    """
    known = outcome.reindex(df.index).notna().to_numpy()
    leads = df.loc[known]
    y = outcome.reindex(df.index).to_numpy()[known].astype("int64")
    if len(y) == 0 or y.min() == y.max():
        return []
    if len(y) > MAX_ROWS_CHECKED:
        from sklearn.model_selection import train_test_split

        positions = np.arange(len(y))
        positions, _ = train_test_split(positions, train_size=MAX_ROWS_CHECKED, stratify=y, random_state=0)
        positions = np.sort(positions)
        leads, y = leads.iloc[positions], y[positions]
    base_rate = float(y.mean())
    kinds = {p.name: p.kind for p in profiles}

    from leadscore.timing import as_timestamps, choose_arrival_column

    if date_column is None:
        date_column = choose_arrival_column(
            df, [c for c in df.columns if kinds.get(c) == "date" and c != outcome.name]
        )
    arrival = None
    if date_column is not None and date_column in leads.columns:
        arrival = as_timestamps(leads[date_column])

    suspects = []
    for column in df.columns:
        if column == outcome.name or column == date_column:
            continue
        values = leads[column]
        kind = kinds.get(column) or _kind_of(values)
        if kind == "date":
            values = as_timestamps(values)
        evidence: dict = {"known_outcomes": int(len(y))}
        if kind in ("number", "category", "boolean", "date"):
            examined = values
            if kind == "date":
                # The gap after arrival is what a lead-time date says; the date itself mostly
                # measures the season.
                start = arrival if arrival is not None else values.min()
                examined = (values - start).dt.total_seconds()
            if examined.notna().any():
                evidence["auc"] = round(single_column_auc(examined, y, kind), 3)
        missing, missing_auc = _missing_evidence(values, y)
        if missing is not None:
            evidence["missing_by_outcome"] = missing
            evidence["missing_auc"] = missing_auc
        pure = _pure_values(values, y, kind)
        if pure:
            evidence["pure_values"] = pure[:5]
        hint = post_outcome_name_hint(column)
        if hint:
            evidence["name_hint"] = hint
        after = _dates_after(values, arrival)
        if after is not None:
            evidence["dates_after_newest_lead_share"] = after
        suspect = _decide(column, evidence, base_rate)
        if suspect is not None:
            suspects.append(suspect)
    return sorted(suspects, key=lambda s: s.action != "exclude")


NEARLY_EMPTY_SHARE = 0.95


def default_exclusions(profiles, suspects) -> dict[str, str]:
    """Columns left out by default, each with its reason in plain words.

    Identifiers, personal data, constants, nearly empty columns (at least 95% blank) and
    leakage suspects with action ``"exclude"``. The outcome column is not listed: it is what
    the model learns, not an input.

    Parameters
    ----------
    profiles : list of ColumnProfile
    suspects : list of LeakageSuspect

    Returns
    -------
    dict[str, str]
        ``{column: reason}`` in file order, suspects' reasons taking precedence.
    """
    excluded: dict[str, str] = {}
    leaks = {s.column: s.reason for s in suspects if s.action == "exclude"}
    for profile in profiles:
        name = profile.name
        if name in leaks:
            excluded[name] = leaks[name]
        elif profile.kind == "identifier":
            excluded[name] = (
                "It is a different code for every lead (an ID), so it cannot tell which leads convert."
            )
        elif profile.kind == "personal":
            excluded[name] = (
                "It holds personal data (an email, phone number, name or address); it is left out "
                "to protect your leads' privacy and because it does not predict conversions."
            )
        elif profile.kind == "constant":
            excluded[name] = "It has the same value for every lead, so it cannot tell leads apart."
        elif profile.missing_share >= NEARLY_EMPTY_SHARE:
            excluded[name] = (
                f"It is blank for {profile.missing_share:.0%} of leads, too few values to learn from."
            )
    for column, reason in leaks.items():
        excluded.setdefault(column, reason)
    return excluded


def evidence_sentences(evidence: dict) -> list[str]:
    """A suspect's evidence in sentences (temporary minimal version)."""
    sentences = []
    if evidence.get("auc") is not None:
        sentences.append(f"On its own it ranks leads at AUC {evidence['auc']:.2f} (0.5 is a coin toss).")
    return sentences
