"""The leakage guard: find columns that would not be known when a new lead arrives.

A model trained on "deal stage" or "final deal size" looks brilliant and is useless: those are
filled in after the sale. The same goes, more quietly, for what a sales team fills in after the
first contact (a rep's "lead rating", tags, owner, notes) and for fields that describe the lead
on the day of the export ("last activity", "current status"). The guard gathers general evidence
for every column, says it in words, and decides:

- ``"exclude"``: strong evidence; the column is left out by default (the user can keep it).
- ``"warn"``: moderate evidence; the column is kept unless the user leaves it out.

Evidence (never a list of known column names, so it works on exports it has never seen):

- how well the column alone predicts the outcome: cross-validated single-column ROC AUC, using
  scikit-learn's ``TargetEncoder`` (out-of-fold conversion rate of each value or number band) on
  at most 50,000 sampled leads, so a million-row file takes about a second; every examined
  column's AUC is reported (:class:`LeakageReport`), not only the suspects';
- a column that ranks leads far better than every other column of the table;
- too good to be true: a column that alone separates the outcomes almost perfectly, such as an
  amount that is 0 for every lead that did not convert and positive for every one that did;
- whether it is filled in mostly for one outcome (missingness that predicts the outcome);
- values that are almost pure ("Closed Won" converted 99% of the time);
- a name that denotes a fact known after the outcome (deal size, close date, stage, status,
  revenue, duration of a call, ...), a rep's judgement after contact (rating, score, owner,
  tags, notes, ...) or the lead's state at export time (last ..., current ..., updated);
- dates that fall after the newest lead's date (recorded later than any lead arrived).

Example
-------
>>> report = examine_columns(leads, mapping.apply(leads), profiles)    # doctest: +SKIP
>>> [(s.column, s.action) for s in report.suspects]                    # doctest: +SKIP
[('deal_stage', 'exclude'), ('final_deal_size', 'exclude')]
>>> report.column_auc["source"]                                        # doctest: +SKIP
0.666
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from leadscore.inspect.categories import category_key
from leadscore.inspect.profile import looks_like_code
from leadscore.io.read import to_number

__all__ = [
    "LeakageReport",
    "LeakageSuspect",
    "examine_columns",
    "find_leakage_suspects",
    "default_exclusions",
    "evidence_sentences",
    "name_evidence",
    "post_outcome_name_hint",
    "single_column_auc",
    "MAX_ROWS_CHECKED",
]

MAX_ROWS_CHECKED = 50_000

# AUC of one column alone above which it is "too good to be true" for a lead-scoring input.
# Measured (tests/test_leakage.py): the honest columns of the sample reach 0.67 at most, those
# of UCI bank marketing 0.78 (the economic indicators); their leaks reach 0.98-1.00 and 0.82.
STRONG_AUC = 0.90
MODERATE_AUC = 0.80
# With another sign of leakage (a post-outcome name, a pure value), a lower AUC is enough.
SUPPORTING_AUC = 0.70
# "Stands well above the rest": at least MODERATE_AUC and this far above the best of the ordinary
# columns (those under MODERATE_AUC, so that two leaks do not hide each other). Bank marketing's
# call duration (0.82) is only 0.03 above its economic indicators (0.78): not a standout there;
# the sample's leaks (0.98, 1.00) are 0.32 above its best honest column (source, 0.67).
STANDOUT_GAP = 0.10
# Missingness alone predicting the outcome this well (as an AUC).
STRONG_MISSING_AUC = 0.90
MODERATE_MISSING_AUC = 0.75
PURE_SHARE = 0.98
# A value must be common enough that, at the base rate, we would expect this many leads of the
# other outcome; seeing almost none is then evidence, not chance.
PURE_MIN_EXPECTED = 10
# "0 or blank for nearly every lead that did not convert, positive for nearly every one that did":
# money or activity recorded after the sale. Needs enough converted leads not to be chance.
ABOVE_ZERO_CONVERTED = 0.90
ABOVE_ZERO_OTHERS = 0.05
ABOVE_ZERO_MIN_CONVERTED = 10
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

# Words for what a sales team fills in after talking to a lead, as shown in a sentence.
_AFTER_CONTACT_NAMES: dict[tuple[str, ...], str] = {
    ("rating",): "a rating",
    ("rated",): "a rating",
    ("quality",): "a quality judgement",
    ("grade",): "a grade",
    ("score",): "a score",
    ("scoring",): "a score",
    ("tag",): "a tag",
    ("tags",): "tags",
    ("owner",): "an owner",
    ("assigned",): "an assignment to a rep",
    ("reason",): "a reason",
    ("notes",): "notes",
    ("note",): "a note",
    ("comment",): "a comment",
    ("comments",): "comments",
    ("disposition",): "a call result",
}

# Words that make a column describe the lead on the day of the export, not on arrival.
_SNAPSHOT_WORDS = ("last", "latest", "current", "updated", "modified")
# "last name" is a person's name (personal data), not the lead's latest state.
_NAME_WORDS = ("name", "names")


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
        A few sentences a marketer can act on, ending with the question to ask oneself.
    evidence : dict
        JSON-ready numbers behind the reason (:func:`evidence_sentences` says them in words):
        ``auc``, ``best_other_auc`` (when the column stands well above the rest),
        ``above_zero_by_outcome`` (share above zero for ``converted`` / ``not_converted``),
        ``pure_values`` (list of ``{value, leads, converted_share}``), ``missing_by_outcome``
        (share filled in for ``converted`` / ``not_converted``), ``missing_auc``, ``name_hint``
        (after-the-outcome fact), ``after_contact_hint`` (a rep's judgement),
        ``snapshot_hint`` (the word saying "at export time"), ``dates_after_newest_lead_share``,
        and ``known_outcomes`` (leads examined).
    """

    column: str
    action: str
    reason: str
    evidence: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The suspect as ``{column, action, reason, evidence}`` for ``inspect --json``."""
        return {"column": self.column, "action": self.action, "reason": self.reason, "evidence": self.evidence}


@dataclass(frozen=True)
class LeakageReport:
    """What the leakage guard found: the suspects, and how much every column says on its own.

    Attributes
    ----------
    suspects : list of LeakageSuspect
        Excluded suspects first, then warnings, each group in column order.
    column_auc : dict[str, float]
        Cross-validated single-column ROC AUC (0.5 = a coin toss, 1.0 = perfect) of every
        examined column (numbers, categories, yes/no flags and dates other than the arrival
        date; free text, IDs and personal data are not examined this way), in column order.
        Training can use it to name the columns doing the work.
    """

    suspects: list[LeakageSuspect]
    column_auc: dict[str, float]

    def to_dict(self) -> dict:
        """The report as ``{suspects: [...], column_auc: {...}}``, ready for JSON."""
        return {"suspects": [s.to_dict() for s in self.suspects], "column_auc": dict(self.column_auc)}


# --- Names ------------------------------------------------------------------------------------

def _name_words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(name))
    return re.findall(r"[a-z0-9]+", spaced.lower())


def _find_phrase(words: list[str], phrases: dict[tuple[str, ...], str]) -> str | None:
    """The hint for the longest phrase found as whole words in ``words``, if any."""
    for phrase in sorted(phrases, key=len, reverse=True):
        n = len(phrase)
        if any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1)):
            return phrases[phrase]
    return None


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
    return _find_phrase(_name_words(name), _POST_OUTCOME_NAMES)


def _snapshot_word(words: list[str]) -> str | None:
    for i, word in enumerate(words):
        neighbours = words[max(i - 1, 0) : i] + words[i + 1 : i + 2]
        if word in _SNAPSHOT_WORDS and not (word == "last" and set(neighbours) & set(_NAME_WORDS)):
            return word
    return None


def name_evidence(name: str) -> dict[str, str]:
    """What a column's name alone suggests about when it is filled in.

    Whole words are compared in snake_case, camelCase or plain names, so "scoreboard",
    "poutcome", "closeness" and "lastname" match nothing, and "last_name" (a person's name)
    is not taken for "last ...". A fact known after the outcome wins over the weaker hints.

    Parameters
    ----------
    name : str
        A column name such as "Lead Rating", "lastActivityDate" or "final_deal_size".

    Returns
    -------
    dict
        One of ``{"name_hint": "deal size"}`` (known only after the outcome),
        ``{"after_contact_hint": "a rating"}`` (a rep's judgement after contact),
        ``{"snapshot_hint": "last"}`` (the lead's state on the day of the export), or ``{}``.

    Example
    -------
    >>> name_evidence("Lead Rating"), name_evidence("lastActivityDate"), name_evidence("last_name")
    ({'after_contact_hint': 'a rating'}, {'snapshot_hint': 'last'}, {})
    """
    words = _name_words(name)
    post_outcome = _find_phrase(words, _POST_OUTCOME_NAMES)
    if post_outcome:
        return {"name_hint": post_outcome}
    after_contact = _find_phrase(words, _AFTER_CONTACT_NAMES)
    if after_contact:
        return {"after_contact_hint": after_contact}
    snapshot = _snapshot_word(words)
    return {"snapshot_hint": snapshot} if snapshot else {}


# --- Single-column signal ---------------------------------------------------------------------

def _number_codes(numbers: pd.Series) -> np.ndarray:
    """Integer band of every lead: -1 missing; common values (5% of leads or more, such as the 0
    of an amount most leads never spend) each a band of their own; the rest equal-count bands.

    Equal-count bands alone put a column that is 0 for 99% of leads into one single band (every
    quantile but the last is 0), hiding that its few positive values all belong to converters.
    """
    values = numbers.to_numpy(dtype="float64")
    codes = np.full(len(values), -1, dtype="int64")
    present = ~np.isnan(values)
    distinct, inverse = np.unique(values[present], return_inverse=True)
    if len(distinct) <= _NUMBER_BANDS:
        codes[present] = inverse
        return codes
    counts = np.bincount(inverse)
    common = counts >= present.sum() / _NUMBER_BANDS
    codes[present] = np.where(common[inverse], inverse, -2)
    rest = codes == -2
    bands = pd.qcut(values[rest], q=_NUMBER_BANDS, labels=False, duplicates="drop")
    codes[rest] = len(distinct) + np.asarray(bands, dtype="int64")
    return codes


def _category_codes(values: pd.Series) -> np.ndarray:
    """Integer code of every lead's spelling key (-1 missing); beyond the 100 most common keys,
    one shared code. Keys are computed once per distinct value, not once per lead."""
    raw_codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) == 0:
        return raw_codes.astype("int64")
    keys = category_key(pd.Series(uniques, dtype="object")).fillna("")
    key_codes, _ = pd.factorize(keys)
    key_codes = np.where(keys.to_numpy() == "", -1, key_codes)
    codes = np.where(raw_codes >= 0, key_codes[np.maximum(raw_codes, 0)], -1)
    counts = np.bincount(codes[codes >= 0]) if (codes >= 0).any() else np.zeros(0, dtype="int64")
    if len(counts) > _TOP_VALUES:
        top = np.argsort(-counts, kind="stable")[:_TOP_VALUES]
        kept = np.zeros(len(counts), dtype=bool)
        kept[top] = True
        codes = np.where((codes >= 0) & ~kept[np.maximum(codes, 0)], len(counts), codes)
    return codes


def _as_numbers(values: pd.Series) -> pd.Series:
    """A number column as floats; numbers written as text ("$1,234.50") are read as numbers."""
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64")
    return to_number(values)[0]


def single_column_auc(values: pd.Series, y: np.ndarray, kind: str = "category") -> float:
    """Cross-validated ROC AUC of one column alone (5-fold, out-of-fold conversion rates).

    Each value (or, for numbers and dates, each common value and each of up to 20 equal-count
    bands of the others; missing counts as a value) gets the conversion rate learnt on the other
    folds, and those rates are scored against the outcome with ``roc_auc_score``.

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

    if kind in ("number", "date") or pd.api.types.is_numeric_dtype(values.dtype):
        codes = _number_codes(_as_numbers(values))
    else:
        codes = _category_codes(values)
    y = np.asarray(y)
    smaller = int(min(y.sum(), len(y) - y.sum()))
    if smaller < 2:
        return 0.5  # one lead of an outcome: nothing to cross-validate, no evidence either way
    folds = StratifiedKFold(n_splits=min(5, smaller), shuffle=True, random_state=0)
    # Integer codes: the encoder's sorting and matching of values is much faster than on text.
    encoded = TargetEncoder(target_type="binary", cv=folds).fit_transform(codes.reshape(-1, 1), y)
    return float(roc_auc_score(y, encoded[:, 0]))


def _standouts(column_auc: dict[str, float]) -> dict[str, float]:
    """Columns whose AUC stands well above the rest: column -> the best ordinary column's AUC."""
    ordinary = {c: auc for c, auc in column_auc.items() if auc < MODERATE_AUC}
    standouts = {}
    for column, auc in column_auc.items():
        others = [a for c, a in ordinary.items() if c != column]
        if auc >= MODERATE_AUC and others and auc - max(others) >= STANDOUT_GAP:
            standouts[column] = max(others)
    return standouts


# --- Other evidence ---------------------------------------------------------------------------

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
    sold = (stats["mean"] >= PURE_SHARE) & (stats["size"] * (1 - base) >= PURE_MIN_EXPECTED)
    never = (stats["mean"] <= 1 - PURE_SHARE) & (stats["size"] * base >= PURE_MIN_EXPECTED)
    pure = [
        {"value": str(value), "leads": int(size), "converted_share": round(float(rate), 3)}
        for value, size, rate in stats[sold | never].itertuples()
    ]
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


def _above_zero_evidence(numbers: pd.Series, y: np.ndarray) -> dict | None:
    """Share above zero per outcome, when the column is 0 (or blank) for nearly every lead that
    did not convert and positive for nearly every one that did (money spent after buying)."""
    if int(y.sum()) < ABOVE_ZERO_MIN_CONVERTED:
        return None
    values = numbers.to_numpy(dtype="float64")
    # Blank instead of 0 is the missingness evidence's job; here the zeros must be written.
    if not (values == 0).any():
        return None
    positive = values > 0
    converted, others = float(positive[y == 1].mean()), float(positive[y == 0].mean())
    if converted < ABOVE_ZERO_CONVERTED or others > ABOVE_ZERO_OTHERS:
        return None
    return {"converted": round(converted, 3), "not_converted": round(others, 3)}


def _dates_after(values: pd.Series, arrival: pd.Series | None) -> float | None:
    """Share of a date column's values later than the newest lead's arrival date."""
    if arrival is None or not pd.api.types.is_datetime64_any_dtype(values.dtype):
        return None
    newest = arrival.max()
    present = values.dropna()
    if present.empty or pd.isna(newest):
        return None
    return round(float((present > newest).mean()), 3)


# --- Evidence in words ------------------------------------------------------------------------

def _percent(share: float) -> str:
    """A share in words, never rounding a few leads to 0% or all-but-a-few to 100%."""
    if 0 < share < 0.01:
        return "under 1%"
    if 0.99 < share < 1:
        return "over 99%"
    return f"{share:.0%}"


def _ranks(auc: float) -> str:
    if auc >= 0.98:
        return "almost perfectly"
    if auc >= STRONG_AUC:
        return "very well"
    if auc >= SUPPORTING_AUC:
        return "well"
    if auc >= 0.6:
        return "somewhat"
    return "no better than chance"


def _pure_value_sentence(pure: list[dict]) -> str:
    sold = [p for p in pure if p["converted_share"] >= PURE_SHARE]
    top = sold[0] if sold else pure[0]
    # A code such as "4b33e0c1..." means nothing to a reader; say what it is instead.
    shown = "one particular code" if looks_like_code(top["value"]) else f"'{top['value']}'"
    return (
        f"Leads with {shown} converted {_percent(top['converted_share'])} of the time "
        f"({top['leads']:,} leads)."
    )


def _signal_sentences(evidence: dict) -> list[str]:
    """What the values say, strongest first (the name is said by the caller)."""
    sentences = []
    auc = evidence.get("auc")
    if auc is not None:
        sentences.append(
            f"On its own, this column ranks leads {_ranks(auc)} (AUC {auc:.2f}, where 0.5 is a coin toss)."
        )
    if evidence.get("best_other_auc") is not None:
        sentences.append(
            f"That is far above every other column: the best of the rest reaches AUC {evidence['best_other_auc']:.2f}."
        )
    above_zero = evidence.get("above_zero_by_outcome")
    if above_zero:
        sentences.append(
            f"It is above zero for {_percent(above_zero['converted'])} of converted leads but "
            f"{_percent(above_zero['not_converted'])} of the others."
        )
    if evidence.get("pure_values"):
        sentences.append(_pure_value_sentence(evidence["pure_values"]))
    missing = evidence.get("missing_by_outcome")
    if missing and (evidence.get("missing_auc") or 0.5) >= MODERATE_MISSING_AUC:
        sentences.append(
            f"It is filled in for {_percent(missing['converted'])} of converted leads but "
            f"{_percent(missing['not_converted'])} of the others."
        )
    dates_after = evidence.get("dates_after_newest_lead_share") or 0.0
    if dates_after >= DATES_AFTER_SHARE:
        sentences.append(f"{_percent(dates_after)} of its dates fall after the newest lead arrived.")
    return sentences


def _name_sentence(evidence: dict, column: str | None = None) -> str | None:
    """What the column's name suggests, as a sentence about ``column`` (or "it")."""
    subject = f"'{column}'" if column else "It"
    if evidence.get("name_hint"):
        return f"{subject} looks like something recorded after the sale (its name suggests {evidence['name_hint']})."
    if evidence.get("after_contact_hint"):
        return (
            f"{subject} looks like something your team fills in after talking to a lead "
            f"({evidence['after_contact_hint']})."
        )
    if evidence.get("snapshot_hint"):
        return (
            f"{subject} looks like it describes the lead on the day of the export, not on the day it "
            f"arrived (its name says '{evidence['snapshot_hint']}')."
        )
    return None


def evidence_sentences(evidence: dict) -> list[str]:
    """A suspect's evidence as sentences for a marketer, strongest first.

    Parameters
    ----------
    evidence : dict
        ``LeakageSuspect.evidence`` (any of its keys may be absent).

    Returns
    -------
    list of str
        e.g. "On its own, this column ranks leads almost perfectly (AUC 0.99, where 0.5 is a
        coin toss).", "It is filled in for 98% of converted leads but 3% of the others.",
        "Leads with 'Closed Won' converted 100% of the time (412 leads).", "12% of its dates
        fall after the newest lead arrived.", then what the name suggests. Codes (a UUID, a hex
        digest) are never quoted.

    Example
    -------
    >>> for sentence in evidence_sentences(
    ...     {"auc": 0.99, "missing_auc": 0.97, "missing_by_outcome": {"converted": 0.98, "not_converted": 0.03}}
    ... ):
    ...     print(sentence)
    On its own, this column ranks leads almost perfectly (AUC 0.99, where 0.5 is a coin toss).
    It is filled in for 98% of converted leads but 3% of the others.
    """
    named = _name_sentence(evidence)
    return _signal_sentences(evidence) + ([named] if named else [])


# --- Verdict ----------------------------------------------------------------------------------

def _action(evidence: dict, base_rate: float) -> str | None:
    """Weigh a column's evidence: strong -> "exclude", moderate -> "warn", else None."""
    auc = evidence.get("auc") or 0.5
    missing_auc = evidence.get("missing_auc") or 0.5
    sold_values = [p for p in evidence.get("pure_values", []) if p["converted_share"] >= PURE_SHARE]
    pure_converted = bool(sold_values)
    dates_after = (evidence.get("dates_after_newest_lead_share") or 0.0) >= DATES_AFTER_SHARE
    post_outcome_name = bool(evidence.get("name_hint"))
    judgement_or_snapshot_name = bool(evidence.get("after_contact_hint") or evidence.get("snapshot_hint"))
    converted_leads = evidence["known_outcomes"] * base_rate

    # Each of these alone would not be known for a brand-new lead in an honest export.
    too_good = (
        auc >= STRONG_AUC
        or missing_auc >= STRONG_MISSING_AUC
        or bool(evidence.get("above_zero_by_outcome"))
        or (converted_leads > 0 and sum(p["leads"] for p in sold_values) >= 0.2 * converted_leads)
    )
    strong = (
        too_good
        or (post_outcome_name and (auc >= SUPPORTING_AUC or missing_auc >= MODERATE_MISSING_AUC or pure_converted))
        or (pure_converted and auc >= SUPPORTING_AUC)
        or (dates_after and (auc >= SUPPORTING_AUC or missing_auc >= MODERATE_MISSING_AUC))
        # A rep's judgement or an export-day field needs more than a useful signal to be left out.
        or (judgement_or_snapshot_name and ("best_other_auc" in evidence or pure_converted or dates_after))
    )
    if strong:
        return "exclude"
    moderate = (
        auc >= MODERATE_AUC
        or missing_auc >= MODERATE_MISSING_AUC
        or post_outcome_name
        or judgement_or_snapshot_name
        or pure_converted
        or dates_after
    )
    return "warn" if moderate else None


def _reason(column: str, evidence: dict, action: str) -> str:
    """What is suspect about ``column``, in plain words, ending with the question to ask."""
    opening = _name_sentence(evidence, column) or (
        f"'{column}' looks like something recorded after the sale or the first contact."
        if action == "exclude"
        else f"'{column}' may be filled in after a lead arrives."
    )
    sentences = [opening, *_signal_sentences(evidence)]
    if action == "exclude":
        sentences.append("It is left out for now. Is it known when a new lead arrives? If so, keep it.")
    else:
        sentences.append("Is it known when a new lead arrives? If not, leave it out.")
    return " ".join(sentences)


# --- Examining a table ------------------------------------------------------------------------

def _kind_of(values: pd.Series) -> str:
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return "date"
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return "number"
    return "category"


def _known_leads(df: pd.DataFrame, outcome: pd.Series) -> tuple[pd.DataFrame, np.ndarray]:
    """Leads with a known outcome (at most MAX_ROWS_CHECKED, both outcomes kept in proportion)."""
    known = outcome.reindex(df.index).notna().to_numpy()
    leads = df.loc[known]
    y = outcome.reindex(df.index).to_numpy()[known].astype("int64")
    if len(y) > MAX_ROWS_CHECKED and y.min() != y.max():
        from sklearn.model_selection import train_test_split

        positions, _ = train_test_split(np.arange(len(y)), train_size=MAX_ROWS_CHECKED, stratify=y, random_state=0)
        positions = np.sort(positions)
        leads, y = leads.iloc[positions], y[positions]
    return leads, y


def _column_evidence(values: pd.Series, kind: str, y: np.ndarray, arrival: pd.Series | None) -> dict:
    """Everything the values of one column say (its name is added by the caller)."""
    evidence: dict = {"known_outcomes": int(len(y))}
    if kind == "date":
        from leadscore.inspect.timing import as_timestamps

        values = as_timestamps(values)
    if kind in ("number", "category", "boolean", "date"):
        examined = values
        if kind == "date":
            # The gap after arrival is what a lead-time date says; the date itself mostly
            # measures the season.
            start = arrival if arrival is not None else values.min()
            examined = (values - start).dt.total_seconds()
        if examined.notna().any():
            evidence["auc"] = round(single_column_auc(examined, y, kind), 3)
    if kind == "number":
        above_zero = _above_zero_evidence(_as_numbers(values), y)
        if above_zero:
            evidence["above_zero_by_outcome"] = above_zero
    missing, missing_auc = _missing_evidence(values, y)
    if missing is not None:
        evidence["missing_by_outcome"] = missing
        evidence["missing_auc"] = missing_auc
    pure = _pure_values(values, y, kind)
    if pure:
        evidence["pure_values"] = pure[:5]
    after = _dates_after(values, arrival)
    if after is not None:
        evidence["dates_after_newest_lead_share"] = after
    return evidence


def examine_columns(
    df: pd.DataFrame,
    outcome: pd.Series,
    profiles,
    date_column: str | None = None,
) -> LeakageReport:
    """Examine every column: how much it says alone, and whether it looks recorded too late.

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
    LeakageReport
        The suspects (excluded first, then warnings) and every examined column's AUC. Both are
        empty when the known leads do not hold both outcomes.
    """
    from leadscore.inspect.timing import as_timestamps, choose_arrival_column

    leads, y = _known_leads(df, outcome)
    if len(y) == 0 or y.min() == y.max():
        return LeakageReport([], {})
    kinds = {p.name: p.kind for p in profiles}
    if date_column is None:
        date_column = choose_arrival_column(df, [c for c in df.columns if kinds.get(c) == "date" and c != outcome.name])
    arrival = as_timestamps(leads[date_column]) if date_column in leads.columns else None

    evidence = {
        column: _column_evidence(leads[column], kinds.get(column) or _kind_of(leads[column]), y, arrival)
        for column in df.columns
        if column not in (outcome.name, date_column)
    }
    column_auc = {column: found["auc"] for column, found in evidence.items() if "auc" in found}
    for column, best_other in _standouts(column_auc).items():
        evidence[column]["best_other_auc"] = best_other
    suspects = []
    for column, found in evidence.items():
        found.update(name_evidence(column))
        action = _action(found, float(y.mean()))
        if action:
            suspects.append(LeakageSuspect(column, action, _reason(column, found, action), found))
    return LeakageReport(sorted(suspects, key=lambda s: s.action != "exclude"), column_auc)


def find_leakage_suspects(
    df: pd.DataFrame,
    outcome: pd.Series,
    profiles,
    date_column: str | None = None,
) -> list[LeakageSuspect]:
    """Find columns that look recorded after the outcome, with the evidence in words.

    The suspects of :func:`examine_columns` (same parameters), for callers that need only them.

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
    return examine_columns(df, outcome, profiles, date_column=date_column).suspects


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
