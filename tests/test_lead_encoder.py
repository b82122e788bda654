"""The encode step (leadscore/model/_lead_encoder.py): what ColumnTransformer returns, in one array."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import StandardScaler

from leadscore.model import _lead_encoder
from leadscore.model._category_encoder import CategoryEncoder
from leadscore.model._lead_encoder import LeadEncoder
from leadscore.model._text_features import TextFeatures
from leadscore.clean.cleaner import LeadCleaner
from leadscore.errors import LeadScoreInputError
from leadscore.inspect.leakage import find_leakage_suspects
from leadscore.inspect.outcome import suggest_outcome
from leadscore.clean.plan import cleaned_columns, suggest_cleaning_plan
from leadscore.inspect.profile import profile_columns
from leadscore.io.read import read_leads
from leadscore.clean.rows import select_training_rows


@pytest.fixture(scope="module")
def cleaned(sample_leads_path):
    leads = read_leads(sample_leads_path)
    mapping = suggest_outcome(leads, "converted").mapping
    profiles = profile_columns(leads)
    plan = suggest_cleaning_plan(leads, mapping, profiles, find_leakage_suspects(leads, mapping.apply(leads), profiles))
    rows = select_training_rows(leads, plan)
    return plan, LeadCleaner(plan).fit_transform(rows.X)


def _encoder(plan) -> LeadEncoder:
    columns = cleaned_columns(plan)
    return LeadEncoder(columns["number"], columns["category"], columns["text"], StandardScaler())


def test_lead_encoder_equals_the_column_transformer_it_replaces(cleaned):
    """One array written block by block: what ColumnTransformer's side-by-side copy returns."""
    plan, table = cleaned
    columns = cleaned_columns(plan)
    plain = table.astype({c: "object" for c in [*columns["category"], *columns["text"]]})
    reference = ColumnTransformer(
        [("numbers", StandardScaler(), columns["number"]), ("categories", CategoryEncoder(), columns["category"]),
         ("text", TextFeatures(column="needs"), "needs")],
        verbose_feature_names_out=False,
    )
    expected = reference.fit_transform(plain)
    encoder = _encoder(plan)
    got = encoder.fit_transform(table)
    np.testing.assert_allclose(got, expected, atol=1e-12)
    assert got.flags["C_CONTIGUOUS"] and got.dtype == np.float64
    assert list(encoder.get_feature_names_out()) == list(reference.get_feature_names_out())
    np.testing.assert_allclose(encoder.transform(table.head(7)), expected[:7], atol=1e-12)
    with pytest.raises(LeadScoreInputError, match="source"):
        encoder.transform(table.drop(columns=["source"]))


def test_large_tables_encode_alike_on_several_threads(cleaned, monkeypatch, request):
    """Above a size, blocks and row ranges are written on threads: the bytes are the same."""
    plan, table = cleaned
    new = table.iloc[::3]
    one_encoder = _encoder(plan)
    one = (one_encoder.fit_transform(table), one_encoder.transform(new))

    pools = request.getfixturevalue("forced_threads")  # from here on, threads even on small tables
    monkeypatch.setattr(_lead_encoder, "THREADS", 3)  # three uneven row ranges
    encoder = _encoder(plan)
    several = (encoder.fit_transform(table), encoder.transform(new))
    assert pools and all(jobs > 1 for jobs in pools)  # threads did the work
    for got, expected in zip(several, one):
        assert got.shape == expected.shape and got.tobytes() == expected.tobytes()  # bit for bit
        assert got.flags["C_CONTIGUOUS"]
    assert list(encoder.get_feature_names_out()) == list(one_encoder.get_feature_names_out())


def test_numbers_then_categories_by_hand():
    table = pd.DataFrame({"pages": [1.0, 3.0], "source": pd.Categorical(["Event", "Referral"])})
    encoder = LeadEncoder(numbers=("pages",), categories=("source",))
    assert encoder.fit_transform(table).tolist() == [[1.0, 1.0, 0.0], [3.0, 0.0, 1.0]]
    assert list(encoder.get_feature_names_out()) == ["pages", "source = Event", "source = Referral"]
    assert encoder.feature_sources_ == ["pages", "source", "source"]
