"""Timing features: day of week, hour and follow-up time from timestamps, with or without a time of day."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leadscore.inspect.timing import followup_name, has_time_of_day, timing_features


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


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2025-03-04", "2025-03-05", None], False),
        (["2025-03-04 00:00", "2025-03-05 00:00"], False),
        (pd.to_datetime(["2025-03-04", "2025-03-05"]), False),
        (["2025-03-04 00:00", "2025-03-05 14:30"], True),
        (["2025-03-04 00:00:01", "2025-03-05"], True),
        ([None, None], False),
    ],
)
def test_has_time_of_day_says_whether_a_date_column_holds_times(values, expected):
    assert has_time_of_day(pd.Series(values)) is expected


def test_a_date_without_time_gives_no_hour_and_follow_up_in_days():
    leads = pd.DataFrame(
        {
            # Tuesday 4 March, Saturday 8 March, Monday 10 March 2025; dates only.
            "arrived": ["2025-03-04", "2025-03-08", "2025-03-10"],
            "called": ["2025-03-04 16:20", "2025-03-11 09:00", "2025-03-09 10:00"],
        }
    )
    features = timing_features(leads, ("arrived",), (("arrived", "called"),), date_only=("arrived",))
    assert list(features.columns) == ["arrived: day of week", "days from arrived to called"]
    assert features["arrived: day of week"].tolist() == ["Tuesday", "Saturday", "Monday"]
    # Same day = 0 days; 8 to 11 March = 3 days; a call logged the day before arrival is an error.
    assert features["days from arrived to called"].tolist()[:2] == [0.0, 3.0]
    assert np.isnan(features["days from arrived to called"].iloc[2])


def test_calendar_days_count_when_only_the_later_date_has_no_time():
    leads = pd.DataFrame({"arrived": ["2025-03-04 23:50", "2025-03-04 08:00"], "met": ["2025-03-05", "2025-03-07"]})
    features = timing_features(leads, ("arrived",), (("arrived", "met"),), date_only=("met",))
    # The arrival keeps its hour; 23:50 on the 4th to "the 5th" is 1 day, 8:00 on the 4th to the 7th is 3.
    assert features["arrived: hour"].tolist() == [23.0, 8.0]
    assert features["days from arrived to met"].tolist() == [1.0, 3.0]


def test_follow_up_names_keep_the_minutes_name_saved_models_use():
    assert followup_name("arrived", "called") == "minutes from arrived to called"
    assert followup_name("arrived", "called", "days") == "days from arrived to called"
    with pytest.raises(ValueError):
        followup_name("arrived", "called", "hours")
