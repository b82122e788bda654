"""The Altair chart builders: each chart plots the right columns, rows and marks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leadscore.present import charts


def spec(chart) -> dict:
    """The Vega-Lite spec with its data sets inlined by name."""
    return chart.to_dict()


def data_of(spec_dict: dict, layer: dict | None = None) -> list[dict]:
    """The rows plotted by a (layer of a) chart."""
    node = layer or spec_dict
    name = node.get("data", spec_dict.get("data", {})).get("name")
    return spec_dict["datasets"][name]


def layers(spec_dict: dict) -> list[dict]:
    return spec_dict.get("layer", [spec_dict])


def test_importance_bars_keep_the_top_columns_sorted():
    importance = pd.DataFrame({"column": [f"c{i}" for i in range(20)], "share": np.linspace(0.01, 0.2, 20)})
    s = spec(charts.importance_bars(importance, value="share", top=5))
    rows = data_of(s)
    assert [r["column"] for r in rows] == ["c19", "c18", "c17", "c16", "c15"]
    assert s["mark"]["type"] == "bar"
    assert s["encoding"]["x"]["field"] == "share"
    assert s["encoding"]["x"]["axis"]["format"] == "%"
    assert s["encoding"]["y"]["sort"] == "-x"


def test_importance_bars_say_which_column_is_missing():
    with pytest.raises(ValueError, match="importance"):
        charts.importance_bars(pd.DataFrame({"column": ["a"]}))


def test_beeswarm_keeps_the_most_important_columns_and_colours_by_value():
    points = pd.DataFrame(
        {
            "column": ["small"] * 3 + ["big"] * 3 + ["tiny"] * 3,
            "points": [1, -1, 0.5, 10, -8, 6, 0.1, 0, -0.1],
            "value_rank": [0, 0.5, 1] * 3,
        }
    )
    s = spec(charts.beeswarm(points, top=2))
    rows = data_of(s)
    assert {r["column"] for r in rows} == {"big", "small"}
    assert len(rows) == 6
    assert s["encoding"]["y"]["sort"] == ["big", "small"]
    assert s["encoding"]["color"]["field"] == "value_rank"
    assert s["mark"]["type"] == "circle"
    # Hovering a dot tells the lead's value, so a category's colour can be read.
    with_values = points.assign(value=["a", "b", "c"] * 3)
    tooltips = spec(charts.beeswarm(with_values, top=2))["encoding"]["tooltip"]
    assert [t["title"] for t in tooltips] == ["Column", "Value", "Points"]
    # jitter is computed in Vega from the row number, so every render is the same
    assert any("calculate" in t for t in s["transform"])


def test_dependence_uses_a_number_axis_for_numbers_and_categories_otherwise():
    numbers = spec(charts.dependence(pd.DataFrame({"value": [1.0, 2.0], "points": [-1.0, 2.0]}), column_name="visits"))
    words = spec(charts.dependence(pd.DataFrame({"value": ["a", "b"], "points": [-1.0, 2.0]})))
    assert numbers["encoding"]["x"]["type"] == "quantitative"
    assert numbers["encoding"]["x"]["title"] == "visits"
    # Categories go one per row, so their labels read horizontally, largest average effect first.
    assert words["encoding"]["y"]["type"] == "nominal"
    assert words["encoding"]["y"]["sort"] == {"field": "points", "op": "mean", "order": "descending"}
    assert words["encoding"]["x"]["type"] == "quantitative"
    assert words["encoding"]["x"]["title"] == "Percentage points"


def test_segment_rates_draw_the_overall_rate_as_a_rule():
    rates = pd.DataFrame({"segment": ["LinkedIn", "Paid Ad"], "conversion_rate": [0.24, 0.06], "leads": [1021, 838]})
    s = spec(charts.segment_rates(rates, overall=0.125))
    bars, rule = s["layer"]
    assert bars["mark"]["type"] == "bar"
    assert [r["segment"] for r in data_of(s, bars)] == ["LinkedIn", "Paid Ad"]
    assert rule["mark"]["type"] == "rule"
    assert data_of(s, rule) == [{"overall": 0.125}]
    without = spec(charts.segment_rates(rates))
    assert "layer" not in without


def test_waterfall_bars_float_from_start_to_end_of_each_step():
    steps = pd.DataFrame(
        {
            "kind": ["start", "factor", "factor", "end"],
            "factor": ["Average lead", "source is LinkedIn", "timeline is later", "This lead"],
            "points": [12.5, 16.0, -4.5, 24.0],
            "start": [0.0, 12.5, 28.5, 0.0],
            "end": [12.5, 28.5, 24.0, 24.0],
        }
    )
    s = spec(charts.waterfall(steps))
    rows = data_of(s)
    assert [(r["begin"], r["end"]) for r in rows] == [(0.0, 12.5), (12.5, 28.5), (28.5, 24.0), (0.0, 24.0)]
    assert [r["direction"] for r in rows] == ["total", "raises", "lowers", "total"]
    assert s["encoding"]["x2"]["field"] == "end"


def test_waterfall_of_plain_factors_accumulates_from_the_start():
    s = spec(charts.waterfall(pd.DataFrame({"factor": ["a", "b"], "points": [5.0, -2.0]}), start=10.0))
    assert [(r["begin"], r["end"]) for r in data_of(s)] == [(10.0, 15.0), (15.0, 13.0)]


def test_reliability_has_the_diagonal_and_sized_points():
    bins = pd.DataFrame({"predicted": [0.1, 0.5, 0.9], "observed": [0.12, 0.45, 0.85], "leads": [500, 200, 50]})
    s = spec(charts.reliability(bins))
    diagonal, line, points = s["layer"]
    assert data_of(s, diagonal) == [{"p": 0.0}, {"p": 1.0}]
    assert line["mark"]["type"] == "line"
    assert points["encoding"]["size"]["field"] == "leads"
    assert len(data_of(s, points)) == 3


def test_learning_curve_plots_score_against_training_rows():
    curve = pd.DataFrame({"training_rows": [100, 200, 400], "roc_auc": [0.7, 0.75, 0.78]})
    s = spec(charts.learning_curve(curve))
    assert s["encoding"]["x"]["field"] == "training_rows"
    assert s["encoding"]["y"]["field"] == "roc_auc"
    assert "color" not in s["encoding"]
    long = pd.DataFrame({"training_rows": [100, 100], "score": [0.9, 0.7], "split": ["training", "validation"]})
    assert spec(charts.learning_curve(long, score="score", split="split"))["encoding"]["color"]["field"] == "split"


def test_gains_marks_each_threshold_in_its_tier_colour():
    curve = pd.DataFrame({"share_of_leads": [0, 0.5, 1], "share_of_conversions": [0, 0.8, 1]})
    marks = pd.DataFrame({"tier": ["Hot", "Warm", "Cool"], "share_of_leads": [0.05, 0.2, 0.5]})
    s = spec(charts.gains(curve, marks))
    diagonal, model, rules = s["layer"]
    assert len(data_of(s, model)) == 3
    assert rules["mark"]["type"] == "rule"
    assert [r["share_of_leads"] for r in data_of(s, rules)] == [0.05, 0.2, 0.5]
    assert rules["encoding"]["color"]["scale"]["range"] == [
        charts.TIER_COLOURS["Hot"], charts.TIER_COLOURS["Warm"], charts.TIER_COLOURS["Cool"],
    ]
    # The legend lists only the lines drawn: Cold has no end line.
    assert rules["encoding"]["color"]["scale"]["domain"] == ["Hot", "Warm", "Cool"]
    assert len(spec(charts.gains(curve))["layer"]) == 2


def test_tier_bars_are_in_tier_order_and_colours():
    table = pd.DataFrame({"tier": ["Hot", "Warm", "Cool", "Cold"], "leads": [5, 20, 50, 100]})
    s = spec(charts.tier_bars(table))
    assert s["encoding"]["x"]["sort"] == ["Hot", "Warm", "Cool", "Cold"]
    assert s["encoding"]["color"]["scale"]["domain"] == ["Hot", "Warm", "Cool", "Cold"]
    assert [r["leads"] for r in data_of(s)] == [5, 20, 50, 100]


def test_tier_colour_styles_colour_only_known_tiers():
    styles = charts.tier_colour_styles(["Hot", "Cold", "?"])
    assert styles[0].startswith("background-color") and styles[1].startswith("background-color")
    assert styles[2] == ""


def test_charts_accept_pandas_string_columns():
    importance = pd.DataFrame({"column": pd.array(["a", None], dtype="str"), "importance": [0.2, 0.1]})
    rows = data_of(spec(charts.importance_bars(importance)))
    assert rows[0] == {"column": "a", "importance": 0.2}
    assert pd.isna(rows[1]["column"])


def test_number_segments_read_in_value_order_not_by_rate():
    rates = pd.DataFrame(
        {
            "segment": ["under 12", "12 to 247", "248 to 935", "936 and above", "missing"],
            "conversion_rate": [0.30, 0.05, 0.20, 0.10, 0.02],
            "leads": [100, 100, 100, 100, 10],
        }
    )
    spec = charts.segment_rates(rates, overall=0.15).to_dict()
    bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar" or layer["mark"] == "bar")
    assert bars["encoding"]["y"]["sort"] == ["under 12", "12 to 247", "248 to 935", "936 and above", "missing"]


def test_a_trend_of_runs_minutes_apart_labels_its_times_with_seconds():
    """Two runs in the same minute: every tick would read '30 Nov 00:10' without the seconds."""
    history = pd.DataFrame({
        "run": [1, 2], "at": ["2026-11-30T00:10:05+00:00", "2026-11-30T00:10:40+00:00"],
        "probability": [0.35, 0.7], "tier": ["Cool", "Warm"],
    })
    close = charts.lead_trend(history).to_dict()
    assert close["layer"][0]["encoding"]["x"]["axis"]["format"] == "%d %b %H:%M:%S"
    history["at"] = ["2026-11-23T09:00:00+00:00", "2026-11-30T09:00:00+00:00"]
    weekly = charts.lead_trend(history).to_dict()
    assert weekly["layer"][0]["encoding"]["x"]["axis"]["format"] == "%d %b %H:%M"
