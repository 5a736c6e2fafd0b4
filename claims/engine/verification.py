"""Verification engine: from a claim and its evidence to a status, a credibility digit and an
explanation a person can check.

Pure and deterministic (no Django, no clock, no I/O): the same evidence in any order gives the
same ``Assessment`` byte for byte, so the assess task can re-run it whenever it likes and only
save when something changed.

How it weighs evidence (see DESIGN.md, "Verification engine"):

* Evidence is grouped by origin (the top organisation the first-hand source rolls up to). A
  group is one voice however many outlets repeat it; the claimant's own group is an echo and
  never counts for or against.
* A group speaks with its last word: its latest supporting or contradicting evidence (manual
  rows, when present, override automatic ones). Evidence that merely discusses the claim does
  not retract an earlier line, so it is only the group's stance when the group says nothing else.
* A figure outside the claim's range contradicts, unless it is a later, higher figure for a
  running count (tolls rise): that is an update and counts as discussing.
* Only groups whose best source grade is A to D can move the claim.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from claims.engine.vocabulary import Stance, Status

# Admiralty scale; E unreliable, F cannot be judged.
CREDIBLE_GRADES = frozenset("ABCD")
_GRADES = "ABCDEF"

CREDIBILITY_CORROBORATED_MANY = 1
CREDIBILITY_CORROBORATED_ONE = 2
CREDIBILITY_UNVERIFIED_ECHOED = 3
CREDIBILITY_DISPUTED = 4
CREDIBILITY_REFUTED = 5
CREDIBILITY_UNVERIFIED = 6


@dataclass(frozen=True)
class Figure:
    """A figure a report gives for something the claim counts."""

    what: str  # equals the ``what`` of one of the claim's ClaimQuantity (the caller aligns them)
    low: float
    high: float


@dataclass(frozen=True)
class ClaimQuantity:
    what: str
    words: str
    low: float
    high: float
    # A running count (death toll, detainees): later, higher figures are updates.
    running: bool = False


@dataclass(frozen=True)
class EvidenceInput:
    evidence_id: int
    stance: Stance
    origin_key: str  # top organisation the origin rolls up to; equal keys = same origin group
    origin_name: str  # e.g. "Interior Ministry (Government of Kazakhstan)"
    grade: str  # "A".."F" of the origin source
    published_at: datetime | None
    figures: tuple[Figure, ...] = ()
    manual: bool = False  # set by a fact-checker; wins over automatic evidence in its group
    publisher_name: str = ""  # who published the report ("Reuters" quoting the ministry)


@dataclass(frozen=True)
class ClaimInput:
    claimant_key: str | None  # the claimant's origin group, None when unknown
    claimant_name: str | None
    quantities: tuple[ClaimQuantity, ...] = ()
    made_at: datetime | None = None


@dataclass(frozen=True)
class Assessment:
    status: Status
    credibility: int  # 1..6
    explanation: str
    evidence_ids: tuple[int, ...]  # the evidence the result rests on (sorted)


# --- evidence-level reading -------------------------------------------------------------------


@dataclass(frozen=True)
class _FigureNote:
    """One figure that did not fit the claim's range, kept to be named in the explanation."""

    evidence: EvidenceInput
    figure: Figure
    quantity: ClaimQuantity
    update: bool
    reason: str  # why a non-update is a contradiction, "" for updates


@dataclass(frozen=True)
class _Reading:
    evidence: EvidenceInput
    stance: Stance  # after the quantity rules
    grade: str
    notes: tuple[_FigureNote, ...]


def _clean(text: str | None) -> str:
    # Names end up inside a single paragraph; stray newlines would break it.
    return " ".join((text or "").split())


def _grade(raw: str) -> str:
    grade = _clean(raw).upper()
    # An unrecognised grade is a source nobody has judged yet, which is what F means.
    return grade if len(grade) == 1 and grade in _GRADES else "F"


def _utc(moment: datetime | None) -> datetime | None:
    # Mixed naive/aware datetimes would raise on comparison; naive ones are taken as UTC,
    # which is what Django stores with USE_TZ.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _span(low: float, high: float) -> tuple[float, float]:
    return (low, high) if low <= high else (high, low)


def _read(claim: ClaimInput, evidence: EvidenceInput) -> _Reading:
    stance = Stance(evidence.stance)
    grade = _grade(evidence.grade)
    made_at = _utc(claim.made_at)
    published_at = _utc(evidence.published_at)
    later = made_at is not None and published_at is not None and published_at > made_at

    notes: list[_FigureNote] = []
    for figure in evidence.figures:
        f_low, f_high = _span(figure.low, figure.high)
        for quantity in claim.quantities:
            if quantity.what != figure.what:
                continue
            q_low, q_high = _span(quantity.low, quantity.high)
            if f_low <= q_high and q_low <= f_high:
                continue
            higher = f_low > q_high
            if quantity.running and later and higher:
                notes.append(_FigureNote(evidence, figure, quantity, update=True, reason=""))
                continue
            if not quantity.running:
                reason = ""
            elif not higher:
                reason = "a running count does not fall"
            elif made_at is None or published_at is None:
                reason = "not known to be later than the claim, so not an update"
            else:
                reason = "not published after the claim, so not an update"
            notes.append(_FigureNote(evidence, figure, quantity, update=False, reason=reason))

    # A fact-checker who set the stance has seen the figures; their label is final.
    if not evidence.manual:
        if any(not note.update for note in notes):
            stance = Stance.CONTRADICTS
        elif notes:
            stance = Stance.DISCUSSES
    return _Reading(evidence, stance, grade, tuple(notes))


def _order_key(reading: _Reading) -> tuple[object, ...]:
    """Chronological order, total over every field so duplicates cannot depend on input order."""
    e = reading.evidence
    published_at = _utc(e.published_at)
    return (
        published_at is not None,
        published_at or datetime.min.replace(tzinfo=UTC),
        e.evidence_id,
        e.manual,
        str(e.stance),
        e.origin_key,
        e.origin_name,
        e.grade,
        e.publisher_name,
        tuple((f.what, f.low, f.high) for f in e.figures),
    )


# --- origin groups ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    key: str
    readings: tuple[_Reading, ...]  # chronological
    decider: _Reading
    best_grade: str
    echo: bool

    @property
    def stance(self) -> Stance:
        return self.decider.stance

    @property
    def credible(self) -> bool:
        return self.best_grade in CREDIBLE_GRADES

    @property
    def changed_line(self) -> bool:
        pool = [r for r in self.readings if r.evidence.manual == self.decider.evidence.manual]
        stances = {r.stance for r in pool} - {Stance.DISCUSSES}
        return len(stances) > 1

    @property
    def overridden(self) -> bool:
        """A manual label decided a group that automatic evidence would have read differently."""
        return self.decider.evidence.manual and any(
            not r.evidence.manual and r.stance != self.stance for r in self.readings
        )

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(sorted({r.evidence.evidence_id for r in self.readings}))

    def label(self, *, short: bool = False) -> str:
        name = _clean(self.decider.evidence.origin_name) or self.key or "an unnamed origin"
        grade = self.decider.grade
        grade_text = grade if grade == self.best_grade else f"{grade}; group best {self.best_grade}"
        if short:
            return f"{name} [{grade_text}]"
        publishers = sorted(
            {
                _clean(r.evidence.publisher_name)
                for r in self.readings
                if _clean(r.evidence.publisher_name)
                and _clean(r.evidence.publisher_name) != _clean(r.evidence.origin_name)
            }
        )
        via = f" via {_join(publishers)}" if publishers else ""
        count = len(self.readings)
        if count > 1:
            detail = f" ({count} reports{via}, counted once)"
        elif via:
            detail = f" ({via.strip()})"
        else:
            detail = ""
        return f"{name} [{grade_text}]{detail}"

    def sort_key(self) -> tuple[str, str, str]:
        return (self.best_grade, _clean(self.decider.evidence.origin_name), self.key)


def _group(claim: ClaimInput, readings: Iterable[_Reading]) -> list[_Group]:
    by_key: dict[str, list[_Reading]] = {}
    for reading in readings:
        by_key.setdefault(reading.evidence.origin_key, []).append(reading)

    groups = []
    for key, members in by_key.items():
        members.sort(key=_order_key)
        pool = [r for r in members if r.evidence.manual] or members
        # Discussing a claim does not take back an earlier line, so the last word is the latest
        # evidence that takes a side; a group that never takes one simply discusses.
        sided = [r for r in pool if r.stance != Stance.DISCUSSES]
        decider = (sided or pool)[-1]
        groups.append(
            _Group(
                key=key,
                readings=tuple(members),
                decider=decider,
                best_grade=min(r.grade for r in members),
                echo=claim.claimant_key is not None and key == claim.claimant_key,
            )
        )
    groups.sort(key=_Group.sort_key)
    return groups


# --- explanation -----------------------------------------------------------------------------


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def _range(low: float, high: float) -> str:
    low, high = _span(low, high)
    return _number(low) if low == high else f"{_number(low)} to {_number(high)}"


def _claim_figure(quantity: ClaimQuantity) -> str:
    numbers = _range(quantity.low, quantity.high)
    words = _clean(quantity.words)
    return numbers if not words or words == numbers else f'"{words}" ({numbers})'


def _speaker(evidence: EvidenceInput) -> str:
    publisher = _clean(evidence.publisher_name)
    origin = _clean(evidence.origin_name) or _clean(evidence.origin_key) or "an unnamed origin"
    if publisher and publisher != origin:
        return f"{publisher} quoting {origin}"
    return origin


def _note_sentence(note: _FigureNote) -> str:
    figure = _range(note.figure.low, note.figure.high)
    what = _clean(note.quantity.what)
    claimed = _claim_figure(note.quantity)
    who = _speaker(note.evidence)
    if note.update:
        return (
            f"{who} later gave {figure} for {what}, an update of the running count "
            f"(claim: {claimed})."
        )
    because = f" ({note.reason})" if note.reason else ""
    return (
        f"{who} gave {figure} for {what}, outside the claim's {claimed}{because}, "
        "so it counts as contradicting."
    )


def _labels(groups: Iterable[_Group], *, short: bool = False) -> str:
    return _join([g.label(short=short) for g in groups])


def _explain(
    status: Status,
    credibility: int,
    claim: ClaimInput,
    groups: Sequence[_Group],
    supporting: Sequence[_Group],
    contradicting: Sequence[_Group],
) -> str:
    independent = [g for g in groups if not g.echo]
    counted = [g for g in independent if g.credible]
    echoes = [g for g in groups if g.echo]
    echo_supports = any(g.stance == Stance.SUPPORTS for g in echoes)

    sentences: list[str] = []
    head = f"{status.value.capitalize()} (credibility {credibility}):"
    if status is Status.CORROBORATED:
        sentences.append(
            f"{head} supported by {_plural(len(supporting), 'credible independent origin')}, "
            f"{_labels(supporting)}, and contradicted by none."
        )
    elif status is Status.DISPUTED:
        sentences.append(
            f"{head} supported by {_labels(supporting)} but contradicted by "
            f"{_labels(contradicting)}, all credible and independent of the claimant."
        )
    elif status is Status.REFUTED:
        sentences.append(
            f"{head} contradicted by {_plural(len(contradicting), 'credible independent origin')}, "
            f"{_labels(contradicting)}, and supported by none."
        )
    elif not groups:
        sentences.append(f"{head} no evidence has been linked to the claim yet.")
    else:
        tail = "; the claimant's own side repeats it" if echo_supports else ""
        sentences.append(
            f"{head} no credible origin independent of the claimant supports or "
            f"contradicts it{tail}."
        )

    if claim.claimant_key is None and independent:
        sentences.append("The claimant is unknown, so every origin was treated as independent.")

    discussing = [g for g in counted if g.stance == Stance.DISCUSSES]
    if discussing:
        verb = "discusses" if len(discussing) == 1 else "discuss"
        sentences.append(
            f"{_plural(len(discussing), 'origin')} only {verb} it without taking a side: "
            f"{_labels(discussing, short=True)}."
        )

    decided = [g for g in counted if g.stance != Stance.DISCUSSES]
    changed = [g for g in decided if g.changed_line]
    if changed:
        sentences.append(
            "Judged by their latest word after changing their line: "
            f"{_labels(changed, short=True)}."
        )
    manual = [g for g in groups if g.decider.evidence.manual]
    if manual:
        overridden = " (overriding automatic evidence)" if any(g.overridden for g in manual) else ""
        sentences.append(
            f"Stance set by a fact-checker{overridden}: {_labels(manual, short=True)}."
        )

    # Contradicting figures are named where they decided a counted group; updates are worth
    # reporting from anyone whose word is weighed or who is the claimant, since they explain why
    # a differing figure was not held against the claim.
    notes: list[_FigureNote] = []
    for group in counted:
        if group.stance == Stance.CONTRADICTS:
            notes.extend(n for n in group.decider.notes if not n.update)
    for group in [*counted, *echoes]:
        for reading in group.readings:
            notes.extend(n for n in reading.notes if n.update)
    seen: set[str] = set()
    for sentence in sorted(_note_sentence(n) for n in notes):
        if sentence not in seen:
            seen.add(sentence)
            sentences.append(sentence)

    for group in echoes:
        count = len(group.readings)
        whom = _clean(claim.claimant_name) or "the claimant"
        verb = "repeating" if group.stance == Stance.SUPPORTS else "from"
        was = "was" if count == 1 else "were"
        side = f"{whom} (the claimant's own side)"
        text = f"{_plural(count, 'report')} {verb} {side} {was} not counted"
        if group.stance == Stance.CONTRADICTS:
            text += "; its latest word contradicts the claim"
        sentences.append(text + ".")

    ignored = [g for g in independent if not g.credible]
    if ignored:
        items = [f"{g.label(short=True)} ({g.stance.value})" for g in ignored]
        sentences.append(f"Not counted because graded E or F: {_join(items)}.")

    return " ".join(sentences)


# --- entry point ------------------------------------------------------------------------------


def assess(claim: ClaimInput, evidence: Sequence[EvidenceInput]) -> Assessment:
    """Weigh ``evidence`` for ``claim``; order of ``evidence`` does not matter."""
    groups = _group(claim, (_read(claim, e) for e in evidence))
    counted = [g for g in groups if not g.echo and g.credible]
    supporting = [g for g in counted if g.stance == Stance.SUPPORTS]
    contradicting = [g for g in counted if g.stance == Stance.CONTRADICTS]

    if supporting and contradicting:
        status, credibility = Status.DISPUTED, CREDIBILITY_DISPUTED
        basis = [*supporting, *contradicting]
    elif supporting:
        status = Status.CORROBORATED
        credibility = (
            CREDIBILITY_CORROBORATED_MANY if len(supporting) >= 2 else CREDIBILITY_CORROBORATED_ONE
        )
        basis = supporting
    elif contradicting:
        status, credibility = Status.REFUTED, CREDIBILITY_REFUTED
        basis = contradicting
    else:
        status = Status.UNVERIFIED
        echoed = any(g.echo and g.stance == Stance.SUPPORTS for g in groups)
        credibility = CREDIBILITY_UNVERIFIED_ECHOED if echoed else CREDIBILITY_UNVERIFIED
        basis = groups

    ids = tuple(sorted({i for g in basis for i in g.ids}))
    explanation = _explain(status, credibility, claim, groups, supporting, contradicting)
    return Assessment(status, credibility, explanation, ids)
