"""What a column's name says about when it is filled in (evidence for the leakage guard).

Whole words are compared in snake_case, camelCase or plain names, never a list of known column
names: "final deal size" is recorded after the sale, "lead rating" after the first call, "last
activity" on the day of the export. Names of what is known when a lead arrives (where it came
from, the answers it gave on a form) never count against a column.

Example
-------
>>> name_evidence("Lead Rating"), name_evidence("Lead Source"), name_evidence("What is your current role?")
({'after_contact_hint': 'a rating'}, {}, {})
"""

from __future__ import annotations

import re

__all__ = ["name_evidence", "post_outcome_name_hint", "is_question", "ARRIVAL_WORDS"]

# Word sequences in a column name that denote a fact known only after the outcome.
_POST_OUTCOME_NAMES: dict[tuple[str, ...], str] = {
    ("deal", "size"): "deal size",
    ("deal", "value"): "deal value",
    ("deal", "amount"): "deal amount",
    ("sale", "amount"): "sale amount",
    ("sales", "amount"): "sale amount",
    ("order", "value"): "order value",
    ("contract", "value"): "contract value",
    ("amount", "paid"): "amount paid",
    ("lifetime", "value"): "lifetime value",
    ("ltv",): "lifetime value",
    ("revenue",): "revenue",
    ("won",): "won date or amount",
    ("lost",): "lost date or reason",
    ("closed",): "close date or result",
    ("close",): "close date or reason",
    ("closing",): "closing date or result",
    ("stage",): "pipeline stage",
    ("status",): "status",
    ("outcome",): "outcome",
    ("result",): "result",
    ("duration",): "duration of a call or meeting",
    ("call", "length"): "call length",
    ("talk", "time"): "talk time",
    ("churn",): "churn",
    ("churned",): "churn",
    ("cancelled",): "cancellation",
    ("canceled",): "cancellation",
    ("cancellation",): "cancellation",
    ("refund",): "refund",
    ("refunded",): "refund",
    ("invoice",): "invoice",
    ("invoiced",): "invoice",
    ("payment",): "payment",
    ("purchase",): "purchase",
    ("purchased",): "purchase",
    ("signed",): "signature",
    ("contract",): "contract",
    ("subscription",): "subscription",
    ("converted",): "conversion",
    ("conversion",): "conversion",
    ("final",): "final figure",
}

# Words for what a sales team fills in after talking to a lead, as shown in a sentence.
_AFTER_CONTACT_NAMES: dict[tuple[str, ...], str] = {
    ("rating",): "a rating",
    ("rated",): "a rating",
    ("quality",): "a quality judgement",
    ("grade",): "a grade",
    ("score",): "a score",
    ("scoring",): "a score",
    ("tag",): "a tag",
    ("tags",): "tags",
    ("owner",): "an owner",
    ("assigned",): "an assignment to a rep",
    ("reason",): "a reason",
    ("notes",): "notes",
    ("note",): "a note",
    ("comment",): "a comment",
    ("comments",): "comments",
    ("disposition",): "a call result",
}

# Words that make a column describe the lead on the day of the export, not on arrival.
_SNAPSHOT_WORDS = ("last", "latest", "current", "updated", "modified")
# "last name" is a person's name (personal data), not the lead's latest state.
_NAME_WORDS = ("name", "names")

# Words for where a lead came from: known the moment it arrives, whatever else the name says
# ("Lead Source", "utm_campaign", "Referrer", "Last touch channel").
ARRIVAL_WORDS = frozenset({"source", "sources", "origin", "channel", "campaign", "campaigns", "referrer", "referral", "utm", "medium"})
# First words of a form or chatbot question ("What is your current occupation?", "How did you
# hear about us"): the lead's own answer, given when it arrived.
_QUESTION_WORDS = frozenset({"what", "how", "which", "why", "where", "when", "who", "do", "does", "did", "are", "is", "have", "would", "will", "can"})
# For a number, the hints that read as a date or a reason say what figure it is instead.
_NUMBER_HINTS = {
    "won date or amount": "an amount won",
    "lost date or reason": "an amount lost",
    "close date or reason": "a figure recorded at close",
    "close date or result": "a figure recorded at close",
    "closing date or result": "a figure recorded at closing",
}
_DATE_HINTS = {
    "won date or amount": "the date it was won",
    "lost date or reason": "the date it was lost",
    "close date or reason": "a close date",
    "close date or result": "a close date",
    "closing date or result": "a closing date",
}


def _name_words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(name))
    return re.findall(r"[a-z0-9]+", spaced.lower())


def _find_phrase(words: list[str], phrases: dict[tuple[str, ...], str]) -> str | None:
    """The hint for the longest phrase found as whole words in ``words``, if any."""
    for phrase in sorted(phrases, key=len, reverse=True):
        n = len(phrase)
        if any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1)):
            return phrases[phrase]
    return None


def post_outcome_name_hint(name: str) -> str | None:
    """Say which after-the-outcome fact a column name denotes, if any.

    Whole words are compared, so "poutcome" (previous outcome) or "closeness" do not match.

    Parameters
    ----------
    name : str
        A column name such as "Final Deal Size" or "dealStage".

    Returns
    -------
    str or None
        Plain words such as "deal size", or ``None``.

    Example
    -------
    >>> post_outcome_name_hint("final_deal_size"), post_outcome_name_hint("lead_source")
    ('deal size', None)
    """
    return _find_phrase(_name_words(name), _POST_OUTCOME_NAMES)


def _snapshot_word(words: list[str]) -> str | None:
    for i, word in enumerate(words):
        neighbours = words[max(i - 1, 0) : i] + words[i + 1 : i + 2]
        if word in _SNAPSHOT_WORDS and not (word == "last" and set(neighbours) & set(_NAME_WORDS)):
            return word
    return None


def is_question(name: str) -> bool:
    """Whether a column name is a question put to the lead (a form or chatbot field).

    Example
    -------
    >>> is_question("What is your current occupation"), is_question("How did you hear about us?"), is_question("Last activity")
    (True, True, False)
    """
    text = str(name).strip()
    words = _name_words(text)
    return text.endswith("?") or (len(words) >= 3 and words[0] in _QUESTION_WORDS)


def name_evidence(name: str, kind: str | None = None) -> dict[str, str]:
    """What a column's name alone suggests about when it is filled in.

    Whole words are compared in snake_case, camelCase or plain names, so "scoreboard",
    "poutcome", "closeness" and "lastname" match nothing, and "last_name" (a person's name)
    is not taken for "last ...". A fact known after the outcome wins over the weaker hints.

    Where the lead came from (source, origin, channel, campaign, referrer) and questions put
    to the lead ("What is your current role?") are known on arrival: their names suggest
    nothing, except a snapshot word beside a source ("Latest campaign" is the export day's).

    Parameters
    ----------
    name : str
        A column name such as "Lead Rating", "lastActivityDate" or "final_deal_size".
    kind : str, optional
        The column's kind ("number", "date", ...): a number named "close value" is "a figure
        recorded at close", not "close date or reason".

    Returns
    -------
    dict
        One of ``{"name_hint": "deal size"}`` (known only after the outcome),
        ``{"after_contact_hint": "a rating"}`` (a rep's judgement after contact),
        ``{"snapshot_hint": "last"}`` (the lead's state on the day of the export), or ``{}``.

    Example
    -------
    >>> name_evidence("Lead Rating"), name_evidence("lastActivityDate"), name_evidence("last_name")
    ({'after_contact_hint': 'a rating'}, {'snapshot_hint': 'last'}, {})
    """
    words = _name_words(name)
    if is_question(name):
        return {}
    snapshot = _snapshot_word(words)
    if set(words) & ARRIVAL_WORDS:
        # Where the lead came from is known on arrival; only "latest campaign" and the like
        # (the lead's state on the export day) still say otherwise.
        return {"snapshot_hint": snapshot} if snapshot else {}
    post_outcome = _find_phrase(words, _POST_OUTCOME_NAMES)
    if post_outcome:
        if kind == "number":
            post_outcome = _NUMBER_HINTS.get(post_outcome, post_outcome)
        elif kind == "date":
            post_outcome = _DATE_HINTS.get(post_outcome, post_outcome)
        return {"name_hint": post_outcome}
    after_contact = _find_phrase(words, _AFTER_CONTACT_NAMES)
    if after_contact:
        return {"after_contact_hint": after_contact}
    snapshot = _snapshot_word(words)
    return {"snapshot_hint": snapshot} if snapshot else {}

