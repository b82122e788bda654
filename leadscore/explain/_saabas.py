"""Per-lead tree contributions by the Saabas method, computed without shap.

The Saabas method (what shap's ``TreeExplainer(model).shap_values(X, approximate=True)``
computes) follows each lead down each tree and credits every split's feature with the change in
node value along the edge taken, so a tree's contributions add up to its leaf value minus its
root value. Node values are shap's: a leaf keeps the value the model stores (a forest's share of
converters, divided by the number of trees; a boosting tree's raw log-odds value) and every inner
node gets the sample-weighted mean of its children (shap's ``compute_expectations``).

A tree's path is fixed by the leaf it ends in, so each leaf's contributions are summed once, when
the explainer is built (one sparse row per node, non-zero for leaves). Explaining leads is then
finding their leaves with the model's own compiled traversal (``apply`` for a forest; for
boosting, a copy of each tree predictor whose node values are node numbers, so ``predict``
returns the leaf reached, missing values routed exactly as the model routes them) and one sparse
product. Scoring thereby never imports shap (0.4 s of every cold start, most of it numba).

Example
-------
>>> explainer = SaabasExplainer(fitted_forest)              # doctest: +SKIP
>>> explainer.values(encoded_leads).shape                   # doctest: +SKIP
(3, 152)
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from leadscore._parallel import each

__all__ = ["SaabasExplainer", "supports"]

# Leads x trees walked at a time (bounds the memory of the leaves and the path matrix).
_CHUNK_ENTRIES = 2_000_000


def supports(model) -> bool:
    """Whether :class:`SaabasExplainer` explains this fitted model (else use shap's TreeExplainer).

    Binary scikit-learn random forests and extra trees, and binary
    ``HistGradientBoostingClassifier`` models without native categorical splits.
    """
    name = type(model).__name__
    classes = getattr(model, "classes_", None)
    if classes is None or len(classes) != 2:
        return False
    if name in ("RandomForestClassifier", "ExtraTreesClassifier"):
        return hasattr(model, "estimators_")
    if name == "HistGradientBoostingClassifier":
        predictors = getattr(model, "_predictors", None)
        return bool(predictors) and not any(
            bool(np.any(tree.nodes["is_categorical"])) for trees in predictors for tree in trees
        )
    return False


def _expectations(left: np.ndarray, right: np.ndarray, weight: np.ndarray, value: np.ndarray, roots: np.ndarray) -> np.ndarray:
    """Inner node values as the weighted mean of their children, deepest nodes first (as shap's
    ``compute_expectations``). ``left``/``right`` are global node numbers, -1 at leaves."""
    value = value.astype(np.float64, copy=True)
    levels, frontier = [], roots
    while frontier.size:
        inner = frontier[left[frontier] >= 0]
        if inner.size:
            levels.append(inner)
        frontier = np.concatenate([left[inner], right[inner]])
    for inner in reversed(levels):
        l, r = left[inner], right[inner]
        wl, wr = weight[l], weight[r]
        total = wl + wr
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (wl * value[l] + wr * value[r]) / total
        value[inner] = np.where(total == 0, 0.0, mean)
    return value


def _leaf_table(left, right, feature, value, roots, n_features: int) -> sparse.csr_matrix:
    """(nodes x features): for each leaf, the summed credit of the splits on its path."""
    n_nodes = len(left)
    parent = np.full(n_nodes, -1, dtype=np.int64)
    inner = np.flatnonzero(left >= 0)
    parent[left[inner]] = inner
    parent[right[inner]] = inner
    leaves = np.flatnonzero(left < 0)
    rows, cols, vals = [], [], []
    current = owner = leaves
    while current.size:
        up = parent[current]
        below_root = up >= 0
        current, up, owner = current[below_root], up[below_root], owner[below_root]
        rows.append(owner)
        cols.append(feature[up])
        vals.append(value[current] - value[up])
        current = up
    if not rows:
        return sparse.csr_matrix((n_nodes, n_features))
    table = sparse.coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_nodes, n_features)
    )
    return table.tocsr()


class SaabasExplainer:
    """Saabas contributions of a fitted binary tree model, for the class "converted".

    Parameters
    ----------
    model : fitted RandomForestClassifier, ExtraTreesClassifier or HistGradientBoostingClassifier
        (see :func:`supports`).
    group : sparse (features x groups), optional
        Sums features into groups (one-hot parts into the user's column): :meth:`values` then
        returns one contribution per group, from a smaller product.

    Attributes
    ----------
    expected_value : float
        shap's ``expected_value`` for the converted class: the forest's mean root share, or the
        boosting model's baseline plus its trees' root values (log-odds).
    unit : str
        "probability" (forests) or "log-odds" (boosting).
    """

    def __init__(self, model, group: sparse.spmatrix | None = None):
        if not supports(model):
            raise TypeError(f"{type(model).__name__} models are explained with shap's TreeExplainer.")
        self.model = model
        self.n_features = int(model.n_features_in_)
        self._group = group
        if hasattr(model, "estimators_"):
            self._forest(model)
        else:
            self._boosting(model)

    def _forest(self, model) -> None:
        trees = [estimator.tree_ for estimator in model.estimators_]
        sizes = np.array([tree.node_count for tree in trees])
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        scaling = 1.0 / len(trees)
        left, right, feature, weight, value = [], [], [], [], []
        outputs = []
        for tree, offset in zip(trees, offsets):
            values = tree.value.reshape(tree.value.shape[0], -1)
            # A tree's predict_proba: the node's class shares over their sum (0 counts as 1).
            normalizer = values.sum(axis=1)
            outputs.append(values[:, -1] / np.where(normalizer == 0.0, 1.0, normalizer))
            values = (values.T / values.sum(1)).T * scaling  # shap's normalize and scaling, in its order
            leaf = tree.children_left < 0
            left.append(np.where(leaf, -1, tree.children_left + offset))
            right.append(np.where(leaf, -1, tree.children_right + offset))
            feature.append(tree.feature)
            weight.append(tree.weighted_n_node_samples)
            value.append(values[:, -1])
        self._output = np.concatenate(outputs)
        self._setup(left, right, feature, weight, value, offsets, base=0.0)
        self.unit = "probability"

    def _boosting(self, model) -> None:
        from sklearn.ensemble._hist_gradient_boosting.predictor import TreePredictor

        trees = [tree for iteration in model._predictors for tree in iteration]
        sizes = np.array([len(tree.nodes) for tree in trees])
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        left, right, feature, weight, value = [], [], [], [], []
        self._numbering = []
        for tree, offset in zip(trees, offsets):
            nodes = tree.nodes
            leaf = nodes["is_leaf"].astype(bool)
            left.append(np.where(leaf, -1, nodes["left"].astype(np.int64) + offset))
            right.append(np.where(leaf, -1, nodes["right"].astype(np.int64) + offset))
            feature.append(nodes["feature_idx"])
            weight.append(nodes["count"].astype(np.float64))
            value.append(nodes["value"].astype(np.float64))
            # The same tree answering with node numbers: predict() then returns each lead's leaf.
            numbered = nodes.copy()
            numbered["value"] = np.arange(len(nodes), dtype=np.float64)
            self._numbering.append(TreePredictor(numbered, tree.binned_left_cat_bitsets, tree.raw_left_cat_bitsets))
        self._categories = model._bin_mapper.make_known_categories_bitsets()
        base = np.asarray(model._baseline_prediction, dtype=np.float64).ravel()
        self._output = np.concatenate(value)  # a leaf's value is what the tree adds to the log-odds
        self._baseline = base[-1]
        self._setup(left, right, feature, weight, value, offsets, base=float(base[-1]))
        self.unit = "log-odds"

    def _setup(self, left, right, feature, weight, value, offsets, base: float) -> None:
        left, right = np.concatenate(left).astype(np.int64), np.concatenate(right).astype(np.int64)
        feature = np.concatenate(feature).astype(np.int64)
        roots = np.asarray(offsets, dtype=np.int64)
        values = _expectations(left, right, np.concatenate(weight).astype(np.float64), np.concatenate(value), roots)
        self._offsets = roots
        self._table = _leaf_table(left, right, feature, values, roots, self.n_features)
        if self._group is not None:
            self._table = sparse.csr_matrix(self._table @ self._group)
        self.expected_value = float(base + values[roots].sum())

    def _leaves(self, X: np.ndarray) -> np.ndarray:
        """(trees x leads) global node number of the leaf each lead reaches in each tree, found by
        the model's own compiled walk (missing values routed as the model routes them), on this
        thread: :meth:`explain` spreads parts of the leads over threads itself."""
        found = np.empty((len(self._offsets), X.shape[0]), dtype=np.int32)
        if hasattr(self.model, "estimators_"):
            X = np.ascontiguousarray(X, dtype=np.float32)  # as the forest's own apply() reads it
            for number, (estimator, offset) in enumerate(zip(self.model.estimators_, self._offsets)):
                found[number] = estimator.tree_.apply(X)
                found[number] += offset
            return found
        X = np.ascontiguousarray(X, dtype=np.float64)
        known, f_idx_map = self._categories
        for number, (tree, offset) in enumerate(zip(self._numbering, self._offsets)):
            found[number] = tree.predict(X, known, f_idx_map, 1)
            found[number] += offset
        return found

    def _output_of(self, leaves: np.ndarray) -> np.ndarray:
        """The model's own output from the leaves, added up in the order the model adds them, so
        it equals the model's: a forest's mean of its trees' shares, a boosting model's baseline
        plus each tree's value (``decision_function``)."""
        if self.unit == "probability":
            total = np.zeros(leaves.shape[1])
            for tree in leaves:
                total += self._output[tree]
            return total / len(leaves)
        total = np.zeros(leaves.shape[1]) + self._baseline
        for tree in leaves:
            total += self._output[tree]
        return total

    def explain(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Contributions and the model's output from one walk down the trees.

        Parameters
        ----------
        X : array (leads x features)
            Encoded leads, as the model reads them (missing values as NaN).

        Returns
        -------
        (ndarray (leads x features, or x groups when built with ``group``), ndarray (leads,))
            The Saabas contributions, and the model's output for each lead: a forest's
            probability of converting (``predict_proba``, its trees added one after another),
            a boosting model's log-odds (``decision_function``).
        """
        X = np.asarray(X)
        if X.shape[0] == 0:
            return np.zeros((0, self._table.shape[1])), np.zeros(0)
        # Parts of a few thousand leads: each part's leads stay in the processor's cache while
        # every tree walks them (1 thread, 18,000 leads: 67 ns per lead and tree; 200,000 at
        # once: 188 ns), the leaves and path matrix take ~20 bytes per lead and tree, and the
        # parts run on a few threads without OpenMP's barriers (see leadscore._parallel).
        step = max(1, _CHUNK_ENTRIES // max(1, len(self._offsets)))
        parts = each(self._explain_part, [X[start : start + step] for start in range(0, X.shape[0], step)], X.shape[0])
        return np.vstack([values for values, _ in parts]), np.concatenate([output for _, output in parts])

    def _explain_part(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        leaves = self._leaves(X)
        return self._contributions(leaves), self._output_of(leaves)

    def values(self, X) -> np.ndarray:
        """Contributions of each feature (each group of features, when built with ``group``);
        see :meth:`explain`."""
        return self.explain(X)[0]

    def _contributions(self, leaves: np.ndarray) -> np.ndarray:
        trees, n = leaves.shape
        index = np.int32 if self._table.shape[0] < 2**31 and n * trees < 2**31 else np.int64
        indices = np.ascontiguousarray(leaves.T, dtype=index).ravel()
        pointers = np.arange(0, n * trees + 1, trees, dtype=index)
        path = sparse.csr_matrix((np.ones(indices.size), indices, pointers), shape=(n, self._table.shape[0]))
        return np.asarray((path @ self._table).toarray())
