"""Made-up CRM exports with the shapes real ones have, for tests and demonstrations.

Not the tidy sample: UUID and hex identifiers, a date column without times, a yes/no column of
``True`` and blanks, numbers written as text, and the columns that make a model look brilliant
and fail in use, each made to depend on the outcome the way real ones do:

- ``Lead rating``: a rep rates a lead 1-5 after the first call; reps rate the leads that go on
  to buy higher, but not always, and many leads are never rated (blank). Known only after
  contact.
- ``Last activity``: the date of the latest touch, a snapshot taken on the day of the export:
  leads that bought were active recently, lost leads went quiet long ago.
- ``Amount spent`` (optional): 0 for every lead that did not convert, a positive amount for each
  one that did: known only after the sale.

The honest columns (source, pages viewed, company size, demo requested) carry a moderate signal,
as real ones do.

Example
-------
>>> table = crm_export(2000, seed=1)           # doctest: +SKIP
>>> table["Converted"].value_counts()          # doctest: +SKIP
"""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd


def crm_export(n: int = 3000, seed: int = 0, conversion: float = 0.12, amount: bool = False) -> pd.DataFrame:
    """A CRM export of ``n`` past leads (see the module docstring), as text cells like a CSV.

    Parameters
    ----------
    n : int
        Leads.
    seed : int
        Same seed, same table.
    conversion : float
        About this share converts.
    amount : bool
        Add an ``Amount spent`` column (0 unless converted).
    """
    rng = np.random.default_rng(seed)
    source = rng.choice(["Webinar", "Referral", "LinkedIn", "Google Ads", "Cold email"], n, p=[0.15, 0.15, 0.25, 0.3, 0.15])
    size = rng.choice(["1-10", "11-50", "51-200", "201+"], n)
    pages = rng.poisson(5, n)
    demo = rng.random(n) < 0.3
    effect = (
        np.select([source == "Referral", source == "Webinar", source == "Cold email"], [0.9, 0.5, -0.6], 0.0)
        + 0.12 * pages
        + 0.9 * demo
        + np.select([size == "51-200", size == "201+"], [0.3, 0.5], 0.0)
    )
    intercept = np.log(conversion / (1 - conversion)) - effect.mean()
    converted = rng.random(n) < 1 / (1 + np.exp(-(intercept + effect)))
    created = pd.Timestamp("2025-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 365, n)), unit="D")
    export_day = pd.Timestamp("2026-01-31")
    # The rep's rating: higher for leads that went on to buy, blank for a third never called.
    rating = np.clip(np.round(2.4 + 1.1 * converted + 0.25 * (effect - effect.mean()) + rng.normal(0, 1.1, n)), 1, 5)
    rating_text = np.where(rng.random(n) < 0.3, "", rating.astype(int).astype(str))
    # The snapshot: buyers were touched recently; the others went quiet after a while.
    quiet_days = np.where(converted, rng.integers(0, 120, n), rng.integers(20, 400, n))
    last_activity = np.minimum(export_day - pd.to_timedelta(quiet_days, unit="D"), export_day)
    last_activity = np.maximum(last_activity, created)
    table = pd.DataFrame(
        {
            "Record ID": [str(uuid.UUID(int=int(rng.integers(0, 2**62)) << 64 | int(rng.integers(0, 2**62)))) for _ in range(n)],
            "Hubspot hash": [f"{int(rng.integers(0, 2**63)):016x}{int(rng.integers(0, 2**63)):016x}" for _ in range(n)],
            "Create date": created.strftime("%Y-%m-%d"),
            "Lead source": source,
            "Company size": size,
            "Pages viewed": [f"{p:,}" for p in pages],
            "Requested demo": np.where(demo, "True", ""),
            "Lead rating": rating_text,
            "Last activity date": pd.DatetimeIndex(last_activity).strftime("%Y-%m-%d"),
            "Converted": np.where(converted, "yes", "no"),
        }
    )
    if amount:
        table["Amount spent"] = np.where(converted, np.round(rng.gamma(2.0, 900.0, n), 2), 0.0)
    return table


def crm_export_csv(*args, **kwargs) -> bytes:
    """:func:`crm_export` as the bytes of a CSV file."""
    return crm_export(*args, **kwargs).to_csv(index=False).encode("utf-8")


def crm_pipeline_export(n: int = 4000, seed: int = 0, conversion: float = 0.15, open_share: float = 0.15) -> pd.DataFrame:
    """:func:`crm_export` with the other columns a real pipeline export carries, as text cells:

    - ``Status``: ``won``, ``lost``, or ``open`` for a share of deals still in the pipeline.
    - ``Close date``: blank for every open deal, filled for every closed one (recorded at close).
    - ``Activity index`` and ``Profile index``: ordinal grades (``01.High``, ``02.Medium``,
      ``03.Low``) a rep gives after contact, higher for the leads that went on to buy.
    - ``Lead source`` gains ``Partner site``: 30 leads, all converted (a near-pure value held by a
      few dozen leads, known on arrival).
    - ``What is your current occupation?``: a sign-up form's question, answered on arrival, with
      an honest, moderate signal.
    """
    rng = np.random.default_rng(seed + 1000)
    table = crm_export(n, seed=seed, conversion=conversion)
    converted = (table.pop("Converted") == "yes").to_numpy()
    # The form answer: students buy less, managers more (known on arrival).
    occupation = np.where(
        converted,
        rng.choice(["Working professional", "Manager", "Student", "Unemployed"], n, p=[0.45, 0.3, 0.1, 0.15]),
        rng.choice(["Working professional", "Manager", "Student", "Unemployed"], n, p=[0.4, 0.15, 0.25, 0.2]),
    )
    partner = rng.choice(np.flatnonzero(converted), 30, replace=False)
    table.loc[partner, "Lead source"] = "Partner site"

    def grade(shift: float) -> np.ndarray:
        level = 1.0 + shift * converted + rng.normal(0, 0.7, n)
        return np.select([level > 1.8, level > 0.9], ["01.High", "02.Medium"], "03.Low")

    still_open = rng.random(n) < open_share
    still_open[partner] = False
    created = pd.to_datetime(table["Create date"])
    closed_on = created + pd.to_timedelta(rng.integers(5, 120, n), unit="D")
    table["What is your current occupation?"] = occupation
    table["Activity index"] = grade(1.2)
    table["Profile index"] = grade(0.9)
    table["Close date"] = np.where(still_open, "", pd.DatetimeIndex(closed_on).strftime("%Y-%m-%d"))
    table["Status"] = np.where(still_open, "open", np.where(converted, "won", "lost"))
    return table
