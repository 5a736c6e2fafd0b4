"""Table-driven tests for the pure verification engine (no Django)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from claims.engine.verification import (
    Assessment,
    ClaimInput,
    ClaimQuantity,
    EvidenceInput,
    Figure,
    Stance,
    Status,
    assess,
)

S, C, D = Stance.SUPPORTS, Stance.CONTRADICTS, Stance.DISCUSSES

KILLED = ClaimQuantity("security officers killed", "13", 13, 13, running=True)
ELIMINATED = ClaimQuantity("assailants eliminated", "dozens", 24, 99)

ORIGINS = {
    "kz": "Interior Ministry (Government of Kazakhstan)",
    "reuters": "Reuters",
    "ap": "AP",
    "hrw": "Human Rights Watch",
    "tg": "Telegram channel",
    "anon": "Anonymous account",
    "ru": "Tass",
}


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2022, 1, day, hour, tzinfo=UTC)


CLAIM_MADE = at(6)


def claim(
    claimant: str | None = "kz",
    quantities: tuple[ClaimQuantity, ...] = (),
    made_at: datetime | None = CLAIM_MADE,
) -> ClaimInput:
    name = "Government of Kazakhstan" if claimant == "kz" else claimant
    return ClaimInput(claimant, name, quantities, made_at)


def ev(
    evidence_id: int,
    stance: Stance = S,
    origin: str = "reuters",
    grade: str = "A",
    day: int | None = 7,
    *,
    figures: tuple[Figure, ...] = (),
    manual: bool = False,
    publisher: str = "",
    name: str | None = None,
) -> EvidenceInput:
    return EvidenceInput(
        evidence_id=evidence_id,
        stance=stance,
        origin_key=origin,
        origin_name=name if name is not None else ORIGINS.get(origin, origin),
        grade=grade,
        published_at=None if day is None else at(day),
        figures=figures,
        manual=manual,
        publisher_name=publisher,
    )


def killed(n: float) -> Figure:
    return Figure(KILLED.what, n, n)


def eliminated(low: float, high: float | None = None) -> Figure:
    return Figure(ELIMINATED.what, low, low if high is None else high)


def echoes(count: int, stance: Stance = S) -> list[EvidenceInput]:
    wires = ["Tass", "Reuters", "AFP", "Interfax", "Sputnik", "BBC"]
    return [
        ev(100 + i, stance, "kz", "B", 6, publisher=wires[i % len(wires)]) for i in range(count)
    ]


CASES = [
    # --- every status and credibility value ---
    pytest.param(
        claim(), [], Status.UNVERIFIED, 6, (), ["no evidence has been linked"], id="nothing-6"
    ),
    pytest.param(
        claim(),
        [ev(1, S, "reuters")],
        Status.CORROBORATED,
        2,
        (1,),
        ["Corroborated (credibility 2):", "1 credible independent origin, Reuters [A]"],
        id="one-support-2",
    ),
    pytest.param(
        claim(),
        [ev(1, S, "reuters"), ev(2, S, "hrw", "B")],
        Status.CORROBORATED,
        1,
        (1, 2),
        ["Corroborated (credibility 1):", "Reuters [A] and Human Rights Watch [B]"],
        id="two-supports-1",
    ),
    pytest.param(
        claim(),
        echoes(1),
        Status.UNVERIFIED,
        3,
        (100,),
        ["Unverified (credibility 3):", "the claimant's own side repeats it"],
        id="echo-only-3",
    ),
    pytest.param(
        claim(),
        [ev(1, S, "reuters"), ev(2, C, "hrw", "B")],
        Status.DISPUTED,
        4,
        (1, 2),
        [
            "Disputed (credibility 4):",
            "supported by Reuters [A] but contradicted by Human Rights Watch [B]",
        ],
        id="disputed-4",
    ),
    pytest.param(
        claim(),
        [ev(1, C, "reuters"), ev(2, C, "hrw", "D")],
        Status.REFUTED,
        5,
        (1, 2),
        ["Refuted (credibility 5):", "2 credible independent origins", "supported by none"],
        id="refuted-5",
    ),
    # --- echo collapse ---
    pytest.param(
        claim(),
        echoes(4),
        Status.UNVERIFIED,
        3,
        (100, 101, 102, 103),
        [
            "4 reports repeating Government of Kazakhstan (the claimant's own side) were not "
            "counted."
        ],
        id="four-echoes-still-unverified",
    ),
    pytest.param(
        claim(),
        [*echoes(3), ev(1, C, "kz", "B", 8)],
        Status.UNVERIFIED,
        6,
        (1, 100, 101, 102),
        ["4 reports from Government of Kazakhstan", "its latest word contradicts the claim"],
        id="claimant-side-retracts-6",
    ),
    pytest.param(
        claim(),
        [*echoes(20), ev(1, S, "hrw", "B")],
        Status.CORROBORATED,
        2,
        (1,),
        ["Human Rights Watch [B]", "20 reports repeating Government of Kazakhstan"],
        id="twenty-echoes-plus-one-witness",
    ),
    pytest.param(
        claim(),
        [*echoes(2, C), ev(1, S, "reuters")],
        Status.CORROBORATED,
        2,
        (1,),
        ["2 reports from Government of Kazakhstan (the claimant's own side) were not counted"],
        id="echo-cannot-refute",
    ),
    # --- two wires quoting one ministry are one origin ---
    pytest.param(
        claim("witness"),
        [ev(1, S, "kz", "B", publisher="Reuters"), ev(2, S, "kz", "B", publisher="Tass")],
        Status.CORROBORATED,
        2,
        (1, 2),
        ["1 credible independent origin", "(2 reports via Reuters and Tass, counted once)"],
        id="two-wires-one-ministry",
    ),
    pytest.param(
        claim("witness"),
        [
            ev(1, S, "kz", "B", publisher="Reuters"),
            ev(2, S, "kz", "C", publisher="Tass", name="Almaty police (Government of Kazakhstan)"),
            ev(3, S, "hrw", "B"),
        ],
        Status.CORROBORATED,
        1,
        (1, 2, 3),
        ["2 credible independent origins"],
        id="ministry-and-police-roll-up-plus-ngo",
    ),
    # --- grade weighting ---
    pytest.param(
        claim(),
        [ev(1, S, "tg", "E"), ev(2, S, "anon", "F")],
        Status.UNVERIFIED,
        6,
        (1, 2),
        [
            "Not counted because graded E or F: Telegram channel [E] (supports) and "
            "Anonymous account [F] (supports)."
        ],
        id="low-grade-support-alone",
    ),
    pytest.param(
        claim(),
        [ev(1, C, "tg", "E"), ev(2, C, "anon", "F")],
        Status.UNVERIFIED,
        6,
        (1, 2),
        ["Unverified", "Telegram channel [E] (contradicts)"],
        id="low-grade-contradiction-alone",
    ),
    pytest.param(
        claim(),
        [ev(1, S, "reuters"), ev(2, C, "tg", "E")],
        Status.CORROBORATED,
        2,
        (1,),
        ["Reuters [A]", "Not counted because graded E or F: Telegram channel [E] (contradicts)"],
        id="credible-support-beats-low-grade-contradiction",
    ),
    pytest.param(
        claim(),
        [ev(1, S, "reuters"), ev(2, S, "tg", "E")],
        Status.CORROBORATED,
        2,
        (1,),
        ["1 credible independent origin"],
        id="low-grade-support-does-not-add",
    ),
    pytest.param(
        claim(),
        [ev(1, C, "hrw", "C"), ev(2, S, "tg", "F")],
        Status.REFUTED,
        5,
        (1,),
        ["Human Rights Watch [C]", "Telegram channel [F] (supports)"],
        id="credible-contradiction-low-grade-support",
    ),
    pytest.param(
        claim(),
        [ev(1, S, "ap", "B", 7), ev(2, S, "ap", "E", 8, name="AP stringer")],
        Status.CORROBORATED,
        2,
        (1, 2),
        ["AP stringer [E; group best B]"],
        id="group-graded-by-best-source",
    ),
    pytest.param(
        claim(),
        [ev(1, S, "reuters", "z")],
        Status.UNVERIFIED,
        6,
        (1,),
        ["Reuters [F] (supports)"],
        id="unknown-grade-is-F",
    ),
    # --- quantities ---
    pytest.param(
        claim(quantities=(ELIMINATED,)),
        [ev(1, S, figures=(eliminated(30),))],
        Status.CORROBORATED,
        2,
        (1,),
        [],
        id="figure-inside-range",
    ),
    pytest.param(
        claim(quantities=(ELIMINATED,)),
        [ev(1, S, figures=(eliminated(10, 24),))],
        Status.CORROBORATED,
        2,
        (1,),
        [],
        id="figure-touching-range-overlaps",
    ),
    pytest.param(
        claim(quantities=(ELIMINATED,)),
        [ev(1, C, figures=(eliminated(30),))],
        Status.REFUTED,
        5,
        (1,),
        [],
        id="overlap-keeps-textual-contradiction",
    ),
    pytest.param(
        claim(quantities=(ELIMINATED,)),
        [ev(1, S, figures=(eliminated(5),))],
        Status.REFUTED,
        5,
        (1,),
        [
            'Reuters gave 5 for assailants eliminated, outside the claim\'s "dozens" (24 to 99), '
            "so it counts as contradicting."
        ],
        id="non-overlap-contradicts-whatever-the-text",
    ),
    pytest.param(
        claim(quantities=(ELIMINATED,)),
        [ev(1, S, figures=(eliminated(150, 200),)), ev(2, S, "hrw", "B")],
        Status.DISPUTED,
        4,
        (1, 2),
        ["gave 150 to 200 for assailants eliminated"],
        id="non-overlap-against-support",
    ),
    pytest.param(
        claim(quantities=(ELIMINATED,)),
        [ev(1, S, figures=(Figure("people detained", 1, 1),))],
        Status.CORROBORATED,
        2,
        (1,),
        [],
        id="figure-for-something-else-ignored",
    ),
    pytest.param(
        claim(quantities=(KILLED,)),
        [ev(1, C, day=8, figures=(killed(18),))],
        Status.UNVERIFIED,
        6,
        (1,),
        [
            "Reuters later gave 18 for security officers killed, an update of the running count "
            "(claim: 13).",
            "1 origin only discusses it",
        ],
        id="running-later-higher-is-update",
    ),
    pytest.param(
        claim("witness", quantities=(KILLED,)),
        [
            ev(1, S, "kz", "B", 7, publisher="Tass"),
            ev(2, S, "kz", "B", 9, figures=(killed(18),), publisher="Reuters"),
        ],
        Status.CORROBORATED,
        2,
        (1, 2),
        [
            "Reuters quoting Interior Ministry (Government of Kazakhstan) later gave 18 for "
            "security officers killed",
            "(2 reports via Reuters and Tass, counted once)",
        ],
        id="update-does-not-retract-earlier-support",
    ),
    pytest.param(
        claim(quantities=(KILLED,)),
        [ev(1, S, day=5, figures=(killed(18),))],
        Status.REFUTED,
        5,
        (1,),
        ["not published after the claim, so not an update"],
        id="running-earlier-contradicts",
    ),
    pytest.param(
        claim(quantities=(KILLED,)),
        [ev(1, S, day=6, figures=(killed(18),))],
        Status.REFUTED,
        5,
        (1,),
        ["not published after the claim"],
        id="running-same-time-is-not-later",
    ),
    pytest.param(
        claim(quantities=(KILLED,)),
        [ev(1, S, day=8, figures=(killed(10),))],
        Status.REFUTED,
        5,
        (1,),
        ["gave 10 for security officers killed", "does not fall"],
        id="running-later-lower-contradicts",
    ),
    pytest.param(
        claim(quantities=(KILLED,), made_at=None),
        [ev(1, S, day=8, figures=(killed(18),))],
        Status.REFUTED,
        5,
        (1,),
        ["not known to be later"],
        id="running-claim-time-unknown",
    ),
    pytest.param(
        claim(quantities=(KILLED,)),
        [ev(1, S, day=None, figures=(killed(18),))],
        Status.REFUTED,
        5,
        (1,),
        ["not known to be later"],
        id="running-evidence-time-unknown",
    ),
    pytest.param(
        claim(quantities=(KILLED,)),
        [ev(1, S, "ru", "C", 8, figures=(killed(18), killed(5)))],
        Status.REFUTED,
        5,
        (1,),
        ["Tass gave 5", "Tass later gave 18"],
        id="contradicting-figure-beats-update",
    ),
    pytest.param(
        claim(quantities=(KILLED,)),
        [*echoes(2), ev(1, S, "kz", "B", 9, figures=(killed(18),))],
        Status.UNVERIFIED,
        3,
        (1, 100, 101),
        ["Interior Ministry (Government of Kazakhstan) later gave 18", "3 reports repeating"],
        id="claimant-updates-own-count",
    ),
    # --- latest evidence wins within an origin ---
    pytest.param(
        claim(),
        [ev(1, S, day=7), ev(2, C, day=8)],
        Status.REFUTED,
        5,
        (1, 2),
        ["Refuted", "Judged by their latest word after changing their line: Reuters [A]"],
        id="latest-contradiction-wins",
    ),
    pytest.param(
        claim(),
        [ev(1, C, day=7), ev(2, S, day=8)],
        Status.CORROBORATED,
        2,
        (1, 2),
        ["changing their line"],
        id="latest-support-wins",
    ),
    pytest.param(
        claim(),
        [ev(2, C, day=None), ev(1, S, day=7)],
        Status.CORROBORATED,
        2,
        (1, 2),
        [],
        id="undated-sorts-first",
    ),
    pytest.param(
        claim(),
        [ev(2, C, day=7), ev(1, S, day=7)],
        Status.REFUTED,
        5,
        (1, 2),
        [],
        id="same-time-higher-id-wins",
    ),
    pytest.param(
        claim(),
        [ev(1, S, day=7), ev(2, D, day=9)],
        Status.CORROBORATED,
        2,
        (1, 2),
        [],
        id="later-discussion-does-not-retract",
    ),
    pytest.param(
        claim(),
        [ev(1, D, "reuters"), ev(2, D, "hrw", "B")],
        Status.UNVERIFIED,
        6,
        (1, 2),
        ["2 origins only discuss it without taking a side"],
        id="discussion-only",
    ),
    # --- manual evidence ---
    pytest.param(
        claim(),
        [ev(1, S, day=7, manual=True), ev(2, C, day=9)],
        Status.CORROBORATED,
        2,
        (1, 2),
        ["Stance set by a fact-checker (overriding automatic evidence): Reuters [A]"],
        id="manual-beats-later-automatic",
    ),
    pytest.param(
        claim(),
        [ev(1, S, day=7, manual=True), ev(2, C, day=8, manual=True), ev(3, S, day=9)],
        Status.REFUTED,
        5,
        (1, 2, 3),
        ["Stance set by a fact-checker"],
        id="latest-manual-wins",
    ),
    pytest.param(
        claim(quantities=(ELIMINATED,)),
        [ev(1, S, manual=True, figures=(eliminated(5),))],
        Status.CORROBORATED,
        2,
        (1,),
        ["Stance set by a fact-checker: Reuters [A]"],
        id="manual-stance-not-overridden-by-figure",
    ),
    # --- unknown claimant: every origin independent ---
    pytest.param(
        claim(None),
        [ev(1, S, "kz", "B"), ev(2, S, "kz", "B"), ev(3, S, "reuters")],
        Status.CORROBORATED,
        1,
        (1, 2, 3),
        ["The claimant is unknown, so every origin was treated as independent."],
        id="unknown-claimant",
    ),
    pytest.param(
        claim(None),
        [ev(1, C, "kz", "B")],
        Status.REFUTED,
        5,
        (1,),
        [],
        id="unknown-claimant-ministry-can-refute",
    ),
]


@pytest.mark.parametrize(
    ("claim_input", "evidence", "status", "credibility", "ids", "fragments"), CASES
)
def test_assess(
    claim_input: ClaimInput,
    evidence: list[EvidenceInput],
    status: Status,
    credibility: int,
    ids: tuple[int, ...],
    fragments: Sequence[str],
) -> None:
    result = assess(claim_input, evidence)

    assert (result.status, result.credibility, result.evidence_ids) == (status, credibility, ids)
    assert result.explanation.startswith(status.value.capitalize())
    assert "\n" not in result.explanation
    for fragment in fragments:
        assert fragment in result.explanation


@pytest.mark.parametrize(
    ("claim_input", "evidence"), [pytest.param(*case.values[:2], id=case.id) for case in CASES]
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_order_does_not_matter(
    claim_input: ClaimInput, evidence: list[EvidenceInput], seed: int
) -> None:
    expected = assess(claim_input, evidence)
    shuffled = list(evidence)
    random.Random(seed).shuffle(shuffled)

    assert assess(claim_input, shuffled) == expected
    assert assess(claim_input, tuple(reversed(evidence))) == expected


def test_every_credibility_value_is_covered() -> None:
    assert {case.values[3] for case in CASES} == {1, 2, 3, 4, 5, 6}
    assert {case.values[2] for case in CASES} == set(Status)


def test_naive_and_aware_datetimes_mix() -> None:
    naive_claim = ClaimInput("kz", "Government of Kazakhstan", (KILLED,), datetime(2022, 1, 6))
    result = assess(naive_claim, [ev(1, S, day=8, figures=(killed(18),))])

    assert result.status is Status.UNVERIFIED
    assert "update of the running count" in result.explanation


def test_assessment_is_a_value() -> None:
    first = assess(claim(), [ev(1, S), ev(2, S, "hrw", "B")])
    second = assess(claim(), [ev(2, S, "hrw", "B"), ev(1, S)])

    assert isinstance(first, Assessment)
    assert first == second
    assert hash(first) == hash(second)
