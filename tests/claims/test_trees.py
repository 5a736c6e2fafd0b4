"""The numpy tree evaluator both learned models share (claims.engine.runtime.trees) and the one LightGBM
exporter that writes it (claims.engine.training.tree_export)."""

import numpy as np
import pytest

from claims.engine.runtime import trees as trees_module
from claims.engine.runtime.trees import Trees


def stump(feature: int, threshold: float, low: float, high: float) -> Trees:
    """One split: x[feature] <= threshold -> low, else high."""
    return Trees(
        feature=np.array([[feature, 0, 0]], dtype=np.int32),
        threshold=np.array([[threshold, 0.0, 0.0]]),
        left=np.array([[1, 1, 2]], dtype=np.int32),
        right=np.array([[2, 1, 2]], dtype=np.int32),
        value=np.array([[0.0, low, high]]),
        depth=1,
    )


def test_a_stump_sends_rows_left_on_less_or_equal():
    tree = stump(1, 0.5, -1.0, 2.0)
    x = np.array([[9.0, 0.5], [9.0, 0.51], [-9.0, -3.0]])
    assert tree.predict(x).tolist() == [-1.0, 2.0, -1.0]
    assert tree.leaves(x).shape == (3, 1)


def test_no_trees_and_no_rows_score_zero():
    assert Trees.empty().predict(np.ones((2, 4))).tolist() == [0.0, 0.0]
    assert stump(0, 0.0, 1.0, 2.0).predict(np.zeros((0, 3))).shape == (0,)


def test_arrays_round_trip():
    tree = stump(2, 1.5, 3.0, 4.0)
    again = Trees.from_arrays(tree.arrays())
    x = np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 2.0]])
    assert again.predict(x).tolist() == tree.predict(x).tolist() == [3.0, 4.0]


def test_mismatched_arrays_are_refused():
    with pytest.raises(ValueError):
        Trees(
            np.zeros((1, 3), np.int32),
            np.zeros((1, 2)),
            np.zeros((1, 3), np.int32),
            np.zeros((1, 3), np.int32),
            np.zeros((1, 3)),
            1,
        )


def test_many_rows_are_walked_in_steps_with_the_same_result(monkeypatch):
    pytest.importorskip("lightgbm")
    booster, x = _regression_booster()
    from claims.engine.training.tree_export import export_lightgbm

    trees = export_lightgbm(booster)
    whole = trees.leaves(x)
    monkeypatch.setattr(trees_module, "MAX_PAIRS_PER_STEP", 3 * trees.n_trees + 1)
    assert np.array_equal(trees.leaves(x), whole)


def _regression_booster():
    import lightgbm as lgb

    from claims.engine.retrieval.rerank import FEATURES
    from claims.engine.training.rerank import BASE_PARAMS

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, len(FEATURES)))
    y = (x[:, 0] + 0.5 * x[:, 3] > 0.5).astype(float)
    dataset = lgb.Dataset(x, label=y, group=[20] * 20)
    params = {**BASE_PARAMS, "num_leaves": 7, "min_data_in_leaf": 5}
    return lgb.train(params, dataset, 20), x


def test_export_of_a_ranking_booster_matches_lightgbm():
    pytest.importorskip("lightgbm")
    from claims.engine.training.tree_export import export_lightgbm

    booster, x = _regression_booster()
    trees = export_lightgbm(booster)
    assert np.allclose(trees.predict(x), booster.predict(x, raw_score=True), atol=1e-9)


def test_export_of_a_multiclass_booster_matches_lightgbm_per_class():
    lgb = pytest.importorskip("lightgbm")
    from claims.engine.training.stance import export_lightgbm

    rng = np.random.default_rng(1)
    x = rng.normal(size=(600, 6))
    y = np.digitize(x[:, 0] + 0.3 * x[:, 2], [-0.8, 0.0, 0.8])  # four classes
    params = {"objective": "multiclass", "num_class": 4, "num_leaves": 7, "verbose": -1}
    booster = lgb.train(params, lgb.Dataset(x, label=y), 15)
    ensemble = export_lightgbm(booster)
    assert ensemble.n_classes == 4 and ensemble.trees.n_trees == 60
    assert np.allclose(ensemble.raw(x), booster.predict(x, raw_score=True), atol=1e-9)
