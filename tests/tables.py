"""Small made-up lead tables that several test modules build on (each module mirrors one
library module; the tables they share live here, written once)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def make_leads(n: int = 800) -> pd.DataFrame:
    """Leads whose conversion depends on pages viewed, the pricing page and the source."""
    i = np.arange(n)
    rng = np.random.default_rng(0)
    source = np.array(["LinkedIn", "Google Ads", "Referral", "Trade show"])[i % 4]
    pages = ((i * 7) % 13).astype(float)
    pricing = np.where(i % 3 == 0, "yes", "no")
    logit = -2.5 + 0.25 * pages + 1.5 * (pricing == "yes") + np.select(
        [source == "Referral", source == "Google Ads"], [1.0, -0.8], 0
    )
    converted = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "yes", "no")
    return pd.DataFrame(
        {
            "lead_id": [f"L-{k:04d}" for k in i],
            "source": source,
            "pages_viewed": pages,
            "visited_pricing_page": pricing,
            "converted": converted,
        }
    )


def gappy_leads() -> pd.DataFrame:
    """600 leads with blanks: blank time on site goes with not converting (cookie declined);
    blank visits, plans and newsletter answers are random."""
    rng = np.random.default_rng(1)
    n = 600
    converted = rng.random(n) < 0.3
    time_on_site = np.where(converted | (rng.random(n) < 0.5), rng.normal(10, 2, n).round(1), np.nan)
    visits = np.where(rng.random(n) < 0.2, np.nan, rng.integers(1, 9, n).astype(float))
    return pd.DataFrame(
        {
            "time_on_site": time_on_site,
            "visits": visits,
            "plan": rng.choice(["basic", "pro", None], n, p=[0.5, 0.3, 0.2]),
            "newsletter": rng.choice(["yes", "no", None], n, p=[0.6, 0.3, 0.1]),
            "won": np.where(converted, "yes", "no"),
        }
    )


# How one source is spelled across a real export.
LINKEDIN_SPELLINGS = ["LINKEDIN", "Linked In", "LinkedIn", "Linkedin", "linkedin", "linkedin "]


def suggested_plan(df: pd.DataFrame, outcome_column: str, date_column=None):
    """The cleaning plan LeadScore suggests for ``df`` (outcome, profiles, leakage guard)."""
    from leadscore.inspect.leakage import find_leakage_suspects
    from leadscore.inspect.outcome import suggest_outcome
    from leadscore.clean.plan import suggest_cleaning_plan
    from leadscore.inspect.profile import profile_columns

    mapping = suggest_outcome(df, outcome_column).mapping
    profiles = profile_columns(df)
    suspects = find_leakage_suspects(df, mapping.apply(df), profiles, date_column=date_column)
    return suggest_cleaning_plan(df, mapping, profiles, suspects, date_column=date_column)


def copied_leads(n: int = 500, copies: int = 3, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` leads, and the same leads each written ``copies`` times in shuffled order (a form
    sent again, a list merged twice). Conversion depends a little on pages viewed and one
    measurement; two more measurements are noise a model can only memorise."""
    rng = np.random.default_rng(seed)
    pages = rng.poisson(4, n)
    x = rng.normal(0, 1, (n, 3)).round(3)
    converted = rng.random(n) < 1 / (1 + np.exp(-(-1 + 0.2 * (pages - 4) + 0.4 * x[:, 0])))
    leads = pd.DataFrame(
        {
            "lead_id": [f"L{k:05d}" for k in range(n)],
            "pages": pages,
            "a": x[:, 0],
            "b": x[:, 1],
            "c": x[:, 2],
            "converted": np.where(converted, "yes", "no"),
        }
    )
    repeated = leads.loc[np.repeat(np.arange(n), copies)].sample(frac=1, random_state=1).reset_index(drop=True)
    return leads, repeated
