"""The verdicts on a trained model, in words: is it ready, and would more data help?

A careful analyst's reading of the holdout figures. Two guards keep it honest on real exports:
a holdout ROC AUC of 0.98 or more is never "ready" on its own word (lead scoring on honest data
does not get that good: a column almost certainly gives the answer away), and when columns the
leakage guard warned about are kept, the verdict rests on the figure *without* them.

Example
-------
>>> judge_readiness({"roc_auc": 0.99, "ece": 0.01, "lift_top_decile": 9.0, "rows": 900}, 90, 400,
...                 doing_the_work=["amount_spent"])["verdict"]
'suspicious'
"""

from __future__ import annotations

import math

import pandas as pd

from leadscore.labels import rate_text

__all__ = ["VERDICTS", "SUSPICIOUS_AUC", "judge_readiness", "learning_curve_answer", "honest_range_sentence"]

VERDICTS = ("ready", "usable with caution", "not ready", "suspicious")
# Holdout ROC AUC from which a lead model is too good to be true.
SUSPICIOUS_AUC = 0.98


def _names(columns) -> str:
    quoted = [f"'{c}'" for c in columns]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def honest_range_sentence(with_auc: float, without: dict) -> str:
    """"With 'Lead rating' the model ranks leads at 0.95; without it, 0.87. ..." in plain words.

    Parameters
    ----------
    with_auc : float
        Holdout ROC AUC of the model that uses the warned columns.
    without : dict
        ``roc_auc`` and ``columns`` of the same recipe trained without them.
    """
    columns = list(without["columns"])
    them = "it" if len(columns) == 1 else "them"
    these = "this column" if len(columns) == 1 else "these columns"
    return (
        f"With {_names(columns)} the model ranks leads at {with_auc:.2f} (ROC AUC); without {them}, "
        f"{without['roc_auc']:.2f}. If your team fills in {these} after talking to a lead, expect "
        f"{without['roc_auc']:.2f}."
    )


def judge_readiness(
    metrics: dict,
    holdout_converted: int,
    known_converted: int,
    *,
    without_warned: dict | None = None,
    doing_the_work=(),
) -> dict:
    """The verdict on a model's holdout figures: ready / usable with caution / not ready / suspicious.

    Parameters
    ----------
    metrics : dict
        ``holdout_metrics`` of the model as trained (``roc_auc``, ``ece``, ``lift_top_decile``, ``rows``).
    holdout_converted, known_converted : int
        Converted leads among the held-out leads, and among all known leads.
    without_warned : dict, optional
        ``roc_auc``, ``average_precision``, ``lift_top_decile``, ``ece``, ``columns``: the same
        recipe trained without the columns the leakage guard warned about. When given, the
        verdict rests on these figures and says so.
    doing_the_work : sequence of str
        The columns that alone predict the outcome best, named when the figure is suspicious.

    Returns
    -------
    dict
        ``verdict`` (one of :data:`VERDICTS`), ``message`` (plain words) and ``rests_on``
        ("as trained" or "without warned columns").
    """
    auc = metrics.get("roc_auc")
    if auc is not None and not math.isnan(auc) and auc >= SUSPICIOUS_AUC:
        named = f" The columns doing the work: {_names(list(doing_the_work)[:3])}." if doing_the_work else ""
        return {
            "verdict": "suspicious",
            "rests_on": "as trained",
            "message": (
                f"On held-out leads the model ranked leads almost perfectly (ROC AUC {auc:.3f}). Lead "
                "scoring on honest data does not get this good: a column almost certainly records "
                f"something known only after the outcome.{named} For each, ask yourself: is it known "
                "when a new lead arrives? Leave out those that are not and train again; until then, "
                "do not trust these scores."
            ),
        }
    if without_warned is not None and without_warned.get("roc_auc") is not None:
        honest = {**metrics, **{k: v for k, v in without_warned.items() if k in metrics}}
        verdict = _verdict(honest, holdout_converted, known_converted)
        verdict["message"] = (
            f"This verdict rests on the model without {_names(without_warned['columns'])}, the figure "
            f"to expect if your team fills {'it' if len(without_warned['columns']) == 1 else 'them'} in after talking "
            "to a lead. " + verdict["message"]
        )
        verdict["rests_on"] = "without warned columns"
        return verdict
    verdict = _verdict(metrics, holdout_converted, known_converted)
    verdict["rests_on"] = "as trained"
    return verdict


def _verdict(metrics: dict, holdout_converted: int, known_converted: int) -> dict:
    """A careful analyst's verdict on the holdout figures: ready / usable with caution / not ready."""
    auc, ece, lift = metrics["roc_auc"], metrics["ece"], metrics["lift_top_decile"]
    if auc is None or (isinstance(auc, float) and math.isnan(auc)) or holdout_converted < 10:
        return {
            "verdict": "not ready",
            "message": (
                f"Only {holdout_converted:,} of the held-out leads converted, too few to tell whether "
                "the model works. Collect more leads with a known outcome (at least a few hundred "
                "conversions) and train again before relying on the scores."
            ),
        }
    summary = (
        f"On {metrics['rows']:,} held-out leads it had not seen, ROC AUC was {auc:.2f}, "
        f"the top 10% converted at {lift:.1f}x the average rate, and predicted probabilities "
        f"were off by {rate_text(ece)} on average."
    )
    if auc < 0.60 or lift < 1.3:
        return {
            "verdict": "not ready",
            "message": (
                f"{summary} That is barely better than picking leads at random. Don't prioritise "
                "with these scores yet: add columns that describe each lead's interest (source, "
                "pages viewed, budget, timeline...) or collect more outcomes, then train again."
            ),
        }
    cautions = []
    interval = metrics.get("roc_auc_interval")
    if interval and interval[0] < 0.70 <= auc:
        cautions.append(
            f"on this few held-out leads its ROC AUC could be as low as {interval[0]:.2f} "
            f"(most likely between {interval[0]:.2f} and {interval[1]:.2f})"
        )
    if auc < 0.70:
        cautions.append("it separates converters from the rest only moderately")
    if ece > 0.05:
        cautions.append("its probabilities are noticeably off, so tier rates are approximate")
    if holdout_converted < 50:
        cautions.append(f"only {holdout_converted:,} held-out leads converted, so these figures are rough")
    if known_converted < 200:
        cautions.append(f"it learned from only {known_converted:,} conversions")
    if cautions:
        return {
            "verdict": "usable with caution",
            "message": (
                f"{summary} Use it to order your call list, but " + "; ".join(cautions)
                + ". Check its tiers against real results after a few weeks and retrain as outcomes come in."
            ),
        }
    return {
        "verdict": "ready",
        "message": (
            f"{summary} Use the tiers to decide whom to call first, and retrain every few months so "
            "it keeps up with your newest leads."
        ),
    }


def learning_curve_answer(curve: pd.DataFrame) -> str:
    """Would more data help? From the last step of the learning curve."""
    scores = curve.dropna(subset=["roc_auc"])
    if len(scores) < 2:
        return "Not enough held-out conversions to tell whether more leads would help."
    last, before, first = scores.iloc[-1], scores.iloc[-2], scores.iloc[0]
    gain = last["roc_auc"] - before["roc_auc"]
    total = last["roc_auc"] - first["roc_auc"]
    if gain >= 0.01:
        return (
            f"Probably yes: going from {int(before['training_rows']):,} to {int(last['training_rows']):,} "
            f"training leads raised ROC AUC by {gain:.3f}, and it is still climbing. Keep recording "
            "outcomes and retrain when you have more."
        )
    if gain <= 0.003 and total <= 0.02:
        return (
            f"Probably not much: ROC AUC hardly changed from {int(first['training_rows']):,} to "
            f"{int(last['training_rows']):,} training leads ({first['roc_auc']:.3f} to {last['roc_auc']:.3f}). "
            "New information about each lead (more columns) would help more than more rows."
        )
    return (
        f"A little: ROC AUC went from {first['roc_auc']:.3f} with {int(first['training_rows']):,} to "
        f"{last['roc_auc']:.3f} with {int(last['training_rows']):,} training leads and is leveling "
        "off. More leads will help slowly; more informative columns may help more."
    )
