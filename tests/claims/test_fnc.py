"""FNC-1 scoring and splits: pure functions, hand-made examples with known answers."""

import pytest

from claims.engine.datasets import fnc
from tests.conftest import shared_path


def test_fnc_score_by_hand():
    gold = ["agree", "disagree", "discuss", "unrelated", "unrelated"]
    predicted = ["agree", "discuss", "unrelated", "unrelated", "agree"]
    # agree right: 1.0; disagree->discuss: 0.25; discuss->unrelated: 0; unrelated right: 0.25;
    # unrelated->agree: 0.
    assert fnc.fnc_score(gold, predicted) == pytest.approx(1.5)
    assert fnc.fnc_score(gold, gold) == pytest.approx(3.5)
    assert fnc.relative_fnc_score(gold, predicted) == pytest.approx(1.5 / 3.5)
    assert fnc.relative_fnc_score(gold, gold) == 1.0
    assert fnc.relative_fnc_score([], []) == 0.0
    with pytest.raises(ValueError):
        fnc.fnc_score(["agree"], [])


def test_f1_and_confusion_by_hand():
    gold = ["agree", "agree", "disagree", "discuss", "unrelated", "unrelated"]
    predicted = ["agree", "discuss", "disagree", "discuss", "unrelated", "agree"]
    f1 = fnc.per_class_f1(gold, predicted)
    # agree: tp 1, gold 2, predicted 2 -> 0.5; disagree 1.0; discuss: tp 1, gold 1, pred 2 -> 2/3;
    # unrelated: tp 1, gold 2, predicted 1 -> 2/3.
    assert f1 == pytest.approx(
        {"agree": 0.5, "disagree": 1.0, "discuss": 2 / 3, "unrelated": 2 / 3}
    )
    assert fnc.macro_f1(gold, predicted) == pytest.approx((0.5 + 1.0 + 2 / 3 + 2 / 3) / 4)
    assert fnc.confusion_matrix(gold, predicted) == [
        [1, 0, 1, 0],
        [0, 1, 0, 0],
        [0, 0, 1, 0],
        [1, 0, 0, 1],
    ]
    # A class neither present nor predicted scores 0, and still counts in the macro average.
    assert fnc.per_class_f1(["agree"], ["agree"])["disagree"] == 0.0
    report = fnc.evaluate(gold, predicted)
    assert report.n == 6 and "macro-F1" in report.format()


def _toy_pairs():
    # Two stories (A: headlines a1, a2 and bodies 1, 2; B: b1 and body 3) plus unrelated links.
    return [
        fnc.Pair("a1", "1", "agree"),
        fnc.Pair("a2", "1", "discuss"),
        fnc.Pair("a2", "2", "disagree"),
        fnc.Pair("b1", "3", "agree"),
        fnc.Pair("c1", "4", "discuss"),
        fnc.Pair("a1", "3", "unrelated"),
        fnc.Pair("b1", "1", "unrelated"),
        fnc.Pair("c1", "2", "unrelated"),
    ]


def test_story_components_group_paraphrased_headlines():
    components = sorted((sorted(h), sorted(b)) for h, b in fnc.story_components(_toy_pairs()))
    assert components == [(["a1", "a2"], ["1", "2"]), (["b1"], ["3"]), (["c1"], ["4"])]


def test_strict_split_keeps_headlines_and_bodies_apart():
    pairs = _toy_pairs()
    for seed in range(6):
        split = fnc.strict_split(pairs, seed=seed, dev_fraction=0.3)
        assert sorted(split.train + split.dev + split.dropped) == list(range(len(pairs)))
        assert split.dev and split.train
        train_h = {pairs[i].headline for i in split.train}
        dev_h = {pairs[i].headline for i in split.dev}
        train_b = {pairs[i].body_id for i in split.train}
        dev_b = {pairs[i].body_id for i in split.dev}
        assert not train_h & dev_h and not train_b & dev_b
        assert all(pairs[i].stance == "unrelated" for i in split.dropped)
    assert fnc.strict_split(pairs, seed=3) == fnc.strict_split(pairs, seed=3)  # deterministic


def test_readers_reject_bad_files(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Title,Body\nx,1\n", encoding="utf-8")
    with pytest.raises(fnc.FncFormatError, match="Headline"):
        fnc.read_stances(bad)
    with pytest.raises(FileNotFoundError):
        fnc.read_bodies(tmp_path / "missing.csv")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Headline,Body ID,Stance\nx,1,maybe\n", encoding="utf-8")
    with pytest.raises(fnc.FncFormatError, match="maybe"):
        fnc.read_stances(wrong)
    ok = tmp_path / "ok.csv"
    ok.write_text('Headline,Body ID\n"A, b",7\n', encoding="utf-8")
    assert fnc.read_stances(ok) == [fnc.Pair("A, b", "7", None)]


@pytest.mark.shared_data
def test_strict_split_on_fnc1_has_no_shared_headline_or_body():
    pairs = fnc.read_stances(shared_path("datasets", "fnc1", "train_stances.csv"))
    split = fnc.strict_split(pairs)
    train_h = {pairs[i].headline for i in split.train}
    dev_h = {pairs[i].headline for i in split.dev}
    assert not train_h & dev_h
    assert not {pairs[i].body_id for i in split.train} & {pairs[i].body_id for i in split.dev}
    assert len(dev_h) >= 0.2 * len({p.headline for p in pairs})
    assert {pairs[i].stance for i in split.dev} == set(fnc.STANCES)
