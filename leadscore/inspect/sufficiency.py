"""Judge whether there are enough finished leads to learn from, and say what to do if not.

A model learns the difference between leads that converted and leads that did not, so what counts
is the smaller of the two groups as much as the total. The rule follows the "events per variable"
habit of statisticians: a few dozen leads in the smaller group is a bare minimum, a hundred or more
gives stable probabilities. A 2% conversion rate therefore needs thousands of leads.

Example
-------
>>> judge_sufficiency(converted=4640, not_converted=36548).verdict
'good'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Sufficiency", "judge_sufficiency", "VERDICTS"]

VERDICTS = ("not enough", "usable with caution", "good")

MIN_KNOWN = 200
MIN_EACH = 30
GOOD_KNOWN = 1000
GOOD_EACH = 100


@dataclass(frozen=True)
class Sufficiency:
    """Whether the data is enough to train on.

    Attributes
    ----------
    verdict : str
        "not enough", "usable with caution" or "good".
    message : str
        The reason in plain words, with the numbers.
    advice : str
        What to do about it.
    """

    verdict: str
    message: str
    advice: str


def judge_sufficiency(converted: int, not_converted: int) -> Sufficiency:
    """Judge the amount of finished leads.

    Parameters
    ----------
    converted, not_converted : int
        Leads with a known outcome (open leads do not count).

    Returns
    -------
    Sufficiency
    """
    known = converted + not_converted
    rate = converted / known if known else 0.0
    have = (
        f"You have {known:,} leads with a known outcome: {converted:,} converted and "
        f"{not_converted:,} not converted ({rate:.1%} converted)."
    )
    smaller_name, smaller = (
        ("converted", converted) if converted <= not_converted else ("not-converted", not_converted)
    )
    needed_total = _leads_needed(rate, GOOD_EACH, GOOD_KNOWN)

    if known < MIN_KNOWN or smaller < MIN_EACH:
        reason = (
            f"That is too few to learn from: LeadScore needs at least {MIN_KNOWN} finished leads and "
            f"at least {MIN_EACH} converted and {MIN_EACH} not-converted ones."
        )
        advice = (
            f"Add more finished leads (older history, other years or other sources), aiming for about "
            f"{needed_total:,} leads with a known outcome"
            + (f" at your {rate:.1%} conversion rate" if 0 < rate < 1 else "")
            + ". Until then, use the file to look at conversion rates by column rather than to score leads."
        )
        return Sufficiency("not enough", f"{have} {reason}", advice)
    if known < GOOD_KNOWN or smaller < GOOD_EACH:
        reason = (
            f"That is enough to start, but with only {smaller:,} {smaller_name} leads the scores will "
            f"be rough: {GOOD_EACH} or more of each and {GOOD_KNOWN:,} finished leads give steadier "
            "probabilities."
        )
        advice = (
            f"Use the scores to rank leads rather than trusting exact percentages, and retrain when you "
            f"reach about {needed_total:,} finished leads. Keep the number of columns used small."
        )
        return Sufficiency("usable with caution", f"{have} {reason}", advice)
    reason = "That is enough for reliable probabilities."
    advice = "Go ahead and train. Retrain every few months as new outcomes come in."
    return Sufficiency("good", f"{have} {reason}", advice)


def _leads_needed(rate: float, each: int, total: int) -> int:
    """Finished leads needed for ``each`` in the smaller group at this conversion rate."""
    smaller_rate = min(rate, 1 - rate)
    if smaller_rate <= 0:
        return total
    needed = math.ceil(each / smaller_rate)
    return max(total, int(round(needed, -2)) if needed >= 1000 else needed)
