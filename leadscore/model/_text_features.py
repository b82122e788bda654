"""Word features for free-text answers: TF-IDF over each column's most frequent words.

What scikit-learn's ``TfidfVectorizer(max_features=20, stop_words="english", min_df=2)`` gives
(``tests/test_text_features.py`` compares them), but the words are counted once per distinct
answer with pyarrow's string kernels: exports repeat answers a lot ("Need a demo"), and the
per-answer Python loop of scikit-learn's tokenizer cost as much as fitting the logistic
regression itself (``benchmarks/bench_train.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from leadscore.clean.cleaner import text_answers
from leadscore.clean.plan import TEXT_WORDS

__all__ = ["TextFeatures", "write_sparse"]



# scikit-learn's default token: a run of two or more word characters (letters, digits, "_").
_WORD_SEPARATORS = r"[^\pL\pN_]+"


def _word_counts(answers: np.ndarray, vocabulary: list[str] | None = None):
    """How often each word occurs in each answer, as ``CountVectorizer(stop_words="english")``.

    Splitting and counting run in pyarrow's vectorized string kernels rather than a Python loop
    per answer: less than half the time of scikit-learn's own counting (0.07 s against 0.15 s
    for 32k distinct answers). Words are runs of two or more letters, digits or "_" after
    Python's ``lower()``, as scikit-learn's default ``token_pattern``; ``tests/test_text_features.py``
    checks that the words and the TF-IDF values built on them equal ``TfidfVectorizer``'s, on
    accented, Greek, Turkish, Arabic and Chinese text too. (pyarrow's regular expressions know
    letters added to Unicode after this Python's tables, so a script newer than Unicode 14 may
    be split where Python would not.)

    Parameters
    ----------
    answers : ndarray of str
    vocabulary : list of str, optional
        Count only these words (sorted); by default every word found, sorted.

    Returns
    -------
    (scipy.sparse.csr_matrix, list of str)
        Answers x words counts, and the words.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    from scipy import sparse
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    def utf8(strings) -> pa.Array:
        # Lone surrogates (only from text built in Python, never from a read file) cannot be UTF-8.
        try:
            return pa.array(strings, type=pa.large_string())
        except UnicodeEncodeError:
            return pa.array([a.encode("utf-8", "replace").decode("utf-8") for a in strings], type=pa.large_string())

    # Lower case as Python's lower(), which scikit-learn uses: on ASCII answers that is
    # pyarrow's ascii_lower; other answers go through Python (pyarrow's utf8_lower differs on
    # "İ" and a final "Σ").
    answers = np.asarray(answers, dtype=object)
    lowered = pc.ascii_lower(utf8(answers))
    other = np.flatnonzero(~pc.string_is_ascii(lowered).to_numpy(zero_copy_only=False))
    if len(other):
        mask = np.zeros(len(answers), dtype=bool)
        mask[other] = True
        lowered = pc.replace_with_mask(lowered, pa.array(mask), utf8([answers[i].lower() for i in other]))
    # Whitespace always separates words, so the answers are cut at ASCII whitespace first (a fast
    # kernel; other separators stay inside pieces) and the regular expression then runs once per
    # distinct piece ("customers," "demo."): same words in the same order, in a third of the time.
    pieces = pc.ascii_split_whitespace(lowered)
    piece_rows = pc.list_parent_indices(pieces).to_numpy(zero_copy_only=False)
    encoded = pc.dictionary_encode(pc.list_flatten(pieces))
    piece_ids = encoded.indices.to_numpy(zero_copy_only=False)
    per_piece = pc.split_pattern_regex(encoded.dictionary, _WORD_SEPARATORS)
    words = pc.list_flatten(per_piece)
    owner = pc.list_parent_indices(per_piece)
    stop = pa.array(sorted(ENGLISH_STOP_WORDS), type=pa.large_string())
    keep = pc.and_(pc.greater_equal(pc.utf8_length(words), 2), pc.invert(pc.is_in(words, value_set=stop)))
    words, owner = words.filter(keep), owner.filter(keep).to_numpy(zero_copy_only=False)
    if vocabulary is None:
        found = pc.unique(words)
        vocabulary = found.take(pc.sort_indices(found)).to_pylist()
    # Each distinct piece's words as vocabulary columns (-1: not counted), then spread over
    # every piece of every answer as numbers: piece k's words are at first[k]:first[k] + count[k].
    word_columns = pc.index_in(words, value_set=pa.array(vocabulary, type=pa.large_string()))
    word_columns = word_columns.fill_null(-1).to_numpy(zero_copy_only=False)
    count = np.bincount(owner, minlength=len(encoded.dictionary))
    first = np.cumsum(count) - count
    per_lead_piece = count[piece_ids]
    rows = np.repeat(piece_rows, per_lead_piece)
    starts = np.repeat(first[piece_ids] - (np.cumsum(per_lead_piece) - per_lead_piece), per_lead_piece)
    columns = word_columns[starts + np.arange(len(rows))]
    known = columns >= 0
    rows, columns = rows[known], columns[known]
    counts = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, columns)), shape=(len(answers), len(vocabulary))
    )
    counts.sum_duplicates()
    return counts, list(vocabulary)


def write_sparse(matrix, out: np.ndarray, start: int) -> None:
    """Write a (leads x k) sparse matrix into ``out[:, start:start + k]`` (``out`` zeroed, C order)."""
    matrix = matrix.tocsr()
    rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
    out.reshape(-1)[rows * out.shape[1] + (start + matrix.indices)] = matrix.data


class TextFeatures(TransformerMixin, BaseEstimator):
    """Word features for one free-text column: TF-IDF over its most frequent words.

    The same features as scikit-learn's ``TfidfVectorizer(max_features=max_words,
    stop_words="english", min_df=2)``: the words are counted by :func:`_word_counts` once per
    distinct answer (exports repeat answers a lot: "Need a demo"), then weighted by
    scikit-learn's ``TfidfTransformer``.

    Parameters
    ----------
    column : str
        Column name, used to name features ("needs: pricing").
    max_words : int
        Vocabulary size.
    """

    def __init__(self, column: str = "text", max_words: int = TEXT_WORDS):
        self.column = column
        self.max_words = max_words

    @staticmethod
    def _distinct(X) -> tuple[np.ndarray, np.ndarray]:
        """Per lead, the code of its answer; and the distinct answers ("" for blank)."""
        if isinstance(X, pd.DataFrame):
            X = X.iloc[:, 0]
        values = pd.Series(X)
        if not isinstance(values.dtype, pd.CategoricalDtype):
            values = text_answers(values)  # the cleaner hands over exactly this
        distinct = np.append(values.cat.categories.astype("str").to_numpy(dtype=object), "")
        codes = values.cat.codes.to_numpy()
        return np.where(codes < 0, len(distinct) - 1, codes), distinct

    def fit(self, X, y=None):
        self._fit_sparse(X)
        return self

    def fit_transform(self, X, y=None):
        return self._dense(self._fit_sparse(X))

    def transform(self, X):
        return self._dense(self._sparse(X))

    def _fit_sparse(self, X):
        """Learn the words; the leads' TF-IDF values as a sparse (leads x words) matrix."""
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfTransformer

        codes, distinct = self._distinct(X)
        per_answer, vocabulary = _word_counts(distinct)
        # Leads per answer weigh each answer's words: no leads x all-words matrix is built.
        leads_per_answer = np.bincount(codes, minlength=len(distinct)).astype(np.float64)
        total = per_answer.T @ leads_per_answer
        leads_with_word = (per_answer > 0).astype(np.float64).T @ leads_per_answer
        candidates = np.flatnonzero(leads_with_word >= 2)
        # The most used words, picked exactly as scikit-learn picks them (its sort, so its
        # choice among words used equally often).
        chosen = np.sort(candidates[(-total[candidates]).argsort()[: self.max_words]])
        self.words_ = [vocabulary[i] for i in chosen]
        if not self.words_:
            # Every answer blank, only stop words, or no word used twice: no word features.
            return sparse.csr_matrix((len(codes), 0))
        chosen_per_answer = per_answer[:, chosen]
        self.tfidf_ = TfidfTransformer().fit(chosen_per_answer[codes])
        return self.tfidf_.transform(chosen_per_answer)[codes]

    def _sparse(self, X):
        from scipy import sparse

        check_is_fitted(self, "words_")
        codes, distinct = self._distinct(X)
        if not self.words_:
            return sparse.csr_matrix((len(codes), 0))
        per_answer, _ = _word_counts(distinct, self.words_)
        return self.tfidf_.transform(per_answer)[codes]

    @staticmethod
    def _dense(matrix) -> np.ndarray:
        out = np.zeros(matrix.shape)
        write_sparse(matrix, out, 0)
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "words_")
        return np.asarray([f"{self.column}: {w}" for w in self.words_], dtype=object)
