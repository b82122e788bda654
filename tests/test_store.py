"""The project store: projects kept on this machine, whole, one damaged project harming no other."""

from __future__ import annotations

import multiprocessing
import sqlite3

import numpy as np
import pandas as pd
import pytest

from leadscore.errors import LeadScoreInputError
from leadscore.project.store import ProjectStore


@pytest.fixture
def store(tmp_path):
    return ProjectStore(tmp_path / "projects")


def test_a_new_store_lists_no_project(store):
    assert store.list() == []


def test_projects_are_listed_newest_first_with_their_names(store):
    first = store.create("Spring leads")
    second = store.create("Autumn leads")
    first.set_meta(rows=10)  # changed last
    listed = store.list()
    assert [info.name for info in listed] == ["Spring leads", "Autumn leads"]
    assert listed[0].id == first.id and listed[0].leads == 10
    assert store.find("Autumn leads") == second.id
    assert store.find(second.id) == second.id
    assert store.find("Winter leads") is None


def test_a_deleted_project_is_gone_and_the_others_stay(store):
    kept, gone = store.create("Kept"), store.create("Gone")
    store.delete(gone.id)
    assert [info.id for info in store.list()] == [kept.id]
    with pytest.raises(LeadScoreInputError, match="no project"):
        store.open(gone.id)


def test_leads_come_back_with_their_types_and_order(store):
    leads = pd.DataFrame(
        {
            "lead_id": ["00123", "00124", "00125"],
            "pages": [3.0, np.nan, 7.5],
            "arrived": pd.to_datetime(["2025-01-02 09:30", "2025-01-03 10:00", None]),
            "opted_in": pd.Series([True, None, True], dtype=object),
            "mixed": pd.Series([1, "two", 3.5], dtype=object),
            "converted": ["yes", "no", ""],
        }
    )
    db = store.create("Types")
    db.save_leads(leads)
    back = store.open(db.id).load_leads()
    assert list(back.columns) == list(leads.columns)
    assert back["lead_id"].tolist() == ["00123", "00124", "00125"]  # leading zeros kept
    assert back["pages"].iloc[0] == 3.0 and np.isnan(back["pages"].iloc[1])
    assert back["arrived"].iloc[0] == pd.Timestamp("2025-01-02 09:30") and pd.isna(back["arrived"].iloc[2])
    assert back["opted_in"].tolist()[0] is True or back["opted_in"].tolist()[0] == True  # noqa: E712
    assert pd.isna(back["opted_in"].iloc[1])
    # A column mixing numbers and text (an Excel sheet) is kept as text, every value readable.
    assert back["mixed"].astype(str).tolist() == ["1", "two", "3.5"]


def test_a_damaged_project_says_so_and_harms_no_other(store):
    good, bad = store.create("Good"), store.create("Bad")
    (bad.folder / "project.sqlite").write_bytes(b"this is not a database" * 100)
    listed = {info.id: info for info in store.list()}
    assert listed[good.id].problem is None
    assert "damaged" in listed[bad.id].problem and "other projects are not affected" in listed[bad.id].problem
    with pytest.raises(LeadScoreInputError, match="damaged"):
        store.open(bad.id).meta()
    assert store.open(good.id).meta()["name"] == "Good"


def test_unreadable_leads_give_a_clear_message(store):
    db = store.create("Broken leads")
    (db.folder / "leads.parquet").write_bytes(b"PAR1 broken")
    with pytest.raises(LeadScoreInputError, match="cannot be read"):
        db.load_leads()


def test_a_strange_project_id_is_refused_before_touching_files(store):
    with pytest.raises(LeadScoreInputError, match="no project"):
        store.open("../../etc")


def test_one_training_job_at_a_time_unless_the_first_is_gone(store):
    db = store.create("Jobs")
    first = db.start_job("train", "1:a", is_alive=lambda owner: True)
    with pytest.raises(LeadScoreInputError, match="already being trained"):
        db.start_job("train", "1:b", is_alive=lambda owner: True)
    # The first job's process is gone (the server was restarted): a new job may start.
    second = db.start_job("train", "1:b", is_alive=lambda owner: False)
    assert second != first
    assert db.latest_job("train")["id"] == second
    with sqlite3.connect(db.folder / "project.sqlite") as connection:
        states = dict(connection.execute("SELECT id, state FROM jobs").fetchall())
    assert states == {first: "stopped", second: "running"}


def _write_meta(folder, worker, rounds):
    from leadscore.project.store import ProjectDB

    db = ProjectDB(folder)
    for number in range(rounds):
        db.set_meta(**{f"worker{worker}_{number}": number})


def test_two_processes_writing_one_project_lose_nothing(store):
    db = store.create("Busy")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_meta, args=(db.folder, worker, 40)) for worker in range(2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    meta = db.meta()
    assert all(meta[f"worker{w}_{n}"] == n for w in range(2) for n in range(40))


def _record_runs(folder, rounds, leads):
    from leadscore.project.store import ProjectDB

    db = ProjectDB(folder)
    table = pd.DataFrame({"key": [f"L{i}" for i in range(leads)], "probability": 0.5, "tier": "Warm", "reason": ""})
    for _ in range(rounds):
        db.record_run(None, "scheduled", {"rows": leads}, table)


def test_two_writers_record_runs_at_once_and_a_reader_never_sees_half_a_run(store):
    db = store.create("Shared")
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_record_runs, args=(db.folder, 6, 3000)) for _ in range(2)]
    for process in writers:
        process.start()
    seen = 0
    while any(process.is_alive() for process in writers):
        # Whatever the reader catches mid-way, every listed run has all its leads.
        for run, rows in db.runs()[["run", "rows"]].itertuples(index=False):
            assert len(db.run_leads(run)) == rows == 3000
            seen += 1
    for process in writers:
        process.join(120)
        assert process.exitcode == 0
    assert len(db.runs()) == 12
    assert seen > 0
