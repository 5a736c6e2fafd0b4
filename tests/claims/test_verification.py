"""Table-driven tests for the pure verification engine (no Django): one table per rule of the
POLICY in claims/engine/verification.py's docstring."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from claims.engine import verification
from claims.engine.verification import (
    CORROBORATING_ORIGINS,
    Assessment,
    ClaimInput,
    ClaimQuantity,
    EvidenceInput,
    Figure,
    Stance,
    Status,
    assess,
    read_figures,
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
    absence: bool = False,
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
        absence=absence,
    )


def outlets(
    count: int, stance: Stance = S, grade: str = "C", first: int = 1
) -> list[EvidenceInput]:
    """`count` independent outlets, each its own origin."""
    return [ev(first + i, stance, f"outlet{first + i:02}", grade) for i in range(count)]


def killed(n: float) -> Figure:
    return Figure(KILLED.what, n, n)


# A precise figure that copy rounds ("a 2,000 tip").
TIP = ClaimQuantity("tip", "2,084", 2084, 2084)


def tip(n: float) -> Figure:
    return Figure(TIP.what, n, n)


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
        [ev(1, S, "hrw", "B")],
        Status.UNVERIFIED,
        3,
        (1,),
        [
            "Unverified (credibility 3): asserted by 1 credible independent origin, Human "
            "Rights Watch [B], short of corroboration (which needs 1 origin graded A, 2 graded A "
            f"or B, or {CORROBORATING_ORIGINS} graded A to D)."
        ],
        id="asserted-short-of-corroboration-3",
    ),
    pytest.param(
        claim(),
        [ev(1, S, "reuters"), ev(2, C, "hrw", "B", absence=True)],
        Status.DISPUTED,
        4,
        (1, 2),
        [
            "Disputed (credibility 4): disputed by 1 credible independent origin, Human Rights "
            "Watch [B], which found no evidence for it",
            "asserted by 1 credible independent origin, Reuters [A]",
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
    # --- rule 2: echoes count for nothing ---
    pytest.param(
        claim(),
        echoes(1),
        Status.UNVERIFIED,
        6,
        (100,),
        ["Unverified (credibility 6):", "the claimant's own side repeats it"],
        id="echo-only-stays-6",
    ),
    pytest.param(
        claim(),
        echoes(4),
        Status.UNVERIFIED,
        6,
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
        Status.UNVERIFIED,
        3,
        (1,),
        ["Human Rights Watch [B]", "20 reports repeating Government of Kazakhstan"],
        id="twenty-echoes-plus-one-witness",
    ),
    pytest.param(
        claim(),
        [*echoes(20), ev(1, S, "reuters")],
        Status.CORROBORATED,
        2,
        (1,),
        ["Reuters [A]", "20 reports repeating Government of Kazakhstan"],
        id="twenty-echoes-plus-one-grade-a-witness",
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
        Status.UNVERIFIED,
        3,
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
        [ev(1, S, "ap", "A", 7), ev(2, S, "ap", "E", 8, name="AP stringer")],
        Status.CORROBORATED,
        2,
        (1, 2),
        ["AP stringer [E; group best A]"],
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
        Status.REFUTED,
        5,
        (1,),
        [
            "gave 150 to 200 for assailants eliminated",
            "outweighs the 1 origin asserting it, Human Rights Watch [B]",
        ],
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
            "1 origin only relays or discusses it without asserting it",
        ],
        id="running-later-higher-is-update",
    ),
    pytest.param(
        claim("witness", quantities=(KILLED,)),
        [
            ev(1, S, "kz", "A", 7, publisher="Tass"),
            ev(2, S, "kz", "A", 9, figures=(killed(18),), publisher="Reuters"),
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
        6,
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
        ["2 origins only relay or discuss it without asserting it"],
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
    # --- rule 4: a lower figure for a running count, published before the claim ---
    pytest.param(
        claim(quantities=(KILLED,)),
        [ev(1, S, day=5, figures=(killed(10),))],
        Status.UNVERIFIED,
        6,
        (1,),
        [
            "Reuters gave 10 for security officers killed before the claim was made, an earlier "
            "count of the running total (claim: 13)."
        ],
        id="running-earlier-lower-is-an-earlier-count",
    ),
    pytest.param(
        claim(quantities=(KILLED,)),
        [ev(1, S, day=5, figures=(killed(10),)), ev(2, S, "hrw", "B", 8), ev(3, S, "ap", "B", 8)],
        Status.CORROBORATED,
        1,
        (2, 3),
        ["an earlier count of the running total"],
        id="earlier-count-does-not-block-corroboration",
    ),
    pytest.param(
        claim(quantities=(ELIMINATED,)),
        [ev(1, S, day=5, figures=(eliminated(5),))],
        Status.REFUTED,
        5,
        (1,),
        ["gave 5 for assailants eliminated, outside the claim's"],
        id="earlier-lower-figure-of-a-fixed-count-contradicts",
    ),
    pytest.param(
        claim(quantities=(KILLED,), made_at=None),
        [ev(1, S, day=5, figures=(killed(10),))],
        Status.REFUTED,
        5,
        (1,),
        ["not known to be later"],
        id="lower-figure-claim-time-unknown-contradicts",
    ),
    # --- rule 5: absence of evidence disputes, positive contradiction refutes ---
    pytest.param(
        claim(),
        [ev(1, C, "hrw", "B", absence=True)],
        Status.DISPUTED,
        4,
        (1,),
        [
            "Disputed (credibility 4): disputed by 1 credible independent origin, Human Rights "
            "Watch [B], which found no evidence for it (absence of evidence disputes a claim but "
            "does not refute it); no credible independent origin positively contradicts it."
        ],
        id="absence-alone-disputes",
    ),
    pytest.param(
        claim(),
        [ev(1, C, "hrw", "B", absence=True), ev(2, C, "reuters", absence=True)],
        Status.DISPUTED,
        4,
        (1, 2),
        ["disputed by 2 credible independent origins"],
        id="two-absence-reports-dispute-not-refute",
    ),
    pytest.param(
        claim(),
        [ev(1, D, "hrw", "B", absence=True)],
        Status.DISPUTED,
        4,
        (1,),
        ["found no evidence"],
        id="absence-that-only-discusses-disputes",
    ),
    pytest.param(
        claim(),
        [ev(1, C, "hrw", "B", absence=True), ev(2, C, "reuters")],
        Status.REFUTED,
        5,
        (2,),
        ["positively contradicted by 1 credible independent origin, Reuters [A]"],
        id="positive-contradiction-refutes-beside-absence",
    ),
    pytest.param(
        claim(),
        [ev(1, S, "reuters", absence=True)],
        Status.CORROBORATED,
        2,
        (1,),
        [],
        id="absence-cue-in-a-supporting-report-changes-nothing",
    ),
    pytest.param(
        claim(),
        [ev(1, C, "hrw", "B", absence=True, manual=True)],
        Status.REFUTED,
        5,
        (1,),
        ["Stance set by a fact-checker"],
        id="fact-checkers-contradiction-stands",
    ),
    pytest.param(
        claim(),
        [ev(1, C, "tg", "E", absence=True)],
        Status.UNVERIFIED,
        6,
        (1,),
        ["Not counted because graded E or F"],
        id="low-grade-absence-not-counted",
    ),
    pytest.param(
        claim(),
        [ev(1, C, "hrw", "B", 7), ev(2, C, "hrw", "B", 9, absence=True)],
        Status.DISPUTED,
        4,
        (1, 2),
        ["changing their line"],
        id="latest-word-absence-softens-earlier-denial",
    ),
    # --- rule 7: repetition is not corroboration ---
    pytest.param(
        claim(None),
        outlets(1),
        Status.UNVERIFIED,
        3,
        (1,),
        ["asserted by 1 credible independent origin", "short of corroboration"],
        id="one-outlet-graded-c-3",
    ),
    pytest.param(
        claim(None),
        outlets(CORROBORATING_ORIGINS - 1),
        Status.UNVERIFIED,
        3,
        tuple(range(1, CORROBORATING_ORIGINS)),
        [f"asserted by {CORROBORATING_ORIGINS - 1} credible independent origins"],
        id="outlets-short-of-corroboration-3",
    ),
    pytest.param(
        claim(None),
        outlets(CORROBORATING_ORIGINS),
        Status.CORROBORATED,
        1,
        tuple(range(1, CORROBORATING_ORIGINS + 1)),
        [
            f"asserted by {CORROBORATING_ORIGINS} credible independent origins",
            f"which meets the rule of {CORROBORATING_ORIGINS} origins graded A to D; "
            "contradicted by none.",
        ],
        id="enough-outlets-corroborate-1",
    ),
    pytest.param(
        claim(None),
        [*outlets(CORROBORATING_ORIGINS - 1), *outlets(8, D, first=20)],
        Status.UNVERIFIED,
        3,
        tuple(range(1, CORROBORATING_ORIGINS)),
        ["8 more origins only relay or discuss it without asserting it (counted neither for nor"],
        id="relays-do-not-add",
    ),
    pytest.param(
        claim(None),
        [*outlets(CORROBORATING_ORIGINS), *outlets(8, D, first=20)],
        Status.CORROBORATED,
        1,
        tuple(range(1, CORROBORATING_ORIGINS + 1)),
        ["8 more origins only relay or discuss it"],
        id="relays-do-not-take-away",
    ),
    pytest.param(
        claim(None),
        [*outlets(CORROBORATING_ORIGINS - 1), *outlets(3, S, "E", first=20)],
        Status.UNVERIFIED,
        3,
        tuple(range(1, CORROBORATING_ORIGINS)),
        ["Not counted because graded E or F"],
        id="low-grade-outlets-do-not-add",
    ),
    pytest.param(
        claim(None),
        [ev(1, S, "hrw", "B"), ev(2, S, "ap", "B")],
        Status.CORROBORATED,
        1,
        (1, 2),
        ["which meets the rule of 2 origins graded A or B"],
        id="two-b-origins-corroborate",
    ),
    pytest.param(
        claim(None),
        [ev(1, S, "hrw", "B"), *outlets(CORROBORATING_ORIGINS - 2, first=10)],
        Status.UNVERIFIED,
        3,
        (1, *range(10, 10 + CORROBORATING_ORIGINS - 2)),
        ["short of corroboration"],
        id="one-b-and-c-outlets-short",
    ),
    pytest.param(
        claim(None),
        [ev(1, S, "reuters", "A")],
        Status.CORROBORATED,
        2,
        (1,),
        ["which meets the rule of 1 origin graded A"],
        id="one-a-origin-corroborates-2",
    ),
    # --- rule 7: a credible positive contradiction outweighs repetition ---
    pytest.param(
        claim(None),
        [*outlets(CORROBORATING_ORIGINS + 3), ev(99, C, "hrw", "B")],
        Status.REFUTED,
        5,
        (99,),
        [
            "positively contradicted by 1 credible independent origin, Human Rights Watch [B]; "
            f"a credible contradiction outweighs the {CORROBORATING_ORIGINS + 3} origins "
            "asserting it"
        ],
        id="debunk-outweighs-repetition",
    ),
    pytest.param(
        claim(None),
        [*outlets(2), ev(99, C, "tg", "E")],
        Status.UNVERIFIED,
        3,
        (1, 2),
        ["Telegram channel [E] (contradicts)"],
        id="low-grade-debunk-does-not-refute",
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


# --- rule 2 as a property: adding the claimant's echoes changes neither status nor credibility --

ECHO_BASES = {
    "nothing": [],
    "asserted": [ev(1, S, "hrw", "B")],
    "corroborated": [ev(1, S, "reuters"), ev(2, S, "hrw", "B")],
    "refuted": [ev(1, C, "reuters")],
    "disputed": [ev(1, C, "hrw", "B", absence=True)],
    "relayed": [ev(1, D, "ap", "B")],
    "low-grade": [ev(1, S, "tg", "E")],
}
ECHO_SETS = {
    "supporting": echoes(3),
    "contradicting": echoes(2, C),
    "discussing": echoes(2, D),
    "absence": [ev(200, C, "kz", "B", 8, absence=True)],
    "figures": [ev(201, S, "kz", "B", 9, figures=(killed(30),))],
}


@pytest.mark.parametrize("base", list(ECHO_BASES))
@pytest.mark.parametrize("echo", list(ECHO_SETS))
def test_an_echo_never_changes_status_or_credibility(base: str, echo: str) -> None:
    claim_input = claim(quantities=(KILLED,))
    without = assess(claim_input, ECHO_BASES[base])
    with_echo = assess(claim_input, [*ECHO_BASES[base], *ECHO_SETS[echo]])

    assert (with_echo.status, with_echo.credibility) == (without.status, without.credibility)
    assert "(the claimant's own side)" in with_echo.explanation


# --- rule 4: the stance the pipeline stores is the stance the engine reasons with -------------

READINGS = [
    # (claim quantities, stance, figures, day published, made_at, expected)
    pytest.param((KILLED,), S, (killed(13),), 7, CLAIM_MADE, S, id="inside-range-keeps-stance"),
    pytest.param((KILLED,), S, (killed(18),), 8, CLAIM_MADE, D, id="later-higher-update"),
    pytest.param((KILLED,), C, (killed(18),), 8, CLAIM_MADE, D, id="update-is-not-a-denial"),
    pytest.param((KILLED,), S, (killed(10),), 5, CLAIM_MADE, D, id="earlier-lower-count"),
    pytest.param((KILLED,), S, (killed(10),), 8, CLAIM_MADE, C, id="later-lower-contradicts"),
    pytest.param((KILLED,), S, (killed(18),), 5, CLAIM_MADE, C, id="earlier-higher-contradicts"),
    pytest.param((KILLED,), S, (killed(18),), 8, None, C, id="claim-time-unknown"),
    pytest.param((ELIMINATED,), S, (eliminated(5),), 7, CLAIM_MADE, C, id="fixed-count-outside"),
    pytest.param((ELIMINATED,), D, (), 7, CLAIM_MADE, D, id="no-figures"),
    pytest.param(
        (KILLED,), S, (killed(18), killed(5)), 8, CLAIM_MADE, C, id="contradiction-beats-update"
    ),
    pytest.param((TIP,), S, (tip(2000),), 7, CLAIM_MADE, S, id="a-round-figure-is-near-enough"),
    pytest.param((TIP,), S, (tip(2200),), 7, CLAIM_MADE, C, id="beyond-rounding-contradicts"),
]


@pytest.mark.parametrize(
    ("quantities", "stance", "figures", "day", "made_at", "expected"), READINGS
)
def test_read_figures_gives_the_stance_the_engine_reasons_with(
    quantities: tuple[ClaimQuantity, ...],
    stance: Stance,
    figures: tuple[Figure, ...],
    day: int,
    made_at: datetime | None,
    expected: Stance,
) -> None:
    claim_input = claim(None, quantities, made_at)
    read = read_figures(claim_input, stance, figures, at(day))

    assert read == expected
    # Reading the stored stance again changes nothing ...
    assert read_figures(claim_input, read, figures, at(day)) == read
    # ... and the engine reaches the status that stance alone would give.
    stored = assess(claim_input, [ev(1, read, "reuters", day=day, figures=figures)])
    plain = assess(claim_input, [ev(1, read, "reuters", day=day)])
    assert (stored.status, stored.credibility) == (plain.status, plain.credibility)


def test_a_fact_checkers_stance_is_not_read_again() -> None:
    assert read_figures(claim(quantities=(KILLED,)), S, (killed(5),), at(8), manual=True) == S


# --- rule 7's switches: what the constants do -------------------------------------------------


def test_when_contradiction_does_not_outweigh_support_both_dispute(monkeypatch) -> None:
    monkeypatch.setattr(verification, "CONTRADICTION_OUTWEIGHS_SUPPORT", False)
    evidence = [*outlets(CORROBORATING_ORIGINS), ev(99, C, "hrw", "B")]

    result = assess(claim(None), evidence)

    assert (result.status, result.credibility) == (Status.DISPUTED, 4)
    assert "contradicted by 1 credible independent origin, Human Rights Watch [B]" in (
        result.explanation
    )
    # Support short of corroboration still loses to the contradiction.
    short = assess(claim(None), [*outlets(2), ev(99, C, "hrw", "B")])
    assert short.status is Status.REFUTED


def test_fewer_contradicting_origins_than_needed_dispute(monkeypatch) -> None:
    monkeypatch.setattr(verification, "REFUTING_ORIGINS", 2)

    one = assess(claim(None), [ev(1, C, "reuters")])
    two = assess(claim(None), [ev(1, C, "reuters"), ev(2, C, "hrw", "B")])

    assert (one.status, one.credibility) == (Status.DISPUTED, 4)
    assert "refuting needs 2 contradicting origins" in one.explanation
    assert two.status is Status.REFUTED


def test_the_corroboration_rule_is_named_in_the_explanation(monkeypatch) -> None:
    monkeypatch.setattr(verification, "CORROBORATION", (("A", 2), ("D", 3)))

    result = assess(claim(None), [ev(1, S, "reuters"), ev(2, S, "hrw", "C")])

    assert result.status is Status.UNVERIFIED
    assert "(which needs 2 origins graded A, or 3 graded A to D)" in result.explanation
