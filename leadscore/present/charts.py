"""Altair charts for the LeadScore app, one plain function per chart.

Each function takes the DataFrame a ``leadscore`` function returned (or a tidy frame with the
named columns), and returns an ``alt.Chart`` / ``alt.LayerChart`` that the app shows with
``st.altair_chart`` and a unit test can inspect with ``chart.to_dict()``. No Streamlit here.

Example
-------
>>> import pandas as pd
>>> chart = importance_bars(pd.DataFrame({"column": ["source", "visits"], "importance": [0.3, 0.1]}))
>>> chart.to_dict()["mark"]["type"]
'bar'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

__all__ = [
    "TIER_COLOURS",
    "beeswarm",
    "dependence",
    "gains",
    "importance_bars",
    "learning_curve",
    "lead_trend",
    "reliability",
    "segment_rates",
    "tier_bars",
    "tier_scale",
    "waterfall",
]

#: Tier -> colour, used by every chart and table so "Hot" always looks the same.
TIER_COLOURS: dict[str, str] = {
    "Hot": "#d62728",
    "Warm": "#ff7f0e",
    "Cool": "#1f77b4",
    "Cold": "#7f7f7f",
}

_LABEL_LIMIT = 320  # pixels: long column names ("minutes from A to B") stay readable
_UP = "#d62728"  # pushes a lead towards converting
_DOWN = "#1f77b4"  # pushes a lead away from converting


def tier_scale(tiers: Sequence[str] | None = None) -> alt.Scale:
    """The colour scale mapping tier names to :data:`TIER_COLOURS` (only ``tiers``, if given,
    so a legend lists only what the chart draws)."""
    shown = [t for t in TIER_COLOURS if tiers is None or t in set(tiers)]
    return alt.Scale(domain=shown, range=[TIER_COLOURS[t] for t in shown])


def _require(frame: pd.DataFrame, columns: Sequence[str], chart: str) -> pd.DataFrame:
    """Check a chart's input has the columns it plots; return a plain copy for Altair.

    Altair serialises the frame; pandas 3 ``str`` columns and categoricals are turned into
    plain objects so the JSON stays simple.
    """
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{chart} needs the columns {missing}; got {list(frame.columns)}")
    plain = frame.loc[:, list(dict.fromkeys(columns))].copy()
    for column in plain.columns:
        if not pd.api.types.is_numeric_dtype(plain[column]):
            # Missing text must be JSON null, not NaN (which Vega cannot read).
            plain[column] = pd.Series(
                [None if pd.isna(value) else value for value in plain[column].astype(object)],
                index=plain.index,
                dtype=object,
            )
    return plain


def importance_bars(
    importance: pd.DataFrame,
    *,
    column: str = "column",
    value: str = "importance",
    top: int = 15,
    value_title: str = "Average effect on the score",
) -> alt.Chart:
    """Horizontal bars: how much each of the user's columns moves the score.

    Parameters
    ----------
    importance : DataFrame
        One row per column, with the column name and its importance (e.g. mean absolute SHAP
        points, from ``explain.global_importance``).
    column, value : str
        Names of the label and value columns (``value="share"`` shows shares as percents).
    top : int
        Show only the ``top`` most important columns.
    value_title : str
        The value axis title.

    Returns
    -------
    alt.Chart
        Bars sorted from most to least important.
    """
    data = _require(importance, [column, value], "importance_bars")
    data = data.sort_values(value, ascending=False).head(top)
    return (
        alt.Chart(data, title="What moves the score")
        .mark_bar(color="#4c78a8")
        .encode(
            x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format="%") if value == "share" else alt.Axis()),
            y=alt.Y(f"{column}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=_LABEL_LIMIT)),
            tooltip=[
                alt.Tooltip(f"{column}:N", title="Column"),
                alt.Tooltip(f"{value}:Q", format=".1%" if value == "share" else ".3f", title=value_title),
            ],
        )
    )


def beeswarm(
    points: pd.DataFrame,
    *,
    column: str = "column",
    effect: str = "points",
    level: str = "value_rank",
    top: int = 10,
) -> alt.Chart:
    """Beeswarm-style strip chart: one dot per lead and column, placed by its effect.

    Parameters
    ----------
    points : DataFrame
        From ``explain.beeswarm_data``: one row per (lead, column) with the column name, the
        effect on that lead's score (percentage points), and ``level``, the lead's value for
        that column ranked 0 (low) to 1 (high) for colour.
    column, effect, level : str
        Names of those columns.
    top : int
        Keep the ``top`` columns with the largest average absolute effect.

    Returns
    -------
    alt.Chart
        Ticks jittered vertically within each column's row; red = high value, blue = low.
    """
    wanted = [column, effect] + [c for c in (level, "value") if c in points.columns]
    data = _require(points, wanted, "beeswarm")
    order = data.groupby(column)[effect].apply(lambda s: s.abs().mean()).sort_values(ascending=False)
    keep = list(order.index[:top])
    data = data[data[column].isin(keep)]
    colour = (
        alt.Color(
            f"{level}:Q",
            scale=alt.Scale(scheme="redblue", reverse=True, domain=[0, 1]),
            # For categories the colour is the category's average effect, not a size.
            title=["Value: numbers low to high,", "categories by their effect"],
        )
        if level in data.columns
        else alt.value("#4c78a8")
    )
    return (
        alt.Chart(data, title="Each dot is one lead")
        .mark_circle(size=14, opacity=0.6)
        .encode(
            x=alt.X(f"{effect}:Q", title="Percentage points (left lowers the chance, right raises it)"),
            y=alt.Y(f"{column}:N", sort=keep, title=None, axis=alt.Axis(labelLimit=_LABEL_LIMIT)),
            yOffset=alt.YOffset("jitter:Q", scale=alt.Scale(domain=[0, 1])),
            color=colour,
            tooltip=[alt.Tooltip(f"{column}:N", title="Column")]
            + ([alt.Tooltip("value:N", title="Value")] if "value" in data.columns else [])
            + [alt.Tooltip(f"{effect}:Q", format="+.1f", title="Points")],
        )
        # Deterministic pseudo-jitter: random() would make every render differ.
        .transform_window(row_in_column="row_number()", groupby=[column])
        .transform_calculate(jitter="(datum.row_in_column * 0.618034) % 1")
    )


def dependence(
    data: pd.DataFrame,
    *,
    value: str = "value",
    effect: str = "points",
    column_name: str | None = None,
) -> alt.Chart:
    """How one column's value changes the score: effect against value, one dot per lead.

    Parameters
    ----------
    data : DataFrame
        One row per lead: the column's value and its effect on the score.
    value, effect : str
        Names of those columns.
    column_name : str, optional
        The user's column name, for the axis title.

    Returns
    -------
    alt.Chart
        Points. Numbers: value across, effect up. Categories: one row per value (labels read
        horizontally, however many there are), the values that raise the score most on top,
        effect across, as in the conversion-rate-by-segment chart beside it.
    """
    frame = _require(data, [value, effect], "dependence")
    title = column_name or value
    chart = alt.Chart(frame, title=f"How {title} changes the score").mark_circle(size=25, opacity=0.5, color="#4c78a8")
    if pd.api.types.is_numeric_dtype(frame[value]):
        return chart.encode(
            x=alt.X(f"{value}:Q", title=title),
            y=alt.Y(f"{effect}:Q", title="Percentage points"),
            tooltip=[alt.Tooltip(f"{value}:Q"), alt.Tooltip(f"{effect}:Q", format=".3f")],
        )
    return chart.encode(
        x=alt.X(f"{effect}:Q", title="Percentage points"),
        y=alt.Y(
            f"{value}:N",
            title=None,  # the chart's title names the column
            sort=alt.EncodingSortField(field=effect, op="mean", order="descending"),
            axis=alt.Axis(labelLimit=_LABEL_LIMIT),
        ),
        tooltip=[alt.Tooltip(f"{value}:N"), alt.Tooltip(f"{effect}:Q", format=".3f")],
    )


def segment_rates(
    rates: pd.DataFrame,
    *,
    segment: str = "segment",
    rate: str = "conversion_rate",
    leads: str = "leads",
    overall: float | None = None,
) -> alt.Chart | alt.LayerChart:
    """Conversion rate of each segment of one column, with the overall rate as a rule.

    Parameters
    ----------
    rates : DataFrame
        One row per segment: its label, conversion rate (0-1) and number of leads.
    segment, rate, leads : str
        Names of those columns.
    overall : float, optional
        The overall conversion rate, drawn as a dashed line for comparison.

    Returns
    -------
    alt.Chart or alt.LayerChart
        Horizontal bars in the table's order: number ranges from low to high ("under 12",
        "12 to 247", ...), categories as :func:`leadscore.explain.segments.segment_rates` sorts them.
    """
    data = _require(rates, [segment, rate, leads], "segment_rates")
    bars = (
        alt.Chart(data, title="Conversion rate by segment")
        .mark_bar(color="#4c78a8")
        .encode(
            x=alt.X(f"{rate}:Q", title="Conversion rate", axis=alt.Axis(format="%")),
            y=alt.Y(f"{segment}:N", sort=list(dict.fromkeys(data[segment])), title=None, axis=alt.Axis(labelLimit=_LABEL_LIMIT)),
            tooltip=[
                alt.Tooltip(f"{segment}:N", title="Segment"),
                alt.Tooltip(f"{rate}:Q", format=".1%", title="Conversion rate"),
                alt.Tooltip(f"{leads}:Q", title="Leads"),
            ],
        )
    )
    if overall is None:
        return bars
    rule = (
        alt.Chart(pd.DataFrame({"overall": [float(overall)]}))
        .mark_rule(strokeDash=[4, 4], color="black")
        .encode(x="overall:Q", tooltip=[alt.Tooltip("overall:Q", format=".1%", title="All leads")])
    )
    return alt.layer(bars, rule)


def waterfall(
    steps: pd.DataFrame,
    *,
    factor: str = "factor",
    points: str = "points",
    start: float = 0.0,
) -> alt.Chart:
    """One lead's explanation: from the average lead's chance, each factor adds or removes points.

    Parameters
    ----------
    steps : DataFrame
        From ``explain.explain_lead``: one row per step with ``kind`` ("start", "factor",
        "adjustment", "end"), the ``factor`` label, ``points`` and the running ``start`` /
        ``end`` chance in percent. A plain table of factors and points also works: the bars then
        start at ``start``.
    factor, points : str
        Names of the label and points columns.
    start : float
        Where a plain table's bars start (ignored when ``steps`` has ``start``/``end``).

    Returns
    -------
    alt.Chart
        Floating bars in step order; red raises the chance, blue lowers it, grey are totals.
    """
    data = _require(steps, [factor, points], "waterfall")
    if {"start", "end"} <= set(steps.columns):
        data["begin"] = steps["start"].astype(float).to_numpy()
        data["end"] = steps["end"].astype(float).to_numpy()
        kinds = steps["kind"].astype(str).to_numpy() if "kind" in steps.columns else ["factor"] * len(steps)
    else:
        values = data[points].astype(float).to_numpy()
        data["end"] = start + values.cumsum()
        data["begin"] = data["end"] - values
        kinds = ["factor"] * len(data)
    data["direction"] = [
        "total" if kind in ("start", "end") else ("raises" if value >= 0 else "lowers")
        for kind, value in zip(kinds, data[points].astype(float))
    ]
    data["order"] = range(len(data))
    colours = alt.Scale(domain=["raises", "lowers", "total"], range=[_UP, _DOWN, "#9e9e9e"])
    return (
        alt.Chart(data, title="Why this lead got its chance of converting")
        .mark_bar()
        .encode(
            y=alt.Y(f"{factor}:N", sort=alt.EncodingSortField("order"), title=None, axis=alt.Axis(labelLimit=_LABEL_LIMIT)),
            x=alt.X("begin:Q", title="Chance of converting (%)"),
            x2="end:Q",
            color=alt.Color("direction:N", scale=colours, title=None),
            tooltip=[alt.Tooltip(f"{factor}:N", title="Step"), alt.Tooltip(f"{points}:Q", format="+.1f", title="Points")],
        )
    )


def reliability(
    bins: pd.DataFrame,
    *,
    predicted: str = "predicted",
    observed: str = "observed",
    count: str = "leads",
) -> alt.LayerChart:
    """Reliability chart: predicted probability against what really happened, per bin.

    Parameters
    ----------
    bins : DataFrame
        One row per probability bin (from ``TrainingResult.reliability``): mean predicted
        probability, observed conversion rate, and number of holdout leads.
    predicted, observed, count : str
        Names of those columns.

    Returns
    -------
    alt.LayerChart
        The diagonal (perfect calibration) and the model's points joined by a line.
    """
    wanted = [predicted, observed] + ([count] if count in bins.columns else [])
    data = _require(bins, wanted, "reliability")
    diagonal = (
        alt.Chart(pd.DataFrame({"p": [0.0, 1.0]}))
        .mark_line(strokeDash=[4, 4], color="#9e9e9e")
        .encode(x="p:Q", y="p:Q")
    )
    size = alt.Size(f"{count}:Q", title="Leads") if count in data.columns else alt.value(60)
    tooltip = [
        alt.Tooltip(f"{predicted}:Q", format=".0%", title="Predicted"),
        alt.Tooltip(f"{observed}:Q", format=".0%", title="Really converted"),
    ] + ([alt.Tooltip(f"{count}:Q", title="Leads")] if count in data.columns else [])
    model = alt.Chart(data).encode(
        x=alt.X(f"{predicted}:Q", title="Predicted chance", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        y=alt.Y(f"{observed}:Q", title="Share that really converted", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
    )
    return alt.layer(
        diagonal,
        model.mark_line(color="#4c78a8"),
        model.mark_circle(color="#4c78a8").encode(size=size, tooltip=tooltip),
    ).properties(title="Does a predicted 30% mean 30%?")


def learning_curve(
    curve: pd.DataFrame,
    *,
    rows: str = "training_rows",
    score: str = "roc_auc",
    split: str | None = None,
    metric: str = "ROC AUC on held-out leads",
) -> alt.Chart:
    """Learning curve: model quality on held-out leads as it learns from more history.

    Parameters
    ----------
    curve : DataFrame
        From ``TrainingResult.learning_curve``: number of training rows and the score reached
        (one row per training size). In long format, ``split`` names the column saying which
        split each score was measured on (e.g. "training" / "validation"), one line each.
    rows, score : str
        Names of those columns.
    split : str, optional
        Column naming the split, for several lines.
    metric : str
        The score's name for the axis title.

    Returns
    -------
    alt.Chart
        A line with points on a fixed 0.5 to 1.0 axis. Still rising at the right means more
        history would help.
    """
    wanted = [rows, score] + ([split] if split else [])
    data = _require(curve, wanted, "learning_curve")
    encoding = {
        "x": alt.X(f"{rows}:Q", title="Leads used for training"),
        # The whole range from a coin toss (0.5) to perfect (1.0): a zoomed axis would make
        # 0.946 -> 0.951 look like a steep climb.
        "y": alt.Y(f"{score}:Q", title=metric, scale=alt.Scale(domain=[0.5, 1.0], clamp=True)),
        "tooltip": [alt.Tooltip(f"{rows}:Q", title="Leads", format=","), alt.Tooltip(f"{score}:Q", format=".3f")],
    }
    if split:
        encoding["color"] = alt.Color(f"{split}:N", title=None)
    return alt.Chart(data, title="Quality on held-out leads by leads used").mark_line(point=True).encode(**encoding)


def gains(
    curve: pd.DataFrame,
    thresholds: pd.DataFrame | None = None,
    *,
    share_of_leads: str = "share_of_leads",
    share_of_conversions: str = "share_of_conversions",
) -> alt.LayerChart:
    """Cumulative gains: call the top x% of leads by score, catch y% of conversions.

    Parameters
    ----------
    curve : DataFrame
        From ``tiers.gains_curve``: share of leads called (best first) and share of all
        conversions caught, both 0-1.
    thresholds : DataFrame, optional
        One row per tier threshold with ``tier`` (e.g. "Hot"), and ``share_of_leads`` where
        that tier ends; drawn as vertical rules in the tier's colour.
    share_of_leads, share_of_conversions : str
        Names of the curve's columns.

    Returns
    -------
    alt.LayerChart
        The model's curve, the random-calling diagonal and the threshold rules.
    """
    data = _require(curve, [share_of_leads, share_of_conversions], "gains")
    axis = alt.Axis(format="%")
    layers = [
        alt.Chart(pd.DataFrame({"p": [0.0, 1.0]}))
        .mark_line(strokeDash=[4, 4], color="#9e9e9e")
        .encode(x="p:Q", y="p:Q"),
        alt.Chart(data)
        .mark_line(color="#4c78a8")
        .encode(
            x=alt.X(f"{share_of_leads}:Q", title="Share of leads called (best first)", axis=axis),
            y=alt.Y(f"{share_of_conversions}:Q", title="Share of conversions caught", axis=axis),
            tooltip=[
                alt.Tooltip(f"{share_of_leads}:Q", format=".0%", title="Leads called"),
                alt.Tooltip(f"{share_of_conversions}:Q", format=".0%", title="Conversions caught"),
            ],
        ),
    ]
    if thresholds is not None and len(thresholds):
        marks = _require(thresholds, ["tier", "share_of_leads"], "gains thresholds")
        layers.append(
            alt.Chart(marks)
            .mark_rule(strokeWidth=2)
            .encode(
                x="share_of_leads:Q",
                color=alt.Color("tier:N", scale=tier_scale(marks["tier"].tolist()), title="Tier ends"),
                tooltip=[alt.Tooltip("tier:N"), alt.Tooltip("share_of_leads:Q", format=".0%", title="Leads up to here")],
            )
        )
    return alt.layer(*layers).properties(title="How many conversions you catch by calling the top leads")


def tier_bars(
    table: pd.DataFrame,
    *,
    tier: str = "tier",
    leads: str = "leads",
    title: str = "Leads per tier",
) -> alt.Chart:
    """Bars of one number per tier (leads by default), in tier colours and tier order.

    Parameters
    ----------
    table : DataFrame
        One row per tier (from ``tiers.tier_table``).
    tier, leads : str
        Names of the tier column and the number to plot.
    title : str
        Chart title.

    Returns
    -------
    alt.Chart
    """
    data = _require(table, [tier, leads], "tier_bars")
    data = data[data[tier].isin(list(TIER_COLOURS))]
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X(f"{tier}:N", sort=list(TIER_COLOURS), title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{leads}:Q", title=leads.replace("_", " ").capitalize()),
            color=alt.Color(f"{tier}:N", scale=tier_scale(), legend=None),
            tooltip=[alt.Tooltip(f"{tier}:N"), alt.Tooltip(f"{leads}:Q")],
        )
    )


def tier_colour_styles(tiers: pd.Series | Sequence[str] | Mapping) -> list[str]:
    """CSS background styles for a column of tier names (for ``DataFrame.style``)."""
    light = {"Hot": "#f8d0d0", "Warm": "#ffe3c7", "Cool": "#d2e4f3", "Cold": "#e6e6e6"}
    return [f"background-color: {light[t]}" if t in light else "" for t in tiers]


def lead_trend(history: pd.DataFrame, *, title: str = "Score over time") -> alt.LayerChart:
    """One lead's chance of converting over the recorded scoring runs, each point in its tier's colour.

    Parameters
    ----------
    history : DataFrame
        ``run``, ``at`` (ISO time), ``probability`` (0..1), ``tier``, oldest first (from
        ``LeadProject.lead_trend``).
    """
    data = _require(history, ["run", "at", "probability", "tier"], "lead_trend")
    data["when"] = pd.to_datetime(data["at"], utc=True).dt.tz_localize(None)
    # Runs within the hour (a test, or scoring twice in a row) get seconds on the axis, or every
    # tick would read the same minute.
    close = len(data) > 1 and data["when"].max() - data["when"].min() < pd.Timedelta(hours=1)
    base = alt.Chart(data, title=title).encode(
        x=alt.X("when:T", title="Scored on", axis=alt.Axis(format="%d %b %H:%M:%S" if close else "%d %b %H:%M", labelAngle=0)),
        y=alt.Y("probability:Q", title="Chance of converting", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
    )
    line = base.mark_line(color="#4c78a8")
    points = base.mark_circle(size=90).encode(
        color=alt.Color("tier:N", scale=tier_scale(data["tier"]), title="Tier"),
        tooltip=[alt.Tooltip("when:T", title="Scored on"), alt.Tooltip("probability:Q", format=".0%", title="Chance"), "tier:N", "run:Q"],
    )
    return alt.layer(line, points)
