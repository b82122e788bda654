"""Category spellings: grouped when they are the same value, kept apart when they are not."""

from __future__ import annotations

import pandas as pd

from leadscore.inspect.categories import canonicalize, category_key, suggest_category_mapping


def _column(counts: dict[str, int]) -> pd.Series:
    return pd.Series([value for value, n in counts.items() for _ in range(n)], dtype="object")


def test_case_space_and_punctuation_spellings_become_the_most_common_one():
    source = _column({"LinkedIn": 40, "linkedin ": 6, "Linked In": 3, "Linked-In": 2, "LINKEDIN": 1, "Email": 9})
    mapping = suggest_category_mapping(source)
    assert {mapping[s] for s in ("LinkedIn", "linkedin ", "Linked In", "Linked-In", "LINKEDIN")} == {"LinkedIn"}
    assert mapping["Email"] == "Email"


def test_genuinely_different_values_stay_apart():
    source = _column({"Paid Ad": 20, "Paid Social": 20, "Google": 15, "Google Ads": 3, "Cold Call": 10, "Cold Email": 2})
    mapping = suggest_category_mapping(source)
    assert len(set(mapping.values())) == 6


def test_a_rare_typo_joins_a_much_more_common_spelling_and_plurals_join_singulars():
    source = _column({"Referral": 30, "Referal": 2, "Event": 12, "Events": 4, "Facebook": 25, "Facebok": 1})
    mapping = suggest_category_mapping(source)
    assert mapping["Referal"] == "Referral"
    assert mapping["Events"] == "Event"
    assert mapping["Facebok"] == "Facebook"


def test_blank_values_are_not_categories():
    assert suggest_category_mapping(pd.Series(["", "  ", None], dtype="object")) == {}


def test_unseen_spellings_map_through_the_same_key():
    mapping = {"LinkedIn": "LinkedIn", "linkedin ": "LinkedIn", "Event": "Event"}
    new = pd.Series(["LINKED-IN", " Linked In", "Events", "Podcast ", None, "  "], dtype="object")
    assert canonicalize(new, mapping).tolist()[:4] == ["LinkedIn", "LinkedIn", "Event", "Podcast"]
    assert canonicalize(new, mapping).iloc[4:].isna().all()


def test_keys_ignore_case_space_and_punctuation():
    assert category_key(pd.Series(["Linked-In ", "LINKED_IN", "linked in"])).tolist() == ["linkedin"] * 3
