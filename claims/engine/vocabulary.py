"""The words the engine and the database share: a claim's verification status and a text's
stance towards a claim. The models store these values; the engine reasons with them."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    UNVERIFIED = "unverified"
    CORROBORATED = "corroborated"
    DISPUTED = "disputed"
    REFUTED = "refuted"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    @classmethod
    def values(cls) -> list[str]:
        return [member.value for member in cls]


class Stance(StrEnum):
    """What a text says of a claim. A stance model may answer UNRELATED; an Evidence row never
    holds it (unrelated text is not evidence), hence `evidence_choices`."""

    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    DISCUSSES = "discusses"
    UNRELATED = "unrelated"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @classmethod
    def evidence_stances(cls) -> tuple[Stance, ...]:
        return (cls.SUPPORTS, cls.CONTRADICTS, cls.DISCUSSES)

    @classmethod
    def evidence_choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls.evidence_stances()]

    @classmethod
    def evidence_values(cls) -> list[str]:
        return [member.value for member in cls.evidence_stances()]


# The credibility scale (Admiralty 1-6) in the words a desk uses, for tooltips and the legend
# (claims.engine.verification sets the numbers: POLICY rule 8).
CREDIBILITY_WORDS: dict[int, str] = {
    1: "confirmed: two or more independent credible origins assert it",
    2: "probably true: one grade-A origin's own report asserts it",
    3: "possibly true: credible independent origins assert it, short of confirming it",
    4: "doubtful: disputed, or no evidence found where some was looked for",
    5: "improbable: credible independent origins contradict it",
    6: "cannot be judged yet: no credible independent source has taken a side",
}
