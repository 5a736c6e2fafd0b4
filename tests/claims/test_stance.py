"""Lexical stance: pure Python, no Django."""

import pytest

from claims.engine.stance.base import StanceModel, StanceResult
from claims.engine.stance.lexical import LexicalStance
from claims.engine.vocabulary import Stance

ELIMINATED = "Dozens of assailants were eliminated in Almaty"
DETAINED = "About 2,000 people were detained in Almaty"
TRAINING = "The terrorist groups behind the unrest received extensive training abroad."
TOLL = "13 security officers killed"
NO_TRAINING = "Terrorist groups received no foreign training"
NO_DEATHS = "No one was killed in Almaty"

CASES = [
    # Straightforward support.
    (
        ELIMINATED,
        "Security forces eliminated dozens of assailants in Almaty overnight, the ministry said.",
        Stance.SUPPORTS,
        "4/4 claim terms, no negation or hedge",
    ),
    (DETAINED, "Police said 2,000 people had been detained in Almaty since Wednesday.", Stance.SUPPORTS, "4/4"),
    (TOLL, "Thirteen security officers were killed in the clashes.", Stance.SUPPORTS, "4/4"),
    # "claimed the lives" reports deaths; it is not a hedge.
    (TOLL, "The clashes claimed the lives of 13 security officers who were killed.", Stance.SUPPORTS, "4/4"),
    # Negations near the claim's words.
    (ELIMINATED, "The ministry denied that dozens of assailants were eliminated in Almaty.", Stance.CONTRADICTS, "negation cue 'denied' near 'dozens'"),
    (TRAINING, "An investigation found no evidence that the terrorist groups behind the unrest received extensive training abroad.", Stance.CONTRADICTS, "negation cue 'no evidence'"),
    (ELIMINATED, "Reports that dozens of assailants were eliminated in Almaty are false.", Stance.CONTRADICTS, "negation cue 'false'"),
    (TOLL, "Claims that 13 security officers were killed are a hoax.", Stance.CONTRADICTS, "'hoax'"),
    (ELIMINATED, "Dozens of assailants were not eliminated in Almaty.", Stance.CONTRADICTS, "negation cue 'not'"),
    # A negation elsewhere in the sentence is not about the claim.
    (ELIMINATED, "Officials denied reports of looting, but said dozens of assailants were eliminated in Almaty.", Stance.SUPPORTS, "no negation"),
    (TOLL, "Officials were not immediately available; 13 security officers were killed.", Stance.SUPPORTS, "4/4"),
    # Two negations cancel.
    (TOLL, "The government did not deny that 13 security officers were killed.", Stance.SUPPORTS, "negations cancel ('did not' + 'deny')"),
    # Hedged reports discuss, they do not support.
    (
        ELIMINATED,
        "Dozens of assailants were eliminated in Almaty, the ministry said; the figure could not be independently verified.",
        Stance.DISCUSSES,
        "hedge 'could not be independently verified'",
    ),
    (ELIMINATED, "Dozens of assailants were reportedly eliminated in Almaty.", Stance.DISCUSSES, "hedge 'reportedly'"),
    (ELIMINATED, "Rumours that dozens of assailants were eliminated in Almaty spread online.", Stance.DISCUSSES, "hedge 'rumours'"),
    (ELIMINATED, "Police are investigating whether dozens of assailants were eliminated in Almaty.", Stance.DISCUSSES, "hedge 'investigating'"),
    (ELIMINATED, "It is unclear whether dozens of assailants were eliminated in Almaty.", Stance.DISCUSSES, "hedge 'it is unclear'"),
    (ELIMINATED, "The ministry claimed dozens of assailants were eliminated in Almaty.", Stance.DISCUSSES, "hedge 'claimed'"),
    # A report about the same city, and nothing else, is unrelated.
    (ELIMINATED, "Almaty hosts a film festival this weekend", Stance.UNRELATED, "only 1/4 claim terms in text (almaty)"),
    (DETAINED, "Almaty will host a jazz festival with musicians from across Central Asia.", Stance.UNRELATED, "1/4"),
    (ELIMINATED, "", Stance.UNRELATED, "only 0/4"),
    ("", "Dozens of assailants were eliminated", Stance.UNRELATED, "claim has no content words"),
    # Related but not restated: about the claim without vouching for it.
    (DETAINED, "Police detained dozens of protesters in Almaty.", Stance.DISCUSSES, "partial overlap, 2/4"),
    (DETAINED, "Around 150 people were detained in Almaty, police said.", Stance.DISCUSSES, "claim figure 2000 not in text, text gives 150"),
    # A claim that is itself negative.
    (NO_TRAINING, "The ministry denied there was foreign training for terrorist groups.", Stance.SUPPORTS, "claim and text both negative ('no' / 'denied')"),
    (NO_TRAINING, "Terrorist groups received foreign training, officials said.", Stance.CONTRADICTS, "claim negative ('no'), text affirms it"),
    (NO_TRAINING, "Officials denied there was no foreign training for terrorist groups.", Stance.CONTRADICTS, "claim negative ('no'), text double negative"),
    # "Claims" refuted in the same clause are what is denied, not a hedge on the text.
    (NO_TRAINING, "Claims that terrorist groups received foreign training are false.", Stance.SUPPORTS, "claim and text both negative ('no' / 'false')"),
    (NO_TRAINING, "Claims that terrorist groups received foreign training spread online.", Stance.DISCUSSES, "hedge 'claims'"),
    (NO_TRAINING, "It is unclear whether terrorist groups received foreign training.", Stance.DISCUSSES, "hedge 'it is unclear'"),
    (NO_DEATHS, "No one was killed in Almaty, police said.", Stance.SUPPORTS, "both negative ('no one was' / 'no one was')"),
]  # fmt: skip


@pytest.mark.parametrize(("claim", "text", "label", "reason"), CASES)
def test_stance(claim, text, label, reason):
    result = LexicalStance().classify(claim, text)
    assert (result.label, reason in result.reason) == (label, True), result
    assert 0.0 <= result.confidence <= 1.0


def test_refuted_claims_are_no_hedge():
    result = LexicalStance().classify(
        ELIMINATED,
        "The ministry denied claims that dozens of assailants were eliminated in Almaty.",
    )
    assert result.label == Stance.CONTRADICTS and "hedged" not in result.reason, result


def test_result_types_and_protocol():
    model: StanceModel = LexicalStance()  # the seam a learned model will fill
    result = model.classify(ELIMINATED, "Dozens of assailants were eliminated in Almaty.")
    assert isinstance(result, StanceResult)
    assert result.label == "supports" and str(result.label) == "supports"
    assert [label.value for label in Stance] == ["supports", "contradicts", "discusses", "unrelated"]


def test_more_overlap_means_more_confidence_in_support():
    model = LexicalStance()
    full = model.classify(ELIMINATED, "Dozens of assailants were eliminated in Almaty.")
    most = model.classify(ELIMINATED, "Dozens of assailants were eliminated overnight.")
    assert full.label == most.label == Stance.SUPPORTS
    assert full.confidence > most.confidence


def test_thresholds_are_parameters():
    text = "Dozens of assailants stormed administrative buildings."  # 2 of 4 claim terms
    assert LexicalStance().classify(ELIMINATED, text).label == Stance.DISCUSSES
    assert LexicalStance(support_min=0.5).classify(ELIMINATED, text).label == Stance.SUPPORTS
    assert LexicalStance(related_min=0.75).classify(ELIMINATED, text).label == Stance.UNRELATED


def test_support_needs_the_claims_figures():
    text = "Police said people were detained in Almaty."  # 3 of 4 terms, not the 2,000
    result = LexicalStance(support_min=0.5).classify(DETAINED, text)
    assert (result.label, result.reason) == (
        Stance.DISCUSSES,
        "claim figure 2000 not in text; 3/4 claim terms",
    )


def test_deterministic():
    model = LexicalStance()
    results = {model.classify(TRAINING, CASES[5][1]) for _ in range(3)}
    assert CASES[5][0] == TRAINING
    assert len(results) == 1


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("FactWatch found no court order freezing her accounts.", "nothing found"),
        ("City records contain no record of an inspection since 2009.", "nothing found"),
        ("The claim is not supported by anything the bureau has published.", "nothing found"),
        ("The authorities have presented no new evidence of foreign training.", "nothing found"),
        ("Reuters could not independently verify the police account.", "not verified"),
        ("Eurasianet was unable to independently verify the figure.", "not verified"),
        ("Police said 18 officers had been killed.", None),
    ],
)
def test_a_search_that_found_nothing_is_told_from_a_source_that_could_not_check(text, kind):
    from claims.engine.stance.lexical import absence_of_evidence, nothing_found

    assert (absence_of_evidence(text) is not None) == (kind is not None)
    assert (nothing_found(text) is not None) == (kind == "nothing found")
