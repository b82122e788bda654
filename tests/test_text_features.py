"""Word features from free text (leadscore/model/_text_features.py): scikit-learn's TF-IDF, answer by answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from leadscore.model._text_features import TextFeatures
from leadscore.io.read import read_leads

TRICKY_ANSWERS = [
    "Need a DEMO, pricing for 10-50 seats", "", None, "need SLA-reminders; demo!", "ÉCOLE école Straße 3D x",
    "naïve café résumé", "hello hello__ world", "İstanbul istanbul ΣΊΣΥΦΟΣ σίσυφος", "e\u0301cole x² ½ ٣٤ 中文",
    "pricing pricing pricing", "the and of", "Demo", 42, "tab\tseparated\nnew line\r\nend",
    "non\u00a0breaking\u2003em\u3000wide\u200bzero", "  spaced   out  ", "x,y;demo--pricing...seats",
]


@pytest.fixture(scope="module")
def sample_needs(sample_leads_path) -> pd.Series:
    return read_leads(sample_leads_path)["needs"]


@pytest.mark.parametrize("max_words", [5, 20, 1000])
def test_text_features_match_scikit_learn_tfidf(max_words, sample_needs):
    """The words and TF-IDF values equal TfidfVectorizer(max_features, stop_words="english", min_df=2)."""
    tied = [f"w{i:02d}" for i in range(40) for _ in range(2 + i % 3)]  # many words used equally often
    for answers in (pd.Series(TRICKY_ANSWERS * 3, dtype="object"), sample_needs, pd.Series(tied)):
        ours = TextFeatures("needs", max_words=max_words)
        got = ours.fit_transform(answers)
        theirs = TfidfVectorizer(stop_words="english", min_df=2, max_features=max_words)
        expected = theirs.fit_transform(answers.fillna("").astype("str")).toarray()
        assert ours.words_ == list(theirs.get_feature_names_out())
        np.testing.assert_allclose(got, expected, atol=1e-12)
        np.testing.assert_allclose(ours.transform(answers), got, atol=1e-12)
        assert list(ours.get_feature_names_out()) == [f"needs: {w}" for w in ours.words_]
        # As the cleaner hands it over: a categorical of the distinct answers.
        answers_as_categories = answers.fillna("").astype("str").astype("category")
        from_codes = TextFeatures("needs", max_words=max_words)
        np.testing.assert_allclose(from_codes.fit_transform(answers_as_categories), expected, atol=1e-12)
        assert from_codes.words_ == ours.words_


def test_text_features_without_usable_words_add_no_columns():
    blank = pd.Series(["", None, "the and", "a"], dtype="object")
    features = TextFeatures("notes")
    assert features.fit_transform(blank).shape == (4, 0)
    assert features.transform(pd.Series(["pricing demo"])).shape == (1, 0)
    assert list(features.get_feature_names_out()) == []


def test_words_are_counted_per_lead_and_unseen_words_count_for_nothing():
    # "demo" in 3 answers, "pricing" in 2, "seats" once (below min_df=2, so not a feature).
    answers = pd.Series(["demo pricing", "demo", "pricing demo demo", "seats"])
    features = TextFeatures("needs")
    values = features.fit_transform(answers)
    assert features.words_ == ["demo", "pricing"]
    assert values[3].tolist() == [0.0, 0.0]  # "seats" alone
    assert values[1].tolist() == pytest.approx([1.0, 0.0])  # rows are scaled to length 1
    assert features.transform(pd.Series(["unicorns"])).tolist() == [[0.0, 0.0]]
