"""Saving, loading and signing a model file (leadscore/model/bundle.py)."""

from __future__ import annotations

import json
import os
import stat

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from leadscore.model import bundle as bundle_module
from leadscore.model.bundle import MAGIC, ModelBundle, list_bundles, load_bundle, model_file_bytes, save_bundle
from leadscore.errors import LeadScoreInputError
from leadscore.inspect.outcome import OutcomeMapping
from leadscore.model.tiers import TierPolicy


@pytest.fixture(autouse=True)
def leadscore_home(tmp_path, monkeypatch):
    """Each test gets its own LeadScore home, so its own signing key."""
    home = tmp_path / "home"
    monkeypatch.setenv("LEADSCORE_HOME", str(home))
    return home


class _Plan:
    """Just what the model card reads from a cleaning plan."""

    outcome = OutcomeMapping(column="converted", positive_values=("yes",), negative_values=("no",))
    excluded = {"deal_stage": "only known after the outcome", "email": "personal data"}


def _leads(n: int = 200) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    leads = pd.DataFrame({"pages_viewed": rng.integers(0, 20, n), "emails_opened": rng.integers(0, 5, n)})
    converted = (leads["pages_viewed"] + rng.normal(0, 3, n) > 12).astype(int).to_numpy()
    return leads, converted


def _bundle() -> ModelBundle:
    leads, converted = _leads()
    pipeline = Pipeline([("encode", StandardScaler()), ("model", LogisticRegression())]).fit(leads, converted)
    return ModelBundle(
        pipeline=pipeline,
        plan=_Plan(),
        schema=[{"name": "pages_viewed", "kind": "number", "required": True, "fill": 3.0}],
        policy=TierPolicy(),
        metrics={
            "validation": {"method": "stratified", "holdout_rows": 40, "roc_auc": 0.91, "ece": 0.021,
                           "lift_top_decile": 3.2, "brier": 0.08, "log_loss": 0.27, "average_precision": 0.8},
            "leaderboard": [{"model": "logistic", "roc_auc": 0.9, "log_loss": 0.28, "brier": 0.08, "fit_seconds": 0.01}],
            "readiness": {"verdict": "ready", "message": "It ranks leads well."},
            "learning_curve_answer": "Probably not much.",
            "tiers": [{"tier": "Hot", "range": "70% and above", "leads": 5, "converted": 4, "conversion_rate": 0.8,
                       "expected_conversions": 3.6}],
        },
        trained_at="2026-11-27T04:00:00+00:00",
        row_counts={"known_rows": 2000, "converted": 600, "not_converted": 1400, "training_rows": 1600, "holdout_rows": 400,
                    "set_aside": {"still in the pipeline (no outcome yet)": 1234}},
        versions=bundle_module._installed_versions(),
        kind="logistic",
        calibration="sigmoid",
        features_used=["pages_viewed", "emails_opened"],
        notes={"validation": "A random 20% were held out.", "calibration": "Sigmoid helped.", "final_fit": "Refit on all leads."},
        name="test model",
        holdout=pd.DataFrame({"conversion_probability": [0.9, 0.2, 0.4], "converted": [1, 0, 1]}, index=[7, 3, 5]),
        drift_reference={"pages_viewed": {"median": 9.0}},
        data_name="spring leads.csv",
    )


def _split_file(path):
    data = path.read_bytes()
    length = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 8], "big")
    start = len(MAGIC) + 8
    return json.loads(data[start : start + length]), data[start + length :]


def _write_file(path, header, payload):
    header_bytes = json.dumps(header, sort_keys=True).encode("ascii")
    path.write_bytes(MAGIC + len(header_bytes).to_bytes(8, "big") + header_bytes + payload)


def test_round_trip_scores_identically_and_keeps_metadata(tmp_path, leadscore_home):
    bundle = _bundle()
    path = save_bundle(bundle, tmp_path / "model.joblib")
    loaded = load_bundle(path)
    leads, _ = _leads()
    np.testing.assert_array_equal(loaded.predict_proba(leads), bundle.predict_proba(leads))
    assert loaded.metrics == bundle.metrics
    assert loaded.policy == TierPolicy()
    assert loaded.content_hash == bundle.content_hash and len(loaded.content_hash) == 64
    assert loaded.schema[0]["name"] == "pages_viewed"
    pd.testing.assert_frame_equal(loaded.holdout, bundle.holdout)
    assert loaded.drift_reference == {"pages_viewed": {"median": 9.0}}
    assert loaded.data_name == "spring leads.csv"


def test_first_save_creates_a_private_key(tmp_path, leadscore_home):
    save_bundle(_bundle(), tmp_path / "model.joblib")
    key = leadscore_home / "signing.key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert len(key.read_bytes()) == 32


def test_damaged_file_gives_a_clear_error(tmp_path):
    path = save_bundle(_bundle(), tmp_path / "model.joblib")
    path.write_bytes(path.read_bytes()[:-100])  # cut short, like a broken download
    with pytest.raises(LeadScoreInputError, match="damaged.*train the model again"):
        load_bundle(path)


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(LeadScoreInputError, match="not a LeadScore model"):
        load_bundle(path)
    with pytest.raises(LeadScoreInputError, match="no model file"):
        load_bundle(tmp_path / "missing.joblib")


def test_tampered_payload_with_matching_checksum_is_refused_even_unsigned(tmp_path):
    path = save_bundle(_bundle(), tmp_path / "model.joblib")
    header, payload = _split_file(path)
    evil = payload[:-1] + bytes([payload[-1] ^ 1])
    import hashlib

    header["payload"] = {"sha256": hashlib.sha256(evil).hexdigest(), "bytes": len(evil)}
    _write_file(path, header, evil)
    with pytest.raises(LeadScoreInputError, match="changed after it was saved.*--trust-model"):
        load_bundle(path)


def test_tampered_payload_without_new_checksum_is_damaged_even_when_trusted(tmp_path):
    path = save_bundle(_bundle(), tmp_path / "model.joblib")
    header, payload = _split_file(path)
    _write_file(path, header, payload[:-1] + bytes([payload[-1] ^ 1]))
    with pytest.raises(LeadScoreInputError, match="does not match the checksum"):
        load_bundle(path, trust=True)


def test_file_from_another_computer_is_refused_unless_trusted(tmp_path, monkeypatch):
    path = save_bundle(_bundle(), tmp_path / "model.joblib")
    monkeypatch.setenv("LEADSCORE_HOME", str(tmp_path / "another-computer"))
    with pytest.raises(LeadScoreInputError, match="saved on another computer.*can run code"):
        load_bundle(path)
    leads, _ = _leads()
    assert load_bundle(path, trust=True).predict_proba(leads).shape == (len(leads),)


def test_other_library_version_gives_a_clear_error(tmp_path, monkeypatch):
    path = save_bundle(_bundle(), tmp_path / "model.joblib")
    installed = bundle_module._installed_versions()
    monkeypatch.setattr(bundle_module, "_installed_versions", lambda: dict(installed, **{"scikit-learn": "9.9.0"}))
    with pytest.raises(LeadScoreInputError, match=r"scikit-learn \S+ \(this computer has 9.9.0\).*Train the model again"):
        load_bundle(path, trust=True)


def test_list_bundles_reads_headers_and_flags_foreign_files(tmp_path, monkeypatch):
    folder = tmp_path / "models"
    folder.mkdir()
    save_bundle(_bundle(), folder / "mine.joblib")
    (folder / "notes.txt").write_text("not a model")
    monkeypatch.setenv("LEADSCORE_HOME", str(tmp_path / "other"))
    save_bundle(_bundle(), folder / "theirs.joblib")
    monkeypatch.setenv("LEADSCORE_HOME", str(tmp_path / "home"))
    infos = {os.path.basename(info.path): info for info in list_bundles(folder)}
    assert set(infos) == {"mine.joblib", "theirs.joblib"}
    assert infos["mine.joblib"].signed_here and infos["mine.joblib"].problem is None
    assert infos["mine.joblib"].roc_auc == 0.91 and infos["mine.joblib"].training_rows == 1600
    assert not infos["theirs.joblib"].signed_here
    assert "another computer" in infos["theirs.joblib"].problem
    assert list_bundles(tmp_path / "nowhere") == []


def test_model_file_bytes_are_what_save_writes(tmp_path):
    bundle = _bundle()
    content = model_file_bytes(bundle)
    assert content.startswith(MAGIC)
    (tmp_path / "download.joblib").write_bytes(content)  # as the app's download button would
    leads, _ = _leads()
    loaded = load_bundle(tmp_path / "download.joblib")
    np.testing.assert_array_equal(loaded.predict_proba(leads), bundle.predict_proba(leads))
    assert loaded.content_hash == bundle.content_hash


def test_save_refuses_a_folder_or_a_missing_folder_before_writing(tmp_path):
    with pytest.raises(LeadScoreInputError, match="is a folder. Give a file name for the model"):
        save_bundle(_bundle(), tmp_path)
    with pytest.raises(LeadScoreInputError, match="The folder '.*nowhere' does not exist. Create it first"):
        save_bundle(_bundle(), tmp_path / "nowhere" / "model.joblib")
    assert not (tmp_path / "nowhere").exists()


def test_a_failed_save_leaves_the_previous_model_whole(tmp_path, monkeypatch):
    path = save_bundle(_bundle(), tmp_path / "model.joblib")
    before = path.read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bundle_module.os, "fsync", full_disk)
    with pytest.raises(LeadScoreInputError, match=r"the disk is full\)\. Free some space.*already there is kept"):
        save_bundle(_bundle(), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "model.joblib"]  # no temporary file left



# --------------------------------------------------------------------------------------------
# Forged, changed, foreign, old and malicious model files: refused before anything is unpickled


def _resign(header: dict, key: bytes, key_id: str | None = None) -> dict:
    signed = {k: header[k] for k in ("format", "metadata", "payload")}
    signed["key_id"] = key_id if key_id is not None else header["key_id"]
    return dict(signed, signature=bundle_module._sign(key, signed))


class _WouldRunCode:
    """Unpickling this creates a file: the proof that a payload's code ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _malicious_payload(marker) -> bytes:
    import pickle

    return pickle.dumps(_WouldRunCode(marker))


def test_the_malicious_payload_would_run_code_if_unpickled(tmp_path):
    # The control for the tests below: unpickling this payload does create the file.
    import pickle

    marker = tmp_path / "ran.txt"
    pickle.loads(_malicious_payload(marker))
    assert marker.exists()


def test_a_signature_made_with_another_key_is_refused(tmp_path):
    path = save_bundle(_bundle(), tmp_path / "model.joblib")
    header, payload = _split_file(path)
    forged_key = b"k" * 32
    # Signed with another key but claiming this computer's key id, then with the forger's own id.
    _write_file(path, _resign(header, forged_key), payload)
    with pytest.raises(LeadScoreInputError, match="was changed after it was saved.*will not open it"):
        load_bundle(path)
    _write_file(path, _resign(header, forged_key, bundle_module._key_id(forged_key)), payload)
    with pytest.raises(LeadScoreInputError, match="saved on another computer.*will not open it"):
        load_bundle(path)


def test_edited_metadata_with_the_old_signature_is_refused(tmp_path):
    path = save_bundle(_bundle(), tmp_path / "model.joblib")
    header, payload = _split_file(path)
    header["metadata"]["validation"]["roc_auc"] = 0.99  # a better-looking model
    _write_file(path, header, payload)
    with pytest.raises(LeadScoreInputError, match="was changed after it was saved"):
        load_bundle(path)
    (info,) = list_bundles(tmp_path)
    assert not info.signed_here and "changed after it was saved" in info.problem


@pytest.mark.parametrize("where", ["magic", "header length", "header", "payload start", "payload end"])
def test_any_changed_byte_is_refused(tmp_path, where):
    path = save_bundle(_bundle(), tmp_path / "model.joblib")
    data = bytearray(path.read_bytes())
    header_length = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 8], "big")
    payload_start = len(MAGIC) + 8 + header_length
    at = {
        "magic": 3,
        "header length": len(MAGIC) + 7,
        "header": len(MAGIC) + 8 + header_length // 2,
        "payload start": payload_start,
        "payload end": len(data) - 1,
    }[where]
    data[at] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(LeadScoreInputError, match=r"damaged|changed after it was saved") as refused:
        load_bundle(path)
    assert "Traceback" not in refused.value.message


def test_a_file_from_an_older_leadscore_format_is_refused_with_what_to_do(tmp_path):
    path = save_bundle(_bundle(), tmp_path / "model.joblib")
    header, payload = _split_file(path)
    header["format"] = 0
    key = (bundle_module.leadscore_home() / bundle_module.KEY_FILE).read_bytes()
    _write_file(path, _resign(header, key), payload)  # signed here, by an older LeadScore
    with pytest.raises(LeadScoreInputError, match=r"another LeadScore version \(file format 0.*Train the model again"):
        load_bundle(path)


@pytest.mark.parametrize("signature", ["left from the real model", "made with another key", "another computer's"])
def test_a_payload_that_would_run_code_is_refused_without_being_unpickled(tmp_path, signature, monkeypatch):
    import hashlib

    path = save_bundle(_bundle(), tmp_path / "model.joblib")
    header, _ = _split_file(path)
    marker = tmp_path / "ran.txt"
    evil = _malicious_payload(marker)
    header["payload"] = {"sha256": hashlib.sha256(evil).hexdigest(), "bytes": len(evil)}  # the checksum fits
    if signature == "made with another key":
        header = _resign(header, b"x" * 32)
    elif signature == "another computer's":
        header = _resign(header, b"x" * 32, bundle_module._key_id(b"x" * 32))
    _write_file(path, header, evil)
    with pytest.raises(LeadScoreInputError, match="will not open it: a model file can run code"):
        load_bundle(path)
    assert [info.signed_here for info in list_bundles(tmp_path)] == [False]
    from leadscore.cli import main

    assert main(["card", str(path)]) == 2
    assert main(["score", str(path), str(tmp_path / "leads.csv")]) == 2
    assert not marker.exists()  # the payload's code never ran


class _FailsWhenUnpickled:
    def __reduce__(self):
        return (int, ("not a number",))


@pytest.mark.parametrize("payload_kind", ["code that runs, then a file handle", "a payload that fails midway"])
def test_a_trusted_file_that_fails_after_unpickling_says_its_code_may_have_run(tmp_path, payload_kind, capsys):
    import hashlib
    import pickle

    path = save_bundle(_bundle(), tmp_path / "model.joblib")
    header, _ = _split_file(path)
    marker = tmp_path / "ran.txt"
    if payload_kind == "a payload that fails midway":
        evil = pickle.dumps([_WouldRunCode(marker), _FailsWhenUnpickled()])  # runs open(), then int("x") fails
    else:
        evil = _malicious_payload(marker)
    header["payload"] = {"sha256": hashlib.sha256(evil).hexdigest(), "bytes": len(evil)}
    _write_file(path, _resign(header, b"x" * 32, bundle_module._key_id(b"x" * 32)), evil)
    from leadscore.cli import main

    assert main(["card", str(path), "--trust-model"]) == 2
    err = capsys.readouterr().err
    assert marker.exists()  # the code did run: that is what the message must say
    (line,) = err.strip().splitlines()
    assert line.startswith(f"error: The model file '{path.resolve()}', opened as trusted (--trust-model), failed")
    assert "Its code may already have run on this computer" in line
    assert "damaged or is not a LeadScore model" not in line
