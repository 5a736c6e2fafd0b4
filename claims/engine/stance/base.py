"""The seam between the pipeline and any stance model: `classify(claim, text)` answers with a
`StanceResult`. A new model implements `StanceModel`; the pipeline needs no other change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from claims.engine.vocabulary import Stance


@dataclass(frozen=True)
class StanceResult:
    label: Stance
    confidence: float  # 0..1; LexicalStance's are ordering heuristics, not calibrated odds
    reason: str  # short and checkable against the text


class StanceModel(Protocol):
    def classify(self, claim: str, text: str) -> StanceResult: ...
