"""Tests for leadscore/score/dask_engine.py: scoring lead files on a Dask cluster of 2 local worker
processes gives exactly what the one-machine path (``leadscore score``) gives.

Expected values always come from the one-machine path (``score_file`` / ``score_leads``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("distributed", reason="the Dask extra is in requirements-test.txt")

from leadscore.model.bundle import load_bundle, save_bundle  # noqa: E402
from leadscore.score.dask_engine import DASK_MISSING, _check_worker_libraries, score_with_dask  # noqa: E402
from leadscore.errors import LeadScoreInputError  # noqa: E402
from leadscore.io.read import read_leads  # noqa: E402
from leadscore.score.scoring import score_leads  # noqa: E402
from leadscore.score.score_files import score_file  # noqa: E402
from leadscore.clean.plan import CleaningChoices  # noqa: E402
from leadscore.project.workflow import LeadProject  # noqa: E402
from leadscore.model.train import TrainingSettings  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
# Natural order: a person expects leads-2 before leads-10 (plain sorting puts it after).
FILE_NAMES = ("leads-1", "leads-2", "leads-10")
ROWS = (slice(0, 200), slice(200, 350), slice(350, 500))


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """A logistic model trained on 1,500 sample leads, saved with a private signing key."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEADSCORE_HOME", str(home))
        project = LeadProject.new(read_leads(SAMPLE / "leads.csv").head(1500), "dask")
        project.data.set_outcome(project.data.outcome_suggestion().mapping)
        project.data.set_choices(CleaningChoices())
        project.training.train(TrainingSettings(model="logistic"))
        path = save_bundle(project.models.bundle(), tmp_path_factory.mktemp("model") / "leads.joblib")
        yield {"path": path, "bundle": load_bundle(path)}


@pytest.fixture(scope="module")
def scheduler():
    """A running cluster of 2 worker processes, as a user's own cluster (``--scheduler``)."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def new_leads() -> pd.DataFrame:
    """The 500 sample new leads as text, with what real exports hold: zero-padded CRM IDs, a
    formula-like note, values the model never saw and text in a number column."""
    leads = pd.read_csv(SAMPLE / "new_leads.csv", dtype=str, keep_default_na=False)
    leads.insert(1, "crm_id", [f"{i:06d}" for i in range(len(leads))])
    leads["notes"] = ""
    leads.loc[3, "notes"] = '=HYPERLINK("http://example.com")'
    leads.loc[[5, 420], "industry"] = "Space Mining"
    leads.loc[[10, 300], "pages_viewed"] = "lots"
    return leads


def _write_csv_files(leads: pd.DataFrame, folder: Path) -> tuple[Path, list[Path]]:
    """The whole export as one file (one-machine path) and split into three, with one blank row."""
    folder.mkdir()
    blank = pd.DataFrame([[""] * leads.shape[1]], columns=leads.columns)
    parts = [leads.iloc[rows] for rows in ROWS]
    parts[1] = pd.concat([parts[1].iloc[:10], blank, parts[1].iloc[10:]])
    files = []
    for name, part in zip(FILE_NAMES, parts):
        files.append(folder / f"{name}.csv")
        part.to_csv(files[-1], index=False)
    whole = folder.parent / "whole.csv"
    pd.concat(parts).to_csv(whole, index=False)
    return whole, files


def _joined_parts(outputs: list[str]) -> bytes:
    """The part files as one CSV, as a user would join them: the first header, every row."""
    joined = b""
    for number, path in enumerate(outputs):
        data = Path(path).read_bytes()
        joined += data if number == 0 else data.split(b"\n", 1)[1]
    return joined


def test_csv_files_score_exactly_as_one_machine_on_a_local_cluster(model, new_leads, tmp_path):
    whole, files = _write_csv_files(new_leads, tmp_path / "exports")
    expected_summary = score_file(model["bundle"], whole, tmp_path / "expected.csv")

    told = []
    summary = score_with_dask(
        model["path"], str(tmp_path / "exports" / "leads-*.csv"), tmp_path / "scored", workers=2,
        progress=lambda message, fraction: told.append((message, fraction)),
    )

    assert summary["workers"] == 2
    assert told[-1] == ("3 of 3 parts scored", 1.0)
    assert summary["inputs"] == [str(f) for f in files]
    assert [Path(p).name for p in summary["outputs"]] == ["part-00000.csv", "part-00001.csv", "part-00002.csv"]
    assert sorted(p.name for p in (tmp_path / "scored").iterdir()) == ["part-00000.csv", "part-00001.csv", "part-00002.csv"]
    # Rows in = rows out: 500 leads and the one empty row, kept and counted, as one machine does.
    assert summary["rows"] == expected_summary["rows"] == 501
    assert summary["blank_rows"] == expected_summary["blank_rows"] == 1
    assert summary["tiers"] == expected_summary["tiers"]
    assert summary["warnings"] == expected_summary["warnings"]
    assert any("2 values in 'pages_viewed'" in w for w in summary["warnings"])
    assert any("2 leads have a 'industry' value" in w for w in summary["warnings"])
    # The parts joined are byte for byte the one-machine file: rows, order, probabilities,
    # tiers, reasons, Excel-safe escaping.
    expected_bytes = (tmp_path / "expected.csv").read_bytes()
    assert _joined_parts(summary["outputs"]) == expected_bytes
    scored = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in summary["outputs"]], ignore_index=True)
    leads_only = scored[scored["lead_id"] != ""]  # the blank row comes back blank, scored as a blank lead
    assert leads_only["crm_id"].tolist() == new_leads["crm_id"].tolist()  # "000123" kept as written
    assert leads_only["lead_id"].tolist() == new_leads["lead_id"].tolist()
    assert scored.loc[3, "notes"] == "'=HYPERLINK(\"http://example.com\")"
    assert len(pd.read_csv(summary["outputs"][1])) == 151


def test_parquet_files_score_into_one_parquet_dataset_on_a_running_scheduler(model, new_leads, tmp_path, scheduler):
    typed = read_leads(SAMPLE / "new_leads.csv")  # Parquet exports carry numbers and dates as such
    folder = tmp_path / "exports"
    folder.mkdir()
    files = []
    for name, rows in zip(FILE_NAMES, ROWS):
        files.append(folder / f"{name}.parquet")
        typed.iloc[rows].to_parquet(files[-1], index=False)
    leads = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    expected = score_leads(model["bundle"], leads)

    summary = score_with_dask(
        model["bundle"], str(folder / "*.parquet"), tmp_path / "scored", scheduler=scheduler, output_format="parquet"
    )

    assert summary["scheduler"] == scheduler
    assert summary["rows"] == len(leads) == 500
    assert summary["tiers"] == expected.report["tiers"]
    assert summary["warnings"] == expected.warnings
    scored = pd.read_parquet(tmp_path / "scored")
    pd.testing.assert_frame_equal(scored, expected.scored)


def test_a_missing_column_the_model_needs_gives_the_one_machine_message(model, new_leads, tmp_path, scheduler):
    whole, _ = _write_csv_files(new_leads.drop(columns=["source"]), tmp_path / "exports")
    with pytest.raises(LeadScoreInputError) as one_machine:
        score_file(model["bundle"], whole, tmp_path / "expected.csv")

    with pytest.raises(LeadScoreInputError) as dask:
        score_with_dask(model["bundle"], str(tmp_path / "exports" / "*.csv"), tmp_path / "scored", scheduler=scheduler)

    assert "'source'" in dask.value.message
    assert dask.value.message == one_machine.value.message
    assert not (tmp_path / "scored").exists()


def test_a_pattern_matching_no_file_says_so(model, tmp_path, scheduler):
    pattern = str(tmp_path / "exports" / "leads-*.csv")
    with pytest.raises(LeadScoreInputError, match="No file matches") as error:
        score_with_dask(model["bundle"], pattern, tmp_path / "scored", scheduler=scheduler)
    assert pattern in error.value.message


def test_an_output_folder_holding_the_inputs_is_refused(model, new_leads, tmp_path, scheduler):
    _, files = _write_csv_files(new_leads, tmp_path / "exports")
    before = files[0].read_bytes()
    with pytest.raises(LeadScoreInputError, match="holds the input file 'leads-1.csv'"):
        score_with_dask(model["bundle"], str(tmp_path / "exports" / "*.csv"), tmp_path / "exports", scheduler=scheduler)
    assert files[0].read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == ["leads-1.csv", "leads-10.csv", "leads-2.csv"]


def test_a_new_run_replaces_the_previous_parts_whole(model, new_leads, tmp_path, scheduler):
    _, files = _write_csv_files(new_leads, tmp_path / "exports")
    out = tmp_path / "scored"
    out.mkdir()
    (out / "part-00007.csv").write_text("from an older run with more files\n")

    summary = score_with_dask(model["bundle"], str(files[0]), out, scheduler=scheduler, reasons=False)

    assert sorted(p.name for p in out.iterdir()) == ["part-00000.csv"]
    assert summary["rows"] == 200
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".scored")]  # no staging left behind


def test_without_the_dask_extra_the_message_says_how_to_install_it(model, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask", None)  # what `import dask` finds when it is not installed
    with pytest.raises(LeadScoreInputError) as error:
        score_with_dask(model["bundle"], str(SAMPLE / "new_leads.csv"), tmp_path / "scored")
    assert error.value.message == DASK_MISSING


def test_workers_with_another_scikit_learn_are_refused_before_scoring():
    class ClusterWithAnOldWorker:
        """Answers like distributed.Client.run for one worker that has an older scikit-learn."""

        def run(self, function):
            return {"tcp://10.0.0.7:40000": {**function(), "scikit-learn": "1.5.2"}}

    with pytest.raises(LeadScoreInputError) as error:
        _check_worker_libraries(ClusterWithAnOldWorker(), "tcp://10.0.0.5:8786")
    assert error.value.message.startswith(
        "The Dask worker tcp://10.0.0.7:40000 has other library versions: scikit-learn 1.5.2 (this computer has "
    )
