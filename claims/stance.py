"""Stance of a report sentence towards a claim: supports, contradicts, discusses or unrelated.

A small, explainable lexical model behind the ``StanceModel`` protocol, so a learned model can
replace it without touching the pipeline. Relatedness comes from how much of the claim's
content the sentence carries (the matcher's tokens); polarity from negation and refutation cues
in the sentence compared with the claim's own; commitment from hedges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from claims.matching import tokenize


class Label(StrEnum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    DISCUSSES = "discusses"
    UNRELATED = "unrelated"


@dataclass(frozen=True)
class StanceResult:
    label: Label
    confidence: float
    reason: str


class StanceModel(Protocol):
    def classify(self, claim: str, text: str) -> StanceResult: ...


def _phrases(*items: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(items) + r")\b", re.IGNORECASE)


# Words that deny or refute what follows (or what was said).
REFUTING = _phrases(
    r"den(?:y|ies|ied|ying)",
    r"dismiss(?:ed|es)?",
    r"reject(?:ed|s)?",
    r"refut(?:e|ed|es)",
    r"debunk(?:ed|s)?",
    r"false(?:ly)?",
    r"fake",
    r"untrue",
    r"not true",
    r"hoax",
    r"baseless",
    r"unfounded",
    r"fabricat(?:ed|ion)",
    r"no evidence",
    r"no sign",
    r"no proof",
    r"retract(?:ed|s)?",
    r"contrary to",
    r"misleading",
    r"disprov(?:e|ed|es)",
    r"there (?:was|were|is|are) no",
    r"no one (?:was|were)",
    r"nobody (?:was|were)",
    r"did not",
    r"didn't",
    r"does not",
    r"doesn't",
    r"do not",
    r"don't",
    r"never",
    r"was not",
    r"wasn't",
    r"were not",
    r"weren't",
    r"is not",
    r"isn't",
    r"are not",
    r"aren't",
    r"has not",
    r"hasn't",
    r"have not",
    r"haven't",
    r"had not",
    r"hadn't",
    r"no longer",
    r"none of",
    r"neither",
    r"nor",
)
# Negation that a claim itself may carry ("no foreign training").
NEGATION = _phrases(
    r"not",
    r"no",
    r"never",
    r"none",
    r"nobody",
    r"without",
    r"n't",
    r"did not",
    r"didn't",
    r"was not",
    r"wasn't",
    r"were not",
    r"weren't",
    r"den(?:y|ies|ied)",
)
# Reporting without commitment: the sentence passes the claim on but does not vouch for it.
HEDGING = _phrases(
    r"could not (?:be )?(?:independently )?(?:verif(?:y|ied)|confirm(?:ed)?)",
    r"cannot (?:be )?(?:independently )?(?:verif(?:y|ied)|confirm(?:ed)?)",
    r"not (?:been )?(?:independently )?(?:verified|confirmed)",
    r"unverified",
    r"unconfirmed",
    r"allegedly",
    r"alleged",
    r"reportedly",
    r"purportedly",
    r"supposedly",
    r"rumou?rs?",
    r"it is (?:unclear|not clear)",
    r"(?:was|is|remains) unclear",
    r"questioned whether",
    r"(?:are|is|were|was) investigating",
    r"investigation into whether",
    r"claims? that",
    r"claimed",
    r"said to have",
    r"it is claimed",
    r"according to unconfirmed",
    r"speculat(?:e|ed|ion)",
    r"may have",
    r"might have",
    r"could have",
    r"if true",
)

RELATED_MIN = 0.4  # share of the claim's content terms the sentence must carry
SUPPORT_MIN = 0.6  # ... to vouch for it without hedges


class LexicalStance:
    """Implements ``StanceModel`` with cue lists; every answer says which cue decided it."""

    def classify(self, claim: str, text: str) -> StanceResult:
        claim_terms = set(tokenize(claim))
        if not claim_terms:
            return StanceResult(Label.UNRELATED, 1.0, "claim has no content words")
        shared = claim_terms & set(tokenize(text))
        overlap = len(shared) / len(claim_terms)
        if overlap < RELATED_MIN:
            return StanceResult(
                Label.UNRELATED, round(1.0 - overlap, 3), f"only {overlap:.0%} of the claim's terms"
            )
        refuting = REFUTING.search(text)
        claim_negated = NEGATION.search(claim) is not None
        if refuting and not claim_negated:
            return StanceResult(
                Label.CONTRADICTS,
                round(min(1.0, 0.5 + overlap / 2), 3),
                f"refuting cue '{refuting.group(0)}' with {overlap:.0%} of the claim's terms",
            )
        if claim_negated and refuting:
            # Both deny the same thing: the sentence agrees with a negative claim.
            return StanceResult(
                Label.SUPPORTS,
                round(min(1.0, 0.4 + overlap / 2), 3),
                f"claim and sentence both negate ('{refuting.group(0)}')",
            )
        if claim_negated and not refuting:
            return StanceResult(
                Label.CONTRADICTS,
                round(0.4 + overlap / 3, 3),
                "claim denies what the sentence states",
            )
        hedge = HEDGING.search(text)
        if hedge:
            return StanceResult(
                Label.DISCUSSES, round(0.5 + overlap / 3, 3), f"hedge '{hedge.group(0)}'"
            )
        if overlap < SUPPORT_MIN:
            return StanceResult(
                Label.DISCUSSES, round(overlap, 3), f"mentions {overlap:.0%} of the claim's terms"
            )
        return StanceResult(
            Label.SUPPORTS, round(overlap, 3), f"states {overlap:.0%} of the claim's terms"
        )
