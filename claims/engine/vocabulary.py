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
