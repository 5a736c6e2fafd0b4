"""How `train_rerank` deals the train tweets into folds (pure; no LightGBM needed)."""

from claims.engine.training.rerank import FOLD_ASSIGNMENTS, FOLDS, fold_assignments


def test_fold_assignments_partition_every_query_each_time():
    assignments = fold_assignments(23)
    assert len(assignments) == FOLD_ASSIGNMENTS >= 2
    for folds in assignments:
        assert len(folds) == FOLDS
        assert sorted(q for fold in folds for q in fold) == list(range(23))
        assert max(map(len, folds)) - min(map(len, folds)) <= 1
    # The first is the interleaved assignment; the others are shuffles, each different.
    assert assignments[0] == [list(range(f, 23, FOLDS)) for f in range(FOLDS)]
    assert len({str(folds) for folds in assignments}) == FOLD_ASSIGNMENTS


def test_fold_assignments_are_fixed_by_seed():
    assert fold_assignments(50) == fold_assignments(50)
