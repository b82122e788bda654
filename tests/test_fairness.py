"""The fairness table: per group of a sensitive column, held-out leads in Hot and how they converted."""

import numpy as np
import pandas as pd

from leadscore.explain.fairness import fairness_table


def test_groups_count_hot_share_and_conversion_on_held_out_leads_only():
    leads = pd.DataFrame({"age": [25, 28, 35, 40, 50, 52, 65, 70, 22, 33, 47, 61, 29, 31],
                          "marital": ["married", "single"] * 7})
    # leads 0..9 are held out; 10..13 were trained on and must not count
    holdout = pd.DataFrame({"conversion_probability": np.linspace(0.1, 0.9, 10),
                            "converted": [1, 0, 1, 1, 0, 0, 1, 0, 0, 1]}, index=range(10))
    hot = np.array([True, False, True, False, False, False, True, True, False, False])
    sensitive = [{"column": "age", "why": "a"}, {"column": "marital", "why": "b"}]
    table = fairness_table(leads, holdout, sensitive, hot)
    age = {g["group"]: g for g in table[0]["groups"]}
    assert sum(g["leads"] for g in age.values()) == 10
    assert age["under 30"] == {"group": "under 30", "leads": 3, "hot_share": round(1 / 3, 4), "converted": round(1 / 3, 4)}
    assert age["60 and over"]["hot_share"] == 1.0
    marital = {g["group"]: g for g in table[1]["groups"]}
    assert marital["married"]["leads"] == 5 and marital["married"]["hot_share"] == 0.6
    assert marital["single"]["converted"] == 0.4
