"""Timing features: day of week, hour and follow-up minutes from timestamps."""

from __future__ import annotations

import pandas as pd

from leadscore.timing import timing_features


def test_day_hour_and_followup_minutes():
    leads = pd.DataFrame(
        {
            "arrived": ["2025-11-03 09:15", "2025-11-08 23:59", None, "2025-11-05 10:00"],
            "called": ["2025-11-03 09:45", "2025-11-09 01:59", "2025-11-05 10:00", "2025-11-05 09:00"],
        }
    )
    features = timing_features(leads, ("arrived",), (("arrived", "called"),))
    assert features["arrived: day of week"].tolist()[:2] == ["Monday", "Saturday"]
    assert features["arrived: hour"].tolist()[:2] == [9.0, 23.0]
    assert features["minutes from arrived to called"].tolist()[:2] == [30.0, 120.0]
    # No arrival date, or a call logged before arrival (a data error), gives no value.
    assert features.iloc[2].isna().all()
    assert pd.isna(features.loc[3, "minutes from arrived to called"])


def test_an_absent_column_gives_missing_features_not_an_error():
    features = timing_features(pd.DataFrame({"x": [1, 2]}), ("arrived",), ())
    assert list(features.columns) == ["arrived: day of week", "arrived: hour"]
    assert features.isna().all().all()
