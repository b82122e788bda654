"""Small trained models and leads for the scoring tests (score, score_files, stream)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from leadscore.model.bundle import ModelBundle
from leadscore.errors import LeadScoreInputError
from leadscore.explain.contributions import explain_reference
from leadscore.inspect.leakage import find_leakage_suspects
from leadscore.inspect.outcome import suggest_outcome
from leadscore.model.pipeline import build_pipeline
from leadscore.clean.plan import suggest_cleaning_plan
from leadscore.inspect.profile import profile_columns
from leadscore.clean.rows import select_training_rows
from leadscore.model.tiers import TierPolicy

REPO = Path(__file__).resolve().parents[1]


def history(n: int = 600) -> pd.DataFrame:
    """Past leads: conversion rises with pages viewed, the pricing page and referrals.
    ``emails_opened`` is blank for every 10th lead, so the model can do without it."""
    i = np.arange(n)
    rng = np.random.default_rng(0)
    source = np.array(["LinkedIn", "Google Ads", "Referral", "Trade show"])[i % 4]
    pages = ((i * 7) % 13).astype(float)
    pricing = np.where(i % 3 == 0, "yes", "no")
    emails = np.where(i % 10 == 0, np.nan, (i * 3) % 8)
    logit = -2.0 + 0.3 * pages + 1.5 * (pricing == "yes") + 1.0 * (source == "Referral")
    converted = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "yes", "no")
    return pd.DataFrame(
        {
            "lead_id": [f"L-{k:04d}" for k in i],
            "source": source,
            "pages_viewed": pages,
            "visited_pricing_page": pricing,
            "emails_opened": emails,
            "converted": converted,
        }
    )


def dated_history(n: int = 600) -> pd.DataFrame:
    """:func:`history` with ``first_engaged_at``: leads first engaged before noon all converted,
    so the hour of a lead's timestamp moves its score a lot."""
    leads = history(n)
    i = np.arange(n)
    hours = (i * 5) % 24
    leads["first_engaged_at"] = (
        pd.Timestamp("2026-06-01") + pd.to_timedelta(i // 3, unit="D") + pd.to_timedelta(hours, unit="h")
    )
    leads.loc[hours < 12, "converted"] = "yes"
    return leads


def make_bundle(kind: str = "logistic", leads: pd.DataFrame | None = None) -> ModelBundle:
    """A model trained on ``leads`` (default :func:`history`)."""
    leads = history() if leads is None else leads
    mapping = suggest_outcome(leads, "converted").mapping
    profiles = profile_columns(leads)
    plan = suggest_cleaning_plan(leads, mapping, profiles, find_leakage_suspects(leads, mapping.apply(leads), profiles))
    rows = select_training_rows(leads, plan)
    estimator = (
        LogisticRegression(max_iter=1000)
        if kind == "logistic"
        else HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=8, random_state=0)
    )
    with threadpool_limits(limits=1):  # small data: threads on a busy machine only wait
        pipeline = build_pipeline(plan, kind, estimator).fit(rows.X, rows.y)
    return ModelBundle(
        pipeline=pipeline,
        plan=plan,
        schema=pipeline.named_steps["clean"].input_schema(),
        policy=TierPolicy(),
        metrics={},
        trained_at="2026-11-27T00:00:00+00:00",
        row_counts={},
        versions={},
        kind=kind,
        explain_reference=explain_reference(pipeline, rows.X, random_state=0),  # as every trained model carries
    )


def new_leads() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lead_id": ["00123", "00124", "00125", "00126"],
            "source": ["Referral", "LinkedIn", "Google Ads", "Trade show"],
            "pages_viewed": [12.0, 1.0, 6.0, 0.0],
            "visited_pricing_page": ["yes", "no", "yes", "no"],
            "emails_opened": [3.0, 1.0, np.nan, 0.0],
            "owner": ["Ana", "Ben", "Cy", "Di"],
        },
        index=[10, 11, 12, 13],
    )


