"""The leakage guard: columns not known when a lead arrives are found, with evidence in words."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from leadscore import leakage
from leadscore.leakage import default_exclusions, find_leakage_suspects, post_outcome_name_hint
from leadscore.outcome import suggest_outcome
from leadscore.profile import profile_columns
from leadscore.read import read_leads


def _suspects(df, outcome_column, date_column=None):
    mapping = suggest_outcome(df, outcome_column).mapping
    profiles = profile_columns(df)
    suspects = find_leakage_suspects(df, mapping.apply(df), profiles, date_column=date_column)
    return {s.column: s for s in suspects}, profiles


@pytest.fixture(scope="module")
def unseen_export() -> pd.DataFrame:
    """An export with column names the guard has never seen; leakage hides behind neutral names."""
    rng = np.random.default_rng(0)
    n = 2000
    converted = rng.random(n) < 0.2
    arrived = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    return pd.DataFrame(
        {
            "arrived": arrived,
            # Legitimate: a moderately useful signal and pure noise.
            "webinar_minutes": np.round(rng.normal(20, 8, n) + 6 * converted, 1),
            "region": rng.choice(["North", "South", "East", "West"], n),
            # Leaks: a number nobody would have before the sale...
            "q7": np.where(converted, rng.normal(5, 1, n), rng.normal(1, 1, n)).round(2),
            # ...a field only filled in for buyers...
            "acct_ref_note": np.where(converted & (rng.random(n) < 0.95), "see ERP", None),
            # ...a value that says "sold" and a date recorded months after any lead arrived.
            "owner_tag": np.where(converted & (rng.random(n) < 0.6), "handled by Finance", rng.choice(["A", "B", "C"], n)),
            "svc_date": np.where(converted, arrived + pd.Timedelta(days=200), pd.NaT),
            # A post-outcome name on a column with no signal: a warning, not a verdict.
            "status": rng.choice(["green", "amber"], n),
            "bought": np.where(converted, "yes", "no"),
        }
    )


def test_leaks_behind_unfamiliar_names_are_left_out_with_evidence(unseen_export):
    suspects, _ = _suspects(unseen_export, "bought", date_column="arrived")
    assert suspects["q7"].action == "exclude"
    assert suspects["q7"].evidence["auc"] >= 0.9
    assert suspects["acct_ref_note"].action == "exclude"
    assert suspects["acct_ref_note"].evidence["missing_by_outcome"]["not_converted"] == 0.0
    assert suspects["owner_tag"].action == "exclude"
    assert suspects["owner_tag"].evidence["pure_values"][0]["value"] == "handled by Finance"
    assert "handled by Finance" in suspects["owner_tag"].reason
    assert suspects["svc_date"].action == "exclude"
    assert suspects["svc_date"].evidence["dates_after_newest_lead_share"] > 0.05


def test_legitimate_columns_are_not_flagged_and_a_name_alone_only_warns(unseen_export):
    suspects, _ = _suspects(unseen_export, "bought", date_column="arrived")
    assert "webinar_minutes" not in suspects
    assert "region" not in suspects
    assert "arrived" not in suspects and "bought" not in suspects
    assert suspects["status"].action == "warn"
    assert "known when a new lead arrives" in suspects["status"].reason


def test_evidence_is_json_ready_and_the_arrival_date_is_found_without_being_named(unseen_export):
    mapping = suggest_outcome(unseen_export, "bought").mapping
    suspects = find_leakage_suspects(unseen_export, mapping.apply(unseen_export), profile_columns(unseen_export))
    assert [s.action for s in suspects] == sorted((s.action for s in suspects), key=lambda a: a != "exclude")
    json.loads(json.dumps([s.to_dict() for s in suspects]))
    by_column = {s.column: s for s in suspects}
    assert by_column["svc_date"].evidence["dates_after_newest_lead_share"] > 0.05
    assert "fall after the newest lead arrived" in by_column["svc_date"].reason


def test_large_files_are_sampled(unseen_export, monkeypatch):
    monkeypatch.setattr(leakage, "MAX_ROWS_CHECKED", 500)
    suspects, _ = _suspects(unseen_export, "bought")
    assert suspects["q7"].evidence["known_outcomes"] == 500
    assert suspects["q7"].action == "exclude"


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("final_deal_size", "deal size"),
        ("dealStage", "pipeline stage"),
        ("Close Date", "close date or reason"),
        ("call duration", "duration of a call or meeting"),
        ("Revenue (USD)", "revenue"),
        ("poutcome", None),
        ("lead_source", None),
        ("closeness_score", None),
    ],
)
def test_post_outcome_names_match_whole_words(name, hint):
    assert post_outcome_name_hint(name) == hint


def test_sample_data_post_outcome_columns_ids_and_personal_data_are_left_out(sample_leads_path):
    leads = read_leads(sample_leads_path)
    suspects, profiles = _suspects(leads, "converted", date_column="first_engaged_at")
    assert suspects["deal_stage"].action == "exclude"
    assert suspects["final_deal_size"].action == "exclude"
    assert suspects["final_deal_size"].evidence["name_hint"] == "deal size"
    assert not {"source", "pages_viewed", "visited_pricing_page", "company_size"} & set(suspects)
    excluded = default_exclusions(profiles, list(suspects.values()))
    assert {"deal_stage", "final_deal_size", "lead_id", "email", "contact_name"} <= set(excluded)
    assert "ID" in excluded["lead_id"] and "personal data" in excluded["email"]
    assert "recorded after the sale" in excluded["deal_stage"]
    assert "converted" not in excluded


def test_nearly_empty_and_constant_columns_are_left_out_with_reasons():
    leads = pd.DataFrame(
        {
            "plan": ["basic"] * 100,
            "fax": [None] * 98 + ["555", "556"],
            "visits": [i % 7 for i in range(100)],
            "won": ["yes", "no"] * 50,
        }
    )
    excluded = default_exclusions(profile_columns(leads), [])
    assert "same value for every lead" in excluded["plan"]
    assert "blank for 98% of leads" in excluded["fax"]
    assert "visits" not in excluded


@pytest.mark.slow
def test_bank_marketing_call_duration_is_left_out_and_real_inputs_are_kept(bank_csv):
    bank = read_leads(bank_csv)
    suspects, profiles = _suspects(bank, "y")
    duration = suspects["duration"]
    assert duration.action == "exclude"
    assert duration.evidence["auc"] > 0.75
    assert duration.evidence["name_hint"] == "duration of a call or meeting"
    assert "AUC 0.8" in duration.reason
    excluded = default_exclusions(profiles, list(suspects.values()))
    assert set(excluded) == {"duration"}
    legitimate = {"age", "job", "marital", "education", "campaign", "pdays", "previous", "poutcome",
                  "euribor3m", "nr.employed", "emp.var.rate", "cons.price.idx", "cons.conf.idx"}
    assert not legitimate & {c for c, s in suspects.items() if s.action == "exclude"}


def test_odd_columns_do_not_break_the_guard():
    rng = np.random.default_rng(3)
    n = 400
    won = rng.random(n) < 0.25
    stamps = pd.Series(pd.date_range("2025-01-01", periods=n, freq="h", tz="Europe/Berlin"))
    stamps[::7] = pd.NaT
    leads = pd.DataFrame(
        {
            "seen_at": stamps,
            "empty": [None] * n,
            "mixed": [1, "two", 3.5, None] * (n // 4),
            "flag": rng.random(n) < 0.5,
            "won": np.where(won, "yes", "no"),
        }
    )
    mapping = suggest_outcome(leads, "won").mapping
    suspects = find_leakage_suspects(leads, mapping.apply(leads), profile_columns(leads))
    assert not [s for s in suspects if s.action == "exclude"]
