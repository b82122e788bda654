"""The encode step: cleaned columns to the model's features in one C-ordered float array."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from leadscore.model._category_encoder import CategoryEncoder
from leadscore._parallel import THREADS, each
from leadscore.model._text_features import TextFeatures, write_sparse
from leadscore.errors import LeadScoreInputError

__all__ = ["LeadEncoder"]


class LeadEncoder(TransformerMixin, BaseEstimator):
    """Cleaned columns to the model's features: one C-ordered float array, every column named.

    Numbers first (scaled by ``number_step`` when given, else as they are), then one-hot
    categories (:class:`CategoryEncoder`), then word features per free-text column
    (:class:`TextFeatures`). What scikit-learn's ``ColumnTransformer`` with these blocks returns,
    but each block writes straight into one array allocated once: ``ColumnTransformer`` builds
    every block and then copies them side by side, so a million leads needed their features
    twice in memory (2.6 GB instead of 1.3 GB) and paid for both.

    Parameters
    ----------
    numbers, categories, text : sequence of str
        Cleaned columns of each kind.
    number_step : sklearn transformer, optional
        Fitted on the number columns (e.g. ``StandardScaler()``); None passes them through.

    Attributes
    ----------
    number_step_ : fitted transformer or None
    categories_ : CategoryEncoder or None
    text_ : list of TextFeatures
    feature_sources_ : list of str
        Per output column, the cleaned column it comes from.
    """

    def __init__(self, numbers=(), categories=(), text=(), number_step=None):
        self.numbers = numbers
        self.categories = categories
        self.text = text
        self.number_step = number_step

    def _check(self, X) -> None:
        if not isinstance(X, pd.DataFrame):
            raise LeadScoreInputError("The encoder reads the cleaner's table; clean the leads with LeadCleaner first.")
        absent = [c for c in [*self.numbers, *self.categories, *self.text] if c not in X.columns]
        if absent:
            raise LeadScoreInputError(f"The cleaned leads lack these columns: {', '.join(map(str, absent))}.")

    def fit(self, X, y=None):
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        from sklearn.base import clone

        self._check(X)
        self.number_step_ = None if self.number_step is None else clone(self.number_step)
        self.categories_ = CategoryEncoder() if self.categories else None
        self.text_ = [TextFeatures(column=name) for name in self.text]
        numbers, positions, words = self._blocks(X, fit=True)
        self.feature_names_in_ = np.asarray([*self.numbers, *self.categories, *self.text], dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        self.feature_sources_ = [
            *self.numbers,
            *(self.categories_.feature_sources_ if self.categories_ else []),
            *(name for block, name in zip(self.text_, self.text) for _ in block.words_),
        ]
        return self._assemble(len(X), numbers, positions, words)

    def transform(self, X):
        check_is_fitted(self, "feature_sources_")
        self._check(X)
        return self._assemble(len(X), *self._blocks(X, fit=False))

    def _blocks(self, X: pd.DataFrame, fit: bool) -> list:
        """Numbers, each lead's category columns and the word matrices, built at once (see leadscore._parallel)."""

        def positions():
            if self.categories_ is None:
                return None
            read = self.categories_._fit_positions if fit else self.categories_._positions
            return read(X, list(self.categories))

        def words():
            return [(block._fit_sparse if fit else block._sparse)(X[name]) for block, name in zip(self.text_, self.text)]

        return each(lambda block: block(), [partial(self._numbers, X, fit=fit), positions, words], len(X))

    def _numbers(self, X: pd.DataFrame, fit: bool) -> np.ndarray | None:
        """The number columns as floats, through ``number_step_`` when there is one."""
        if not self.numbers:
            return None
        numbers = X[list(self.numbers)].to_numpy(dtype="float64")
        if self.number_step_ is None:
            return numbers
        return self.number_step_.fit_transform(numbers) if fit else self.number_step_.transform(numbers)

    def _assemble(self, rows: int, numbers, positions, words) -> np.ndarray:
        """The one output array, each block written into its columns.

        Large tables are written in row ranges on a few threads. The first write to a page of new
        memory makes the kernel (in a virtual machine, also its host) map it, which at a million
        leads took longer than the writing itself; shared out, it takes a fraction as long.
        """
        out = np.zeros((rows, len(self.feature_sources_)), dtype=np.float64)
        words = [matrix.tocsr() for matrix in words]

        def write(bounds: tuple[int, int]) -> None:
            first, last = bounds
            part, start = out[first:last], 0  # a row range of a C array is itself C-ordered
            if numbers is not None:
                part[:, : numbers.shape[1]] = numbers[first:last]
                start = numbers.shape[1]
            if positions is not None:
                self.categories_._write([column[first:last] for column in positions], part, start)
                start += self.categories_.width_
            for matrix in words:
                write_sparse(matrix[first:last], part, start)
                start += matrix.shape[1]

        bounds = np.linspace(0, rows, THREADS + 1).astype(int)
        each(write, zip(bounds[:-1], bounds[1:]), rows)
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "feature_sources_")
        names = [*self.numbers]
        if self.categories_ is not None:
            names += list(self.categories_.get_feature_names_out())
        for block in self.text_:
            names += list(block.get_feature_names_out())
        return np.asarray(names, dtype=object)

