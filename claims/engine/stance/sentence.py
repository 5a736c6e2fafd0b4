"""How a report sentence commits to a claim, read on top of a stance model's answer: the form
of the sentence (a question, a hedge, a debunk, a plain statement in the publisher's own voice)
says what the overlap and cue features cannot. The pipeline applies it to every linked
sentence (claims.pipeline.linking)."""

from __future__ import annotations

import re

from claims.engine.stance.base import StanceResult
from claims.engine.stance.lexical import (
    LexicalStance,
    absence_of_evidence,
    nothing_found,
    qualifier,
)
from claims.engine.text import fold
from claims.engine.vocabulary import Stance

# How a sentence commits to a claim, read on top of the stance model (`read_sentence`). The
# stance model judges overlap and cue words; a newsroom also reads the form of the sentence: a
# question asks, a hedge relays, a debunk or a "No," answer denies, and an unhedged statement in
# the publisher's own voice asserts. These patterns are matched on folded text.
_HEDGED = re.compile(
    r"\b(?:may|might|could|possibly|perhaps|appears? to|seemingly|apparently|likely|"
    r"rumou?red|tipped|expected to|said to|believed to|reportedly|reports?|sources?|"
    r"according to)\b"
)
_DEBUNKED = re.compile(
    r"\b(?:hoax(?:es)?|fake|false|not true|untrue|debunk(?:s|ed)?|rubbish|fabricat\w*|bogus|"
    r"not real|(?:is|was|are|were)n't real)\b"
)
_ANSWERED_NO = re.compile(r"^\W*(?:no|nope)\b\s*[,:.!]")
# Reported speech: the sentence relays what someone says, thinks or wants.
_SAYS = re.compile(
    r"\b(?:says?|said|claims?|claimed|told|tells|insists?|thinks?|believes?|warns?|asks?|"
    r"accuses?|urges?|wants?)\b"
)
# The rule-based model's polarity (negation near the claim's words), with relatedness left to
# retrieval: a linked sentence is related, however few of the claim's words it repeats.
_POLARITY = LexicalStance(related_min=0.01)


def read_sentence(
    claim: str, sentence: str, result: StanceResult, *, attributed: bool = False
) -> tuple[Stance, float]:
    """The stance of a linked `sentence` on `claim`, from the model's `result` and the form of
    the sentence, first rule that applies:

    1. the model's CONTRADICTS and UNRELATED stand;
    2. a question ("Macaulay Culkin dead?") asserts nothing: DISCUSSES;
    3. a sentence saying a search for evidence came back empty ("found no record", "no
       evidence", `lexical.nothing_found`) CONTRADICTS a plain claim (the engine disputes
       rather than refutes on absence); one saying its source could not check ("unable to
       verify") turns SUPPORTS into DISCUSSES;
    4. for a claim that is itself plain (no negation or hedge, `lexical.qualifier`), a debunk
       word ("hoax", "fake", "not true", ...) or an opening "No," answer CONTRADICTS, and so
       does a negation of the claim's own words found by the rule-based model's polarity check
       ("has not been arrested");
    5. a hedge ("may", "reportedly", "sources", ...) turns SUPPORTS into DISCUSSES: the
       sentence relays the claim without asserting it;
    6. a plain claim that the sentence states unhedged, without negation or a headline colon
       ("X: report") is asserted: DISCUSSES becomes SUPPORTS. Asserted by whom is the
       evidence's origin: the publisher, or with `attributed` the named speaker (whose
       reported speech is their assertion; whether it counts is the engine's call, and an
       echo of the claimant's side counts for nothing). Reported speech without a named
       speaker ("says", "claims") stays DISCUSSES.
    Otherwise the model's stance stands."""
    label, confidence = result.label, result.confidence
    if label in (Stance.CONTRADICTS, Stance.UNRELATED):
        return label, confidence
    folded = fold(sentence).strip()
    if folded.endswith("?"):
        return Stance.DISCUSSES, confidence
    plain_claim = qualifier(claim) is None
    if plain_claim and nothing_found(sentence):
        return Stance.CONTRADICTS, max(confidence, 0.6)
    if label == Stance.SUPPORTS and absence_of_evidence(sentence):
        return Stance.DISCUSSES, confidence
    if plain_claim:
        if _ANSWERED_NO.search(folded) or _DEBUNKED.search(folded):
            return Stance.CONTRADICTS, max(confidence, 0.6)
        polarity = _POLARITY.classify(claim, sentence)
        if polarity.label == Stance.CONTRADICTS:
            return Stance.CONTRADICTS, polarity.confidence
    hedged = _HEDGED.search(folded) is not None
    if label == Stance.SUPPORTS and hedged:
        return Stance.DISCUSSES, confidence
    if (
        label == Stance.DISCUSSES
        and plain_claim
        and not (hedged or ":" in folded or (not attributed and _SAYS.search(folded)))
        and qualifier(sentence) is None
    ):
        return Stance.SUPPORTS, confidence
    return label, confidence
