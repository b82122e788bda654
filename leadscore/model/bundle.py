"""Save and load a trained lead model as one signed file, and describe it in a model card.

A saved model is one file holding everything needed to score new leads exactly as training saw
them: the fitted pipeline (cleaning, encoding, model, calibration), the cleaning plan, the input
schema, the tier policy, the held-out metrics, the training date, row counts and library
versions.

Opening a pickle runs code, so a model file from elsewhere could harm the computer. The file is
therefore checked *before* anything is unpickled::

    b"LEADSCORE-MODEL\\n"                magic line
    8 bytes, big-endian                  length of the JSON header
    JSON header                          metadata, sha256 and length of the payload, signature
    joblib payload                       the ModelBundle itself

The signature is an HMAC-SHA256 of the header (which includes the payload's sha256), made with a
secret key created on the first save and kept in the user's LeadScore home (``LEADSCORE_HOME``,
default ``~/.leadscore/``, file mode 0600). :func:`load_bundle` refuses files not signed with this
computer's key unless ``trust=True``, and refuses damaged files and files from other library
versions with a message saying what to do.

Example
-------
>>> bundle = bundle_from_training(result, plan, TierPolicy(), rows)   # doctest: +SKIP
>>> save_bundle(bundle, "leads-model.joblib")                         # doctest: +SKIP
>>> load_bundle("leads-model.joblib").metrics["validation"]["roc_auc"]  # doctest: +SKIP
0.81
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import io
import json
import os
import platform
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from leadscore.io.atomic import atomic_output, check_output_path
from leadscore.io.faults import fault_advice, fault_of, private_folder
from leadscore.errors import LeadScoreInputError
from leadscore.jsonable import jsonable

__all__ = [
    "BundleInfo",
    "ModelBundle",
    "leadscore_home",
    "list_bundles",
    "load_bundle",
    "model_file_bytes",
    "save_bundle",
]

MAGIC = b"LEADSCORE-MODEL\n"
FORMAT_VERSION = 1
KEY_FILE = "signing.key"
# How the app and the project store name model files; suggested when a folder is given instead.
MODEL_FILE_EXAMPLE = "leads-model.leadscore"
_HEADER_LENGTH_BYTES = 8
# A header is a few kilobytes; anything far larger is not one of our files.
_MAX_HEADER_BYTES = 16 * 1024 * 1024

# Libraries whose objects are inside the pickle. scikit-learn must match exactly (its own
# pickles are only supported on the same version); for the others the same minor release is enough.
_EXACT_VERSIONS = ("scikit-learn",)
_MINOR_VERSIONS = ("python", "numpy", "pandas", "scipy", "joblib", "leadscore")


@dataclass
class ModelBundle:
    """Everything a saved lead model needs to score new leads and explain itself.

    Attributes
    ----------
    pipeline : sklearn.pipeline.Pipeline
        ``[clean, encode, model]``; ``pipeline.predict_proba(raw_leads)[:, 1]`` is the conversion
        probability.
    plan : CleaningPlan
        The cleaning choices (outcome mapping, excluded columns and why, ...).
    schema : list of dict
        The input columns the model reads (``LeadCleaner.input_schema()``).
    policy : TierPolicy
        Tier thresholds and next actions.
    metrics : dict
        JSON-native training results: ``validation``, ``leaderboard``, ``readiness``,
        ``reliability``, ``learning_curve``, ``learning_curve_answer``, ``tiers``.
    trained_at : str
        ISO 8601 UTC time of training.
    row_counts : dict
        Leads used for training and validation, and leads set aside.
    versions : dict
        Library versions the model was trained with.
    kind : str
        "logistic", "forest" or "boosting".
    calibration : str
        "sigmoid", "isotonic" or "none".
    features_used : list of str
        The user's columns the model reads.
    notes : dict
        Sentences for the model card: ``validation`` (how it was validated), ``calibration``
        (how calibration was chosen), ``final_fit`` (how the saved model was fit).
    name : str
        A short name shown in the saved-models list.
    content_hash : str
        sha256 of the saved payload; filled by :func:`save_bundle` and :func:`load_bundle`.
    explain_reference : leadscore.explain.contributions.ExplainReference or None
        The average training lead, so that every lead's reasons say how it differs from it.
    holdout : pandas.DataFrame or None
        ``conversion_probability`` and ``converted`` of the held-out leads, so tier statistics
        for any thresholds (the card's, the Tiers page's) come from the same leads.
    drift_reference : dict or None
        What the training leads looked like, to tell when new leads differ (JSON-ready).
    data_name : str
        Which file the model learned from, for the name and the card.
    """

    pipeline: Any
    plan: Any
    schema: list
    policy: Any
    metrics: dict
    trained_at: str
    row_counts: dict
    versions: dict
    kind: str = ""
    calibration: str = "none"
    features_used: list = field(default_factory=list)
    notes: dict = field(default_factory=dict)
    name: str = ""
    content_hash: str = ""
    explain_reference: Any = None
    holdout: Any = None
    drift_reference: Any = None
    data_name: str = ""

    def predict_proba(self, leads: pd.DataFrame) -> np.ndarray:
        """Conversion probability for each raw lead (one float per row)."""
        return self.pipeline.predict_proba(leads)[:, 1]


@dataclass(frozen=True)
class BundleInfo:
    """What the saved-models list shows about one model file, read from its header only.

    ``signed_here`` is True when this computer's key signed the header. ``problem`` says, in
    plain words, why the file cannot be used as-is (None when it looks fine).
    """

    path: str
    name: str
    kind: str
    trained_at: str
    training_rows: int | None
    roc_auc: float | None
    verdict: str
    signed_here: bool
    problem: str | None


# --------------------------------------------------------------------------------------------
# Signing


def _canonical(obj: dict) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


# --------------------------------------------------------------------------------------------
# Versions and keys


def _installed_versions() -> dict[str, str]:
    """Versions of the libraries whose objects end up inside a saved model."""
    # Read from the installed metadata: importing the libraries themselves would add time to
    # every model load, which the one-lead chain command cannot afford.
    from importlib.metadata import version

    import leadscore

    return {
        "python": platform.python_version(),
        **{name: version(name) for name in ("scikit-learn", "numpy", "pandas", "scipy", "joblib")},
        "leadscore": leadscore.__version__,
    }


def _minor(version: str) -> str:
    return ".".join(str(version).split(".")[:2])


def _version_problems(saved: dict) -> list[str]:
    installed = _installed_versions()
    problems = []
    for name in _EXACT_VERSIONS + _MINOR_VERSIONS:
        want, have = saved.get(name), installed.get(name)
        if want is None or have is None:
            continue
        same = want == have if name in _EXACT_VERSIONS else _minor(want) == _minor(have)
        if not same:
            problems.append(f"{name} {want} (this computer has {have})")
    return problems


def leadscore_home() -> Path:
    """The folder holding this user's LeadScore key: ``$LEADSCORE_HOME`` or ``~/.leadscore``."""
    configured = os.environ.get("LEADSCORE_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".leadscore"


def _signing_key(create: bool) -> bytes | None:
    """This computer's secret signing key; created (mode 0600, in a 0700 folder) on first save when ``create``.

    A home that cannot hold the key (read-only, full, not this user's) is said in plain words,
    with what to do: the key is what lets LeadScore open only the model files made here.
    """
    path = leadscore_home() / KEY_FILE
    try:
        return _read_or_make_key(path, create)
    except OSError as error:
        folder = path.parent
        doing = "keep its signing key" if create else "read its signing key"
        raise LeadScoreInputError(
            f"LeadScore cannot {doing} in {folder}: {fault_advice(fault_of(error, folder), folder)}. "
            "The key signs your model files, so that only models made here are opened; nothing was saved."
        ) from None


def _read_or_make_key(path: Path, create: bool) -> bytes | None:
    if path.exists():
        key = path.read_bytes()
        if len(key) >= 32:
            return key
        if not create:
            return None
        raise LeadScoreInputError(
            f"The LeadScore signing key at {path} is damaged (too short). Delete it and save the "
            "model again; models saved before will then need to be trained again or loaded as trusted."
        )
    if not create:
        return None
    private_folder(path.parent)
    key = secrets.token_bytes(32)
    try:
        # O_EXCL: two sessions saving at once must not overwrite each other's new key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        path.unlink(missing_ok=True)  # never a short key left behind (a full disk)
        raise
    return key


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"leadscore-key-id" + key).hexdigest()[:16]


def _sign(key: bytes, signed_part: dict) -> str:
    return hmac.new(key, _canonical(signed_part), hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------------------------
# Saving


def _metadata(bundle: ModelBundle) -> dict:
    validation = bundle.metrics.get("validation", {})
    policy = bundle.policy
    return jsonable(
        {
            "name": bundle.name,
            "kind": bundle.kind,
            "calibration": bundle.calibration,
            "trained_at": bundle.trained_at,
            "row_counts": {k: v for k, v in bundle.row_counts.items() if k != "selection"},
            "versions": bundle.versions,
            "validation": {
                k: validation.get(k)
                for k in ("method", "holdout_rows", "roc_auc", "average_precision", "brier", "log_loss", "ece", "lift_top_decile")
            },
            "readiness": bundle.metrics.get("readiness", {}),
            "features_used": bundle.features_used,
            "tiers": {
                "hot": getattr(policy, "hot", None),
                "warm": getattr(policy, "warm", None),
                "cool": getattr(policy, "cool", None),
            },
        }
    )


def model_file_bytes(bundle: ModelBundle) -> bytes:
    """The bytes of a signed model file (see the module docstring for the layout).

    The first call creates this computer's signing key in :func:`leadscore_home`. Sets
    ``bundle.content_hash`` to the payload's sha256.
    """
    key = _signing_key(create=True)
    to_pickle = dataclasses.replace(bundle, content_hash="")
    buffer = io.BytesIO()
    joblib.dump(to_pickle, buffer, compress=3)
    payload = buffer.getvalue()
    digest = hashlib.sha256(payload).hexdigest()
    signed_part = {
        "format": FORMAT_VERSION,
        "metadata": _metadata(bundle),
        "payload": {"sha256": digest, "bytes": len(payload)},
        "key_id": _key_id(key),
    }
    header = dict(signed_part, signature=_sign(key, signed_part))
    header_bytes = json.dumps(header, sort_keys=True, ensure_ascii=True).encode("ascii")
    bundle.content_hash = digest
    return MAGIC + len(header_bytes).to_bytes(_HEADER_LENGTH_BYTES, "big") + header_bytes + payload


def save_bundle(bundle: ModelBundle, path) -> Path:
    """Save a model as one signed file (see :func:`model_file_bytes`).

    The file is written to a temporary name and then renamed, so a crash never leaves half a
    model behind.

    Parameters
    ----------
    bundle : ModelBundle
    path : str or Path
        Where to write, e.g. ``"leads-model.leadscore"``.

    Returns
    -------
    Path
        The written file. ``bundle.content_hash`` is set to the payload's sha256.

    Raises
    ------
    LeadScoreInputError
        The path is a folder, in a missing folder, or not writable.
    """
    path = check_output_path(path, what="the model", example=MODEL_FILE_EXAMPLE)
    content = model_file_bytes(bundle)
    with atomic_output(path) as handle:
        handle.write(content)
    return path


# --------------------------------------------------------------------------------------------
# Loading


def _damaged(path: Path, detail: str) -> LeadScoreInputError:
    return LeadScoreInputError(
        f"The model file '{path.name}' is damaged or is not a LeadScore model ({detail}). "
        "Choose the .joblib file LeadScore saved, or train the model again."
    )


def _failed_trusted(path: Path, detail: str) -> LeadScoreInputError:
    """A file opened as trusted failed after it was unpickled: whatever code it held has run."""
    return LeadScoreInputError(
        f"The model file '{path.resolve()}', opened as trusted (--trust-model), failed after it was opened "
        f"({detail}). Its code may already have run on this computer: if you do not know where this file "
        "came from, check the computer and do not open it again. Train your own model instead."
    )


def _read_header(handle, path: Path) -> dict:
    if handle.read(len(MAGIC)) != MAGIC:
        raise _damaged(path, "it does not start like a LeadScore model file")
    length_bytes = handle.read(_HEADER_LENGTH_BYTES)
    if len(length_bytes) != _HEADER_LENGTH_BYTES:
        raise _damaged(path, "the file is cut short")
    length = int.from_bytes(length_bytes, "big")
    if length > _MAX_HEADER_BYTES:
        raise _damaged(path, "its header is unreadable")
    header_bytes = handle.read(length)
    if len(header_bytes) != length:
        raise _damaged(path, "the file is cut short")
    try:
        header = json.loads(header_bytes.decode("ascii"))
        header["metadata"], header["payload"]["sha256"], header["signature"]  # noqa: B018
    except (ValueError, KeyError, TypeError):
        raise _damaged(path, "its header is unreadable") from None
    return header


def _signature_status(header: dict) -> str:
    """'signed here', 'other computer' or 'changed' for a parsed header."""
    key = _signing_key(create=False)
    if key is None or header.get("key_id") != _key_id(key):
        return "other computer"
    signed_part = {k: header.get(k) for k in ("format", "metadata", "payload", "key_id")}
    return "signed here" if hmac.compare_digest(_sign(key, signed_part), str(header["signature"])) else "changed"


def _open_file(path: Path):
    if not path.exists():
        raise LeadScoreInputError(f"There is no model file at '{path}'. Check the name, or train and save a model first.")
    if path.is_dir():
        raise LeadScoreInputError(f"'{path}' is a folder, not a model file. Choose the .joblib file LeadScore saved.")
    return open(path, "rb")


def load_bundle(path, trust: bool = False) -> ModelBundle:
    """Load a saved model after checking it is intact, made here, and fits the installed libraries.

    Every check happens before the payload is unpickled: the file's layout, the payload's
    sha256, the signature with this computer's key, then the library versions.

    Parameters
    ----------
    path : str or Path
        A file written by :func:`save_bundle`.
    trust : bool
        Load a file signed on another computer (CLI ``--trust-model``). Only for files from
        someone you trust: opening a model file can run code. A damaged file or an
        incompatible version is refused either way.

    Returns
    -------
    ModelBundle

    Raises
    ------
    LeadScoreInputError
        For a damaged file, a file not signed here (unless ``trust``), or a file saved with
        other library versions.
    """
    path = Path(path)
    with _open_file(path) as handle:
        header = _read_header(handle, path)
        payload = handle.read()
    expected = header["payload"]
    if len(payload) != expected.get("bytes") or not hmac.compare_digest(
        hashlib.sha256(payload).hexdigest(), str(expected["sha256"])
    ):
        raise _damaged(path, "its content does not match the checksum saved with it")
    if header.get("format") != FORMAT_VERSION:
        raise LeadScoreInputError(
            f"The model file '{path.name}' was saved by another LeadScore version (file format "
            f"{header.get('format')}, this LeadScore reads format {FORMAT_VERSION}). Train the model again."
        )
    status = _signature_status(header)
    if status != "signed here" and not trust:
        why = (
            "was saved on another computer (or by another LeadScore user)"
            if status == "other computer"
            else "was changed after it was saved"
        )
        raise LeadScoreInputError(
            f"The model file '{path.name}' {why}, so LeadScore will not open it: a model file can "
            "run code on this computer when opened. If you got it from someone you trust, load it "
            "as trusted (command line: --trust-model); otherwise train your own model."
        )
    problems = _version_problems(header["metadata"].get("versions", {}))
    if problems:
        raise LeadScoreInputError(
            f"The model file '{path.name}' was saved with different library versions: "
            f"{', '.join(problems)}. Train the model again with this installation, or install "
            "the versions it was saved with."
        )
    try:
        bundle = joblib.load(io.BytesIO(payload))
    except Exception as error:  # the checksum matched, so this is an unusual, broken save
        if status != "signed here":
            raise _failed_trusted(path, f"{type(error).__name__}: {error}") from None
        raise _damaged(path, f"it could not be read: {type(error).__name__}") from None
    if not isinstance(bundle, ModelBundle):
        if status != "signed here":
            raise _failed_trusted(path, f"it holds a {type(bundle).__name__}, not a LeadScore model")
        raise _damaged(path, "it does not contain a LeadScore model")
    bundle.content_hash = str(expected["sha256"])
    return bundle


def list_bundles(folder) -> list[BundleInfo]:
    """The LeadScore model files in a folder, newest first, read from their headers only.

    Nothing is unpickled, so listing a folder of unknown files is safe. Files that are not
    LeadScore models are skipped.

    Parameters
    ----------
    folder : str or Path

    Returns
    -------
    list of BundleInfo
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    infos = []
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        try:
            with open(path, "rb") as handle:
                if handle.read(len(MAGIC)) != MAGIC:
                    continue
                handle.seek(0)
                header = _read_header(handle, path)
        except (OSError, LeadScoreInputError):
            continue
        metadata = header["metadata"]
        status = _signature_status(header)
        problems = _version_problems(metadata.get("versions", {}))
        problem = None
        if status == "changed":
            problem = "changed after it was saved; it will not be opened"
        elif status == "other computer":
            problem = "saved on another computer; open it only if you trust where it came from"
        elif problems:
            problem = "saved with other library versions (" + ", ".join(problems) + "); train it again"
        validation = metadata.get("validation", {})
        infos.append(
            BundleInfo(
                path=str(path),
                name=str(metadata.get("name", path.stem)),
                kind=str(metadata.get("kind", "")),
                trained_at=str(metadata.get("trained_at", "")),
                training_rows=metadata.get("row_counts", {}).get("training_rows"),
                roc_auc=validation.get("roc_auc"),
                verdict=str(metadata.get("readiness", {}).get("verdict", "")),
                signed_here=status == "signed here",
                problem=problem,
            )
        )
    return sorted(infos, key=lambda info: info.trained_at, reverse=True)
