"""How a report sentence commits to a claim, read on top of a stance model's answer: the form
of the sentence (a question, a hedge, a debunk, a plain statement in the publisher's own voice)
says what the overlap and cue features cannot. The pipeline applies it to every linked
sentence (claims.pipeline.linking)."""

from __future__ import annotations

import re
from functools import lru_cache

from claims.engine.stance.base import StanceResult
from claims.engine.stance.lexical import (
    LexicalStance,
    absence_of_evidence,
    nothing_found,
    qualifier,
    qualifiers,
)
from claims.engine.text import WORD, derivation_keys, fold
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
    r"\b(?:hoax(?:es|er|ers)?|fake[ds]?|faking|false|falsely|not true|untrue|debunk(?:s|ed|ing)?|"
    r"rubbish|fabricat\w*|bogus|not real|(?:is|was|are|were)n't (?:real|true)|"
    r"made (?:it|this|that|(?:the|this|that) story) (?:all )?up|never happened|no truth|"
    r"misinformation|erroneous|wildly inaccurate|exaggerated|pants on fire|prank(?:s|ed|sters?)?|"
    r"contrary to|no \w+(?: \w+)? (?:had|has|have) (?:ever )?taken place|"
    r"(?:did not|didn't|never) (?:take|took) place|"
    r"troll(?:s|ed|ing)|satir(?:e|ical)|fooled|dupe[ds]?|falls? for|rumou?rs? (?:put to rest|"
    r"(?:is|are|was|were|proven) (?:false|wrong|untrue)))\b"
)
# A report that someone said to be dead or killed is alive. Death rumours are the commonest
# hoax a desk sees; "alive" denies them without repeating the claim's verb.
_DEATH_CLAIM = re.compile(
    r"\b(?:dead|died|dies|death|killed|beheaded|executed|murdered|slain|passed away)\b"
)
_ALIVE = re.compile(
    r"\b(?:(?:is|still|very much|alive and|and) alive|alive and well|not dead|"
    r"(?:has|have)n't died|(?:has|have) not died|is safe|are safe|safe and)\b"
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


# A background sentence dated to an earlier year by its opening words ("In December 2011 police
# in Zhanaozen opened fire ..."): wire copy's reminder of another event, not news of this one.
_OPENS_WITH_A_YEAR = re.compile(
    r"^\W*(?:back\s+)?(?:in|during|by)\s+(?:(?:early|late|mid)[-\s]+)?"
    r"(?:(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\s+)?((?:19|20)\d\d)\b"
)


def recalls_an_earlier_year(sentence: str, year: int) -> bool:
    """Whether `sentence` opens by dating itself to a year before `year` (the claim's)."""
    match = _OPENS_WITH_A_YEAR.match(fold(sentence).strip())
    return match is not None and int(match.group(1)) < year


def names_given(claim: str, sentence: str) -> bool:
    """Whether the sentence names every name the claim does (its capitalised words after the
    first): a claim about the same kind of event elsewhere ("in Harlow" for "in Dunmere")
    shares what happened, not where or to whom."""
    names = {_name(word) for word in WORD.findall(claim)[1:] if word[:1].isupper()}
    return names <= {_name(word) for word in WORD.findall(sentence)}


def _name(word: str) -> str:
    return fold(word).removesuffix("'s")


# A sentence that denies the one before it without naming what it denies: "An article said the
# mayor had been detained. That was wrong: she was not detained." / "... The claim was false."
_DENIES_THE_PREVIOUS = re.compile(
    r"^\W*(?:that|this|it|the (?:claim|report|story|post|article|rumou?r|allegation|account)s?)\s+"
    r"(?:(?:was|is|were|are|has been|had been|proved|proven|turned out to be)\s+)"
    r"(?:(?:also|entirely|completely|simply|totally)\s+)?"
    r"(?:wrong|false|untrue|not true|fabricated|baseless|a hoax|fake|incorrect|inaccurate|"
    r"unfounded|made up)\b(?!\s+(?:to|that|for|of)\b)"
    r"|^\W*(?:that|this|it)(?:'s|\s+is|\s+was)(?:n't|\s+not)\s+true\b"
    r"|^\W*(?:that|this|it)'s\s+(?:wrong|false|untrue|fake|made up)\b"
)


def denies_the_previous(sentence: str) -> bool:
    """Whether `sentence` denies the sentence before it by reference alone ("That was wrong:
    she was not detained.", "The claim was false."): what the previous sentence relays, the
    report then denies in its own voice."""
    return _DENIES_THE_PREVIOUS.search(fold(sentence)) is not None


def denies(claim: str, sentence: str) -> bool:
    """Whether `sentence` reads as a denial of a plain `claim` by its form alone: a debunk word
    ("hoax", "fake", "made it all up", "trolled"), an opening "No," answer, or, for a claim that
    someone died, a report that they are alive. Such a sentence rarely repeats the claim's
    words, so retrieval's confident match is enough to take it as being about the claim."""
    if qualifier(claim) is not None:
        return False
    folded = fold(sentence).strip()
    if _ANSWERED_NO.search(folded) or _DEBUNKED.search(folded):
        return True
    return bool(_DEATH_CLAIM.search(fold(claim)) and _ALIVE.search(folded))


# A claim that sets one thing against another ("tickets, rather than arrests") is restated by
# a sentence's "not" ("a ticket, not an arrest"), so its words' negation is no denial.
_CONTRAST = re.compile(r"\b(?:rather than|instead of)\b")
# Negation of what someone knows, not of the event: "has no idea how the truck ended up in
# Syria" and "isn't sure why" take the event as given.
_UNKNOWING = re.compile(
    r"\b(?:(?:has|have|had) no idea|no idea|(?:is|are|was|were)(?:n't| not) sure|not sure|unsure|"
    r"(?:does|do|did)(?:n't| not) know)\s+(?:how|why|when|where|who|what)\b"
)


def _negates(claim: str, sentence: str) -> bool:
    """A negation of a plain claim's own words ("has not been arrested", "not a meteorite");
    not a "not" mirroring the claim's own contrast, nor a speaker's not knowing how."""
    if qualifier(claim) is not None or _CONTRAST.search(fold(claim)):
        return False
    read = _UNKNOWING.sub(" ", fold(sentence))
    return _POLARITY.classify(claim, read).label == Stance.CONTRADICTS


# A non-answer is no denial: "refuses to confirm or deny", "won't say if", "may or may not".
_NON_ANSWER = re.compile(
    r"\b(?:(?:confirm|deny) (?:or|nor) (?:confirm|deny)|neither confirm(?:s|ed)? nor den(?:y|ies|ied)|"
    r"(?:won't|will not|would not|wouldn't|refused? to|refuses to|declined? to|declines to) "
    r"(?:say|comment|discuss)|no comment|(?:may|might|could) or (?:may|might|could) not)\b"
)


def _no_denial(claim: str, sentence: str, folded: str) -> bool:
    """Whether a sentence the model called contradicting denies nothing after all: a question
    that does not debunk ("Did Mitt Romney call ...?"), a speaker's not knowing
    how ("isn't sure how extremists ended up with his truck" takes the event as given)."""
    if denies(claim, sentence):
        return False
    if folded.endswith("?"):
        return True
    return _UNKNOWING.search(folded) is not None and not _negates(claim, sentence)


def _claims_own(cue: str, claim: str) -> bool:
    """Whether a one-word cue is a form of one of the claim's own words ("investigating" for
    an investigation, "tipped" for a tip): then it says what the claim says, not a hedge."""
    return " " not in cue and bool(_word_keys(fold(cue)) & _keys(claim))


def _word_keys(word: str) -> frozenset[str]:
    return derivation_keys(word) | {word}


@lru_cache(maxsize=4096)
def _keys(claim: str) -> frozenset[str]:
    return frozenset(key for word in WORD.findall(fold(claim)) for key in _word_keys(word))


def _qualified_beyond(claim: str, sentence: str) -> bool:
    """Whether `sentence` hedges or negates with a word that is not the claim's own: "confirmed
    it was investigating" qualifies nothing in a claim that an investigation was opened."""
    return any(not _claims_own(cue, claim) for cue in qualifiers(sentence))


def read_sentence(
    claim: str,
    sentence: str,
    result: StanceResult,
    *,
    attributed: bool = False,
    cue: str | None = None,
    restates_figure: bool = False,
) -> tuple[Stance, float]:
    """The stance of a linked `sentence` on `claim`, from the model's `result` and the form of
    the sentence, first rule that applies:

    1. a non-answer ("refuses to confirm or deny", "won't say if", "may or may not") that
       does not debunk DISCUSSES; the model's CONTRADICTS stands unless the sentence denies
       nothing (`_no_denial`: a question that does not debunk, a speaker's not knowing how),
       which reads as DISCUSSES; UNRELATED stands unless the sentence `denies` the
       claim or negates its words (retrieval linked it; a denial seldom repeats much of what
       it denies), in which case the rules below read it;
    2. a question ("Macaulay Culkin dead?") asserts nothing: DISCUSSES;
    3. a sentence saying a search for evidence came back empty ("found no record", "no
       evidence", `lexical.nothing_found`) CONTRADICTS a plain claim (the engine disputes
       rather than refutes on absence); one saying its source could not check ("unable to
       verify") turns SUPPORTS into DISCUSSES;
    4. for a claim that is itself plain (no negation or hedge, `lexical.qualifier`), a sentence
       that `denies` it ("hoax", "fake", "not true", an opening "No,", "is alive" for a death)
       CONTRADICTS, and so does a negation of the claim's own words found by the rule-based
       model's polarity check ("has not been arrested");
    5. a hedge ("may", "reportedly", "sources", ...) turns SUPPORTS into DISCUSSES: the
       sentence relays the claim without asserting it;
    6. a plain claim that the sentence states unhedged, without negation or a headline colon
       ("X: report") is asserted: DISCUSSES becomes SUPPORTS. Asserted by whom is the
       evidence's origin: the publisher, or with `attributed` the named speaker (whose
       reported speech is their assertion; whether it counts is the engine's call, and an
       echo of the claimant's side counts for nothing). Reported speech without a named
       speaker ("says", "claims") stays DISCUSSES. With `restates_figure` (the sentence gives
       the claim's own figure for what it counts) the claim need not be plain: the figure is
       what is asserted ("put the final number of dead at 41" for "41 killed, and no one is
       still missing").
    Otherwise the model's stance stands."""
    label, confidence = result.label, result.confidence
    folded = fold(sentence).strip()
    if label != Stance.UNRELATED and _NON_ANSWER.search(folded) and not denies(claim, sentence):
        return Stance.DISCUSSES, confidence
    if label == Stance.CONTRADICTS and _no_denial(claim, sentence, folded):
        label = Stance.DISCUSSES
    if label == Stance.CONTRADICTS:
        return label, confidence
    if label == Stance.UNRELATED:
        if not (denies(claim, sentence) or _negates(claim, sentence)):
            return label, confidence
        label, confidence = Stance.DISCUSSES, 0.6
    if folded.endswith("?"):
        return Stance.DISCUSSES, confidence
    plain_claim = qualifier(claim) is None
    if plain_claim and nothing_found(sentence):
        return Stance.CONTRADICTS, max(confidence, 0.6)
    if label == Stance.SUPPORTS and absence_of_evidence(sentence):
        return Stance.DISCUSSES, confidence
    if plain_claim:
        if denies(claim, sentence):
            return Stance.CONTRADICTS, max(confidence, 0.6)
        if _negates(claim, sentence):
            return Stance.CONTRADICTS, max(confidence, 0.6)
    # The attribution of an attributed sentence is not a hedge on it: "..., according to the
    # ministry" is the ministry's word, as "..., the ministry said" is.
    unhedged = folded.replace(cue, " ") if attributed and cue == "according to" else folded
    hedged = any(not _claims_own(m.group(0), claim) for m in _HEDGED.finditer(unhedged))
    if label == Stance.SUPPORTS and hedged:
        return Stance.DISCUSSES, confidence
    if (
        label == Stance.DISCUSSES
        and (plain_claim or restates_figure)
        and not (hedged or ":" in folded or (not attributed and _SAYS.search(folded)))
        and not _qualified_beyond(claim, sentence)
    ):
        return Stance.SUPPORTS, confidence
    return label, confidence
