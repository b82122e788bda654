"""The one error type for problems with the user's input.

Anything the user can fix (a bad file, an unmapped outcome, a missing column) is raised as
:class:`LeadScoreInputError` with a message a marketer understands and what to do next. The app
shows the message with ``st.error`` and the CLI prints ``error: <message>`` and exits with code 2;
neither shows a traceback.
"""

from __future__ import annotations

__all__ = ["LeadScoreInputError"]


class LeadScoreInputError(ValueError):
    """A problem with the user's data or choices, explained in plain words.

    Parameters
    ----------
    message : str
        What is wrong and what to do next, e.g. "The file is empty. Export your leads again,
        with a header row and at least one lead."

    Example
    -------
    >>> raise LeadScoreInputError("The file is empty. Export your leads again.")
    Traceback (most recent call last):
    ...
    leadscore.errors.LeadScoreInputError: The file is empty. Export your leads again.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
