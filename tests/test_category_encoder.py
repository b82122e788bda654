"""One-hot categories with an "other values" column (leadscore/model/_category_encoder.py): scikit-learn's results."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import OneHotEncoder

from leadscore.model._category_encoder import CategoryEncoder


def test_category_encoder_matches_scikit_learn_one_hot_with_other_values():
    """Same columns, order and values as OneHotEncoder(max_categories=15, infrequent_if_exist)."""
    rng = np.random.default_rng(7)
    # 30 values, 20 of them tied at 20 leads each, so which 4 of the tied ones keep their own
    # column depends on tie-breaking; 4 values (no "other values" column); a single value.
    many = [f"v{i:02d}" for i in range(30)]
    train = pd.DataFrame(
        {
            "source": rng.permutation(np.repeat(many, [20] * 20 + list(range(21, 31)))),
            "size": rng.choice(["1-10", "11-50", "51-200", "200+"], 655),
            "country": ["UK"] * 655,
        }
    )
    new = pd.DataFrame({"source": ["v00", "v29", "never seen", "v15"], "size": ["11-50", "5000+", "1-10", "200+"],
                        "country": ["UK", "FR", "UK", "UK"]})
    ours = CategoryEncoder(max_categories=15)
    theirs = OneHotEncoder(max_categories=15, handle_unknown="infrequent_if_exist", sparse_output=False)
    np.testing.assert_array_equal(ours.fit_transform(train), theirs.fit_transform(train))
    np.testing.assert_array_equal(ours.transform(train), theirs.transform(train))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn warns that unseen values are ignored
        expected_new = theirs.transform(new)
    np.testing.assert_array_equal(ours.transform(new), expected_new)
    expected_names = [n.replace("_infrequent_sklearn", " = other values").replace("_", " = ", 1)
                      for n in theirs.get_feature_names_out()]
    assert list(ours.get_feature_names_out()) == expected_names
    assert "source = other values" in expected_names and "size = other values" not in expected_names
    # A value never seen goes to "other values" when there is one, else nowhere.
    assert ours.transform(new)[2, list(expected_names).index("source = other values")] == 1
    assert ours.transform(new)[1, [i for i, n in enumerate(expected_names) if n.startswith("size")]].sum() == 0
    assert ours.feature_sources_ == [n.split(" = ")[0] for n in expected_names]
    # Columns are matched by name, not position.
    np.testing.assert_array_equal(ours.transform(new[["country", "size", "source"]]), ours.transform(new))

    # The cleaner hands over categoricals: same result, whatever their order or unused values.
    def categorical(frame):
        return frame.apply(lambda c: c.astype(pd.CategoricalDtype([*sorted(set(c), reverse=True), "zz unused"])))

    from_codes = CategoryEncoder(max_categories=15)
    np.testing.assert_array_equal(from_codes.fit_transform(categorical(train)), theirs.transform(train))
    np.testing.assert_array_equal(from_codes.transform(categorical(new)), expected_new)
    assert list(from_codes.get_feature_names_out()) == expected_names


@pytest.mark.parametrize("distinct", [1, 2, 14, 15, 16])
@pytest.mark.parametrize("max_categories", [1, 2, 15])
def test_category_encoder_groups_exactly_where_scikit_learn_does(distinct, max_categories):
    values = [f"v{i:02d}" for i in range(distinct) for _ in range(i + 1)]
    train = pd.DataFrame({"source": values}, dtype="object")
    ours = CategoryEncoder(max_categories=max_categories).fit(train)
    theirs = OneHotEncoder(max_categories=max_categories, handle_unknown="infrequent_if_exist",
                           sparse_output=False).fit(train)
    np.testing.assert_array_equal(ours.transform(train), theirs.transform(train))
    assert [n.replace(" = ", "_").replace("_other values", "_infrequent_sklearn")
            for n in ours.get_feature_names_out()] == list(theirs.get_feature_names_out())


def test_three_values_by_hand():
    encoder = CategoryEncoder().fit(pd.DataFrame({"source": ["Event", "Referral", "Event"]}))
    assert list(encoder.get_feature_names_out()) == ["source = Event", "source = Referral"]
    assert encoder.transform(pd.DataFrame({"source": ["Referral", "Fax", "Event"]})).tolist() == [
        [0.0, 1.0], [0.0, 0.0], [1.0, 0.0]
    ]
