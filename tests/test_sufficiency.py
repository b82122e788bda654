"""sufficiency.py: the verdict on the amount of data, with the numbers and what to do."""

from __future__ import annotations

import pytest

from leadscore.inspect.sufficiency import judge_sufficiency


@pytest.mark.parametrize(
    "converted, not_converted, verdict",
    [
        (20, 80, "not enough"),  # 100 finished leads
        (29, 900, "not enough"),  # too few conversions
        (300, 25, "not enough"),  # too few non-conversions
        (30, 170, "usable with caution"),  # the bare minimum
        (60, 2940, "usable with caution"),  # 2% of 3,000: only 60 conversions
        (150, 700, "usable with caution"),  # under 1,000 finished leads
        (100, 900, "good"),
        (4640, 36548, "good"),  # bank marketing
    ],
)
def test_verdicts(converted, not_converted, verdict):
    assert judge_sufficiency(converted, not_converted).verdict == verdict


def test_not_enough_says_the_numbers_and_how_many_leads_are_needed():
    result = judge_sufficiency(10, 490)
    assert result.message.startswith(
        "You have 500 leads with a known outcome: 10 converted and 490 not converted (2.0% converted)."
    )
    assert "at least 200 finished leads and at least 30 converted" in result.message
    # 100 conversions at 2% means about 5,000 finished leads.
    assert "aiming for about 5,000 leads with a known outcome at your 2.0% conversion rate" in result.advice


def test_caution_names_the_small_group():
    result = judge_sufficiency(60, 2940)
    assert "with only 60 converted leads the scores will be rough" in result.message
    assert "retrain when you reach about 5,000 finished leads" in result.advice


def test_good():
    result = judge_sufficiency(4640, 36548)
    assert result.message == (
        "You have 41,188 leads with a known outcome: 4,640 converted and 36,548 not converted "
        "(11.3% converted). That is enough for reliable probabilities."
    )
    assert result.advice.startswith("Go ahead and train.")
