"""One scikit-learn pipeline per model: clean, encode, model (possibly calibrated).

Preprocessing and model travel together, so scoring a new lead applies exactly what training
applied. :func:`feature_sources` names the user's column behind every encoded feature (so SHAP
values group back to it) and :func:`base_estimator` unwraps a calibrated model for SHAP.
"""

from __future__ import annotations

from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.utils.validation import check_is_fitted

from leadscore.model._lead_encoder import LeadEncoder
from leadscore.clean.cleaner import LeadCleaner
from leadscore.errors import LeadScoreInputError
from leadscore.model.estimators import MODEL_KINDS
from leadscore.clean.plan import CleaningPlan, cleaned_columns

__all__ = ["build_pipeline", "feature_sources", "base_estimator"]


def build_pipeline(plan: CleaningPlan, model_kind: str, estimator):
    """The full pipeline: clean, encode, model.

    Parameters
    ----------
    plan : CleaningPlan
    model_kind : str
        "logistic" (blanks filled, numbers scaled, categories one-hot), "forest" or "boosting"
        (numbers as they are, blanks left where the plan says "model", categories one-hot).
    estimator : sklearn classifier
        The model step (fitted later by ``Pipeline.fit``).

    Returns
    -------
    sklearn.pipeline.Pipeline
        ``[("clean", LeadCleaner(plan)), ("encode", LeadEncoder), ("model", estimator)]``.
        ``pipeline[:-1].transform(leads)`` is a C-ordered float array (the layout
        scikit-learn's models work in, so they do not copy it) whose columns are named by
        ``pipeline[:-1].get_feature_names_out()`` ("source = LinkedIn", "needs: demo").
    """
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import StandardScaler

    if model_kind not in MODEL_KINDS:
        raise LeadScoreInputError(
            f"'{model_kind}' is not a model LeadScore knows. Choose one of: {', '.join(MODEL_KINDS)}."
        )
    columns = cleaned_columns(plan)
    if not any(columns.values()):
        raise LeadScoreInputError(
            "Every column is left out, so there is nothing to learn from. Keep at least one column."
        )
    number_step = None
    if columns["number"] and model_kind == "logistic":
        # The cleaner fills blanks unless the plan leaves them "to the model"; logistic
        # regression cannot take blanks, so those get the median here. (A median imputer
        # on columns with nothing to fill still costs as long as the scaling.)
        left_blank = [c for c in columns["number"] if plan.missing.get(c) == "model"]
        number_step = StandardScaler()
        if left_blank:
            number_step = make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True), number_step)
    encode = LeadEncoder(
        numbers=tuple(columns["number"]),
        categories=tuple(columns["category"]),
        text=tuple(columns["text"]),
        number_step=number_step,
    )
    return Pipeline([("clean", LeadCleaner(plan)), ("encode", encode), ("model", estimator)])


def feature_sources(pipeline) -> list[str]:
    """For every encoded feature, the cleaned column it came from.

    Lets SHAP values be summed back to the user's own columns ("source = LinkedIn" and
    "source = Email" both come from "source").

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        A fitted pipeline from :func:`build_pipeline` (calibrated or not).

    Returns
    -------
    list of str
        Same length and order as ``pipeline[:-1].get_feature_names_out()``.
    """
    encode = pipeline.named_steps["encode"]
    check_is_fitted(encode, "feature_sources_")
    return list(encode.feature_sources_)



def base_estimator(pipeline):
    """The fitted model inside a pipeline, with any calibration wrapper removed (for SHAP).

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        A fitted pipeline from :func:`build_pipeline` (last step "model", maybe calibrated).

    Returns
    -------
    The fitted LogisticRegression, RandomForestClassifier or HistGradientBoostingClassifier.
    """
    model = pipeline.steps[-1][1]
    if isinstance(model, CalibratedClassifierCV):
        model = model.calibrated_classifiers_[0].estimator
    if isinstance(model, FrozenEstimator):
        model = model.estimator
    return model
