"""The three model kinds LeadScore trains, each sized for the number of leads.

No class rebalancing anywhere (no ``class_weight``, no resampling): the probabilities must stay
true conversion rates.
"""

from __future__ import annotations

from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression

from leadscore._parallel import usable_cores

__all__ = ["MODEL_KINDS", "MODEL_NAMES", "make_estimator", "PARALLEL_MIN_ROWS"]

# Simplest first: on a near-tie the earlier one wins.
MODEL_KINDS = ("logistic", "forest", "boosting")
MODEL_NAMES = {"logistic": "logistic regression", "forest": "random forest", "boosting": "gradient boosting"}
# Forests above this many leads draw this many per tree, to bound time and tree size.
FOREST_MAX_SAMPLES = 100_000
# Below this many leads, models train single-threaded (threads cost more than they save).
PARALLEL_MIN_ROWS = 20000


def make_estimator(kind: str, n_rows: int, random_state: int = 0, n_jobs: int | None = None):
    """A fresh, unfitted scikit-learn classifier for one model kind, sized for ``n_rows`` leads.

    Forest trees are bounded (depth 10, leaves of at least 20 leads) so that training stays quick
    and SHAP explains them in seconds.

    Parameters
    ----------
    kind : str
        "logistic", "forest" or "boosting".
    n_rows : int
        How many leads it will be fit on.
    random_state : int
    n_jobs : int, optional
        Threads a forest builds its trees on (it gives the same trees on any number); by default
        the machine's usable cores from :data:`PARALLEL_MIN_ROWS` leads, else 1. A caller that
        runs several fits at once passes 1.

    Returns
    -------
    sklearn classifier

    Raises
    ------
    ValueError
        An unknown kind (callers check the user's choice first).
    """
    if kind == "logistic":
        # L2-regularised; the encoder scales numbers, so one C suits every column.
        return LogisticRegression(C=1.0, max_iter=2000)
    if kind == "forest":
        max_samples = None if n_rows <= FOREST_MAX_SAMPLES else FOREST_MAX_SAMPLES / n_rows
        return RandomForestClassifier(
            n_estimators=150,
            max_depth=10,
            min_samples_leaf=20,
            # A third of the features per split: "sqrt" starves trees of the few strong columns.
            max_features=0.33,
            max_samples=max_samples,
            n_jobs=n_jobs if n_jobs is not None else usable_cores() if n_rows >= PARALLEL_MIN_ROWS else 1,
            random_state=random_state,
        )
    if kind == "boosting":
        # Early stopping watches a random 10% of the leads; below 10k leads that slice is too
        # noisy to stop on, so a fixed, modest number of small trees is steadier.
        large = n_rows >= 10_000
        return HistGradientBoostingClassifier(
            # Plenty of leads: a faster rate reaches the same loss in half the trees.
            learning_rate=0.1 if n_rows >= PARALLEL_MIN_ROWS else 0.05,
            max_iter=1000 if large else 150,
            max_leaf_nodes=8,
            min_samples_leaf=40,
            l2_regularization=1.0,
            early_stopping=large,
            validation_fraction=0.1,
            n_iter_no_change=20,
            random_state=random_state,
        )
    raise ValueError(f"unknown model kind {kind!r}; choose one of {', '.join(MODEL_KINDS)}")
