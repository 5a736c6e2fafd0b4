"""A source's track record against published verdicts, and the grade it suggests.

A report that took a side on a claim whose verdict was later published agrees with it (it
supported a claim rated true, or contradicted one rated false) or disagrees. The suggested grade
is the Wilson lower bound (95%) of the agreement rate, mapped by GRADE_FLOORS: the bound, not
the rate, so a short record earns little (1 of 1 gives D, 5 of 5 C, 8 of 8 B, 16 of 16 A; 1 of
2 gives E). `manage.py evaluate_tracking --learn-grades-from` measures what it adds
(docs/benchmarks.md, "End to end")."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Wilson lower bound -> grade; the engine counts A to D.
GRADE_FLOORS: tuple[tuple[float, str], ...] = ((0.8, "A"), (0.6, "B"), (0.4, "C"), (0.2, "D"))
LOWEST_LEARNED_GRADE = "E"
WILSON_Z = 1.96


def wilson_interval(successes: int, trials: int, z: float = WILSON_Z) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion ((0, 1) for no trials)."""
    if trials <= 0:
        return (0.0, 1.0)
    p = successes / trials
    z2 = z * z
    centre = p + z2 / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    denominator = 1 + z2 / trials
    return (max(0.0, (centre - spread) / denominator), min(1.0, (centre + spread) / denominator))


def grade_of(low: float) -> str:
    for floor, grade in GRADE_FLOORS:
        if low >= floor:
            return grade
    return LOWEST_LEARNED_GRADE


@dataclass(frozen=True)
class TrackRecord:
    agreed: int
    disagreed: int

    @property
    def judged(self) -> int:
        return self.agreed + self.disagreed

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.agreed, self.judged)

    @property
    def suggested_grade(self) -> str | None:
        """None without a judged report: no record is not a bad record."""
        return grade_of(self.interval[0]) if self.judged else None
