"""Score history: which lead is which across runs, who moved, and how the promises came true.

Every scoring run gives each lead a probability and a tier. To follow a lead from one run to the
next it needs a key (:func:`lead_keys`): its ID when the file has one, otherwise a fingerprint of
its values. With keys, :func:`movers` lists the leads whose score changed most between two runs,
:func:`tier_changes` says what to do about each lead that changed tier, :func:`lead_trend` gives one
lead's scores over time, and :func:`outcome_feedback` compares the probabilities the model promised
with what really happened once outcomes are known.

Example
-------
>>> import pandas as pd
>>> before = pd.DataFrame({"key": ["A", "B"], "probability": [0.45, 0.30], "tier": ["Warm", "Cool"]})
>>> after = pd.DataFrame({"key": ["A", "B"], "probability": [0.80, 0.25], "tier": ["Hot", "Cool"]})
>>> tier_changes(movers(before, after))["summary"].tolist()
['Warm -> Hot: call now']
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.model.tiers import TIERS

__all__ = [
    "KEY_LENGTH",
    "lead_keys",
    "movers",
    "tier_rules_change",
    "tier_changes",
    "lead_trend",
    "TierFeedback",
    "FeedbackReport",
    "outcome_feedback",
]

KEY_LENGTH = 16
"""Hex characters in a key made from a lead's values (64 bits: no collision in practice)."""
FEEDBACK_MIN_LEADS = 30
"""Leads with a known outcome a tier needs before its gap from the promise counts."""
FEEDBACK_GAP = 0.10
"""How far (10 points) a tier's real conversion may be from the promise before it counts."""

# Separators that do not occur in exported text, so ("ab", "c") and ("a", "bc") differ.
_FIELD = "\x1e"
_NAME = "\x1f"
_RANK = {tier: rank for rank, tier in enumerate(TIERS)}  # Hot 0 ... Cold 3
# What to do when a lead lands in a tier: going up, going down.
_UP = {"Hot": "call now", "Warm": "contact today", "Cool": "add to the nurture emails"}
_DOWN = {
    "Warm": "cooled off: follow up by email rather than a call",
    "Cool": "cooled off: move to the nurture emails",
    "Cold": "gone cold: automated emails only",
}


# ---------------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------------


def _key_text(values: pd.Series) -> pd.Series:
    """Lead IDs as trimmed text (case kept); whole numbers without ".0" (IDs read as 1001.0
    when the column has blanks); blanks as missing."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = np.append(_number_texts(np.asarray(uniques)), None)[codes]
        return pd.Series(texts, index=values.index, dtype="str")
    if values.dtype == object:
        # Mixed IDs (" L-1 " and 1002.0 in one column): each distinct value on its own.
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = [_number_texts(np.array([v]))[0] if _is_number(v) else str(v).strip() for v in uniques]
        values = pd.Series(np.append(np.array(texts, dtype=object), None)[codes], index=values.index, dtype="str")
    text = values.astype("str").str.strip()
    return text.mask(values.isna() | (text == ""))


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _normalised(value) -> str:
    """One distinct value as key text: for object columns that mix numbers and text."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        stamp = pd.Timestamp(value)
        stamp = stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo is not None else stamp
        return stamp.strftime("%Y-%m-%dT%H:%M:%S")
    return str(value).strip().lower()


def _number_texts(numbers: np.ndarray) -> np.ndarray:
    """Numbers as Python writes them, whole ones without ".0": 3 and 3.0 -> "3", 0.1 -> "0.1"."""
    if numbers.dtype.kind in "iu":
        return numbers.astype(str).astype(object)
    numbers = numbers.astype(float)
    whole = np.isfinite(numbers) & (numbers == np.round(numbers)) & (np.abs(numbers) < 2**53)
    texts = np.where(whole, numbers, 0).astype(np.int64).astype(str).astype(object)
    # repr is Python's shortest round-trip form: the same digits on every machine and version.
    texts[~whole] = list(map(repr, numbers[~whole].tolist()))
    return texts


def _column_texts(values: pd.Series) -> np.ndarray:
    """Each lead's value in one column as key text, an object array.

    Only the distinct values are normalised (a column of 30 sources costs 30 conversions, not
    100k): trimmed and lower case; numbers as Python writes them (3.0 -> "3", 0.1 -> "0.1");
    dates as ISO text to the second (UTC when they carry a time zone); blanks as ""."""
    dtype = values.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        if getattr(dtype, "tz", None) is not None:
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        codes, uniques = pd.factorize(values.to_numpy(dtype="datetime64[s]"), use_na_sentinel=True)
        texts = np.datetime_as_string(np.asarray(uniques, dtype="datetime64[s]"), unit="s").astype(object)
    elif pd.api.types.is_bool_dtype(dtype):
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = np.where(np.asarray(uniques, dtype=bool), "true", "false").astype(object)
    elif pd.api.types.is_numeric_dtype(dtype):
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = _number_texts(np.asarray(uniques))
    elif dtype == "str":
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = pd.Series(uniques, dtype="str").str.strip().str.lower().to_numpy(dtype=object)
    else:
        codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
        texts = np.array([_normalised(v) for v in list(uniques)], dtype=object)
    # One more entry for blanks (code -1 indexes the last element).
    return np.append(texts.astype(object), "").astype(object)[codes]


def lead_keys(
    leads: pd.DataFrame, key_column: str | None = None, columns: Sequence[str] | None = None
) -> pd.Series:
    """A key for every lead, the same every time the same lead is scored, to follow it across runs.

    With an ID column the key is the lead's ID (trimmed text). Without one (or where the ID is
    blank) it is a fingerprint of the lead's values: a 16-character blake2b hash of the
    normalised text (trimmed, lower case, numbers without ".0", dates as ISO text) of ``columns``
    (or every column), taken in sorted column-name order with each column's name, so the order
    of the columns in the file does not matter and the same values give the same key in any
    process, on any day.

    Limit: without an ID a lead whose values change (one more page viewed, a new email opened)
    gets a new key and looks like a new lead; two leads with identical values share a key. Pass
    the ID column whenever the file has one, and otherwise ``columns`` that do not change over
    a lead's life (e.g. the model's input columns, so a column added to the export later does
    not change every key).

    Parameters
    ----------
    leads : DataFrame
        One row per lead.
    key_column : str, optional
        The column that identifies each lead (lead ID, CRM record ID).
    columns : sequence of str, optional
        The columns the fingerprint is made from; default every column (except ``key_column``).

    Returns
    -------
    Series of str named "key", same index as ``leads``.

    Example
    -------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({"id": [" L-1", None], "source": ["Ads", "Ads"], "pages": [3, 3.0]})
    >>> keys = lead_keys(leads, "id")
    >>> keys[0], len(keys[1])
    ('L-1', 16)
    >>> lead_keys(leads[["pages", "source"]]).equals(lead_keys(leads[["source", "pages"]]))
    True
    """
    if not isinstance(leads, pd.DataFrame):
        raise LeadScoreInputError("Give the leads as a table (DataFrame).")
    if key_column is not None and key_column not in leads.columns:
        raise LeadScoreInputError(
            f"There is no column '{key_column}' to identify the leads. Choose the column with each "
            "lead's ID, or none to recognise leads by their values."
        )
    if columns is None:
        columns = [name for name in leads.columns if name != key_column]
    else:
        columns = list(columns)
        missing = [name for name in columns if name not in leads.columns]
        if missing:
            raise LeadScoreInputError(
                f"The leads have no column {', '.join(repr(str(n)) for n in missing)} to recognise "
                "them by. Check the column names."
            )
    keys = pd.Series(pd.NA, index=leads.index, dtype="str", name="key")
    if key_column is not None:
        keys = _key_text(leads[key_column]).rename("key")
    need_hash = keys.isna().to_numpy()
    if need_hash.any():
        if not columns:
            raise LeadScoreInputError(
                "Some leads have no ID and there are no other columns to recognise them by. Fill in "
                "the ID column or add the lead's details."
            )
        subset = leads.loc[need_hash]
        names = sorted(columns, key=lambda n: str(n).strip())
        texts = [_column_texts(subset[name]) for name in names]
        # The column names once per lead, so that the same values under other names differ.
        header = _NAME.join(str(name).strip() for name in names) + _NAME
        # hashlib, not pandas' hash_array: its output is not promised to stay the same across
        # versions, and keys are stored for years. About 2 microseconds a lead.
        blake2b, size = hashlib.blake2b, KEY_LENGTH // 2
        hashed = [
            blake2b((header + _FIELD.join(row)).encode("utf-8"), digest_size=size).hexdigest() for row in zip(*texts)
        ]
        keys = keys.copy()
        keys[need_hash] = hashed
    return keys.astype("str")


# ---------------------------------------------------------------------------------------------
# Movers between two runs
# ---------------------------------------------------------------------------------------------


def _check_run(run: pd.DataFrame, what: str, needed: Sequence[str]) -> None:
    if not isinstance(run, pd.DataFrame):
        raise LeadScoreInputError(f"Give the {what} as a table (DataFrame).")
    missing = [name for name in needed if name not in run.columns]
    if missing:
        raise LeadScoreInputError(
            f"The {what} have no column {', '.join(repr(n) for n in missing)}. Each scored lead needs "
            f"{', '.join(needed)}."
        )


def _tiers(values: pd.Series, what: str) -> tuple[pd.Series, np.ndarray]:
    """Tier names as Hot / Warm / Cool / Cold whatever their case and spacing, and their ranks
    (0 = Hot ... 3 = Cold). Works on the distinct values: a million leads have four tiers."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    canonical = [str(value).strip().capitalize() for value in list(uniques)]
    unknown = sorted({str(value) for value, name in zip(list(uniques), canonical) if name not in _RANK})
    if unknown or (codes < 0).any():
        shown = ", ".join(repr(v) for v in unknown[:5]) or "a blank"
        raise LeadScoreInputError(
            f"The {what} have tier {shown}, which is not one of {', '.join(TIERS)}. Score the leads "
            "with LeadScore again."
        )
    ranks = np.array([_RANK[name] for name in canonical], dtype=int)[codes]
    if values.dtype == "str" and all(str(value) == name for value, name in zip(list(uniques), canonical)):
        return values, ranks
    return pd.Series(np.array(canonical, dtype=object)[codes], index=values.index, dtype="str"), ranks


def movers(previous: pd.DataFrame, current: pd.DataFrame, previous_policy=None, current_policy=None) -> pd.DataFrame:
    """The leads scored in both runs, biggest change in probability first.

    A lead moved tier only when its chance moved: a lead at 71% in both runs that is Hot in
    one and Warm in the other changed tier because the tier rules changed, and is not counted
    in ``tier_changed`` (``attrs["tier_rules"]`` says what changed, ``attrs["rules_only"]``
    how many leads changed tier because of it).

    Parameters
    ----------
    previous, current : DataFrame
        Two scoring runs, each with columns ``key``, ``probability`` (0..1) and ``tier``, and
        optionally ``reason``. A key that appears more than once in a run keeps its last row.
    previous_policy, current_policy : str or TierPolicy, optional
        Each run's tier rules (a run summary's ``policy`` sentence, or the policy itself).

    Returns
    -------
    DataFrame with one row per lead in both runs: ``key``, ``before``, ``after`` (probabilities),
    ``change`` (in percentage points, after minus before), ``tier_before``, ``tier_after``,
    ``tier_changed`` (the tier changed and so did the chance), and ``reason`` /
    ``reason_before`` when the runs have reasons. Sorted by
    the size of the change, largest first (leads without a probability last; ties keep the
    current run's order). ``attrs["duplicates"]`` holds how many repeated keys were dropped from
    each run (``{"previous": n, "current": m}``) and ``attrs["note"]`` a sentence about them
    (None when there were none); ``attrs["tier_rules"]`` is a sentence when the tier rules
    changed between the runs (else None), ``attrs["rules_only"]`` the leads whose tier changed
    while their chance stayed.

    Example
    -------
    >>> import pandas as pd
    >>> before = pd.DataFrame({"key": ["A", "B"], "probability": [0.45, 0.30], "tier": ["Warm", "Cool"]})
    >>> after = pd.DataFrame({"key": ["B", "A"], "probability": [0.25, 0.80], "tier": ["Cool", "Hot"]})
    >>> movers(before, after)[["key", "change", "tier_after"]].round(1).values.tolist()
    [['A', 35.0, 'Hot'], ['B', -5.0, 'Cool']]
    """
    needed = ("key", "probability", "tier")
    _check_run(previous, "earlier scores", needed)
    _check_run(current, "latest scores", needed)
    # One hash pass over both runs' keys; everything after works on integer codes (a pandas
    # merge on 1M text keys hashes them three times and costs several seconds).
    current_keys = _key_text(current["key"])
    previous_codes, current_codes = _shared_codes(_key_text(previous["key"]), current_keys)
    keep_previous, keep_current = _last_rows(previous_codes), _last_rows(current_codes)
    dropped = {
        "previous": int(np.count_nonzero(previous_codes >= 0) - keep_previous.size),
        "current": int(np.count_nonzero(current_codes >= 0) - keep_current.size),
    }
    row_of = np.full(max(previous_codes.max(initial=-1), current_codes.max(initial=-1)) + 1, -1)
    row_of[previous_codes[keep_previous]] = keep_previous
    match = row_of[current_codes[keep_current]]
    now, then = keep_current[match >= 0], match[match >= 0]  # rows in current, previous

    # Text columns are taken with their own arrays' take (Arrow for text): going through numpy
    # object arrays and back costs more than everything else here.
    before = pd.to_numeric(previous["probability"], errors="coerce").to_numpy(dtype=float)[then]
    after = pd.to_numeric(current["probability"], errors="coerce").to_numpy(dtype=float)[now]
    change = (after - before) * 100
    size = np.abs(change)
    # Largest change first, no probability last; a stable sort keeps the current run's order for ties.
    order = np.argsort(np.where(np.isnan(size), np.inf, -size), kind="stable")
    now, then = now[order], then[order]
    tiers_before, ranks_before = _tiers(previous["tier"], "earlier scores")
    tiers_after, ranks_after = _tiers(current["tier"], "latest scores")
    table = pd.DataFrame(
        {
            "key": current_keys.array.take(now),
            "before": before[order],
            "after": after[order],
            "change": change[order],
            "tier_before": tiers_before.array.take(then),
            "tier_after": tiers_after.array.take(now),
            "tier_changed": (ranks_before[then] != ranks_after[now]) & _chance_moved(before, after)[order],
        }
    )
    if "reason" in current.columns:
        table["reason"] = current["reason"].array.take(now)
    if "reason" in previous.columns:
        table["reason_before"] = previous["reason"].array.take(then)
    table.attrs["duplicates"] = dict(dropped)
    table.attrs["note"] = _duplicates_note(dropped)
    table.attrs["rules_only"] = int(((ranks_before[then] != ranks_after[now]) & ~table["tier_changed"].to_numpy()).sum())
    table.attrs["tier_rules"] = tier_rules_change(previous_policy, current_policy)
    return table


# A chance moved when it reads differently at a tenth of a percentage point.
_MOVED_POINTS = 0.05


def _chance_moved(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return ~(np.abs(after - before) * 100 < _MOVED_POINTS)


def tier_rules_change(previous_policy, current_policy) -> str | None:
    """A sentence when two runs used different tier rules, else None.

    Parameters
    ----------
    previous_policy, current_policy : str, TierPolicy or None
        Each run's rules: ``TierPolicy.describe()`` (what a run summary records) or the policy.

    Example
    -------
    >>> tier_rules_change("Tiers by chance of converting: Hot from 70%.", "Tiers by share of scored leads: Hot is the top 10%.")
    'The tier rules changed between these runs (before: tiers by chance of converting: Hot from 70%; now: tiers by share of scored leads: Hot is the top 10%). Leads whose chance did not move but whose tier did are not counted as movers.'
    """
    def words(policy) -> str | None:
        if policy is None:
            return None
        text = policy.describe() if hasattr(policy, "describe") else str(policy)
        return text.strip().rstrip(".")

    before, after = words(previous_policy), words(current_policy)
    if before is None or after is None or before == after:
        return None
    return (
        f"The tier rules changed between these runs (before: {before[:1].lower() + before[1:]}; now: "
        f"{after[:1].lower() + after[1:]}). Leads whose chance did not move but whose tier did are not counted as movers."
    )


def _shared_codes(*keys: pd.Series) -> list[np.ndarray]:
    """Integer codes for keys, the same code for the same key in every series (-1: no key)."""
    stacked = pd.concat([k.reset_index(drop=True) for k in keys], ignore_index=True)
    codes, _ = pd.factorize(stacked, use_na_sentinel=True)
    bounds = np.cumsum([0] + [len(k) for k in keys])
    return [codes[start:stop] for start, stop in zip(bounds[:-1], bounds[1:])]


def _last_rows(codes: np.ndarray) -> np.ndarray:
    """Positions of the last row of each key, in row order (rows without a key left out)."""
    last = ~pd.Series(codes).duplicated(keep="last").to_numpy()
    return np.flatnonzero(last & (codes >= 0))


def _duplicates_note(dropped: dict[str, int]) -> str | None:
    parts = [
        f"{count:,} repeated lead{'' if count == 1 else 's'} in the {'earlier' if name == 'previous' else 'latest'} run"
        for name, count in dropped.items()
        if count
    ]
    if not parts:
        return None
    return f"{' and '.join(parts)}: only the last score of each lead was compared."


def tier_changes(movers_table: pd.DataFrame) -> pd.DataFrame:
    """Every lead that changed tier because its chance moved, with what to do about it.

    Upgrades come first (new Hot leads at the top), then downgrades; within each, the biggest
    change first. The action follows the tier order Hot > Warm > Cool > Cold: into Hot "call
    now", into Warm "contact today", into Cool "add to the nurture emails"; down into Warm, Cool
    or Cold, a sentence saying the lead cooled off.

    Parameters
    ----------
    movers_table : DataFrame
        What :func:`movers` returns.

    Returns
    -------
    DataFrame: ``key``, ``tier_before``, ``tier_after``, ``before``, ``after``, ``change``,
    ``direction`` ("up" / "down"), ``action`` and ``summary`` (e.g. "Warm -> Hot: call now"),
    plus ``reason`` when the movers table has it.

    Example
    -------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"key": ["A"], "before": [0.8], "after": [0.3], "change": [-50.0],
    ...                       "tier_before": ["Hot"], "tier_after": ["Cool"], "tier_changed": [True]})
    >>> tier_changes(table)["summary"].tolist()
    ['Hot -> Cool: cooled off: move to the nurture emails']
    """
    needed = ("key", "tier_before", "tier_after", "change")
    _check_run(movers_table, "movers", needed)
    changed_tier = np.asarray(movers_table["tier_before"] != movers_table["tier_after"], dtype=bool)
    if "tier_changed" in movers_table.columns:
        # A tier that changed while the chance stayed changed with the rules: not a mover.
        changed_tier = changed_tier & np.asarray(movers_table["tier_changed"], dtype=bool)
    changed = movers_table.loc[changed_tier]
    tiers_before, rank_before = _tiers(changed["tier_before"], "movers")
    tiers_after, rank_after = _tiers(changed["tier_after"], "movers")
    up = rank_after < rank_before
    # Only 12 different changes: look each lead's up in a small table instead of formatting
    # a sentence per lead.
    pair = rank_before * len(TIERS) + rank_after
    actions = [(_UP if a < b else _DOWN).get(TIERS[a], "") for b in range(len(TIERS)) for a in range(len(TIERS))]
    summaries = [
        f"{TIERS[code // len(TIERS)]} -> {TIERS[code % len(TIERS)]}: {actions[code]}" for code in range(len(actions))
    ]
    result = pd.DataFrame(
        {
            "key": changed["key"].array,
            "tier_before": tiers_before.array,
            "tier_after": tiers_after.array,
            "before": changed["before"].to_numpy(dtype=float) if "before" in changed else np.nan,
            "after": changed["after"].to_numpy(dtype=float) if "after" in changed else np.nan,
            "change": changed["change"].to_numpy(dtype=float),
            "direction": pd.array(np.array(["down", "up"], dtype=object)[up.astype(int)], dtype="str"),
            "action": pd.array(np.array(actions, dtype=object)[pair], dtype="str"),
            "summary": pd.array(np.array(summaries, dtype=object)[pair], dtype="str"),
        }
    )
    if "reason" in changed.columns:
        result["reason"] = changed["reason"].array
    # Upgrades first, best tier first, then the biggest change; stable for ties.
    size = np.abs(result["change"].to_numpy(dtype=float))
    order = np.lexsort((np.where(np.isnan(size), np.inf, -size), rank_after, ~up))
    return result.take(order).reset_index(drop=True)


def lead_trend(history: pd.DataFrame, key) -> pd.DataFrame:
    """One lead's scores over time, oldest first.

    Parameters
    ----------
    history : DataFrame
        All scoring runs stacked: ``run``, ``at`` (when scored), ``key``, ``probability``, ``tier``.
    key : str or number
        The lead's key (see :func:`lead_keys`).

    Returns
    -------
    DataFrame with ``run``, ``at``, ``probability``, ``tier``, in time order (runs scored at the
    same moment keep their order in ``history``). Empty when the lead was never scored.

    Example
    -------
    >>> import pandas as pd
    >>> history = pd.DataFrame({"run": [2, 1], "at": ["2025-04-01", "2025-03-01"], "key": ["A", "A"],
    ...                         "probability": [0.6, 0.3], "tier": ["Warm", "Cool"]})
    >>> lead_trend(history, "A")["probability"].tolist()
    [0.3, 0.6]
    """
    _check_run(history, "score history", ("run", "at", "key", "probability", "tier"))
    wanted = _key_text(pd.Series([key])).iloc[0]
    rows = history.loc[(_key_text(history["key"]) == wanted).to_numpy()]
    trend = pd.DataFrame(
        {
            "run": rows["run"].to_numpy(),
            "at": _timestamps(rows["at"]).to_numpy(),
            "probability": pd.to_numeric(rows["probability"], errors="coerce").to_numpy(dtype=float),
            "tier": rows["tier"].to_numpy(),
        }
    )
    return trend.sort_values("at", kind="stable", na_position="last").reset_index(drop=True)


def _timestamps(values: pd.Series) -> pd.Series:
    """Dates and times from text or timestamps; unreadable ones missing. Mixed time zones are
    read in UTC."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values
    try:
        return pd.to_datetime(values, errors="coerce", format="mixed")
    except (TypeError, ValueError):
        return pd.to_datetime(values, errors="coerce", format="mixed", utc=True)


# ---------------------------------------------------------------------------------------------
# Outcome feedback: did the promises come true?
# ---------------------------------------------------------------------------------------------

_OUTCOME_WORDS = {"1": 1.0, "0": 0.0, "yes": 1.0, "no": 0.0, "true": 1.0, "false": 0.0, "won": 1.0, "lost": 0.0}


def _outcomes(values: pd.Series) -> pd.Series:
    """1.0 converted, 0.0 not, NaN still open (blank)."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype(float)
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.astype(float)
        odd = numbers.notna() & ~numbers.isin([0.0, 1.0])
        shown = pd.unique(numbers[odd])
    else:
        text = values.astype("str").str.strip().str.lower()
        text = text.mask(values.isna() | (text == ""))
        numbers = text.map(_OUTCOME_WORDS).astype(float)
        odd = text.notna() & numbers.isna()
        shown = pd.unique(values[odd])
    if odd.any():
        listed = ", ".join(repr(v) for v in list(shown)[:5])
        raise LeadScoreInputError(
            f"The outcome column 'converted' has values other than 1 and 0: {listed}. Use 1 for "
            "converted, 0 for not converted, and leave it blank while the lead is still open."
        )
    return numbers


def _whole_percent(share: float) -> str:
    if share != share:  # NaN
        return "n/a"
    if 0 < share < 0.005:
        return "under 1%"
    return f"{share * 100:.0f}%"


def _months(first: pd.Timestamp | None, last: pd.Timestamp | None) -> str:
    """ "in March", "from March to May", "from December 2024 to February 2025", or ""."""
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return ""
    if (first.year, first.month) == (last.year, last.month):
        return f" in {first:%B}"
    if first.year == last.year:
        return f" from {first:%B} to {last:%B}"
    return f" from {first:%B %Y} to {last:%B %Y}"


@dataclass(frozen=True)
class TierFeedback:
    """One tier's promise against reality.

    ``promised`` is the mean predicted probability of its leads, ``converted`` the share that
    really converted, both 0..1; ``first_scored`` / ``last_scored`` when its leads were scored."""

    tier: str
    leads: int
    promised: float
    converted: float
    first_scored: pd.Timestamp | None
    last_scored: pd.Timestamp | None
    sentence: str

    @property
    def gap(self) -> float:
        """Real conversion minus the promise (negative: fewer converted than promised)."""
        return self.converted - self.promised

    def to_dict(self) -> dict:
        return {"tier": self.tier, "leads": self.leads, "promised": self.promised, "converted": self.converted}


@dataclass(frozen=True)
class FeedbackReport:
    """How the scores compared with what happened, for the leads whose outcome is known.

    Attributes
    ----------
    matched : int
        Scored leads with a known outcome.
    roc_auc : float or None
        How well the scores ranked converters above the others (0.5 = chance, 1 = perfect);
        None when every matched lead had the same outcome.
    tiers : tuple of TierFeedback
        One per tier that has matched leads, Hot first.
    verdict : str
        "retrain" (a tier with at least 30 leads is more than 10 points from its promise),
        "on track" (every such tier is within 10 points), or "too few" (no tier has 30 leads).
    message : str
        The verdict in one or two plain sentences.
    open_outcomes : int
        Outcome rows left blank (still open), skipped.
    unmatched : int
        Known outcomes whose key was never scored.
    duplicate_outcomes : int
        Repeated keys in the outcomes (the last one counts).
    """

    matched: int
    roc_auc: float | None
    tiers: tuple[TierFeedback, ...]
    verdict: str
    message: str
    open_outcomes: int = 0
    unmatched: int = 0
    duplicate_outcomes: int = 0

    @property
    def sentences(self) -> list[str]:
        """One sentence per tier, e.g. "Hot leads scored in March converted at 41%; the model promised 74%." """
        return [tier.sentence for tier in self.tiers]

    def to_dict(self) -> dict:
        """``{"matched", "roc_auc", "tiers": [{"tier", "leads", "promised", "converted"}], ...}``."""
        return {
            "matched": self.matched,
            "roc_auc": self.roc_auc,
            "tiers": [tier.to_dict() for tier in self.tiers],
            "verdict": self.verdict,
            "message": self.message,
            "sentences": self.sentences,
            "open_outcomes": self.open_outcomes,
            "unmatched": self.unmatched,
            "duplicate_outcomes": self.duplicate_outcomes,
        }


def outcome_feedback(scored: pd.DataFrame, outcomes: pd.DataFrame) -> FeedbackReport:
    """Compare what the model promised with what happened, tier by tier.

    Each lead counts once, with its most recent score (the one the team acted on before the
    outcome came in).

    Parameters
    ----------
    scored : DataFrame
        Scores from any number of runs: ``key``, ``probability``, ``tier``, ``at`` (when scored).
    outcomes : DataFrame
        ``key`` and ``converted``: 1 converted, 0 not (yes/no, true/false and won/lost are read
        too); blank while the lead is still open (skipped).

    Returns
    -------
    FeedbackReport

    Example
    -------
    >>> import pandas as pd
    >>> scored = pd.DataFrame({"key": ["A", "B"], "probability": [0.8, 0.7], "tier": ["Hot", "Hot"],
    ...                        "at": ["2025-03-02", "2025-03-20"]})
    >>> outcomes = pd.DataFrame({"key": ["A", "B"], "converted": [1, 0]})
    >>> outcome_feedback(scored, outcomes).sentences
    ['Hot leads scored in March converted at 50%; the model promised 75%.']
    """
    _check_run(scored, "scored leads", ("key", "probability", "tier", "at"))
    _check_run(outcomes, "outcomes", ("key", "converted"))

    converted = _outcomes(outcomes["converted"]).to_numpy(dtype=float)
    probability = pd.to_numeric(scored["probability"], errors="coerce").to_numpy(dtype=float)
    tier_ranks = _tiers(scored["tier"], "scored leads")[1]
    at = pd.DatetimeIndex(_timestamps(scored["at"]))
    score_codes, outcome_codes = _shared_codes(_key_text(scored["key"]), _key_text(outcomes["key"]))

    # The most recent score of each lead (at equal times, the later row): sort by time, blank
    # times first, then keep each key's last row. Integer codes, not a merge on text keys.
    moments = at.asi8.copy()
    moments[at.isna()] = np.iinfo(np.int64).min
    by_time = np.argsort(moments, kind="stable")
    latest = by_time[_last_rows(score_codes[by_time])]
    row_of = np.full(max(score_codes.max(initial=-1), outcome_codes.max(initial=-1)) + 1, -1)
    row_of[score_codes[latest]] = latest

    open_outcomes = int(np.isnan(converted).sum())
    known_codes = np.where(np.isnan(converted), -1, outcome_codes)
    known_rows = _last_rows(known_codes)
    duplicates = int(np.count_nonzero(known_codes >= 0) - known_rows.size)
    score_rows = row_of[known_codes[known_rows]]
    found = score_rows >= 0
    found[found] = ~np.isnan(probability[score_rows[found]])
    matched = pd.DataFrame(
        {
            "converted": converted[known_rows[found]],
            "probability": probability[score_rows[found]],
            "rank": tier_ranks[score_rows[found]],
            "at": at[score_rows[found]],
        }
    )
    unmatched = int(known_rows.size - len(matched))

    roc_auc = None
    if matched["converted"].nunique() == 2:
        from sklearn.metrics import roc_auc_score  # only here: keeps importing this module light

        roc_auc = float(roc_auc_score(matched["converted"], matched["probability"]))

    tiers = []
    for rank, tier in enumerate(TIERS):
        rows = matched.loc[matched["rank"].to_numpy() == rank]
        if rows.empty:
            continue
        promised = float(rows["probability"].mean())
        converted = float(rows["converted"].mean())
        first, last = rows["at"].min(), rows["at"].max()
        first = None if pd.isna(first) else pd.Timestamp(first)
        last = None if pd.isna(last) else pd.Timestamp(last)
        sentence = (
            f"{tier} leads scored{_months(first, last)} converted at {_whole_percent(converted)}; "
            f"the model promised {_whole_percent(promised)}."
        )
        tiers.append(TierFeedback(tier, int(len(rows)), promised, converted, first, last, sentence))

    verdict, message = _feedback_verdict(tiers, int(len(matched)), unmatched)
    return FeedbackReport(
        matched=int(len(matched)),
        roc_auc=roc_auc,
        tiers=tuple(tiers),
        verdict=verdict,
        message=message,
        open_outcomes=open_outcomes,
        unmatched=unmatched,
        duplicate_outcomes=duplicates,
    )


def _feedback_verdict(tiers: Sequence[TierFeedback], matched: int, unmatched: int) -> tuple[str, str]:
    if matched == 0:
        hint = " Check that the outcomes use the same lead IDs as the scored leads." if unmatched else ""
        return "too few", f"No scored lead has a known outcome yet.{hint}"
    judged = [tier for tier in tiers if tier.leads >= FEEDBACK_MIN_LEADS]
    off = [tier for tier in judged if abs(tier.gap) > FEEDBACK_GAP]
    if off:
        worst = max(off, key=lambda tier: (abs(tier.gap), -_RANK[tier.tier]))
        return "retrain", f"{worst.sentence} That is the strongest sign your model needs retraining."
    if not judged:
        return "too few", (
            f"Only {matched} scored lead{'' if matched == 1 else 's'} with a known outcome: too few to "
            f"judge the scores yet (a tier needs at least {FEEDBACK_MIN_LEADS})."
        )
    return "on track", (
        f"Your scores are keeping their promise: every tier with at least {FEEDBACK_MIN_LEADS} leads "
        "converted within 10 points of what the model promised."
    )
