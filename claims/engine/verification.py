"""Verification engine: from a claim and its evidence to a status, a credibility digit and an
explanation a person can check.

Pure and deterministic (no Django, no clock, no I/O): the same evidence in any order gives the
same ``Assessment`` byte for byte, so the assess task can re-run it whenever it likes and only
save when something changed.

POLICY: the counting rules, in one place. Each has a named constant or function below and
table-driven tests in tests/claims/test_verification.py. CORROBORATING_ORIGINS and
CONTRADICTION_OUTWEIGHS_SUPPORT were chosen by 10-fold cross-validation on Emergent (picked on
each training fold, scored on its validation fold; `manage.py evaluate_tracking --folds`, figures
in docs/benchmarks.md). The A and B rows of CORROBORATION are the desk's rule (a grade-A
origin's own report stands; two usually reliable origins confirm each other): Emergent, where
outlets are graded C or learned, could not tell their alternatives apart.

1. Origins, not outlets. Evidence is grouped by origin: the top organisation its first-hand
   source rolls up to. A group is one voice however many outlets repeat it.
2. Echoes count for nothing. The claimant's own group is an echo: the explanation names it, but
   it never changes the status or the credibility, whatever it says.
3. Only credible origins count: a group counts when its best source grade is in
   CREDIBLE_GRADES (A to D). E and F groups are listed as not counted.
4. Reading one report (`read_figures`; the pipeline stores the stance it returns, so the badge
   on an evidence row and the explanation say the same thing). A figure for something the claim
   counts that falls outside the claim's range contradicts the claim, except for a running count
   (a death toll, detainees): a later, higher figure is an update, and a lower figure published
   before the claim was made is an earlier count; both read as discussing. A round figure
   ("a 2,000 tip", "50 million watches") stands for the values near it
   (`claims.engine.quantities.near_span`), so a headline rounding "2,084" does not contradict
   it. A fact-checker's stance is final.
5. Absence of evidence disputes, it does not refute. An automatic report flagged ``absence``
   ("found no evidence that ...", "no proof", "could not confirm ...") that contradicts or only
   discusses the claim disputes it.
6. A group speaks with its last word: its latest evidence that asserts, contradicts or disputes
   (manual rows, when present, override automatic ones). Evidence that only relays or discusses
   the claim does not retract an earlier line.
7. Status, counting credible independent groups only:
   - refuted: at least REFUTING_ORIGINS of them positively contradict it (a denial by the
     subject, a debunk). When CONTRADICTION_OUTWEIGHS_SUPPORT, a credible positive
     contradiction outweighs any number of origins asserting the claim (repeating a rumour is
     what outlets do; contradicting it is not); otherwise support that meets the corroboration
     rule makes the claim disputed instead.
   - disputed: none positively contradicts it but at least one disputes it (absence of
     evidence), or fewer than REFUTING_ORIGINS contradict it.
   - corroborated: enough of them assert it, by grade (CORROBORATION: one origin graded A, two
     graded A or B, or CORROBORATING_ORIGINS graded A to D). Origins that only relay or hedge
     it (discusses) neither add nor take away; the explanation names them.
   - unverified: anything else.
8. Credibility, on the Admiralty scale: 1 corroborated by two or more origins, 2 corroborated by
   one (graded A), 3 unverified but asserted by credible independent origins short of
   corroboration ("possibly true"), 4 disputed, 5 refuted, 6 unverified with no credible
   independent assertion (nothing to judge; echoes and E/F origins leave a claim here).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from claims.engine.quantities import figures_meet
from claims.engine.vocabulary import Stance, Status

# Admiralty scale; E unreliable, F cannot be judged.
CREDIBLE_GRADES = frozenset("ABCD")
_GRADES = "ABCDEF"

# Rule 7. How many credible independent origins must assert a claim to corroborate it, by the
# lowest grade admitted: one graded A, two graded A or B, or CORROBORATING_ORIGINS graded A to D.
CORROBORATING_ORIGINS = 5
CORROBORATION: tuple[tuple[str, int], ...] = (("A", 1), ("B", 2), ("D", CORROBORATING_ORIGINS))
# How many credible independent origins must positively contradict a claim to refute it.
REFUTING_ORIGINS = 1
# Whether a credible positive contradiction refutes a claim that enough origins assert.
CONTRADICTION_OUTWEIGHS_SUPPORT = True

# Rule 8.
CREDIBILITY_CORROBORATED_MANY = 1
CREDIBILITY_CORROBORATED_ONE = 2
CREDIBILITY_ASSERTED = 3
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
    # The report says evidence for the claim is missing ("found no evidence that ...", "could
    # not confirm ..."): it disputes rather than contradicts (rule 5). The pipeline sets it with
    # claims.engine.stance.lexical.absence_of_evidence.
    absence: bool = False


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

# What a figure outside the claim's range is (rule 4).
_CONTRADICTS = "contradicts"
_UPDATE = "update"  # a later, higher figure for a running count
_EARLIER = "earlier"  # a lower figure for a running count, published before the claim was made

# A group's position: a stance, or DISPUTES for absence of evidence (rule 5).
_DISPUTES = "disputes"


@dataclass(frozen=True)
class _FigureNote:
    """One figure that did not fit the claim's range, kept to be named in the explanation."""

    evidence: EvidenceInput
    figure: Figure
    quantity: ClaimQuantity
    kind: str  # _CONTRADICTS, _UPDATE or _EARLIER
    reason: str  # why a contradicting figure of a running count is not an update, else ""

    @property
    def contradicts(self) -> bool:
        return self.kind == _CONTRADICTS


@dataclass(frozen=True)
class _Reading:
    evidence: EvidenceInput
    stance: Stance  # after the quantity rules
    grade: str
    notes: tuple[_FigureNote, ...]

    @property
    def position(self) -> str:
        """What the reading says of the claim: a stance, or _DISPUTES (rule 5)."""
        if (
            self.evidence.absence
            and not self.evidence.manual
            and self.stance in (Stance.CONTRADICTS, Stance.DISCUSSES)
        ):
            return _DISPUTES
        return str(self.stance)


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


def _figure_notes(claim: ClaimInput, evidence: EvidenceInput) -> tuple[_FigureNote, ...]:
    made_at = _utc(claim.made_at)
    published_at = _utc(evidence.published_at)
    known = made_at is not None and published_at is not None
    later = made_at is not None and published_at is not None and published_at > made_at
    earlier = made_at is not None and published_at is not None and published_at < made_at

    notes: list[_FigureNote] = []
    for figure in evidence.figures:
        f_low, f_high = _span(figure.low, figure.high)
        for quantity in claim.quantities:
            if quantity.what != figure.what:
                continue
            q_low, q_high = _span(quantity.low, quantity.high)
            if figures_meet(f_low, f_high, q_low, q_high):
                continue
            higher = f_low > q_high
            if quantity.running and later and higher:
                notes.append(_FigureNote(evidence, figure, quantity, _UPDATE, ""))
                continue
            if quantity.running and earlier and not higher:
                notes.append(_FigureNote(evidence, figure, quantity, _EARLIER, ""))
                continue
            if not quantity.running:
                reason = ""
            elif not known:
                reason = "not known to be later than the claim, so not an update"
            elif not higher:
                reason = "a running count does not fall after the claim was made"
            else:
                reason = "not published after the claim, so not an update"
            notes.append(_FigureNote(evidence, figure, quantity, _CONTRADICTS, reason))
    return tuple(notes)


def _stance_after(stance: Stance, notes: Sequence[_FigureNote], manual: bool) -> Stance:
    # A fact-checker who set the stance has seen the figures; their label is final.
    if manual or not notes:
        return stance
    if any(note.contradicts for note in notes):
        return Stance.CONTRADICTS
    return Stance.DISCUSSES


def read_figures(
    claim: ClaimInput,
    stance: Stance,
    figures: Sequence[Figure],
    published_at: datetime | None,
    *,
    manual: bool = False,
) -> Stance:
    """The stance of a report on `claim` once its `figures` are read (rule 4): CONTRADICTS when
    a figure falls outside the claim's range and is neither an update nor an earlier count of a
    running total, DISCUSSES when every figure outside the range is one of those, else `stance`
    unchanged. Only ``claim.quantities`` and ``claim.made_at`` are used. Reading a stance this
    returns again gives the same stance, so the pipeline stores it and the engine reasons with
    it."""
    probe = EvidenceInput(
        evidence_id=0,
        stance=stance,
        origin_key="",
        origin_name="",
        grade="F",
        published_at=published_at,
        figures=tuple(figures),
        manual=manual,
    )
    return _stance_after(Stance(stance), _figure_notes(claim, probe), manual)


def _read(claim: ClaimInput, evidence: EvidenceInput) -> _Reading:
    notes = _figure_notes(claim, evidence)
    stance = _stance_after(Stance(evidence.stance), notes, evidence.manual)
    return _Reading(evidence, stance, _grade(evidence.grade), notes)


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
        e.absence,
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
    def position(self) -> str:
        return self.decider.position

    @property
    def credible(self) -> bool:
        return self.best_grade in CREDIBLE_GRADES

    @property
    def changed_line(self) -> bool:
        pool = [r for r in self.readings if r.evidence.manual == self.decider.evidence.manual]
        positions = {r.position for r in pool} - {str(Stance.DISCUSSES)}
        return len(positions) > 1

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
        sided = [r for r in pool if r.position != Stance.DISCUSSES]
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


def _corroboration(supporting: Sequence[_Group]) -> tuple[str, int] | None:
    """The first rule of CORROBORATION the asserting groups meet: (lowest grade, count)."""
    for worst, needed in CORROBORATION:
        if sum(1 for g in supporting if g.best_grade <= worst) >= needed:
            return worst, needed
    return None


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


def _grades_text(worst: str) -> str:
    if worst == "A":
        return "graded A"
    if worst == "B":
        return "graded A or B"
    return f"graded A to {worst}"


def _rule_text(worst: str, needed: int) -> str:
    return f"{_plural(needed, 'origin')} {_grades_text(worst)}"


def _corroboration_rule() -> str:
    """The rule in words: "1 origin graded A, 2 graded A or B, or 5 graded A to D"."""
    rules = [
        _rule_text(worst, needed) if i == 0 else f"{needed} {_grades_text(worst)}"
        for i, (worst, needed) in enumerate(CORROBORATION)
    ]
    return rules[0] if len(rules) == 1 else f"{', '.join(rules[:-1])}, or {rules[-1]}"


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
    if note.kind == _UPDATE:
        return (
            f"{who} later gave {figure} for {what}, an update of the running count "
            f"(claim: {claimed})."
        )
    if note.kind == _EARLIER:
        return (
            f"{who} gave {figure} for {what} before the claim was made, an earlier count of "
            f"the running total (claim: {claimed})."
        )
    because = f" ({note.reason})" if note.reason else ""
    return (
        f"{who} gave {figure} for {what}, outside the claim's {claimed}{because}, "
        "so it counts as contradicting."
    )


def _labels(groups: Iterable[_Group], *, short: bool = False) -> str:
    return _join([g.label(short=short) for g in groups])


def _origins(groups: Sequence[_Group], *, short: bool = False) -> str:
    return f"{_plural(len(groups), 'credible independent origin')}, {_labels(groups, short=short)}"


@dataclass(frozen=True)
class _Count:
    """The credible independent groups by position (rule 7)."""

    supporting: tuple[_Group, ...]
    contradicting: tuple[_Group, ...]
    disputing: tuple[_Group, ...]
    relaying: tuple[_Group, ...]
    rule: tuple[str, int] | None  # the corroboration rule the supporting groups meet


def _head_sentence(
    status: Status, credibility: int, count: _Count, groups: Sequence[_Group]
) -> str:
    head = f"{status.value.capitalize()} (credibility {credibility}):"
    supporting, contradicting, disputing = count.supporting, count.contradicting, count.disputing
    if status is Status.CORROBORATED:
        assert count.rule is not None
        return (
            f"{head} asserted by {_origins(supporting)}, which meets the rule of "
            f"{_rule_text(*count.rule)}; contradicted by none."
        )
    if status is Status.REFUTED:
        text = f"{head} positively contradicted by {_origins(contradicting)}"
        if supporting:
            return (
                f"{text}; a credible contradiction outweighs the "
                f"{_plural(len(supporting), 'origin')} asserting it, "
                f"{_labels(supporting, short=True)}."
            )
        return f"{text}, and supported by none."
    if status is Status.DISPUTED:
        parts = []
        if contradicting:
            parts.append(f"contradicted by {_origins(contradicting)}")
        if disputing:
            parts.append(
                f"disputed by {_origins(disputing)}, which found no evidence for it "
                "(absence of evidence disputes a claim but does not refute it)"
            )
        text = f"{head} {'; '.join(parts)}"
        if supporting:
            text += f"; asserted by {_origins(supporting, short=True)}"
        if contradicting and len(contradicting) < REFUTING_ORIGINS:
            text += f"; refuting needs {_plural(REFUTING_ORIGINS, 'contradicting origin')}"
        elif not contradicting:
            text += "; no credible independent origin positively contradicts it"
        return text + "."
    if supporting:
        return (
            f"{head} asserted by {_origins(supporting)}, short of corroboration "
            f"(which needs {_corroboration_rule()})."
        )
    if not groups:
        return f"{head} no evidence has been linked to the claim yet."
    echo_supports = any(g.echo and g.stance == Stance.SUPPORTS for g in groups)
    tail = "; the claimant's own side repeats it" if echo_supports else ""
    return (
        f"{head} no credible origin independent of the claimant supports or contradicts it{tail}."
    )


def _explain(
    status: Status, credibility: int, claim: ClaimInput, groups: Sequence[_Group], count: _Count
) -> str:
    independent = [g for g in groups if not g.echo]
    counted = [g for g in independent if g.credible]
    echoes = [g for g in groups if g.echo]

    sentences = [_head_sentence(status, credibility, count, groups)]

    if claim.claimant_key is None and independent:
        sentences.append("The claimant is unknown, so every origin was treated as independent.")

    if count.relaying:
        n = len(count.relaying)
        more = "more " if count.supporting else ""
        verb = "relays or discusses" if n == 1 else "relay or discuss"
        sentences.append(
            f"{n} {more}{'origin' if n == 1 else 'origins'} only {verb} it without asserting "
            f"it (counted neither for nor against): {_labels(count.relaying, short=True)}."
        )

    decided = [g for g in counted if g.position != Stance.DISCUSSES]
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

    # Contradicting figures are named where they decided a counted group; updates and earlier
    # counts are worth reporting from anyone whose word is weighed or who is the claimant, since
    # they explain why a differing figure was not held against the claim.
    notes: list[_FigureNote] = []
    for group in counted:
        if group.stance == Stance.CONTRADICTS:
            notes.extend(n for n in group.decider.notes if n.contradicts)
    for group in [*counted, *echoes]:
        for reading in group.readings:
            notes.extend(n for n in reading.notes if not n.contradicts)
    seen: set[str] = set()
    for sentence in sorted(_note_sentence(n) for n in notes):
        if sentence not in seen:
            seen.add(sentence)
            sentences.append(sentence)

    for group in echoes:
        n = len(group.readings)
        whom = _clean(claim.claimant_name) or "the claimant"
        verb = "repeating" if group.stance == Stance.SUPPORTS else "from"
        was = "was" if n == 1 else "were"
        side = f"{whom} (the claimant's own side)"
        text = f"{_plural(n, 'report')} {verb} {side} {was} not counted"
        if group.stance == Stance.CONTRADICTS:
            text += "; its latest word contradicts the claim"
        sentences.append(text + ".")

    ignored = [g for g in independent if not g.credible]
    if ignored:
        items = [f"{g.label(short=True)} ({g.stance.value})" for g in ignored]
        sentences.append(f"Not counted because graded E or F: {_join(items)}.")

    return " ".join(sentences)


# --- entry point ------------------------------------------------------------------------------


def _ids(groups: Iterable[_Group]) -> tuple[int, ...]:
    return tuple(sorted({i for g in groups for i in g.ids}))


def assess(claim: ClaimInput, evidence: Sequence[EvidenceInput]) -> Assessment:
    """Weigh ``evidence`` for ``claim`` by the POLICY above; order of ``evidence`` does not
    matter."""
    groups = _group(claim, (_read(claim, e) for e in evidence))
    counted = [g for g in groups if not g.echo and g.credible]

    def having(position: str) -> tuple[_Group, ...]:
        return tuple(g for g in counted if g.position == position)

    supporting = having(Stance.SUPPORTS)
    count = _Count(
        supporting=supporting,
        contradicting=having(Stance.CONTRADICTS),
        disputing=having(_DISPUTES),
        relaying=having(Stance.DISCUSSES),
        rule=_corroboration(supporting),
    )

    refutes = len(count.contradicting) >= REFUTING_ORIGINS and (
        CONTRADICTION_OUTWEIGHS_SUPPORT or count.rule is None
    )
    if count.contradicting and refutes:
        status, credibility = Status.REFUTED, CREDIBILITY_REFUTED
        basis: Sequence[_Group] = count.contradicting
    elif count.contradicting or count.disputing:
        status, credibility = Status.DISPUTED, CREDIBILITY_DISPUTED
        basis = [*count.supporting, *count.contradicting, *count.disputing]
    elif count.rule is not None:
        status = Status.CORROBORATED
        many = len(count.supporting) >= 2
        credibility = CREDIBILITY_CORROBORATED_MANY if many else CREDIBILITY_CORROBORATED_ONE
        basis = count.supporting
    elif count.supporting:
        status, credibility = Status.UNVERIFIED, CREDIBILITY_ASSERTED
        basis = count.supporting
    else:
        # Echoes and E/F origins never move a claim (rules 2 and 3).
        status, credibility = Status.UNVERIFIED, CREDIBILITY_UNVERIFIED
        basis = groups

    explanation = _explain(status, credibility, claim, groups, count)
    return Assessment(status, credibility, explanation, _ids(basis))
