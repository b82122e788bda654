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
import datetime as dt
import hashlib
import hmac
import io
import json
import math
import os
import platform
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from leadscore.errors import LeadScoreInputError

__all__ = [
    "BundleInfo",
    "ModelBundle",
    "bundle_from_training",
    "leadscore_home",
    "list_bundles",
    "load_bundle",
    "model_card",
    "save_bundle",
]

MAGIC = b"LEADSCORE-MODEL\n"
FORMAT_VERSION = 1
KEY_FILE = "signing.key"
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
    explain_reference : leadscore.explain.ExplainReference or None
        The average training lead, so that every lead's reasons say how it differs from it.
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
# JSON helpers


def _jsonable(value: Any) -> Any:
    """Turn numpy/pandas values, tuples and NaN into plain JSON values (NaN becomes None)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return [_jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return value.isoformat()
    if value is None or isinstance(value, str):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


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
    """This computer's secret signing key; created (mode 0600) on first save when ``create``."""
    path = leadscore_home() / KEY_FILE
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
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        # O_EXCL: two sessions saving at once must not overwrite each other's new key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
    return key


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"leadscore-key-id" + key).hexdigest()[:16]


def _sign(key: bytes, signed_part: dict) -> str:
    return hmac.new(key, _canonical(signed_part), hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------------------------
# Building a bundle


def bundle_from_training(result, plan, policy, rows=None, *, name: str = "") -> ModelBundle:
    """Gather a training result into the bundle that gets saved.

    Parameters
    ----------
    result : leadscore.train.TrainingResult
        The trained, validated pipeline and its metrics.
    plan : CleaningPlan
        The cleaning plan the pipeline was built from.
    policy : TierPolicy
        Tier thresholds and actions to save with the model.
    rows : TrainingRows, optional
        The rows it was trained on; their selection report is kept in ``row_counts``.
    name : str
        Short name for the saved-models list (default: model kind and date).

    Returns
    -------
    ModelBundle
    """
    trained_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    schema = result.pipeline.named_steps["clean"].input_schema()
    row_counts = dict(result.row_counts)
    if rows is not None and getattr(rows, "report", None):
        row_counts["selection"] = _jsonable(rows.report)
    metrics = {
        "validation": _jsonable(result.validation),
        "leaderboard": _jsonable(result.leaderboard),
        "readiness": _jsonable(result.readiness),
        "reliability": _jsonable(result.reliability),
        "learning_curve": _jsonable(result.learning_curve),
        "learning_curve_answer": result.learning_curve_answer,
        "tiers": _jsonable(result.validation.get("tiers", [])),
    }
    reference = None
    if rows is not None and len(getattr(rows, "X", ())):
        from leadscore.explain import explain_reference

        reference = explain_reference(result.pipeline, rows.X, random_state=0)
    return ModelBundle(
        explain_reference=reference,
        pipeline=result.pipeline,
        plan=plan,
        schema=_jsonable(schema),
        policy=policy,
        metrics=metrics,
        trained_at=trained_at,
        row_counts=_jsonable(row_counts),
        versions=_installed_versions(),
        kind=result.kind,
        calibration=result.calibration,
        features_used=list(result.features_used),
        notes=dict(result.notes),
        name=name or f"{result.kind} model, {trained_at[:10]}",
    )


# --------------------------------------------------------------------------------------------
# Saving


def _metadata(bundle: ModelBundle) -> dict:
    validation = bundle.metrics.get("validation", {})
    policy = bundle.policy
    return _jsonable(
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


def save_bundle(bundle: ModelBundle, path) -> Path:
    """Save a model as one signed file (see the module docstring for the layout).

    The first save creates this computer's signing key in :func:`leadscore_home`. The file is
    written to a temporary name and then renamed, so a crash never leaves half a model behind.

    Parameters
    ----------
    bundle : ModelBundle
    path : str or Path
        Where to write, e.g. ``"leads-model.joblib"``.

    Returns
    -------
    Path
        The written file. ``bundle.content_hash`` is set to the payload's sha256.
    """
    path = Path(path)
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
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    with open(temporary, "wb") as handle:
        handle.write(MAGIC)
        handle.write(len(header_bytes).to_bytes(_HEADER_LENGTH_BYTES, "big"))
        handle.write(header_bytes)
        handle.write(payload)
    os.replace(temporary, path)
    bundle.content_hash = digest
    return path


# --------------------------------------------------------------------------------------------
# Loading


def _damaged(path: Path, detail: str) -> LeadScoreInputError:
    return LeadScoreInputError(
        f"The model file '{path.name}' is damaged or is not a LeadScore model ({detail}). "
        "Choose the .joblib file LeadScore saved, or train the model again."
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
        raise _damaged(path, f"it could not be read: {type(error).__name__}") from None
    if not isinstance(bundle, ModelBundle):
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


# --------------------------------------------------------------------------------------------
# Model card


def _percent(value, digits: int = 1) -> str:
    return "n/a" if value is None else f"{100 * value:.{digits}f}%"


def _count(value) -> str:
    return "n/a" if value is None else f"{int(value):,}"


def _number(value, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


_KIND_NAMES = {
    "logistic": "logistic regression (regularized, scaled inputs)",
    "forest": "random forest",
    "boosting": "gradient boosting (scikit-learn HistGradientBoostingClassifier)",
}


def model_card(bundle: ModelBundle) -> str:
    """A Markdown model card: what the model learned from, how well it did, what it leaves out.

    Parameters
    ----------
    bundle : ModelBundle

    Returns
    -------
    str
        Markdown with sections: Summary, Trained on, How well it did, Tiers, Calibration,
        Left out, Would more data help, Technical details.
    """
    metrics = bundle.metrics
    validation = metrics.get("validation", {})
    readiness = metrics.get("readiness", {})
    counts = bundle.row_counts
    plan = bundle.plan
    outcome = getattr(plan, "outcome", None)
    lines = [
        f"# Model card: {bundle.name or bundle.kind}",
        "",
        "## Summary",
        f"- Model: {_KIND_NAMES.get(bundle.kind, bundle.kind)}",
        f"- Trained: {bundle.trained_at}",
        f"- Verdict: **{readiness.get('verdict', 'n/a')}**. {readiness.get('message', '')}",
        "",
        "## Trained on",
        f"- {_count(counts.get('known_rows'))} past leads with a known outcome "
        f"({_count(counts.get('converted'))} converted, {_count(counts.get('not_converted'))} not converted).",
    ]
    if outcome is not None:
        lines.append(
            f"- Outcome column '{outcome.column}': converted = {', '.join(outcome.positive_values)}; "
            f"not converted = {', '.join(outcome.negative_values)}."
        )
    for reason, leads in (counts.get("set_aside") or {}).items():
        lines.append(f"- {_count(leads)} leads set aside: {reason}.")
    lines.append(f"- Columns used ({len(bundle.features_used)}): {', '.join(bundle.features_used)}.")
    lines += [
        "",
        "## How well it did",
        f"{bundle.notes.get('validation', '')}",
        "",
        "| Measure | Value | What it means |",
        "|---|---|---|",
        f"| ROC AUC | {_number(validation.get('roc_auc'))} | chance a converter is scored above a non-converter (0.5 = guessing) |",
        f"| Average precision | {_number(validation.get('average_precision'))} | how well converters concentrate at the top of the list |",
        f"| Lift in top 10% | {_number(validation.get('lift_top_decile'), 2)}x | the best-scored tenth converts this many times the average rate |",
        f"| Calibration error (ECE) | {_percent(validation.get('ece'))} | average gap between predicted and real conversion rate |",
        f"| Brier score | {_number(validation.get('brier'))} | squared error of the probabilities (lower is better) |",
        f"| Log loss | {_number(validation.get('log_loss'))} | penalty for confident mistakes (lower is better) |",
        "",
    ]
    leaderboard = metrics.get("leaderboard", [])
    if leaderboard:
        lines += [
            "Models compared (on validation leads inside the training part, not the holdout):",
            "",
            "| Model | ROC AUC | Log loss | Brier | Fit seconds |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {row['model']} | {_number(row.get('roc_auc'))} | {_number(row.get('log_loss'))} | "
            f"{_number(row.get('brier'))} | {_number(row.get('fit_seconds'), 1)} |"
            for row in leaderboard
        ]
        lines.append("")
    tiers = metrics.get("tiers", [])
    if tiers:
        lines += [
            "## Tiers on held-out leads",
            "",
            "| Tier | Probability | Leads | Converted | Conversion rate | Expected conversions |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {row.get('tier')} | {row.get('range', '')} | {_count(row.get('leads'))} | "
            f"{_count(row.get('converted'))} | {_percent(row.get('conversion_rate'))} | "
            f"{_number(row.get('expected_conversions'), 1)} |"
            for row in tiers
        ]
        lines.append("")
    lines += [
        "## Calibration",
        f"Calibration method: {bundle.calibration}. {bundle.notes.get('calibration', '')}",
        "",
        "## Left out, and why",
    ]
    excluded = dict(getattr(plan, "excluded", {}) or {})
    if excluded:
        lines += [f"- **{column}**: {reason}" for column, reason in excluded.items()]
    else:
        lines.append("- No columns were left out.")
    lines += [
        "",
        "## Would more data help?",
        metrics.get("learning_curve_answer", "n/a"),
        "",
        "## Technical details",
        f"- Final model: {bundle.notes.get('final_fit', '')}",
        f"- Libraries: " + ", ".join(f"{k} {v}" for k, v in bundle.versions.items()),
        f"- Content hash (sha256): {bundle.content_hash or 'not saved yet'}",
    ]
    if getattr(bundle.policy, "hot", None) is not None:
        lines.append(
            f"- Tier thresholds: Hot from {_percent(bundle.policy.hot, 0)}, Warm from "
            f"{_percent(bundle.policy.warm, 0)}, Cool from {_percent(bundle.policy.cool, 0)}."
        )
    return "\n".join(lines) + "\n"
