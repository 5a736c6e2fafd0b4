"""LearnedStance on hand-written cases (needs the trained artifacts in claims/engine/artifacts/)."""

from pathlib import Path

import pytest

from claims.engine.stance.base import StanceModel, StanceResult
from claims.engine.stance.learned import ARTIFACT_DIR, TREES_FILE, LearnedStance, ModelMissingError
from claims.engine.vocabulary import Stance

pytestmark = pytest.mark.skipif(
    not (ARTIFACT_DIR / TREES_FILE).is_file(),
    reason="stance artifacts not built: run `make model` (python manage.py train_stance)",
)

ELIMINATED = "Dozens of assailants were eliminated in Almaty"
TRAINING = "The terrorist groups behind the unrest received extensive training abroad."
TOLL = "13 security officers were killed"
TANKS = "Dozens of tanks crossed the Kazakh border from Russia overnight."

CASES = [
    # Negations near the claim's words contradict.
    (ELIMINATED, "The ministry denied that dozens of assailants were eliminated in Almaty.", Stance.CONTRADICTS),
    (TRAINING, "An investigation found no evidence that the terrorist groups behind the unrest received extensive training abroad.", Stance.CONTRADICTS),
    (ELIMINATED, "Reports that dozens of assailants were eliminated in Almaty are false.", Stance.CONTRADICTS),
    # Hedged reports discuss; they do not support.
    (ELIMINATED, "Dozens of assailants were eliminated in Almaty, the ministry said; the figure could not be independently verified.", Stance.DISCUSSES),
    (ELIMINATED, "Dozens of assailants were reportedly eliminated in Almaty.", Stance.DISCUSSES),
    # Quantities that agree and disagree.
    (TOLL, "Officials said 13 officers died.", Stance.SUPPORTS),
    (TOLL, "Officials said 13 security officers were killed in the clashes.", Stance.SUPPORTS),
    (TOLL, "The toll was 3 officers.", Stance.CONTRADICTS),
    (TOLL, "Officials denied that 13 security officers were killed.", Stance.CONTRADICTS),
    # A sentence restating a claim without figures, unhedged, supports it.
    (TANKS, "Reuters reporters saw dozens of tanks cross the Kazakh border from Russia overnight.", Stance.SUPPORTS),
    (ELIMINATED, "Our reporters saw that dozens of assailants were eliminated in Almaty.", Stance.SUPPORTS),
    # A report about the same city, and nothing else, is unrelated.
    (ELIMINATED, "Almaty hosts a film festival this weekend", Stance.UNRELATED),
    (ELIMINATED, "Almaty will host a jazz festival with musicians from across Central Asia.", Stance.UNRELATED),
    (ELIMINATED, "Troops patrolled the streets of Almaty", Stance.UNRELATED),
    (ELIMINATED, "Almaty airport reopened on Friday", Stance.UNRELATED),
    (ELIMINATED, "", Stance.UNRELATED),
]  # fmt: skip


@pytest.fixture(scope="module")
def model():
    return LearnedStance()


@pytest.mark.parametrize(("claim", "text", "label"), CASES)
def test_hand_written_cases(model, claim, text, label):
    result = model.classify(claim, text)
    assert result.label == label, result
    assert 0.0 <= result.confidence <= 1.0
    assert result.reason and len(result.reason) < 300


def test_quantity_mismatch_names_both_figures(model):
    result = model.classify(TOLL, "The toll was 3 officers, officials said.")
    assert result.label == Stance.CONTRADICTS, result
    assert "claim says 13" in result.reason and "text 3" in result.reason


def test_figures_of_a_hedged_or_negated_claim_are_not_checked(model):
    text = "Officials said 3 security officers were killed."
    assert "claim says 13" in model.classify(TOLL, text).reason
    for claim in (
        "Officials deny that 13 security officers were killed",
        "Unconfirmed reports say 13 security officers were killed",
    ):
        result = model.classify(claim, text)
        assert result.label != Stance.CONTRADICTS and "claim says" not in result.reason, result


def test_reason_names_the_overlap_and_cues(model):
    result = model.classify(
        ELIMINATED, "The ministry denied that dozens of assailants were eliminated in Almaty."
    )
    assert "claim terms" in result.reason and "'denied'" in result.reason


def test_a_sentence_known_to_be_about_the_claim_gets_a_related_stance(model):
    # Three claim terms, one said: unrelated by the literal count, yet the reranker linked it
    # and the model's own probabilities say it disagrees.
    claim = "A meteorite landed in Nicaragua"
    text = "Managua explosion not a meteorite, NASA suggests"
    assert model.classify(claim, text).label == Stance.UNRELATED
    related = model.classify_related(claim, text)
    assert related.label == Stance.CONTRADICTS, related
    assert "linked in other words" in related.reason
    # Where the literal count already finds the sentence related, nothing changes.
    pairs = [(c, t) for c, t, label in CASES if label != Stance.UNRELATED]
    assert model.classify_many(pairs, related=True) == model.classify_many(pairs)


def test_protocol_and_batch_agree(model):
    typed: StanceModel = model
    pairs = [(claim, text) for claim, text, _ in CASES]
    single = [typed.classify(claim, text) for claim, text in pairs]
    assert all(isinstance(r, StanceResult) for r in single)
    assert model.classify_many(pairs) == single


def test_missing_artifacts_name_make_model(tmp_path: Path):
    with pytest.raises(ModelMissingError, match="make model"):
        LearnedStance(artifact_dir=tmp_path).classify(ELIMINATED, "text")


def test_soft_coverage_counts_a_missing_words_best_paraphrase():
    pytest.importorskip("numpy")
    from claims.engine.stance.learned import Vocabulary, analyse, soft_coverage
    from tests.claims.test_rerank import ToyWords

    arrested = ToyWords({"arrested": (1.0, 0.0), "detained": (0.8, 0.6)})  # cosine 0.8

    vocab = Vocabulary({"polic": 1.0, "arrest": 3.0, "protester": 2.0}, 10.0)
    claim = analyse("Police arrested protesters")
    text = analyse("Police detained protesters in the square")
    assert [t for s in claim.sentences for t in s.terms if t] == ["polic", "arrest", "protester"]
    # "arrested" (IDF 3) is missing; its best paraphrase, "detained", is at 0.8: (1 + 2 + 2.4) / 6
    assert soft_coverage(claim, text, vocab, arrested) == pytest.approx(0.9)
    # without word vectors only exact matches count: (1 + 2) / 6
    assert soft_coverage(claim, text, vocab, None) == pytest.approx(0.5)
    # every word present: 1.0; no text: 0.0
    assert soft_coverage(claim, analyse("police arrested protesters"), vocab, arrested) == 1.0
    assert soft_coverage(claim, analyse(""), vocab, arrested) == 0.0


def test_soft_match_names_the_claim_terms_said_in_close_words():
    pytest.importorskip("numpy")
    from claims.engine.stance.learned import PARAPHRASE_COSINE, Vocabulary, _soft_match, analyse
    from tests.claims.test_rerank import ToyWords

    words = ToyWords(
        {
            "arrested": (1.0, 0.0),
            "detained": (0.8, 0.6),  # cosine 0.8 with "arrested": said otherwise
            "protesters": (0.0, 1.0),
            "crowds": (0.3, 0.954),  # cosine 0.95 with "protesters" ...
        }
    )
    assert 0.5 < PARAPHRASE_COSINE < 0.8
    vocab = Vocabulary({"arrest": 3.0, "protester": 2.0}, 10.0)
    claim = analyse("arrested protesters")
    _, close = _soft_match(claim, analyse("detained crowds"), vocab, words)
    assert close == ("arrest", "protester")
    # ... but "crowds" is at 0.48 from "arrested" alone: not close enough to count
    _, close = _soft_match(analyse("arrested"), analyse("crowds"), vocab, words)
    assert close == ()
    _, close = _soft_match(claim, analyse("detained crowds"), vocab, None)
    assert close == ()


def test_an_alias_counts_as_a_shared_term_for_a_sentence(model):
    # "ISIS" for "Islamic State": two claim terms said, so the trees decide (not "unrelated"),
    # and the reason names the term said in other words.
    result = model.classify(
        "Islamic State fighters captured a US weapons airdrop",
        "ISIS seized the weapons, the Pentagon confirmed.",
    )
    assert result.label is not Stance.UNRELATED, result
    assert "in other words: islamic" in result.reason


def test_without_the_embedding_the_model_still_answers(monkeypatch):
    # soft_coverage falls back to exact matches; the decisive sentence rules are unchanged
    from claims.engine.retrieval import embedding

    monkeypatch.setattr(embedding, "_DEFAULT", embedding._DEFAULT.fresh())
    monkeypatch.setenv(embedding.PATH_ENV, "off")
    model = LearnedStance()
    assert model._word_vectors is None
    result = model.classify(TOLL, "The toll was 3 officers.")
    assert result.label is Stance.CONTRADICTS
    unrelated = model.classify(ELIMINATED, "Almaty hosts a film festival this weekend")
    assert unrelated.label is Stance.UNRELATED
