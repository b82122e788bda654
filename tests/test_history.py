"""Score history: lead keys, movers, tier changes, one lead's trend and outcome feedback, by hand."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from leadscore.errors import LeadScoreInputError
from leadscore.score.history import lead_keys, lead_trend, movers, outcome_feedback, tier_changes

REPO = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------------


def test_an_id_column_gives_the_id_as_trimmed_text():
    leads = pd.DataFrame({"lead_id": [" L-1 ", "L-2"], "source": ["Ads", "Ads"]})
    assert lead_keys(leads, "lead_id").tolist() == ["L-1", "L-2"]
    # Numeric IDs read as floats because of a blank elsewhere keep no ".0".
    numeric = pd.DataFrame({"lead_id": [1001.0, 1002.0], "source": ["Ads", "Ads"]})
    assert lead_keys(numeric, "lead_id").tolist() == ["1001", "1002"]


def test_leads_without_an_id_are_recognised_by_their_values():
    leads = pd.DataFrame({"lead_id": ["L-1", "  ", None], "source": ["Ads", "Ads", "Referral"], "pages": [3, 3, 5]})
    keys = lead_keys(leads, "lead_id")
    assert keys[0] == "L-1"
    # The blank IDs fall back to the fingerprint of the other columns.
    assert keys[1:].tolist() == lead_keys(leads.drop(columns="lead_id"))[1:].tolist()
    assert all(len(k) == 16 and set(k) <= set("0123456789abcdef") for k in keys[1:])
    assert keys[1] != keys[2]


def test_the_fingerprint_is_the_documented_blake2b():
    # Sorted column names, each followed by \x1f, then the values joined by \x1e:
    # "pages\x1fsource\x1f" + "3" + "\x1e" + "ads" (3.0 written as 3, " Ads " trimmed and lower case).
    text = "pages\x1fsource\x1f3\x1eads"
    expected = hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
    leads = pd.DataFrame({"source": [" Ads "], "pages": [3.0]})
    assert lead_keys(leads).tolist() == [expected]


def test_column_order_spelling_and_number_types_do_not_change_the_key():
    one = pd.DataFrame({"source": ["Ads"], "pages": [3], "pricing": [True]})
    other = pd.DataFrame({"pricing": [True], "pages": [3.0], "source": ["  ADS"]})
    assert lead_keys(one).tolist() == lead_keys(other).tolist()


def test_mixed_text_and_number_columns_are_normalised_the_same_way():
    # An export where a column holds both text and numbers (object dtype) gives the same key as
    # a clean text or number column.
    mixed = pd.DataFrame({"size": pd.Series([" Big ", 3.0], dtype=object)})
    clean_text = pd.DataFrame({"size": ["big", "x"]})
    clean_number = pd.DataFrame({"size": [0.5, 3.0]})
    assert lead_keys(mixed)[0] == lead_keys(clean_text)[0]
    assert lead_keys(mixed)[1] == lead_keys(clean_number)[1]


def test_dates_with_a_time_zone_match_the_same_moment_in_utc():
    local = pd.DataFrame({"first_seen": pd.to_datetime(["2025-03-01 10:00"]).tz_localize("Europe/Paris")})
    utc = pd.DataFrame({"first_seen": pd.to_datetime(["2025-03-01 09:00"])})
    assert lead_keys(local).tolist() == lead_keys(utc).tolist()


def test_different_leads_get_different_keys():
    leads = pd.DataFrame({"a": ["x", "", "x"], "b": ["", "x", "y"]})
    keys = lead_keys(leads)
    # The same value under another column is another lead.
    assert keys.nunique() == 3


def test_without_an_id_a_lead_whose_values_change_gets_a_new_key():
    # The documented limit: one more page viewed and the lead looks new.
    monday = pd.DataFrame({"source": ["Ads"], "pages": [3]})
    tuesday = pd.DataFrame({"source": ["Ads"], "pages": [4]})
    assert lead_keys(monday)[0] != lead_keys(tuesday)[0]


def test_chosen_columns_keep_keys_when_the_export_gains_a_column():
    before = pd.DataFrame({"source": ["Ads"], "pages": [3]})
    after = before.assign(campaign=["Spring"])
    assert lead_keys(before, columns=["source", "pages"])[0] == lead_keys(after, columns=["pages", "source"])[0]
    assert lead_keys(before)[0] != lead_keys(after)[0]


def test_keys_are_the_same_in_another_process():
    leads = pd.DataFrame({"source": ["Ads", "Referral"], "pages": [3.0, 7.5], "pricing": ["yes", None]})
    script = (
        "import pandas as pd, json; from leadscore.score.history import lead_keys; "
        "leads = pd.DataFrame({'source': ['Ads', 'Referral'], 'pages': [3.0, 7.5], 'pricing': ['yes', None]}); "
        "print(json.dumps(lead_keys(leads).tolist()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True,
        env={"PYTHONPATH": str(REPO), "PYTHONHASHSEED": "123"},
    )
    assert json.loads(result.stdout) == lead_keys(leads).tolist()


def test_key_errors_speak_plainly():
    leads = pd.DataFrame({"source": ["Ads"]})
    with pytest.raises(LeadScoreInputError, match="no column 'lead_id' to identify"):
        lead_keys(leads, "lead_id")
    with pytest.raises(LeadScoreInputError, match="no column 'pages'"):
        lead_keys(leads, columns=["pages"])


# ---------------------------------------------------------------------------------------------
# Movers and tier changes
# ---------------------------------------------------------------------------------------------

# Probabilities are binary fractions so that equal changes are exactly equal.
PREVIOUS = pd.DataFrame(
    {
        "key": ["A", "B", "C", "D", "E", "G", "H", "I", "J"],
        "probability": [0.25, 0.5, 0.75, 0.125, 0.5, 0.5, 0.5, 0.75, 0.125],
        "tier": ["Cool", "Warm", "Hot", "Cold", "Warm", "Warm", "Warm", "Hot", "Cold"],
    }
)
CURRENT = pd.DataFrame(
    {
        "key": ["D", "A", "B", "C", "F", "G", "H", "I", "J"],
        "probability": [0.5, 0.625, 0.4375, 0.25, 0.875, 0.75, 0.125, 0.5, 0.25],
        "tier": ["Warm", "Warm", "Warm", "Cool", "Hot", "Hot", "Cold", "Warm", "Cool"],
        "reason": ["pricing page", "more visits", "", "no reply", "referral", "demo booked", "", "", ""],
    }
)


def test_movers_lists_leads_in_both_runs_biggest_change_first():
    table = movers(PREVIOUS, CURRENT)
    # E (only before) and F (only now) are not movers.
    assert set(table["key"]) == set("ABCDGHIJ")
    # C -50, then D +37.5, A +37.5, H -37.5 and G +25, I -25 (ties in the latest run's order),
    # J +12.5, B -6.25.
    assert table["key"].tolist() == ["C", "D", "A", "H", "G", "I", "J", "B"]
    assert table["change"].tolist() == [-50.0, 37.5, 37.5, -37.5, 25.0, -25.0, 12.5, -6.25]
    row = table.set_index("key").loc["A"]
    assert (row["before"], row["after"], row["tier_before"], row["tier_after"]) == (0.25, 0.625, "Cool", "Warm")
    assert row["reason"] == "more visits"
    assert table.set_index("key")["tier_changed"].to_dict() == {
        "C": True, "D": True, "A": True, "H": True, "I": True, "G": True, "J": True, "B": False,
    }
    assert table.attrs["duplicates"] == {"previous": 0, "current": 0}
    assert table.attrs["note"] is None


def test_repeated_keys_keep_the_last_score_and_say_so():
    previous = pd.DataFrame(
        {"key": ["A", "A", "B"], "probability": [0.125, 0.25, 0.5], "tier": ["Cold", "Cool", "Warm"]}
    )
    current = pd.DataFrame({"key": ["A", "B"], "probability": [0.5, 0.5], "tier": ["Warm", "Warm"]})
    table = movers(previous, current)
    assert table.set_index("key").loc["A", "before"] == 0.25
    assert table.attrs["duplicates"] == {"previous": 1, "current": 0}
    assert table.attrs["note"] == "1 repeated lead in the earlier run: only the last score of each lead was compared."


def test_tier_names_are_read_in_any_case_and_others_refused():
    previous = pd.DataFrame({"key": ["A"], "probability": [0.5], "tier": [" warm"]})
    current = pd.DataFrame({"key": ["A"], "probability": [0.75], "tier": ["HOT"]})
    table = movers(previous, current)
    assert (table.loc[0, "tier_before"], table.loc[0, "tier_after"]) == ("Warm", "Hot")
    with pytest.raises(LeadScoreInputError, match="'Lukewarm', which is not one of Hot, Warm, Cool, Cold"):
        movers(previous.assign(tier=["Lukewarm"]), current)
    with pytest.raises(LeadScoreInputError, match="no column 'probability'"):
        movers(previous.drop(columns="probability"), current)


def test_tier_changes_say_what_to_do_new_hot_leads_first():
    changes = tier_changes(movers(PREVIOUS, CURRENT))
    assert changes["summary"].tolist() == [
        # Upgrades, best tier first, then by size of change (D and A tie: movers' order).
        "Warm -> Hot: call now",
        "Cold -> Warm: contact today",
        "Cool -> Warm: contact today",
        "Cold -> Cool: add to the nurture emails",
        # Downgrades.
        "Hot -> Warm: cooled off: follow up by email rather than a call",
        "Hot -> Cool: cooled off: move to the nurture emails",
        "Warm -> Cold: gone cold: automated emails only",
    ]
    assert changes["key"].tolist() == ["G", "D", "A", "J", "I", "C", "H"]
    assert changes["direction"].tolist() == ["up"] * 4 + ["down"] * 3
    assert changes.loc[0, "action"] == "call now"
    assert changes.loc[0, "reason"] == "demo booked"
    assert "B" not in set(changes["key"])  # stayed Warm


def test_lead_trend_in_time_order():
    history = pd.DataFrame(
        {
            "run": [3, 1, 2, 2],
            "at": ["2025-05-01", "2025-03-01", "2025-04-01", "2025-04-01"],
            "key": ["A", "A", "B", "A"],
            "probability": [0.6, 0.2, 0.9, 0.4],
            "tier": ["Warm", "Cool", "Hot", "Warm"],
        }
    )
    trend = lead_trend(history, "A")
    assert list(trend.columns) == ["run", "at", "probability", "tier"]
    assert trend["run"].tolist() == [1, 2, 3]
    assert trend["probability"].tolist() == [0.2, 0.4, 0.6]
    assert trend["at"].tolist() == list(pd.to_datetime(["2025-03-01", "2025-04-01", "2025-05-01"]))
    assert lead_trend(history, "nobody").empty
    # A numeric ID finds the same lead as its text.
    assert len(lead_trend(history.assign(key=[1001, 1001, 7, 1001]), "1001")) == 3


# ---------------------------------------------------------------------------------------------
# Outcome feedback
# ---------------------------------------------------------------------------------------------


def test_feedback_uses_each_leads_latest_score_and_counts_by_hand():
    scored = pd.DataFrame(
        {
            "key": ["A", "A", "B", "C", "D", "E"],
            "probability": [0.5, 0.8, 0.7, 0.5, 0.1, 0.4],
            "tier": ["Warm", "Hot", "Hot", "Warm", "Cold", "Warm"],
            # A's older Warm score (February) must not count: the March Hot score is the latest.
            "at": ["2025-02-01", "2025-03-03", "2025-03-20", "2025-03-05", "2025-03-10", "2025-05-02"],
        }
    )
    outcomes = pd.DataFrame(
        {
            "key": ["A", "B", "B", "C", "D", "E", "Z"],
            # B's last outcome (0) counts; E is still open; Z was never scored.
            "converted": [1, 1, 0, 1, 0, None, 1],
        }
    )
    report = outcome_feedback(scored, outcomes)
    assert report.matched == 4
    assert (report.open_outcomes, report.unmatched, report.duplicate_outcomes) == (1, 1, 1)
    # Converted A .8, C .5 against not converted B .7, D .1: A beats both, C beats D only -> 3/4.
    assert report.roc_auc == pytest.approx(0.75)
    assert [t.to_dict() for t in report.tiers] == [
        {"tier": "Hot", "leads": 2, "promised": pytest.approx(0.75), "converted": 0.5},
        {"tier": "Warm", "leads": 1, "promised": 0.5, "converted": 1.0},
        {"tier": "Cold", "leads": 1, "promised": 0.1, "converted": 0.0},
    ]
    assert report.sentences == [
        "Hot leads scored in March converted at 50%; the model promised 75%.",
        "Warm leads scored in March converted at 100%; the model promised 50%.",
        "Cold leads scored in March converted at 0%; the model promised 10%.",
    ]
    assert report.verdict == "too few"
    assert report.message == (
        "Only 4 scored leads with a known outcome: too few to judge the scores yet (a tier needs at least 30)."
    )
    data = report.to_dict()
    assert {"matched", "roc_auc", "tiers"} <= set(data)
    assert set(data["tiers"][0]) == {"tier", "leads", "promised", "converted"}
    json.dumps(data)


def hot_leads(converted: int, leads: int = 40, dates=("2025-03-05",)) -> tuple[pd.DataFrame, pd.DataFrame]:
    keys = [f"L{i}" for i in range(leads)]
    at = [dates[i % len(dates)] for i in range(leads)]
    scored = pd.DataFrame({"key": keys, "probability": 0.75, "tier": "Hot", "at": at})
    outcomes = pd.DataFrame({"key": keys, "converted": [1] * converted + [0] * (leads - converted)})
    return scored, outcomes


def test_a_tier_far_from_its_promise_is_the_strongest_sign_to_retrain():
    # 25 of 40 Hot leads converted (62.5%) against 75% promised: 12.5 points off.
    report = outcome_feedback(*hot_leads(25))
    assert report.verdict == "retrain"
    assert report.message == (
        "Hot leads scored in March converted at 62%; the model promised 75%. "
        "That is the strongest sign your model needs retraining."
    )


def test_a_tier_close_to_its_promise_is_on_track():
    # 28 of 40 (70%) against 75%: 5 points.
    report = outcome_feedback(*hot_leads(28))
    assert report.verdict == "on track"
    assert report.message.startswith("Your scores are keeping their promise")


def test_fewer_than_thirty_leads_in_a_tier_do_not_count():
    # The same 12.5-point gap, on 24 leads (15 converted = 62.5%).
    report = outcome_feedback(*hot_leads(15, leads=24))
    assert report.verdict == "too few"


def test_months_in_the_sentence():
    report = outcome_feedback(*hot_leads(28, dates=("2025-03-05", "2025-05-20")))
    assert report.sentences[0].startswith("Hot leads scored from March to May converted at 70%")
    report = outcome_feedback(*hot_leads(28, dates=("2024-12-05", "2025-02-20")))
    assert report.sentences[0].startswith("Hot leads scored from December 2024 to February 2025 converted")


def test_one_outcome_only_has_no_auc_and_text_outcomes_are_read():
    scored, _ = hot_leads(0, leads=3)
    outcomes = pd.DataFrame({"key": ["L0", "L1", "L2"], "converted": ["yes", "Yes ", ""]})
    report = outcome_feedback(scored, outcomes)
    assert report.matched == 2 and report.open_outcomes == 1
    assert report.roc_auc is None
    with pytest.raises(LeadScoreInputError, match="values other than 1 and 0: 'maybe'"):
        outcome_feedback(scored, outcomes.assign(converted=["yes", "maybe", "no"]))


def test_a_lead_whose_latest_score_is_blank_is_not_matched():
    scored, outcomes = hot_leads(1, leads=3)
    scored.loc[0, "probability"] = np.nan
    report = outcome_feedback(scored, outcomes)
    assert report.matched == 2 and report.unmatched == 1


def test_outcome_keys_typed_with_spaces_or_as_numbers_still_match():
    scored = pd.DataFrame(
        {"key": ["L-1", "1002"], "probability": [0.75, 0.25], "tier": ["Hot", "Cool"], "at": "2025-03-01"}
    )
    outcomes = pd.DataFrame({"key": [" L-1 ", 1002.0], "converted": [1, 0]}, dtype=object)
    assert outcome_feedback(scored, outcomes).matched == 2


def test_no_matching_keys_says_what_to_check():
    scored, _ = hot_leads(0, leads=3)
    report = outcome_feedback(scored, pd.DataFrame({"key": ["X"], "converted": [1]}))
    assert report.matched == 0 and report.roc_auc is None and report.tiers == ()
    assert report.message == (
        "No scored lead has a known outcome yet. Check that the outcomes use the same lead IDs as the scored leads."
    )


# --- Tier rules against movers (issue 21) ------------------------------------------------------

def test_a_change_of_tier_rules_is_said_as_such_and_leads_whose_chance_stayed_are_not_movers():
    from leadscore.score.history import movers, tier_changes

    before = pd.DataFrame({"key": ["A", "B", "C"], "probability": [0.71, 0.30, 0.45], "tier": ["Hot", "Cool", "Warm"]})
    # The rules switched from chances to shares: A and B changed tier at the same chance;
    # C's chance moved from 45% to 80% and it became Hot.
    after = pd.DataFrame({"key": ["A", "B", "C"], "probability": [0.71, 0.30, 0.80], "tier": ["Warm", "Warm", "Hot"]})
    table = movers(
        before,
        after,
        "Tiers by chance of converting: Hot from 70%, Warm from 40%, Cool from 15%, Cold below.",
        "Tiers by share of scored leads: Hot is the top 10%, Warm the next 20%, Cool the next 30%, Cold the rest.",
    )
    assert table.set_index("key")["tier_changed"].to_dict() == {"A": False, "B": False, "C": True}
    assert int(table["tier_changed"].sum()) == 1 and table.attrs["rules_only"] == 2
    assert table.attrs["tier_rules"].startswith(
        "The tier rules changed between these runs (before: tiers by chance of converting: Hot from 70%"
    )
    assert "now: tiers by share of scored leads: Hot is the top 10%" in table.attrs["tier_rules"]
    assert tier_changes(table)["summary"].tolist() == ["Warm -> Hot: call now"]
    # Same rules: nothing to say.
    same = movers(before, after, "Tiers by share.", "Tiers by share.")
    assert same.attrs["tier_rules"] is None
