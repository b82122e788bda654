"""Tiers from what the user set: thresholds, shares and actions, on top of the tiers in use.

One rule for the command's ``--hot/--warm/--cool``, ``--hot-share ...`` and ``--action`` options
and the Tiers page's sliders: a threshold not given keeps the one in use, shares need all three,
and thresholds and shares are never mixed.

Example
-------
>>> from leadscore.model.tiers import TierPolicy
>>> policy_from_options(TierPolicy(), hot=0.8).hot
0.8
"""

from __future__ import annotations

from collections.abc import Mapping

from leadscore.errors import LeadScoreInputError
from leadscore.model.tiers import TierPolicy

__all__ = ["policy_from_options"]


def policy_from_options(base: TierPolicy, hot=None, warm=None, cool=None, hot_share=None, warm_share=None, cool_share=None,
                        actions: Mapping[str, str] | None = None) -> TierPolicy:
    """The tiers these options give, starting from ``base`` (the tiers in use or the defaults).

    Raises
    ------
    LeadScoreInputError
        Thresholds and shares both given, shares incomplete, or tiers out of order.
    """
    thresholds = (hot, warm, cool)
    shares = (hot_share, warm_share, cool_share)
    merged = {**dict(base.actions), **{str(tier).strip().capitalize(): text for tier, text in dict(actions or {}).items()}}
    if any(v is not None for v in shares):
        if any(v is not None for v in thresholds):
            raise LeadScoreInputError("Give the tiers either by chance (--hot, --warm, --cool) or by share (--hot-share, ...), not both.")
        if any(v is None for v in shares):
            raise LeadScoreInputError("Tiers by share need all three: --hot-share, --warm-share and --cool-share (e.g. 5, 15 and 30).")
        return TierPolicy.by_share(*shares, actions=merged)
    if all(v is None for v in thresholds):
        if not actions:
            return base
        if base.by == "share":
            return TierPolicy.by_share(*base.shares, actions=merged)
    resolved = base if base.by == "probability" else TierPolicy(actions=base.actions)
    return TierPolicy(
        hot=hot if hot is not None else resolved.hot,
        warm=warm if warm is not None else resolved.warm,
        cool=cool if cool is not None else resolved.cool,
        actions=merged,
    )
