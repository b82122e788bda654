"""Hot / Warm / Cool / Cold tiers and their statistics, from an array of probabilities.

Everything here works on the scored probabilities alone: changing a threshold never retrains or
re-scores. :class:`TierStats` sorts the probabilities once and keeps cumulative sums, so a new
tier table for 100k leads is a few binary searches.

Example
-------
>>> import numpy as np
>>> prob = np.array([0.9, 0.5, 0.2, 0.05])
>>> list(assign_tiers(prob, TierPolicy()))
['Hot', 'Warm', 'Cool', 'Cold']
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.labels import rate_text
from leadscore.model.uncertainty import rate_interval

__all__ = [
    "TIERS",
    "DEFAULT_ACTIONS",
    "TierPolicy",
    "TierStats",
    "assign_tiers",
    "tier_table",
    "gains_curve",
    "threshold_marks",
    "tier_advice",
    "capacity_policy",
    "format_percent",
]

TIERS: tuple[str, ...] = ("Hot", "Warm", "Cool", "Cold")
# Advice on the thresholds needs at least this many scored leads.
ADVICE_MIN_LEADS = 20
# Under this average chance, "few of your leads convert" is true.
RARE_CONVERSION = 0.2
# Shares suggested for tiers by capacity (top 5% Hot, next 15% Warm, next 30% Cool).
DEFAULT_SHARES = (0.05, 0.15, 0.30)

DEFAULT_ACTIONS: dict[str, str] = {
    "Hot": "Sales outreach within the hour, best rep first",
    "Warm": "Same-day personal email or SMS, then a 1-2 week nurture sequence",
    "Cool": "Longer educational drip; re-score after they engage",
    "Cold": "Automated emails only",
}


def format_percent(share: float) -> str:
    """Show a share (0..1) as a short percent: 0.7 -> "70%", 0.125 -> "12.5%", 0.0004 -> "0.04%"."""
    if share is None or not np.isfinite(share):
        return "n/a"
    percent = share * 100
    if abs(percent - round(percent)) < 1e-9:
        return f"{round(percent)}%"
    if abs(percent) >= 1:
        return f"{percent:.1f}%".replace(".0%", "%")
    return f"{percent:.2g}%"


@dataclass(frozen=True)
class TierPolicy:
    """The tier thresholds and the next action for each tier, chosen by the user.

    A lead is Hot when its conversion probability is at least ``hot``, Warm when at least
    ``warm``, Cool when at least ``cool``, and Cold otherwise.

    Parameters
    ----------
    hot, warm, cool : float
        Probabilities in (0, 1) with ``hot > warm > cool``.
    actions : mapping of tier name to text
        What to do with a lead of each tier. Tiers left out keep their default action.

    Raises
    ------
    LeadScoreInputError
        When the thresholds are not numbers, not between 0% and 100%, or not in order.

    Example
    -------
    >>> TierPolicy(hot=0.5, warm=0.25, cool=0.1).tier_of(0.3)
    'Warm'
    """

    hot: float = 0.70
    warm: float = 0.40
    cool: float = 0.15
    actions: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ACTIONS))
    shares: tuple[float, float, float] | None = None

    def __post_init__(self):
        if self.shares is not None:
            object.__setattr__(self, "shares", _check_shares(self.shares))
        values = {}
        for name in ("hot", "warm", "cool"):
            raw = getattr(self, name)
            try:
                value = float(raw)
            except (TypeError, ValueError):
                raise LeadScoreInputError(
                    f"The {name.title()} threshold {raw!r} is not a number. "
                    "Enter a percentage between 0% and 100%, e.g. 70%."
                ) from None
            if not (0.0 < value < 1.0) or math.isnan(value):
                raise LeadScoreInputError(
                    f"The {name.title()} threshold must be between 0% and 100% (it is "
                    f"{format_percent(value)}). Enter it as a share, e.g. 0.7 for 70%."
                )
            values[name] = value
        if not values["hot"] > values["warm"] > values["cool"]:
            raise LeadScoreInputError(
                "The tier thresholds must go down from Hot to Cool: Hot "
                f"{format_percent(values['hot'])}, Warm {format_percent(values['warm'])}, Cool "
                f"{format_percent(values['cool'])} are not in that order. Make Hot the highest "
                "and Cool the lowest."
            )
        unknown = sorted(set(self.actions or {}) - set(TIERS))
        if unknown:
            raise LeadScoreInputError(
                f"Unknown tier name(s) in the actions: {', '.join(map(str, unknown))}. "
                f"Use {', '.join(TIERS)}."
            )
        actions = dict(DEFAULT_ACTIONS)
        actions.update({tier: str(text) for tier, text in (self.actions or {}).items()})
        # Frozen dataclass: normalise once, at construction.
        for name, value in values.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "actions", actions)

    def __hash__(self) -> int:
        return hash((self.hot, self.warm, self.cool, tuple(sorted(self.actions.items())), self.shares))

    @classmethod
    def by_share(cls, hot: float, warm: float, cool: float, actions: Mapping[str, str] | None = None) -> "TierPolicy":
        """Tiers by capacity: the top ``hot`` share of scored leads is Hot, the next ``warm`` Warm,
        the next ``cool`` Cool, the rest Cold (shares of leads, 0..1, e.g. 0.05 for 5%).

        For very low conversion rates (1% or less) no lead reaches a 70% chance, so thresholds by
        probability put every lead in Cold; shares still single out the best leads.
        """
        return cls(actions=dict(actions or DEFAULT_ACTIONS), shares=(hot, warm, cool))

    @property
    def by(self) -> str:
        """"share" (tiers by capacity) or "probability" (tiers by chance of converting)."""
        return "share" if self.shares is not None else "probability"

    def resolved(self, prob) -> "TierPolicy":
        """The thresholds by probability that give this policy's shares on ``prob``.

        A policy by probability is returned as it is. For a policy by share, Hot starts at the
        probability of the lead at the top ``hot`` share of ``prob`` (ties may add a few leads),
        and so on; the result is a policy by probability (describe the original to the user).

        Parameters
        ----------
        prob : array-like of float or TierStats
            The leads the shares are taken of: the scored batch, or the model's held-out leads
            when leads arrive one at a time.
        """
        if self.shares is None:
            return self
        stats = TierStats.from_scores(prob)
        n = stats.leads
        if n == 0:
            return self
        descending = stats.ascending[::-1]
        cumulative = np.cumsum(self.shares)
        cuts = []
        for share in cumulative:
            count = int(round(share * n))
            cuts.append(float(descending[count - 1]) if count >= 1 else float(descending[0]) + 1e-9)
        hot, warm, cool = _strictly_falling(cuts)
        return replace(self, hot=hot, warm=warm, cool=cool, shares=None)

    def describe(self) -> str:
        """The policy in one sentence, for the model card and the CLI's summary."""
        if self.shares is not None:
            hot, warm, cool = (format_percent(s) for s in self.shares)
            return (
                f"Tiers by share of scored leads: Hot is the top {hot}, Warm the next {warm}, "
                f"Cool the next {cool}, Cold the rest."
            )
        return (
            f"Tiers by chance of converting: Hot from {format_percent(self.hot)}, Warm from "
            f"{format_percent(self.warm)}, Cool from {format_percent(self.cool)}, Cold below."
        )

    @property
    def thresholds(self) -> dict[str, float]:
        """The lowest probability of each tier: ``{"Hot": 0.7, "Warm": 0.4, "Cool": 0.15, "Cold": 0.0}``."""
        return {"Hot": self.hot, "Warm": self.warm, "Cool": self.cool, "Cold": 0.0}

    def ranges(self) -> dict[str, str]:
        """Each tier's probability range in words, e.g. ``"40% to 70%"``."""
        hot, warm, cool = (format_percent(v) for v in (self.hot, self.warm, self.cool))
        return {
            "Hot": f"{hot} and above",
            "Warm": f"{warm} to {hot}",
            "Cool": f"{cool} to {warm}",
            "Cold": f"under {cool}",
        }

    def tier_of(self, probability: float) -> str:
        """The tier name for one probability."""
        return str(assign_tiers(np.array([probability], dtype=float), self)[0])

    def to_dict(self) -> dict:
        """A JSON-ready copy (for the saved model's header, the project store and the CLI)."""
        data = {"hot": self.hot, "warm": self.warm, "cool": self.cool, "actions": dict(self.actions)}
        if self.shares is not None:
            data["shares"] = list(self.shares)
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> "TierPolicy":
        """Rebuild a policy from :meth:`to_dict` output; missing keys take the defaults."""
        defaults = cls()
        return cls(
            hot=data.get("hot", defaults.hot),
            warm=data.get("warm", defaults.warm),
            cool=data.get("cool", defaults.cool),
            actions=data.get("actions") or {},
            shares=tuple(data["shares"]) if data.get("shares") else None,
        )


def _check_shares(shares) -> tuple[float, float, float]:
    try:
        values = tuple(float(s) for s in shares)
    except (TypeError, ValueError):
        raise LeadScoreInputError(
            f"The tier shares {shares!r} are not numbers. Give three percentages, e.g. Hot 5, Warm 15, Cool 30."
        ) from None
    if len(values) != 3 or any(not (0.0 < v < 1.0) or math.isnan(v) for v in values):
        raise LeadScoreInputError(
            "Each tier share must be between 0% and 100% of the scored leads (e.g. Hot 5%, Warm 15%, Cool 30%)."
        )
    if sum(values) >= 1.0:
        raise LeadScoreInputError(
            f"Hot, Warm and Cool together take {format_percent(sum(values))} of the leads; they must leave "
            "some for Cold. Make the shares smaller (e.g. 5%, 15% and 30%)."
        )
    return values


def _strictly_falling(cuts: list[float]) -> tuple[float, float, float]:
    """Thresholds valid for a TierPolicy (0 < cool < warm < hot < 1) closest to ``cuts``."""
    tiny = 1e-6
    hot = min(max(cuts[0], 3 * tiny), 1 - tiny)
    warm = min(max(cuts[1], 2 * tiny), hot - tiny)
    cool = min(max(cuts[2], tiny), warm - tiny)
    return hot, warm, cool


def _as_probabilities(prob) -> np.ndarray:
    array = np.asarray(prob, dtype=float).ravel()
    if array.size and (np.nanmin(array) < 0 or np.nanmax(array) > 1):
        raise LeadScoreInputError(
            "Conversion probabilities must be between 0 and 1. Score the leads with LeadScore "
            "before building tiers."
        )
    return array


def _as_outcomes(converted, size: int) -> np.ndarray | None:
    if converted is None:
        return None
    array = np.asarray(pd.to_numeric(pd.Series(np.asarray(converted).ravel()), errors="coerce"), dtype=float)
    if array.size != size:
        raise LeadScoreInputError(
            f"There are {size} probabilities but {array.size} outcomes. Give one outcome per lead."
        )
    return array


def assign_tiers(prob, policy: TierPolicy | None = None) -> np.ndarray:
    """Tier name for every probability.

    Parameters
    ----------
    prob : array-like of float
        Conversion probabilities in 0..1. Missing values (NaN) get "Cold".
    policy : TierPolicy, optional
        Thresholds; the defaults (70% / 40% / 15%) when omitted.

    Returns
    -------
    numpy array of str (object dtype), same length and order as ``prob``.
    """
    array = _as_probabilities(prob)
    policy = (policy or TierPolicy()).resolved(array)
    return np.select(
        [array >= policy.hot, array >= policy.warm, array >= policy.cool],
        ["Hot", "Warm", "Cool"],
        default="Cold",
    ).astype(object)


@dataclass(frozen=True)
class TierStats:
    """Probabilities sorted once, with cumulative sums, so tier statistics for any thresholds
    are a few binary searches (milliseconds on 100k leads).

    Build it with :meth:`from_scores`; pass it wherever ``prob`` is accepted in this module.
    """

    ascending: np.ndarray
    """Probabilities sorted from lowest to highest."""
    suffix_prob: np.ndarray
    """``suffix_prob[i]`` = sum of ``ascending[i:]`` (length n + 1)."""
    suffix_known: np.ndarray | None
    """Number of leads with a known outcome in ``ascending[i:]``."""
    suffix_converted: np.ndarray | None
    """Number of converted leads in ``ascending[i:]``."""

    @classmethod
    def from_scores(cls, prob, converted=None) -> "TierStats":
        """Precompute from probabilities and, optionally, known outcomes (1/0, NaN = unknown)."""
        if isinstance(prob, TierStats):
            return prob
        array = _as_probabilities(prob)
        outcomes = _as_outcomes(converted, array.size)
        keep = ~np.isnan(array)
        array = array[keep]
        order = np.argsort(array, kind="stable")
        ascending = array[order]

        def suffix(values: np.ndarray) -> np.ndarray:
            return np.concatenate([np.cumsum(values[::-1])[::-1], [0.0]])

        suffix_known = suffix_converted = None
        if outcomes is not None:
            sorted_outcomes = outcomes[keep][order]
            known = ~np.isnan(sorted_outcomes)
            suffix_known = suffix(known.astype(float))
            suffix_converted = suffix(np.where(known, sorted_outcomes > 0.5, False).astype(float))
        return cls(ascending, suffix(ascending), suffix_known, suffix_converted)

    @property
    def leads(self) -> int:
        """Number of scored leads."""
        return int(self.ascending.size)

    def _start(self, threshold: float) -> int:
        # Index of the first lead with probability >= threshold.
        return int(np.searchsorted(self.ascending, threshold, side="left"))

    def at_or_above(self, threshold: float) -> dict[str, float]:
        """Counts for the leads whose probability is at least ``threshold``."""
        start = self._start(threshold)
        result = {"leads": float(self.leads - start), "expected": float(self.suffix_prob[start])}
        if self.suffix_known is not None:
            result["known"] = float(self.suffix_known[start])
            result["converted"] = float(self.suffix_converted[start])
        return result


def tier_table(prob, policy: TierPolicy | None = None, converted=None) -> pd.DataFrame:
    """Per-tier statistics for any thresholds, without re-scoring.

    Parameters
    ----------
    prob : array-like of float or TierStats
        Conversion probabilities of the scored leads (e.g. the holdout leads).
    policy : TierPolicy, optional
        Thresholds and actions; defaults when omitted.
    converted : array-like of 0/1, optional
        Known outcomes for the same leads (NaN = still open). Ignored when ``prob`` is a
        ``TierStats`` (its outcomes are used).

    Returns
    -------
    DataFrame with one row per tier (Hot, Warm, Cool, Cold) and columns
    ``tier``, ``range`` (in words), ``action``, ``leads``, ``share_of_leads``,
    ``expected_conversions`` (sum of probabilities), ``converted`` (actual conversions, NaN
    without outcomes), ``conversion_rate`` (actual rate among leads with a known outcome, NaN
    without outcomes or leads), ``converted_interval`` ([low, high] 90% range of that rate,
    seeded bootstrap; None without outcomes), ``share_of_conversions`` (share of all actual
    conversions that fall in the tier; of expected conversions when no outcomes are given).

    Example
    -------
    >>> tier_table([0.9, 0.5, 0.5, 0.1], converted=[1, 1, 0, 0])["conversion_rate"].tolist()
    [1.0, 0.5, nan, 0.0]
    """
    stats = TierStats.from_scores(prob, converted)
    policy = (policy or TierPolicy()).resolved(stats)
    has_outcomes = stats.suffix_known is not None
    cumulative = [stats.at_or_above(policy.thresholds[tier]) for tier in TIERS[:-1]]
    cumulative.append(stats.at_or_above(-np.inf))

    rows = []
    previous = {key: 0.0 for key in cumulative[0]}
    total = cumulative[-1]
    ranges = policy.ranges()
    for tier, upto in zip(TIERS, cumulative):
        part = {key: upto[key] - previous[key] for key in upto}
        previous = upto
        row = {
            "tier": tier,
            "range": ranges[tier],
            "action": policy.actions[tier],
            "leads": int(round(part["leads"])),
            "share_of_leads": part["leads"] / total["leads"] if total["leads"] else np.nan,
            "expected_conversions": part["expected"],
            "converted": np.nan,
            "conversion_rate": np.nan,
            "converted_interval": None,
        }
        if has_outcomes:
            row["converted"] = int(round(part["converted"]))
            row["conversion_rate"] = part["converted"] / part["known"] if part["known"] else np.nan
            row["converted_interval"] = rate_interval(row["converted"], int(round(part["known"])))
            denominator, numerator = total["converted"], part["converted"]
        else:
            denominator, numerator = total["expected"], part["expected"]
        row["share_of_conversions"] = numerator / denominator if denominator else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def gains_curve(prob, converted=None, points: int = 101) -> pd.DataFrame:
    """Cumulative gains: contacting the most likely leads first, what share of conversions you reach.

    Parameters
    ----------
    prob : array-like of float or TierStats
        Conversion probabilities.
    converted : array-like of 0/1, optional
        Actual outcomes (NaN = unknown, not counted). Without them the curve uses the expected
        conversions (the probabilities).
    points : int
        How many evenly spaced points (by share of leads) to return, so charts stay light.

    Returns
    -------
    DataFrame with ``share_of_leads`` (0..1), ``leads_contacted``, ``share_of_conversions``
    (0..1), ``min_probability`` (probability of the last lead contacted, NaN at 0) and
    ``random`` (what contacting leads in random order would give, for the diagonal).
    """
    stats = TierStats.from_scores(prob, converted)
    n = stats.leads
    if n == 0:
        return pd.DataFrame(
            columns=["share_of_leads", "leads_contacted", "share_of_conversions", "min_probability", "random"]
        )
    contacted = np.unique(np.round(np.linspace(0, n, max(int(points), 2))).astype(int))
    start = n - contacted  # the top k leads are ascending[n-k:]
    if stats.suffix_known is not None:
        captured, total = stats.suffix_converted[start], stats.suffix_converted[0]
    else:
        captured, total = stats.suffix_prob[start], stats.suffix_prob[0]
    min_probability = np.where(contacted > 0, stats.ascending[np.minimum(start, n - 1)], np.nan)
    return pd.DataFrame(
        {
            "share_of_leads": contacted / n,
            "leads_contacted": contacted,
            "share_of_conversions": captured / total if total else np.full(contacted.size, np.nan),
            "min_probability": min_probability,
            "random": contacted / n,
        }
    )


def threshold_marks(prob, policy: TierPolicy | None = None, converted=None) -> pd.DataFrame:
    """Where each tier threshold falls on the gains chart.

    Parameters
    ----------
    prob : array-like of float or TierStats
    policy : TierPolicy, optional
    converted : array-like of 0/1, optional
        As in :func:`gains_curve`; sets the marks' height.

    Returns
    -------
    DataFrame with one row per threshold (Hot, Warm, Cool): ``tier``, ``threshold``, ``label``
    (e.g. "Hot: 70% and above"), ``leads`` at or above it, ``share_of_leads`` and
    ``share_of_conversions`` captured by contacting those leads.
    """
    stats = TierStats.from_scores(prob, converted)
    policy = (policy or TierPolicy()).resolved(stats)
    total = stats.at_or_above(-np.inf)
    key = "converted" if stats.suffix_known is not None else "expected"
    rows = []
    for tier in TIERS[:-1]:
        upto = stats.at_or_above(policy.thresholds[tier])
        rows.append(
            {
                "tier": tier,
                "threshold": policy.thresholds[tier],
                "label": f"{tier}: {format_percent(policy.thresholds[tier])}",
                "leads": int(round(upto["leads"])),
                "share_of_leads": upto["leads"] / total["leads"] if total["leads"] else np.nan,
                "share_of_conversions": upto[key] / total[key] if total[key] else np.nan,
            }
        )
    return pd.DataFrame(rows)


def tier_advice(prob, policy: TierPolicy | None = None) -> str | None:
    """Plain-words advice when the thresholds do not fit these scores, else ``None``.

    Says so when no lead reaches Hot (typical when few leads convert) and suggests
    capacity-based thresholds; also when most leads are Hot, which makes the tier meaningless.
    """
    policy = policy or TierPolicy()
    if policy.by == "share":
        return None
    stats = TierStats.from_scores(prob)
    n = stats.leads
    if n < ADVICE_MIN_LEADS:
        return None  # a handful of leads says nothing about whether the thresholds fit
    hot_leads = int(round(stats.at_or_above(policy.hot)["leads"]))
    cold_leads = n - int(round(stats.at_or_above(policy.cool)["leads"]))
    top = float(stats.ascending[-1])
    average = float(stats.suffix_prob[0] / n)
    by_share = (
        "Set the tiers by share instead (for example the top 5% Hot, the next 15% Warm, the next "
        "30% Cool), or by how many leads your team can call."
    )
    if cold_leads >= 0.9 * n and hot_leads <= 0.01 * n:
        return (
            f"{rate_text(cold_leads / n)} of these leads are Cold: your leads convert rarely "
            f"(about {rate_text(average, top)} on average, the most likely at {rate_text(top, average)}), "
            f"so thresholds by chance of converting say little about whom to call first. {by_share}"
        )
    if hot_leads == 0:
        return (
            f"No lead reaches the Hot threshold of {format_percent(policy.hot)}: the most likely "
            f"lead is at {rate_text(top, policy.hot)} and the average is {rate_text(average, top)}. "
            # Only true of rare conversions: at 63% converted the threshold is simply too high.
            + ("This is normal when few of your leads convert. " if average < RARE_CONVERSION else "")
            + f"{by_share} Or lower the Hot threshold below {rate_text(top, policy.hot)}."
        )
    if hot_leads > n / 2:
        return (
            f"{format_percent(hot_leads / n)} of your leads are Hot (at least "
            f"{format_percent(policy.hot)}), so the tier no longer singles out the best ones. "
            "Raise the Hot threshold, or set the tiers by share."
        )
    return None


def capacity_policy(prob, capacity: int, policy: TierPolicy | None = None) -> TierPolicy:
    """Thresholds that make Hot the ``capacity`` most likely leads ("my team can call 40 a week").

    Hot is set between the ``capacity``-th and the next most likely lead, so exactly
    ``capacity`` leads are Hot (more only when several leads share the cut-off probability).
    Warm and Cool stay as they were unless the new Hot threshold is at or below them; then they
    are scaled down in the same proportions to keep Hot > Warm > Cool.

    Parameters
    ----------
    prob : array-like of float or TierStats
        Probabilities of the leads waiting to be worked.
    capacity : int
        How many leads the team can contact (at least 1).
    policy : TierPolicy, optional
        The current policy (its actions and Warm/Cool are kept where possible).

    Returns
    -------
    TierPolicy
    """
    policy = policy or TierPolicy()
    if isinstance(capacity, bool) or not isinstance(capacity, (int, np.integer)) or capacity < 1:
        raise LeadScoreInputError(
            f"The number of leads your team can contact must be a whole number of at least 1 "
            f"(got {capacity!r})."
        )
    stats = TierStats.from_scores(prob)
    n = stats.leads
    if n == 0:
        raise LeadScoreInputError("There are no scored leads to set thresholds from. Score your leads first.")
    descending = stats.ascending[::-1]
    capacity = min(int(capacity), n)
    cutoff = float(descending[capacity - 1])
    below = float(descending[capacity]) if capacity < n else 0.0
    hot = (cutoff + below) / 2 if below < cutoff else cutoff
    tiny = 1e-6
    hot = float(min(max(hot, tiny * 3), 1 - tiny))
    warm, cool = policy.warm, policy.cool
    if hot <= warm:
        warm, cool = hot * policy.warm / policy.hot, hot * policy.cool / policy.hot
    return TierPolicy(hot=hot, warm=warm, cool=cool, actions=policy.actions)


def action_table(policy: TierPolicy) -> pd.DataFrame:
    """The policy's next action per tier as an editable table (``tier``, ``action``)."""
    return pd.DataFrame({"tier": list(TIERS), "action": [policy.actions[t] for t in TIERS]})


def actions_from_table(table: pd.DataFrame) -> dict[str, str]:
    """Actions from the edited table; an emptied cell goes back to the default action."""
    actions = {}
    for tier, action in zip(table["tier"], table["action"]):
        text = "" if action is None or pd.isna(action) else str(action).strip()
        actions[str(tier)] = text or DEFAULT_ACTIONS[str(tier)]
    return actions


def replace_actions(policy: TierPolicy, actions: Mapping[str, str]) -> TierPolicy:
    """The same tiers with other next actions."""
    return replace(policy, actions=dict(actions))


def tier_table_text(table: pd.DataFrame) -> pd.DataFrame:
    """A tier table for people: shares and rates as short percents, and "-" where a tier has no
    leads (so no rate), never "None" or "nan"."""
    shown = table.copy()
    for column in ("share_of_leads", "conversion_rate", "share_of_conversions"):
        if column in shown.columns:
            shown[column] = [rate_text(v) if v == v and v is not None else "-" for v in shown[column]]
    if "expected_conversions" in shown.columns:
        shown["expected_conversions"] = [f"{v:,.1f}" for v in shown["expected_conversions"]]
    return shown
