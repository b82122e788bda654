"""The leakage guard: find columns that would not be known when a new lead arrives.

A model trained on "deal stage" or "final deal size" looks brilliant and is useless: those are
filled in after the sale. The same goes, more quietly, for what a sales team fills in after the
first contact (a rep's "lead rating", tags, owner, notes) and for fields that describe the lead
on the day of the export ("last activity", "current status"). The guard gathers general evidence
for every column, says it in words, and decides:

- ``"exclude"``: strong evidence; the column is left out by default (the user can keep it).
- ``"warn"``: moderate evidence; the column is left out by default too (honest by default:
  the model in use is the one its figures describe), and the user can keep it.

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
- dates that fall after the newest lead's date (recorded later than any lead arrived), or that
  always come after the lead's own date;
- blank for every lead still in the pipeline and filled for the closed ones (recorded at close);
- ordinal grades ("01.High", "02.Medium") that follow the outcome, as a rep's grading does.

Where a lead came from (source, channel, campaign, ...) and a form question's answers are known
on arrival: their names never count against them (:mod:`leadscore.inspect.leakage_names`).

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
from leadscore.inspect.leakage_names import name_evidence, post_outcome_name_hint
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
    "LEFT_OUT_SENTENCE",
]

MAX_ROWS_CHECKED = 50_000

# The last sentence of every leakage suspect's reason (how a left-out leak is told from other left-out columns).
LEFT_OUT_SENTENCE = "LeadScore leaves it out unless you keep it: keep it only if it is known when a new lead arrives."

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
# "Recorded at close": blank for (nearly) every lead still in the pipeline, filled in for most
# closed ones (a close date, a loss reason). Needs enough open leads not to be chance.
OPEN_FILLED_AT_MOST = 0.02
CLOSED_FILLED_AT_LEAST = 0.8
OPEN_MIN_LEADS = 10
# "Only after the lead's own date": nearly every value later than that lead's arrival.
AFTER_OWN_DATE_SHARE = 0.99
# A pure value alone warns only when it holds this share of the converted leads: a value held
# by a few dozen leads of thousands is a small group, not the column giving the answer away.
PURE_ALONE_SHARE = 0.1
# ... and at least this many leads: under a hundred is "a few dozen", whatever the file's size
# (30 all-converted 'Partner site' leads are 16% of the conversions of a 1,500-lead export).
PURE_ALONE_MIN_LEADS = 100
# Ordinal grades ("01.High", "02.Medium", "3 - Low"): a number, a separator, a word.
_GRADE_VALUE = r"^\s*\d{1,2}\s*[.)\-:]\s*[A-Za-z]"
# A grade column "follows the outcome" when it ranks leads at least this well on its own.
GRADE_FOLLOWS_AUC = 0.6
_NUMBER_BANDS = 20
_TOP_VALUES = 100



@dataclass(frozen=True)
class LeakageSuspect:
    """A column that may not be known when a new lead arrives, with the evidence in words.

    Attributes
    ----------
    column : str
        The column's name in the user's file.
    action : str
        ``"exclude"`` (strong evidence) or ``"warn"`` (moderate evidence); both are left out
        by default, unless the user keeps the column.
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
        ``filled_by_pipeline`` (share filled in for ``open`` and ``closed`` leads, and
        ``open_leads``: recorded at close), ``after_own_date_share`` (dates after the lead's own
        date), ``grade_values`` (ordinal grades such as "01.High"), and ``known_outcomes``.
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
    if kind == "number":
        # A rating written "1" reads as '1', not as the parsed 1.0.
        text = pd.Series([None if pd.isna(v) else str(int(v)) if float(v).is_integer() else str(v) for v in values], index=values.index, dtype=object)
    else:
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


def _filled(values: pd.Series) -> np.ndarray:
    filled = values.notna().to_numpy()
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        filled = filled & values.astype("str").str.strip().ne("").to_numpy()
    return filled


def _filled_by_pipeline(open_values: pd.Series | None, closed_values: pd.Series) -> dict | None:
    """Share filled in for leads still in the pipeline and for closed ones, when the column is
    blank for (nearly) every open lead and filled for most closed ones: recorded at close."""
    if open_values is None or len(open_values) < OPEN_MIN_LEADS or not len(closed_values):
        return None
    still_open, closed = float(_filled(open_values).mean()), float(_filled(closed_values).mean())
    if still_open > OPEN_FILLED_AT_MOST or closed < CLOSED_FILLED_AT_LEAST:
        return None
    return {"open": round(still_open, 3), "closed": round(closed, 3), "open_leads": int(len(open_values))}


def _after_own_date(values: pd.Series, arrival: pd.Series | None) -> float | None:
    """Share of a date column's values later than the same lead's arrival date, when nearly
    all of them are (a date that only comes after the lead arrived: a close, a last touch)."""
    if arrival is None or not pd.api.types.is_datetime64_any_dtype(values.dtype):
        return None
    both = values.notna() & arrival.notna()
    if int(both.sum()) < OPEN_MIN_LEADS:
        return None
    later = float((values[both] > arrival[both]).mean())
    return round(later, 3) if later >= AFTER_OWN_DATE_SHARE else None


def _grade_values(values: pd.Series, kind: str) -> list[str]:
    """The values of an ordinal grade column ("01.High", "02.Medium", "03.Low"), else []."""
    if kind != "category":
        return []
    distinct = pd.Series(values.dropna().astype("str").str.strip().unique())
    distinct = distinct[distinct != ""]
    if not 2 <= len(distinct) <= 10 or not bool(distinct.str.match(_GRADE_VALUE).all()):
        return []
    return sorted(distinct.tolist())


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
    # "No better than chance" would be wrong for a column weak alone that matters with others.
    return "barely better than a coin toss"


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
    pipeline = evidence.get("filled_by_pipeline")
    if pipeline:
        sentences.append(
            f"It is blank for {_percent(1 - pipeline['open'])} of the {pipeline['open_leads']:,} leads still in the "
            f"pipeline but filled in for {_percent(pipeline['closed'])} of the closed ones: it is recorded when a lead closes."
        )
    if evidence.get("after_own_date_share") is not None:
        sentences.append(f"{_percent(evidence['after_own_date_share'])} of its dates come after the lead's own date.")
    if evidence.get("grade_values"):
        shown = ", ".join(f"'{v}'" for v in evidence["grade_values"][:3])
        sentences.append(f"Its values are grades ({shown}) that follow the outcome.")
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
    if evidence.get("filled_by_pipeline"):
        return f"{subject} looks like something recorded when a deal closes."
    if evidence.get("grade_values"):
        return f"{subject} looks like a grade your team gives after talking to a lead."
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
    """Weigh a column's evidence: strong -> "exclude", moderate -> "warn", else None (both are
    left out by default; the user can keep either)."""
    auc = evidence.get("auc") or 0.5
    missing_auc = evidence.get("missing_auc") or 0.5
    sold_values = [p for p in evidence.get("pure_values", []) if p["converted_share"] >= PURE_SHARE]
    pure_converted = bool(sold_values)
    converted_leads = evidence["known_outcomes"] * base_rate
    sold_leads = sum(p["leads"] for p in sold_values)
    dates_after = (evidence.get("dates_after_newest_lead_share") or 0.0) >= DATES_AFTER_SHARE
    after_own_date = evidence.get("after_own_date_share") is not None
    post_outcome_name = bool(evidence.get("name_hint"))
    graded = bool(evidence.get("grade_values")) and auc >= GRADE_FOLLOWS_AUC
    judgement_or_snapshot = bool(evidence.get("after_contact_hint") or evidence.get("snapshot_hint")) or graded

    # Each of these alone would not be known for a brand-new lead in an honest export.
    too_good = (
        auc >= STRONG_AUC
        or missing_auc >= STRONG_MISSING_AUC
        or bool(evidence.get("above_zero_by_outcome"))
        or bool(evidence.get("filled_by_pipeline"))
        or (converted_leads > 0 and sold_leads >= 0.2 * converted_leads)
    )
    telling = auc >= SUPPORTING_AUC or missing_auc >= MODERATE_MISSING_AUC
    strong = (
        too_good
        or (post_outcome_name and (telling or pure_converted or after_own_date))
        or (pure_converted and auc >= SUPPORTING_AUC)
        or ((dates_after or after_own_date) and telling)
        # A rep's judgement or an export-day field needs more than a useful signal to be left out.
        or (judgement_or_snapshot and ("best_other_auc" in evidence or pure_converted or dates_after))
    )
    if strong:
        return "exclude"
    moderate = (
        auc >= MODERATE_AUC
        or missing_auc >= MODERATE_MISSING_AUC
        or post_outcome_name
        or judgement_or_snapshot
        # A value held by a few dozen leads is a small group, not the column giving the answer away.
        or (pure_converted and converted_leads > 0 and sold_leads >= max(PURE_ALONE_SHARE * converted_leads, PURE_ALONE_MIN_LEADS))
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
    # Both are left out unless the user keeps them; the sentence holds whichever they chose.
    sentences.append(LEFT_OUT_SENTENCE)
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


def _column_evidence(
    values: pd.Series, kind: str, y: np.ndarray, arrival: pd.Series | None, open_values: pd.Series | None = None
) -> dict:
    """Everything the values of one column say (its name is added by the caller);
    ``open_values``: the same column for leads still in the pipeline."""
    evidence: dict = {"known_outcomes": int(len(y))}
    pipeline = _filled_by_pipeline(open_values, values)
    if pipeline:
        evidence["filled_by_pipeline"] = pipeline
    if kind == "date":
        from leadscore.inspect.timing import as_timestamps

        values = as_timestamps(values)
        after_own = _after_own_date(values, arrival)
        if after_own is not None:
            evidence["after_own_date_share"] = after_own
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
    grades = _grade_values(values, kind)
    if grades:
        evidence["grade_values"] = grades
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

    still_open = df.loc[outcome.reindex(df.index).isna().to_numpy()].head(MAX_ROWS_CHECKED)
    evidence = {
        column: _column_evidence(
            leads[column], kinds.get(column) or _kind_of(leads[column]), y, arrival, still_open[column] if len(still_open) else None
        )
        for column in df.columns
        if column not in (outcome.name, date_column)
    }
    column_auc = {column: found["auc"] for column, found in evidence.items() if "auc" in found}
    for column, best_other in _standouts(column_auc).items():
        evidence[column]["best_other_auc"] = best_other
    suspects = []
    for column, found in evidence.items():
        found.update(name_evidence(column, kinds.get(column)))
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
    every leakage suspect (``"exclude"`` and ``"warn"``: honest by default). The outcome column is not listed: it is what
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
    leaks = {s.column: s.reason for s in suspects if s.action in ("exclude", "warn")}
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
