"""Category spellings: group "LinkedIn", "linkedin " and "Linked-In" into one value.

Two steps, both conservative so genuinely different values ("Paid Ad", "Paid Social") stay apart:

1. Spellings that differ only in case, spaces, punctuation or a plural "s" share a *key*
   ("linkedin") and are grouped; the most common spelling names the group.
2. Near-duplicate keys (typos such as "linkdin") are merged into a much more common key only
   when their character n-gram profiles are almost identical (scikit-learn's
   ``CountVectorizer`` on character n-grams plus cosine similarity, the same idea as skrub's
   ``deduplicate`` but with a fixed, strict threshold instead of an automatic cluster count).

The result is a plain ``{raw spelling: canonical value}`` dict the user can read and edit; it is
stored in the cleaning plan and applied by :func:`canonicalize`, which also maps spellings never
seen before ("LINKED-IN") through the same key.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["category_key", "suggest_category_mapping", "canonicalize"]

# Above this many distinct keys the pairwise comparison is skipped: such columns are mostly
# rare values that end up in "Other" anyway.
_MAX_KEYS_FOR_NEAR_DUPLICATES = 500


def category_key(values: pd.Series) -> pd.Series:
    """Reduce spellings to a comparison key: lower case, letters and digits only.

    Parameters
    ----------
    values : pd.Series
        Raw category values (any dtype; missing values stay missing).

    Returns
    -------
    pd.Series
        Keys as strings, e.g. "Linked-In " -> "linkedin".

    Example
    -------
    >>> category_key(pd.Series(["Linked-In ", "linkedin"])).tolist()
    ['linkedin', 'linkedin']
    """
    text = values.astype("str").where(values.notna())
    return text.str.casefold().str.replace(r"[\W_]+", "", regex=True)


def _near_duplicate_keys(key_counts: pd.Series, similarity: float) -> dict[str, str]:
    """Map rare keys to a much more common key with an almost identical spelling."""
    keys = [k for k in key_counts.index if len(k) >= 4]
    if len(keys) < 2 or len(keys) > _MAX_KEYS_FOR_NEAR_DUPLICATES:
        return {}
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    # Binary counts (not TF-IDF) so a pair's similarity does not depend on the other values.
    vectors = CountVectorizer(analyzer="char_wb", ngram_range=(2, 3), binary=True).fit_transform(keys)
    sim = cosine_similarity(vectors)
    np.fill_diagonal(sim, 0.0)
    merges: dict[str, str] = {}
    # Most common first, so a typo is absorbed by the dominant spelling, never the reverse.
    for i in np.argsort(-key_counts[keys].to_numpy(), kind="stable"):
        rare = keys[i]
        best = int(np.argmax(sim[i]))
        target = keys[best]
        # Only a clearly dominant target absorbs a typo: two common, similar values
        # ("Paid Ad" / "Paid Ads Search") are more likely to be genuinely different.
        if (
            sim[i, best] >= similarity
            and key_counts[target] >= 3 * key_counts[rare]
            and target not in merges
        ):
            merges[rare] = target
    return merges


def suggest_category_mapping(values: pd.Series, similarity: float = 0.8) -> dict[str, str]:
    """Suggest one canonical value for each raw spelling of a category column.

    Parameters
    ----------
    values : pd.Series
        The raw column.
    similarity : float, default 0.8
        Cosine similarity of character n-grams above which a rare spelling is merged into a
        spelling at least three times as common. Raise it to merge less.

    Returns
    -------
    dict[str, str]
        ``{raw value: canonical value}`` for every distinct raw value (as text). The canonical
        value is the most common spelling of its group, trimmed of outer spaces.

    Example
    -------
    >>> suggest_category_mapping(pd.Series(["LinkedIn", "LinkedIn", "linkedin ", "Linked In"]))
    {'Linked In': 'LinkedIn', 'LinkedIn': 'LinkedIn', 'linkedin ': 'LinkedIn'}
    """
    raw = values.dropna().astype("str")
    raw = raw[raw.str.strip() != ""]
    if raw.empty:
        return {}
    counts = raw.value_counts()
    table = pd.DataFrame({"raw": counts.index.astype("str"), "count": counts.to_numpy()})
    table["key"] = category_key(table["raw"]).to_numpy()
    table["clean"] = table["raw"].str.strip()
    # Spellings with no letters or digits ("-", "?") keep their own key.
    table.loc[table["key"] == "", "key"] = table["clean"]

    # A plural is the same value when its singular also occurs ("Events" / "Event").
    keys = set(table["key"])
    plural = table["key"].str.endswith("s") & table["key"].str[:-1].isin(keys)
    table.loc[plural, "key"] = table.loc[plural, "key"].str[:-1]

    key_counts = table.groupby("key", sort=True)["count"].sum()
    merges = _near_duplicate_keys(key_counts, similarity)
    table["group"] = table["key"].map(lambda k: merges.get(k, k))

    # The most common trimmed spelling names the group; ties go to the alphabetically first.
    spelling_counts = table.groupby(["group", "clean"], sort=True)["count"].sum().reset_index()
    spelling_counts = spelling_counts.sort_values(
        ["group", "count", "clean"], ascending=[True, False, True], kind="stable"
    )
    canonical = spelling_counts.drop_duplicates("group").set_index("group")["clean"]
    table["canonical"] = table["group"].map(canonical)
    return dict(sorted(zip(table["raw"], table["canonical"])))


def canonicalize(values: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """Apply a spelling mapping, sending unseen spellings through the same key.

    Works on unique values and then maps them, so it stays fast on a million rows.

    Parameters
    ----------
    values : pd.Series
        Raw category values.
    mapping : dict[str, str]
        ``{raw value: canonical value}`` from :func:`suggest_category_mapping` (possibly edited
        by the user).

    Returns
    -------
    pd.Series
        Canonical values as ``object`` strings; missing and blank values become missing. A
        spelling not in ``mapping`` takes the canonical value of any known spelling with the
        same key ("LINKED-IN" -> "LinkedIn"), else its own trimmed text.

    Example
    -------
    >>> canonicalize(pd.Series(["LINKED-IN", "Email"]), {"LinkedIn": "LinkedIn"}).tolist()
    ['LinkedIn', 'Email']
    """
    # Resolve each distinct value once, then broadcast by code: no per-row Python. A column
    # has few distinct values, so plain dict lookups beat pandas' per-call overhead here.
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    if len(distinct) == 0:
        return pd.Series(np.nan, index=values.index, dtype="object")
    uniques = [str(v) for v in distinct]
    # A hand-edited mapping may hold a number or a blank: a number reads as its text, a blank
    # as no mapping for that spelling.
    resolved = [None if pd.isna(v := mapping.get(u)) else str(v) for u in uniques]
    unresolved = [i for i, value in enumerate(resolved) if value is None]
    if unresolved:
        # Spellings not in the mapping take the value of a known spelling with the same key.
        by_key: dict[str, str] = {}
        for key, canonical in zip(category_key(pd.Series(list(mapping), dtype="object")), mapping.values()):
            if not pd.isna(canonical):
                by_key.setdefault(key, str(canonical))
        keys = category_key(pd.Series([uniques[i] for i in unresolved], dtype="object"))
        for i, key in zip(unresolved, keys):
            value = by_key.get(key)
            if value is None:
                value = by_key.get(key.removesuffix("s"))
            resolved[i] = uniques[i].strip() if value is None else value
    lookup = np.array([v if isinstance(v, str) and v.strip() else np.nan for v in resolved] + [np.nan], dtype="object")
    return pd.Series(lookup[codes], index=values.index, dtype="object", name=values.name)
