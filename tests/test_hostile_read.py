"""The hostile corpus (tests/hostile.py) through read_leads: a correct table or one clear message.

For every file: the table has the rows and columns a user counts in the file, with nothing
shifted or mangled, or reading stops with one LeadScoreInputError naming the file, what is wrong
and what to do. Never another exception, never a hang.
"""

from __future__ import annotations

import io
import signal
from contextlib import contextmanager

import pandas as pd
import pytest

from leadscore.errors import LeadScoreInputError
from leadscore.io.read import read_leads
from tests.hostile import CASES, Case

# Every refusal tells the user what to do next, with one of these verbs.
WHAT_TO_DO = ("Export", "Open", "Save", "save", "Rename", "choose", "Choose", "Download", "Unzip", "upload")
SECONDS = 20  # generous: the test machine is shared; a hang is what this catches


@contextmanager
def _time_limit(seconds: int):
    def stop(signum, frame):
        raise TimeoutError(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _read(case: Case, source) -> pd.DataFrame | LeadScoreInputError:
    with _time_limit(SECONDS):
        try:
            return read_leads(source, **case.read_kwargs)
        except LeadScoreInputError as error:
            return error


def _same(actual, expected) -> bool:
    if expected is None:
        return pd.isna(actual)
    if isinstance(actual, pd.Timestamp):
        return actual == pd.Timestamp(expected)
    return actual == expected


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_hostile_file(case: Case, tmp_path):
    filename, data = case.make()
    upload = io.BytesIO(data)
    upload.name = filename  # as Streamlit's UploadedFile
    result = _read(case, upload)

    if case.expect == "refused":
        assert isinstance(result, LeadScoreInputError), f"read a {getattr(result, 'shape', '')} table"
        message = str(result)
        assert f"'{filename}'" in message
        for words in case.message_words:
            assert words in message
        assert any(verb in message for verb in WHAT_TO_DO)
        assert "Traceback" not in message and message.endswith(".")
        return

    assert case.expect == "reads"
    assert not isinstance(result, Exception), str(result)
    df = result
    assert len(df) == case.rows
    if isinstance(case.columns, int):
        assert df.shape[1] == case.columns
    else:
        assert list(df.columns) == list(case.columns)
    for column, expected in case.values.items():
        actual = df[column].tolist()[: len(expected)]
        assert all(_same(a, e) for a, e in zip(actual, expected)), f"{column}: {actual} != {expected}"
    read = df.attrs["leadscore_read"]
    for key, expected in case.attrs.items():
        assert read.get(key) == expected, f"{key}: {read.get(key)!r} != {expected!r}"

    # From a path on disk (pandas reads the file itself there), the same table.
    from_disk = _read(case, case.write(tmp_path))
    assert not isinstance(from_disk, Exception), str(from_disk)
    assert from_disk.shape == df.shape and list(from_disk.columns) == list(df.columns)


def test_the_corpus_is_large_small_and_named_once():
    assert len(CASES) >= 60
    assert len({case.name for case in CASES}) == len(CASES)
    assert {case.expect for case in CASES} == {"reads", "refused"}
    for case in CASES:
        filename, data = case.make()
        assert filename and len(data) < 1_000_000, case.name
        if not data.startswith(b"PK"):  # workbooks carry the time they were saved
            assert case.make() == (filename, data), f"{case.name} is not the same file twice"
        if case.expect == "reads":
            assert case.rows is not None and case.columns is not None, case.name
        else:
            assert case.message_words, case.name
    bomb = next(case for case in CASES if case.name == "zip_bomb_as_xlsx")
    assert len(bomb.data()) < 4096
