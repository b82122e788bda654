"""What the cells of a table mean before its columns get a kind.

Which texts are blank cells (as pandas reads them from a CSV), which rows are blank, and how much
of a column must agree before it is read as numbers or dates (``NEARLY_ALL`` of its non-blank
values, judged on up to ``DETECTION_SAMPLE`` of them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["NEARLY_ALL", "DETECTION_SAMPLE", "MISSING_TEXT", "NAN_SPELLINGS", "blank_text", "blank_rows"]

# "Nearly all" non-blank values must parse before a text column is turned into numbers or dates,
# so that a few typos ("n/a", "call back") do not keep a column of numbers as text.
NEARLY_ALL = 0.95
# Kind detection only needs a sample; the conversion itself runs on the full column.
DETECTION_SAMPLE = 20_000

# Text pandas reads as a blank cell (its defaults, minus the spellings of "not a number": those
# are counted as unreadable in a column of numbers, and become blank in other columns).
MISSING_TEXT = ("", "#N/A", "#N/A N/A", "#NA", "<NA>", "N/A", "NA", "NULL", "None", "n/a", "null")
NAN_SPELLINGS = ("NaN", "nan", "-NaN", "-nan", "1.#IND", "1.#QNAN", "-1.#IND", "-1.#QNAN")


def blank_text(values: pd.Series) -> np.ndarray:
    """Which values are missing or text made only of spaces."""
    blank = values.isna().to_numpy(dtype=bool)
    if blank.all() or not (pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)):
        return blank
    # Judge each distinct value once: columns repeat their values, and this runs on every column.
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    spaces = np.array([isinstance(v, str) and not v.strip() for v in uniques] + [True], dtype=bool)
    return spaces[codes]  # code -1 (missing) picks the last entry


def blank_rows(df: pd.DataFrame) -> np.ndarray:
    """Rows where every cell is missing or only spaces, checked column by column on the rest."""
    blank = np.ones(len(df), dtype=bool)
    for position in range(df.shape[1]):
        rows = np.flatnonzero(blank)
        if len(rows) == 0:
            break
        blank[rows] = blank_text(df.iloc[rows, position])
    return blank
