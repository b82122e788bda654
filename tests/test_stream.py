"""Scoring leads as they arrive (leadscore/score/stream.py): one JSON result per line, the stream goes on."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from leadscore.model.bundle import ModelBundle
from leadscore.errors import LeadScoreInputError
from leadscore.inspect.leakage import find_leakage_suspects
from leadscore.inspect.outcome import suggest_outcome
from leadscore.model.pipeline import build_pipeline
from leadscore.clean.plan import suggest_cleaning_plan
from leadscore.inspect.profile import profile_columns
from leadscore.clean.rows import select_training_rows
from leadscore.score.scoring import SCORE_COLUMNS, score_leads
from leadscore.score.score_files import score_file
from leadscore.score.stream import stream_jsonl
from leadscore.model.tiers import TierPolicy

from tests.scoring import REPO, history, make_bundle, new_leads  # noqa: F401


@pytest.fixture(scope="module")
def bundle() -> ModelBundle:
    return make_bundle("logistic")


@pytest.fixture(scope="module")
def boosting_bundle() -> ModelBundle:
    return make_bundle("boosting")


def test_stream_answers_each_line_before_reading_the_next(bundle):
    out = io.StringIO()
    lead = {"lead_id": "A1", "source": "Referral", "pages_viewed": 9, "visited_pricing_page": "yes", "emails_opened": 2}

    def lines():
        yield json.dumps(lead) + "\n"
        # The first answer must already be out, flushed, before the second lead arrives.
        assert out.getvalue().count("\n") == 1
        assert json.loads(out.getvalue())["lead_id"] == "A1"
        yield "this is not json\n"
        assert out.getvalue().count("\n") == 2
        yield "\n"
        yield json.dumps({**lead, "lead_id": "A2", "pages_viewed": "many"}) + "\n"
        yield json.dumps(["not", "an", "object"]) + "\n"
        yield json.dumps({"lead_id": "A3"}) + "\n"

    counts = stream_jsonl(bundle, lines(), out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert counts == {"scored": 2, "errors": 3}
    assert len(results) == 5  # the blank line gets no answer
    first = results[0]
    assert list(first)[:5] == ["lead_id", "source", "pages_viewed", "visited_pricing_page", "emails_opened"]
    assert 0 <= first["lead_score"] <= 100 and first["tier"] in {"Hot", "Warm", "Cool", "Cold"}
    assert first["reason_1"].endswith(("points", "point"))
    expected = bundle.pipeline.predict_proba(pd.DataFrame([lead]))[0, 1]
    assert first["conversion_probability"] == pytest.approx(expected, abs=5e-5)
    assert results[1]["line"] == 2 and "not valid JSON" in results[1]["error"]
    assert results[2]["lead_id"] == "A2"
    assert results[2]["warnings"] == [
        "1 value in 'pages_viewed' was not a number and was treated as missing. Check that column if this is unexpected."
    ]
    assert results[3] == {"line": 5, "error": results[3]["error"]} and "not a JSON object" in results[3]["error"]
    assert results[4]["line"] == 6 and "'source'" in results[4]["error"]


def test_a_line_that_is_not_utf8_is_scored_with_a_warning_and_the_stream_goes_on(bundle):
    lead = {"lead_id": "A1", "source": "Referral", "pages_viewed": 9, "visited_pricing_page": "yes", "emails_opened": 2}
    windows_line = json.dumps({**lead, "owner": "JOSE"}).replace("JOSE", "Jos\u00e9").encode("cp1252") + b"\n"
    assert b"Jos\xe9" in windows_line  # \xe9 alone is not valid UTF-8
    lines = [json.dumps(lead).encode("utf-8") + b"\n", windows_line, json.dumps({**lead, "lead_id": "A3"}).encode("utf-8") + b"\n"]
    out = io.StringIO()
    counts = stream_jsonl(bundle, iter(lines), out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert counts == {"scored": 3, "errors": 0}
    assert [r["lead_id"] for r in results] == ["A1", "A1", "A3"]
    assert results[1]["owner"] == "José"
    assert results[1]["warnings"] == [
        "Line 2 was not valid UTF-8; it was read as Windows-1252 text. Check accented letters in this lead."
    ]
    assert results[1]["conversion_probability"] == results[0]["conversion_probability"]
    assert "warnings" not in results[0] and "warnings" not in results[2]


def test_leads_answered_together_keep_their_fields_as_they_sent_them(bundle):
    """A batch's table would turn 1 into 1.0 next to a blank, and a list into its JSON text."""
    leads = [
        {"source": "Referral", "pages_viewed": 1, "deal": 1.0, "signed_up": "2018-05-07", "zip": "007",
         "visited_pricing_page": "yes", "emails_opened": 2, "note": None, "tags": ["a", "b"]},
        {"source": "Referral", "pages_viewed": None, "deal": 2, "signed_up": "", "zip": "010",
         "visited_pricing_page": "no", "emails_opened": None, "note": "", "tags": []},
    ]
    out = io.StringIO()
    counts = stream_jsonl(bundle, [[json.dumps(lead) + "\n" for lead in leads]], out, reasons=False)
    assert counts == {"scored": 2, "errors": 0}
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    for lead, answer in zip(leads, answers):
        assert {key: answer[key] for key in lead} == lead
        assert list(answer)[: len(lead)] == list(lead)
    assert '"pages_viewed": 1,' in out.getvalue().splitlines()[0] and '"deal": 2,' in out.getvalue().splitlines()[1]
