"""Stand-ins for a fitted classifier that answer with outputs already computed.

scikit-learn's ``CalibratedClassifierCV`` maps what its classifier answers (``decision_function``
when it has one, else ``predict_proba``). Giving it a stand-in that answers with the model's
outputs computed once lets scikit-learn's own calibration run without asking the model again:

- choosing calibration (:mod:`leadscore.model.calibration`) cross-fits five calibrators on the same
  validation leads, which asked the model ten times;
- scoring with reasons (:mod:`leadscore.explain.contributions`) has each tree model's output from the same walk
  down the trees that gave the reasons.

The stand-ins are asked about *lead numbers*: a one-column array of positions into the outputs.

Example
-------
>>> decision = model.decision_function(encoded)                       # doctest: +SKIP
>>> stand_in = answering(model, decision)                              # doctest: +SKIP
>>> calibrator.predict_proba(lead_numbers(len(decision)))             # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

__all__ = ["answering", "lead_numbers", "response"]


def response(model, X) -> np.ndarray:
    """What a calibrator reads from ``model`` for these leads: ``decision_function`` when the
    model has one, else the converted column of ``predict_proba`` (scikit-learn's order)."""
    if hasattr(model, "decision_function"):
        return np.asarray(model.decision_function(X), dtype=float).ravel()
    return np.asarray(model.predict_proba(X), dtype=float)[:, -1]


def lead_numbers(n: int) -> np.ndarray:
    """The leads ``0 .. n-1`` as the one-column array a stand-in is asked about."""
    return np.arange(n).reshape(-1, 1)


class _Decisions(ClassifierMixin, BaseEstimator):
    """Answers like a model with ``decision_function`` (log-odds: boosting, logistic regression)."""

    def __init__(self, classes, output):
        self.classes, self.output = classes, output
        self.classes_ = classes

    def fit(self, X, y=None):  # already answered: nothing to learn
        return self

    def decision_function(self, X):
        return self.output[np.asarray(X)[:, 0].astype(np.intp)]

    def predict(self, X):
        return self.classes_[(self.decision_function(X) > 0).astype(int)]


class _Shares(ClassifierMixin, BaseEstimator):
    """Answers like a model with ``predict_proba`` only (a forest's share of converters)."""

    def __init__(self, classes, output):
        self.classes, self.output = classes, output
        self.classes_ = classes

    def fit(self, X, y=None):  # already answered: nothing to learn
        return self

    def predict_proba(self, X):
        chosen = self.output[np.asarray(X)[:, 0].astype(np.intp)]
        return np.column_stack([1.0 - chosen, chosen])

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def answering(model, output: np.ndarray):
    """A stand-in for ``model`` answering lead ``i`` with ``output[i]``, by the method a
    calibrator would ask the model (see :func:`response`)."""
    kind = _Decisions if hasattr(model, "decision_function") else _Shares
    return kind(model.classes_, np.asarray(output, dtype=float))
