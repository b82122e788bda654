"""Drift: PSI checked against hand arithmetic, the training reference, and the verdict a user reads."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from leadscore.score.drift import (
    FLOOR,
    DriftReference,
    compare,
    population_stability,
    psi_band,
)
from leadscore.errors import LeadScoreInputError

ln = math.log


def term(a: float, e: float) -> float:
    """One bin's part of the PSI, with the documented floor for empty bins."""
    a, e = max(a, 0.0001), max(e, 0.0001)
    return (a - e) * ln(a / e)


# ---------------------------------------------------------------------------------------------
# population_stability
# ---------------------------------------------------------------------------------------------


def test_same_shares_give_zero():
    assert population_stability(list(range(1, 11)), list(range(1, 11)) * 3) == pytest.approx(0.0)
    assert population_stability(["a", "b"], ["b", "a", "a", "b"]) == pytest.approx(0.0)


def test_number_psi_uses_training_deciles():
    # Training 1..10: the deciles 1.9, 2.8, ..., 9.1 put each value in its own bin (10% each).
    # New leads: five 1s and five 2s -> bins 1 and 2 hold 50% each, the other eight are empty.
    expected = 2 * (0.5 - 0.1) * ln(0.5 / 0.1) + 8 * (0.0001 - 0.1) * ln(0.0001 / 0.1)
    assert expected == pytest.approx(6.8083, abs=1e-4)
    assert population_stability(np.arange(1, 11), [1] * 5 + [2] * 5) == pytest.approx(expected)


def test_equal_edges_merge_outer_bins_are_open_and_a_value_on_an_edge_goes_low():
    # Training: five 0s and five 1s. Deciles (position 9q): 0, 0, 0, 0, then 0.5 (halfway
    # between the fifth and sixth value), then 1, 1, 1, 1. Merged edges: 0, 0.5, 1 -> four bins
    # <= 0 (50%), (0, 0.5] (0%), (0.5, 1] (50%), > 1 (0%).
    training = [0] * 5 + [1] * 5
    reference = DriftReference.from_training(pd.DataFrame({"x": training}), None, {"x": "number"})
    assert reference.columns[0].edges == (0.0, 0.5, 1.0)
    # New: -3 and the two 0s in the first bin (0 is on an edge: it goes low, and the first bin
    # is open downwards), 0.5 in the second, the three 1s in the third, 2 in the open last bin.
    new = [0, 0, 0.5, 1, 1, 1, 2, -3]
    expected = term(3 / 8, 0.5) + term(1 / 8, 0.0) + term(3 / 8, 0.5) + term(1 / 8, 0.0)
    assert population_stability(training, new) == pytest.approx(expected)


def test_missing_numbers_have_a_bin_of_their_own():
    # 1..8 keep their 10% each, 9 and 10 are gone, 20% are blank (0% in training).
    new = [1, 2, 3, 4, 5, 6, 7, 8, np.nan, np.nan]
    expected = 2 * term(0.0, 0.1) + term(0.2, 0.0)
    assert population_stability(np.arange(1, 11), new) == pytest.approx(expected)


def test_category_psi_gives_values_new_since_training_their_own_bin():
    # Training: a 60%, b 40%. New: a 50%, b 30%, c (never seen) 20%.
    expected = (0.5 - 0.6) * ln(0.5 / 0.6) + (0.3 - 0.4) * ln(0.3 / 0.4) + (0.2 - 0.0001) * ln(0.2 / 0.0001)
    assert expected == pytest.approx(1.5664, abs=1e-4)
    psi = population_stability(["a"] * 6 + ["b"] * 4, ["a"] * 5 + ["b"] * 3 + ["c"] * 2)
    assert psi == pytest.approx(expected)


def test_blank_categories_are_a_bin_and_text_is_trimmed():
    # " a" and "a " are the value a; None and "" are blank: training a 50% blank 50%, new a 100%.
    psi = population_stability(["a", " a", None, ""], ["a ", "a"], kind="category")
    assert psi == pytest.approx(term(1.0, 0.5) + term(0.0, 0.5))


def test_floor_keeps_psi_finite_when_nothing_overlaps():
    # All "a" before, all "b" after: two bins at 100% against the floor of 0.0001.
    assert FLOOR == 0.0001
    expected = 2 * (1 - 0.0001) * ln(1 / 0.0001)
    assert population_stability(["a"] * 10, ["b"] * 10) == pytest.approx(expected)
    assert math.isfinite(expected)


def test_psi_bands():
    assert [psi_band(x) for x in (0.0, 0.0999, 0.1, 0.2499, 0.25, 3.0)] == [
        "stable",
        "stable",
        "watch",
        "watch",
        "shifted",
        "shifted",
    ]
    assert psi_band(None) is None
    # Within what chance alone gives: stable whatever the size.
    assert psi_band(0.7, chance=1.0) == "stable"


# ---------------------------------------------------------------------------------------------
# The reference kept at training time
# ---------------------------------------------------------------------------------------------


def small_training() -> tuple[pd.DataFrame, list[float]]:
    frame = pd.DataFrame(
        {
            "pages": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, np.nan],
            "source": ["Ads"] * 5 + ["Referral"] * 3 + [None] * 2 + ["Event"],
        }
    )
    probabilities = [0.2] * 6 + [0.8] * 5
    return frame, probabilities


def test_reference_holds_hand_counted_bins_and_shares():
    frame, probabilities = small_training()
    reference = DriftReference.from_training(frame, probabilities, {"pages": "number", "source": "category"})
    pages, source = reference.columns
    assert reference.rows == 11
    # Deciles of 1..10: 1.9, 2.8, ..., 9.1 (1 + 0.9 * k); each of the 10 bins holds 1 of 11 leads.
    assert pages.edges == pytest.approx([1 + 0.9 * k for k in range(1, 10)])
    assert pages.shares == pytest.approx([1 / 11] * 10)
    assert pages.missing_share == pytest.approx(1 / 11)
    # Most common first.
    assert source.values == ("Ads", "Referral", "Event")
    assert source.shares == pytest.approx([5 / 11, 3 / 11, 1 / 11])
    assert source.missing_share == pytest.approx(2 / 11)
    # Scores: six 0.2 and five 0.8; deciles 0.2 (x5) and 0.8 (x4) -> edges 0.2, 0.8.
    assert reference.score.edges == pytest.approx([0.2, 0.8])
    assert reference.score.shares == pytest.approx([6 / 11, 5 / 11, 0.0])


def test_reference_round_trips_through_json():
    frame, probabilities = small_training()
    reference = DriftReference.from_training(
        frame, probabilities, {"pages": "number", "source": "category"}, importance={"pages": 2, "source": 1}
    )
    text = json.dumps(reference.to_dict())
    assert DriftReference.from_dict(json.loads(text)) == reference


def test_reference_skips_text_and_date_columns():
    frame, probabilities = small_training()
    frame["notes"] = "call me"
    reference = DriftReference.from_training(frame, probabilities, {"pages": "number", "notes": "text"})
    assert [c.name for c in reference.columns] == ["pages"]
    assert reference.skipped == ("notes",)


def test_reference_keeps_fifty_values_and_groups_the_rest():
    # v00..v49 three times each, v50..v59 once: 160 leads.
    values = [f"v{k:02d}" for k in range(50) for _ in range(3)] + [f"v{k}" for k in range(50, 60)]
    reference = DriftReference.from_training(pd.DataFrame({"city": values}), None, {"city": "category"})
    city = reference.columns[0]
    assert len(city.values) == 50 and city.values[0] == "v00"
    assert city.other_share == pytest.approx(10 / 160)
    # A rare value seen in training is not new; a value never seen is.
    new = pd.DataFrame({"city": ["v55"] * 60 + ["Atlantis"] * 40})
    report = compare(reference, new)
    assert report.columns[0].unseen_share == pytest.approx(0.4)
    assert report.columns[0].unseen_examples == ("Atlantis",)


def test_reference_errors_speak_plainly():
    frame, probabilities = small_training()
    with pytest.raises(LeadScoreInputError, match="no column 'budget'"):
        DriftReference.from_training(frame, probabilities, {"budget": "number"})
    with pytest.raises(LeadScoreInputError, match="11 leads but 3 probabilities"):
        DriftReference.from_training(frame, [0.1, 0.2, 0.3], {"pages": "number"})
    with pytest.raises(LeadScoreInputError, match="damaged"):
        DriftReference.from_dict({"rows": 3, "columns": [{"name": "x", "kind": "colour"}]})


# ---------------------------------------------------------------------------------------------
# compare: what the user reads
# ---------------------------------------------------------------------------------------------

KINDS = {"pages": "number", "budget_range": "category", "source": "category"}


def history(n: int = 400) -> tuple[pd.DataFrame, np.ndarray]:
    """Leads in even shares: pages 1..10, budget small/large, source Ads/Referral."""
    i = np.arange(n)
    frame = pd.DataFrame(
        {
            "pages": (i % 10 + 1).astype(float),
            "budget_range": np.where(i % 2 == 0, "small", "large"),
            "source": np.where((i // 2) % 2 == 0, "Ads", "Referral"),
        }
    )
    return frame, (i % 100) / 100


def new_leads(n: int = 200, small: float = 0.5, ads: float = 0.5, webinar: float = 0.0) -> pd.DataFrame:
    """``n`` leads with the given shares of budget "small", source "Ads" and source "Webinar"."""
    i = np.arange(n)
    source = np.where(i < round(n * ads), "Ads", "Referral").astype(object)
    # Webinar takes leads from both sources in proportion, keeping Ads : Referral as it was.
    webinar_rows = (i % round(1 / webinar) == 0) if webinar else np.zeros(n, dtype=bool)
    source[webinar_rows] = "Webinar"
    return pd.DataFrame(
        {
            "pages": (i % 10 + 1).astype(float),
            "budget_range": np.where(i < round(n * small), "small", "large"),
            "source": source,
        }
    )


def test_same_leads_are_stable_and_say_so():
    frame, probabilities = history()
    reference = DriftReference.from_training(frame, probabilities, KINDS)
    report = compare(reference, frame, probabilities)
    assert report.verdict == "stable"
    assert report.message == "Your new leads look like your history."
    assert report.score_psi == pytest.approx(0.0)
    assert all(c.psi == pytest.approx(0.0) and c.band == "stable" for c in report.columns)


def test_report_dict_has_the_agreed_shape_and_is_json():
    frame, probabilities = history()
    reference = DriftReference.from_training(frame, probabilities, KINDS)
    data = compare(reference, new_leads(), probabilities[:200]).to_dict()
    assert {"verdict", "message", "columns", "score_psi"} <= set(data)
    assert {c["column"] for c in data["columns"]} == {"pages", "budget_range", "source"}
    for column in data["columns"]:
        assert {"column", "psi", "unseen_share"} <= set(column)
    by_name = {c["column"]: c for c in data["columns"]}
    assert by_name["pages"]["unseen_share"] is None  # numbers have no "new values"
    assert by_name["source"]["unseen_share"] == 0.0
    json.dumps(data)


def test_a_new_source_for_a_tenth_of_leads_asks_to_watch():
    frame, probabilities = history()
    reference = DriftReference.from_training(frame, probabilities, KINDS)
    new = new_leads(webinar=0.1)  # every 10th lead: 20 of 200
    report = compare(reference, new)
    source = next(c for c in report.columns if c.column == "source")
    assert source.unseen_share == pytest.approx(0.1)
    assert source.unseen_examples == ("Webinar",)
    # Counted once, as new values: among the other 180 leads Ads and Referral are still 50/50.
    assert source.psi == pytest.approx(0.0)
    assert report.verdict == "watch"
    assert report.message == "Leads from 'Webinar' are new since training: scores for them are guesses."


def test_a_new_source_for_a_quarter_of_leads_means_retrain():
    frame, probabilities = history()
    reference = DriftReference.from_training(frame, probabilities, KINDS)
    report = compare(reference, new_leads(webinar=0.25))  # every 4th lead: 50 of 200
    assert report.verdict == "retrain"
    assert report.message == (
        "Retrain: your leads have changed (25% of them have values never seen in training, such as 'Webinar')."
    )


def shifted_leads() -> pd.DataFrame:
    # budget small 95% (was 50%): PSI .45 ln(1.9) + .45 ln(10) = 1.32.
    # source Ads 80% (was 50%): PSI .3 ln(1.6) + .3 ln(2.5) = 0.42. Pages unchanged.
    return new_leads(small=0.95, ads=0.8)


def test_shifted_columns_mean_retrain_and_are_named():
    frame, probabilities = history()
    reference = DriftReference.from_training(frame, probabilities, KINDS)
    report = compare(reference, shifted_leads(), probabilities[:200])
    by_name = {c.column: c for c in report.columns}
    assert by_name["budget_range"].psi == pytest.approx(0.45 * ln(0.95 / 0.5) + 0.45 * ln(0.5 / 0.05))
    assert by_name["source"].psi == pytest.approx(0.3 * ln(0.8 / 0.5) + 0.3 * ln(0.5 / 0.2))
    assert by_name["pages"].psi == pytest.approx(0.0)
    # Most changed first.
    assert [c.column for c in report.columns] == ["budget_range", "source", "pages"]
    assert report.verdict == "retrain"
    assert report.message == "Retrain: your leads have changed (budget_range and source shifted)."


def test_columns_the_model_barely_uses_only_ask_to_watch():
    frame, probabilities = history()
    importance = {"pages": 9.0, "budget_range": 0.5, "source": 0.5}  # pages alone is 90%
    reference = DriftReference.from_training(frame, probabilities, KINDS, importance=importance)
    report = compare(reference, shifted_leads(), probabilities[:200])
    assert report.verdict == "watch"
    assert report.message == (
        "Watch: budget_range and source have moved since training; the scores are still usable, "
        "check again with your next leads."
    )


def test_important_columns_are_those_behind_80_percent_of_importance():
    frame, probabilities = history()
    reference = DriftReference.from_training(
        frame, probabilities, KINDS, importance={"source": 6, "pages": 3, "budget_range": 1}
    )
    # 60%, then 90%: source and pages; budget_range's 10% is not needed to reach 80%.
    assert reference.important_columns() == {"source", "pages"}
    everything = DriftReference.from_training(frame, probabilities, KINDS)
    assert everything.important_columns() == {"pages", "budget_range", "source"}


def test_shifted_scores_mean_retrain():
    frame, probabilities = history()
    reference = DriftReference.from_training(frame, probabilities, KINDS)
    # Training scores spread evenly over 0..0.99; the new ones all above 0.9 (the top bin).
    report = compare(reference, frame.iloc[:200], np.full(200, 0.95))
    assert report.score_band == "shifted"
    assert report.verdict == "retrain"
    assert report.message == "Retrain: your leads have changed (their scores shifted)."


def test_fewer_than_fifty_leads_are_too_few_to_judge():
    frame, probabilities = history()
    reference = DriftReference.from_training(frame, probabilities, KINDS)
    report = compare(reference, shifted_leads().iloc[:12], np.full(12, 0.95))
    assert report.too_few_leads
    assert report.verdict == "stable"
    assert report.message == (
        "Only 12 new leads: too few to tell whether your leads have changed (LeadScore needs at least 50)."
    )
    # The numbers are still there for whoever wants them.
    assert report.score_psi > 1


def test_a_psi_chance_alone_explains_is_stable():
    # Training: pages 1..10, 40 leads each. New: 1..6 seven times, 7..9 six times, no 10:
    # PSI = 6 (7/60 - .1) ln(7/6) + (0.0001 - .1) ln(0.001) = 0.7055, "shifted" by its size.
    training = pd.DataFrame({"pages": np.tile(np.arange(1.0, 11.0), 40)})
    reference = DriftReference.from_training(training, None, {"pages": "number"})
    counts = [7] * 6 + [6] * 3
    few = pd.DataFrame({"pages": np.repeat(np.arange(1.0, 10.0), counts)})
    expected = 6 * (7 / 60 - 0.1) * ln(7 / 6) + (0.0001 - 0.1) * ln(0.0001 / 0.1)
    report = compare(reference, few)
    assert report.columns[0].psi == pytest.approx(expected)
    # With 60 leads one empty bin in ten happens by chance: stable.
    assert report.columns[0].band == "stable"
    assert report.verdict == "stable"
    # The same shares over 6,000 leads are no accident.
    many = pd.DataFrame({"pages": np.repeat(np.arange(1.0, 10.0), [c * 100 for c in counts])})
    assert compare(reference, many).columns[0].band == "shifted"


def test_a_column_missing_from_the_new_file_counts_as_blank():
    frame, probabilities = history()
    reference = DriftReference.from_training(frame, probabilities, KINDS)
    report = compare(reference, new_leads().drop(columns=["pages"]))
    pages = next(c for c in report.columns if c.column == "pages")
    assert pages.absent
    # Ten bins of 10% emptied, all leads in the blank bin (0% in training).
    assert pages.psi == pytest.approx(10 * term(0.0, 0.1) + term(1.0, 0.0))
    assert report.verdict == "retrain"


def test_new_values_found_by_the_scorer_are_used():
    frame, probabilities = history()
    reference = DriftReference.from_training(frame, probabilities, KINDS)
    # The scorer saw "Webinar" in 60 of 200 leads before they were grouped as "Ads".
    unseen = {"source": {"leads": 60, "examples": ["Webinar"], "kind": "category"}}
    report = compare(reference, new_leads(), unseen=unseen)
    source = next(c for c in report.columns if c.column == "source")
    assert source.unseen_share == pytest.approx(0.3)
    assert source.unseen_examples == ("Webinar",)
    assert report.verdict == "retrain"
    assert "'Webinar'" in report.message


def test_whole_numbers_as_categories_match_whatever_their_type():
    # A plan code read as text in training and as numbers (with a blank, so floats) later.
    training = pd.DataFrame({"plan": ["1", "2"] * 50})
    reference = DriftReference.from_training(training, None, {"plan": "category"})
    report = compare(reference, pd.DataFrame({"plan": [1.0, 2.0] * 50 + [np.nan]}))
    assert report.columns[0].unseen_share == 0.0
    # A yes/no flag as True / False in training and 1 / 0 later.
    flags = DriftReference.from_training(pd.DataFrame({"pricing": [True, False] * 50}), None, {"pricing": "boolean"})
    assert compare(flags, pd.DataFrame({"pricing": [1, 0] * 50})).columns[0].unseen_share == 0.0


def test_same_input_same_report():
    frame, probabilities = history()
    reference = DriftReference.from_training(frame, probabilities, KINDS)
    again = DriftReference.from_training(frame, probabilities, KINDS)
    assert reference.to_dict() == again.to_dict()
    few = shifted_leads().iloc[:60]
    assert compare(reference, few, probabilities[:60]).to_dict() == compare(again, few, probabilities[:60]).to_dict()
