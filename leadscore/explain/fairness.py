"""A fair score: per group of a sensitive column, how many held-out leads land in Hot and how they converted.

The held-out leads are the ones the model never learned from (``bundle.holdout``); their rows in
the lead table give each lead's group. Numbers (age) are put in bands; categories keep their values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["fairness_table"]

_AGE_BANDS = [(-np.inf, 30, "under 30"), (30, 45, "30 to 44"), (45, 60, "45 to 59"), (60, np.inf, "60 and over")]


def _groups(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().mean() >= 0.9 and numbers.nunique() > 6:
        labels = pd.Series("not given", index=values.index, dtype=object)
        for low, high, name in _AGE_BANDS:
            labels[(numbers >= low) & (numbers < high)] = name
        return labels
    text = values.astype("string").str.strip()
    return text.fillna("not given").replace("", "not given").astype(object)


def fairness_table(leads: pd.DataFrame, holdout: pd.DataFrame, sensitive: list, hot: np.ndarray) -> list[dict]:
    """One entry per sensitive column: ``{"column", "why", "groups": [{"group", "leads", "hot_share", "converted"}]}``.

    ``holdout`` is the bundle's held-out leads (index = their rows in ``leads``); ``hot`` says,
    per held-out lead, whether its tier is Hot. ``converted`` is the group's real conversion share.
    """
    if holdout is None or len(holdout) == 0:
        return []
    rows = holdout.index.intersection(leads.index)
    frame = holdout.loc[rows].assign(hot=np.asarray(hot, dtype=bool)[holdout.index.isin(rows)])
    out = []
    for item in sensitive:
        column = item["column"]
        if column not in leads.columns:
            continue
        by = _groups(leads.loc[rows, column])
        summary = frame.groupby(by.values, sort=True).agg(
            leads=("hot", "size"), hot_share=("hot", "mean"), converted=("converted", "mean")
        )
        groups = [
            {"group": str(name), "leads": int(row.leads), "hot_share": round(float(row.hot_share), 4),
             "converted": round(float(row.converted), 4)}
            for name, row in summary.sort_values("leads", ascending=False).iterrows()
        ]
        out.append({"column": column, "why": item["why"], "groups": groups})
    return out


def fairness_display(entry: dict) -> pd.DataFrame:
    """One sensitive column's groups as the Insights page shows them (words, shares as percents)."""
    return pd.DataFrame(
        {
            "group": [g["group"] for g in entry["groups"]],
            "held-out leads": [f"{g['leads']:,}" for g in entry["groups"]],
            "in Hot": [f"{g['hot_share']:.1%}" for g in entry["groups"]],
            "really converted": [f"{g['converted']:.1%}" for g in entry["groups"]],
        }
    )
