"""Plain JSON values from numpy and pandas results (leadscore/jsonable.py)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from leadscore.jsonable import jsonable


def test_numpy_pandas_and_missing_values_become_plain_json():
    value = {
        "auc": np.float64(0.81),
        "rows": np.int64(3),
        "gap": float("nan"),
        "far": np.inf,
        "flag": np.bool_(True),
        "when": pd.Timestamp("2026-11-27 09:30"),
        "never": pd.NaT,
        "blank": pd.NA,
        "pair": ("a", np.int32(2)),
        "table": pd.DataFrame({"tier": ["Hot"], "rate": [np.nan]}),
        7: np.array([1.5, 2.0]),
    }
    assert jsonable(value) == {
        "auc": 0.81,
        "rows": 3,
        "gap": None,
        "far": None,
        "flag": True,
        "when": "2026-11-27T09:30:00",
        "never": None,
        "blank": None,
        "pair": ["a", 2],
        "table": [{"tier": "Hot", "rate": None}],
        "7": [1.5, 2.0],
    }
    json.dumps(jsonable(value), allow_nan=False)
