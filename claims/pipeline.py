"""The corroboration pipeline's write services: process a report, assess a claim, re-send
stuck reports. Celery tasks in ``claims.tasks`` are thin wrappers around these.

Each step re-reads its rows and is idempotent, so a task delivered twice, or re-sent by the
sweeper after a crash, changes nothing the first run did not.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from claims import verification
from claims.extraction import Statement, extract_statements
from claims.matching import Match, expand_hashtags
from claims.models import Claim, Evidence, Quantity, StatusChange
from claims.quantities import find_quantities, same_thing
from claims.retrieval import current_index
from claims.stance import Label, LexicalStance, StanceModel
from sources.models import Report, Source
from sources.selectors import source_resolve, source_tops
from sources.services import report_take, source_for_label

logger = logging.getLogger(__name__)

# Retrieval: candidates per sentence and the share of a claim's terms a sentence must carry.
CANDIDATES_PER_SENTENCE = 20
MIN_COVERAGE = 0.15
# A sentence speaks to a claim in words when it carries at least half of the claim's
# distinguishing (IDF-weighted) content; below that, only a figure for the very thing the claim
# counts links them, and only when the sentence is not plainly about another claim.
TEXT_COVERAGE = 0.5
# A sentence that restates one claim in full and half-matches others (the same kind of event
# in the same city, another day or toll) speaks to the first, not to all: of the claims above
# TEXT_COVERAGE, only those within this margin of the sentence's best match are linked, at most
# MAX_LINKS_PER_SENTENCE of them. This also keeps the work per report flat as the claim base
# grows, instead of linking every near-duplicate as "discusses".
NEAR_MISS_MARGIN = 0.25
MAX_LINKS_PER_SENTENCE = 5
TRANSIENT_ERRORS = (OperationalError, InterfaceError)

_stance_model: StanceModel | None = None

# Sources change rarely (an admin regrades or re-parents one); a worker may see such a change up
# to this late, and in exchange resolves speakers and origin groups without a query per report.
SOURCE_CACHE_SECONDS = 60.0


class _TtlCache:
    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._items: dict[object, tuple[float, Source]] = {}

    def get(self, key: object) -> Source | None:
        hit = self._items.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, key: object, value: Source) -> None:
        if len(self._items) > 50_000:
            self._items.clear()  # bounded memory; a cold cache only costs queries
        self._items[key] = (time.monotonic() + self.ttl, value)

    def clear(self) -> None:
        self._items.clear()


_SPEAKER_SOURCES = _TtlCache(SOURCE_CACHE_SECONDS)
_TOP_SOURCES = _TtlCache(SOURCE_CACHE_SECONDS)
_SOURCES = _TtlCache(SOURCE_CACHE_SECONDS)


def clear_source_caches() -> None:
    _SPEAKER_SOURCES.clear()
    _TOP_SOURCES.clear()
    _SOURCES.clear()


def _source(source_id: int) -> Source:
    """A report's publisher: a feed sends many reports from the same few outlets."""
    source = _SOURCES.get(source_id)
    if source is None:
        source = Source.objects.get(pk=source_id)
        _SOURCES.put(source_id, source)
    return source


def _tops(source_ids: set[int]) -> dict[int, Source]:
    found: dict[int, Source] = {}
    missing: set[int] = set()
    for source_id in source_ids:
        top = _TOP_SOURCES.get(source_id)
        if top is None:
            missing.add(source_id)
        else:
            found[source_id] = top
    if missing:
        for source_id, top in source_tops(missing).items():
            _TOP_SOURCES.put(source_id, top)
            found[source_id] = top
    return found


def stance_model() -> StanceModel:
    """The learned stance model (claims.stance_learned, measured on FNC-1 by
    `manage.py evaluate_stance`) when its artifacts load, else the rule-based LexicalStance,
    said once in the log. One per process."""
    global _stance_model
    if _stance_model is None:
        from claims.stance_learned import LearnedStance, ModelMissingError

        learned = LearnedStance()
        try:
            learned.artifacts  # noqa: B018 -- load now, not on the first report
            _stance_model = learned
        except ModelMissingError as exc:
            logger.warning("learned stance model unavailable (%s): using LexicalStance", exc)
            _stance_model = LexicalStance()
    return _stance_model


# A figure as stored on Evidence.figures (JSON): what, words, low, high (None = open-ended).
FigureRow = dict[str, str | float | None]


@dataclass(frozen=True)
class Finding:
    """The strongest thing one report says about one claim."""

    claim_id: int
    stance: str
    confidence: float
    sentence: str
    origin: Source
    figures: tuple[FigureRow, ...]

    def strength(self) -> tuple[int, float]:
        # A sentence that takes a side beats one that only discusses; then confidence.
        return (0 if self.stance == Label.DISCUSSES else 1, self.confidence)


def _mark_processed(report_id: int) -> None:
    Report.objects.filter(pk=report_id, state=Report.State.PROCESSING).update(
        state=Report.State.PROCESSED, state_changed_at=timezone.now()
    )


def _pause_for_fault_injection() -> None:
    pause = settings.PIPELINE_PAUSE_AFTER_CLAIM_SECONDS
    if pause:
        time.sleep(pause)


def report_process(*, report_id: int) -> list[int]:
    """Link a received report to the claims it speaks to; return the ids of the claims to
    assess (the caller passes them, with the report id, to `claims_assess`).

    A report that links to nothing is finished here; one that does stays `processing` until
    its claims are assessed, so a lost assessment (broker down at the hand-over, a worker
    killed in between) leaves the report for the sweeper instead of a stale status. A report
    processed again returns every claim it has evidence on, changed or not, for that reason.
    A report that is not waiting is left alone."""
    report = report_take(report_id=report_id)
    if report is None:
        return []  # gone, already processed, or another worker has it
    _pause_for_fault_injection()
    try:
        with transaction.atomic():
            report.publisher = _source(report.publisher_id)
            findings = _read_report(report)
            touched = _upsert_evidence(report, findings)
            if not touched:
                _mark_processed(report_id)
    except TRANSIENT_ERRORS:
        # The database blinked: give the report back so the retry (or the sweeper) takes it.
        Report.objects.filter(pk=report_id, state=Report.State.PROCESSING).update(
            state=Report.State.RECEIVED, state_changed_at=timezone.now()
        )
        raise
    except Exception as exc:
        logger.exception("report %s failed", report_id)
        Report.objects.filter(pk=report_id).update(
            state=Report.State.FAILED,
            state_changed_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return []
    return touched


def _read_report(report: Report) -> dict[int, Finding]:
    statements = extract_statements(report.body, publisher=report.publisher.name)
    index = current_index()
    per_statement: list[tuple[Statement, str, list[int], bool]] = []
    wanted: set[int] = set()
    for statement in statements:
        # Matched and judged with glued hashtags cut into words ("#fyrefestival" -> "fyre
        # festival"), as the index reads them; the evidence keeps the sentence as written.
        read_as = expand_hashtags(statement.sentence.text, index.knows)
        matches = index.search(read_as, k=CANDIDATES_PER_SENTENCE, min_coverage=MIN_COVERAGE)
        strong = [m.claim_id for m in _best_text_matches(matches)]
        # Near-misses (same template, another place or day) must not all become evidence.
        ids, by_figure_only = (strong, False) if strong else ([m.claim_id for m in matches], True)
        if ids:
            per_statement.append((statement, read_as, ids, by_figure_only))
            wanted.update(ids)
    if not wanted:
        return {}
    claims = {
        c.pk: c
        for c in Claim.objects.filter(pk__in=wanted)
        .order_by()
        .exclude(first_report=report)  # the report a claim was logged from is not evidence about it
        .only("id", "text", "quote")
    }
    found_by_statement = [find_quantities(st.sentence.text) for st, _, _, _ in per_statement]
    # Claims' quantities matter only where a sentence gives a figure.
    quantities = _quantities_of(claims) if any(found_by_statement) else {}
    model = stance_model()
    origins: dict[str | None, Source] = {}
    best: dict[int, Finding] = {}
    for (statement, read_as, ids, by_figure_only), found_quantities in zip(
        per_statement, found_by_statement, strict=True
    ):
        for claim_id in ids:
            claim = claims.get(claim_id)
            if claim is None:
                continue
            figures = tuple(
                {
                    "what": q.what,
                    "words": f.words,
                    "low": f.range.low,
                    "high": None if math.isinf(f.range.high) else f.range.high,
                }
                for q in quantities.get(claim_id, ())
                for f in found_quantities
                if same_thing(q.what, f.what)
            )
            if by_figure_only and not figures:
                continue
            result = model.classify(claim.text, read_as)
            stance, confidence = str(result.label), result.confidence
            if by_figure_only or result.label == Label.UNRELATED:
                if not figures:
                    continue
                # A figure for the very thing the claim counts makes the sentence about the
                # claim even in other words; the engine compares the ranges.
                overlapping = any(
                    _overlaps(f, q)
                    for f in figures
                    for q in quantities.get(claim_id, ())
                    if q.what == f["what"]
                )
                stance = Label.SUPPORTS if overlapping else Label.DISCUSSES
                confidence = 0.6
            finding = Finding(
                claim_id=claim_id,
                stance=str(stance),
                confidence=round(max(0.0, min(1.0, confidence)), 4),
                sentence=statement.sentence.text,
                origin=_origin(statement, report, origins),
                figures=figures,
            )
            current = best.get(claim_id)
            if current is None or finding.strength() > current.strength():
                best[claim_id] = finding
    return best


def _quantities_of(claim_ids: Iterable[int]) -> dict[int, list[Quantity]]:
    # A plain query, not prefetch_related: the prefetch machinery cost more than the query.
    found: dict[int, list[Quantity]] = {}
    ids = list(claim_ids)
    if ids:
        for q in Quantity.objects.filter(claim_id__in=ids).order_by("pk"):
            found.setdefault(q.claim_id, []).append(q)
    return found


def _best_text_matches(matches: list[Match]) -> list[Match]:
    strong = [m for m in matches if m.coverage >= TEXT_COVERAGE]
    if not strong:
        return []
    floor = max(m.coverage for m in strong) - NEAR_MISS_MARGIN
    return [m for m in strong if m.coverage >= floor][:MAX_LINKS_PER_SENTENCE]


def _overlaps(figure: FigureRow, quantity: Quantity) -> bool:
    high = math.inf if quantity.high is None else quantity.high
    fig_high = math.inf if figure["high"] is None else float(figure["high"])
    return float(figure["low"] or 0) <= high and quantity.low <= fig_high


def _origin(statement: Statement, report: Report, cache: dict[str | None, Source]) -> Source:
    """Who is first-hand behind a statement: the named speaker, else the publisher."""
    speaker = None if statement.first_hand else statement.speaker
    if speaker in cache:
        return cache[speaker]
    if speaker is None:
        origin = report.publisher
    else:
        key = speaker.strip().lower()
        cached = _SPEAKER_SOURCES.get(key)
        if cached is None:
            # An unnamed or unknown speaker becomes a grade-F source: it is not the publisher's
            # own reporting, and nobody has judged it yet.
            cached = source_resolve(label=speaker) or source_for_label(label=speaker)
            _SPEAKER_SOURCES.put(key, cached)
        origin = cached
    cache[speaker] = origin
    return origin


def _upsert_evidence(report: Report, findings: dict[int, Finding]) -> list[int]:
    # On a report's first attempt no automatic evidence can exist yet (a failed attempt rolls
    # back); a fact-checker's row made meanwhile survives the insert below (ignore_conflicts).
    existing = (
        {e.claim_id: e for e in Evidence.objects.filter(report=report).order_by()}
        if report.attempts > 1
        else {}
    )
    touched: set[int] = set()
    to_create: list[Evidence] = []
    to_update: list[Evidence] = []
    for claim_id, finding in findings.items():
        row = existing.get(claim_id)
        if row is None:
            to_create.append(
                Evidence(
                    claim_id=claim_id,
                    report=report,
                    stance=finding.stance,
                    origin=finding.origin,
                    confidence=finding.confidence,
                    sentence=finding.sentence,
                    figures=list(finding.figures),
                    method=Evidence.Method.AUTO,
                )
            )
            touched.add(claim_id)
        elif row.method == Evidence.Method.AUTO and not row.rejected:
            # A fact-checker's label (manual or rejected) always survives re-processing.
            new = (
                finding.stance,
                finding.origin.pk,
                finding.confidence,
                finding.sentence,
                list(finding.figures),
            )
            old = (row.stance, row.origin_id, row.confidence, row.sentence, row.figures)
            if new != old:
                row.stance, row.origin, row.confidence, row.sentence, row.figures = (
                    finding.stance,
                    finding.origin,
                    finding.confidence,
                    finding.sentence,
                    list(finding.figures),
                )
                to_update.append(row)
                touched.add(claim_id)
    stale = [
        row.pk
        for claim_id, row in existing.items()
        if claim_id not in findings and row.method == Evidence.Method.AUTO and not row.rejected
    ]
    if stale:
        Evidence.objects.filter(pk__in=stale).delete()
    # Processed again (a retry, the sweeper): the earlier attempt's assessment may never have
    # run, so every claim the report has evidence on is assessed again; it is idempotent.
    touched.update(existing)
    # ignore_conflicts: a duplicate delivery racing us inserts the same pair; one row survives.
    Evidence.objects.bulk_create(to_create, ignore_conflicts=True)
    if to_update:
        Evidence.objects.bulk_update(
            to_update, ["stance", "origin", "confidence", "sentence", "figures", "updated_at"]
        )
    return sorted(touched)


# --- assessment ---------------------------------------------------------------------------


def _label(source: Source, top: Source) -> str:
    return source.name if top.pk == source.pk else f"{source.name} ({top.name})"


def claim_assess(
    *, claim_id: int, worker: str = "", user: User | None = None
) -> StatusChange | None:
    """Run the engine on one claim's evidence; save and record a StatusChange only on change."""
    changes = claims_assess(claim_ids=[claim_id], worker=worker, user=user)
    return changes[0] if changes else None


def claims_assess(
    *,
    claim_ids: Sequence[int],
    worker: str = "",
    user: User | None = None,
    report_id: int | None = None,
) -> list[StatusChange]:
    """Run the engine on each claim's evidence; save a claim and append a StatusChange only
    when its status, credibility or explanation changes. Returns the changes, by claim id.
    With `report_id` (the report whose processing touched these claims), that report is
    marked processed in the same transaction.

    The claims of one report are assessed together: one transaction, their rows locked in id
    order (two batches sharing claims wait for each other instead of deadlocking), and their
    evidence, quantities and sources read in a few queries whatever their number.
    """
    ids = sorted(set(claim_ids))
    with transaction.atomic():
        if report_id is not None:
            _mark_processed(report_id)
        if not ids:
            return []
        claims = list(
            Claim.objects.select_for_update(of=("self",))
            .select_related("claimant", "first_report")
            .only(
                "id",
                "status",
                "credibility",
                "explanation",
                "awaiting_review",
                "made_at",
                "claimant__name",
                "first_report__published_at",
            )
            .filter(pk__in=ids)
            .order_by("pk")
        )
        if not claims:
            return []
        evidence_by_claim: dict[int, list[Evidence]] = {claim.pk: [] for claim in claims}
        for row in (
            Evidence.objects.filter(claim_id__in=evidence_by_claim, rejected=False)
            .order_by()
            .select_related("origin", "report", "report__publisher")
            # Not the report bodies: a claim with many reports would drag them all along.
            .only(
                "id",
                "claim_id",
                "stance",
                "figures",
                "method",
                "origin__name",
                "origin__grade",
                "report__published_at",
                "report__retrieved_at",
                "report__publisher__name",
            )
        ):
            evidence_by_claim[row.claim_id].append(row)
        source_ids = {e.origin_id for rows in evidence_by_claim.values() for e in rows}
        source_ids.update(c.claimant_id for c in claims if c.claimant_id)
        tops = _tops(source_ids)
        quantities = _quantities_of(evidence_by_claim)
        now = timezone.now()
        changes: list[StatusChange] = []
        changed: list[Claim] = []
        for claim in claims:
            result = _assess_one(
                claim, quantities.get(claim.pk, []), evidence_by_claim[claim.pk], tops
            )
            if (result.status, result.credibility, result.explanation) == (
                claim.status,
                claim.credibility,
                claim.explanation,
            ):
                continue
            changes.append(
                StatusChange(
                    claim=claim,
                    from_status=claim.status,
                    to_status=result.status,
                    from_credibility=claim.credibility,
                    to_credibility=result.credibility,
                    explanation=result.explanation,
                    changed_by=user,
                    worker=worker if user is None else "",
                    evidence_ids=list(result.evidence_ids),
                    created_at=now,
                )
            )
            moved = (result.status, result.credibility) != (claim.status, claim.credibility)
            claim.status = result.status
            claim.credibility = result.credibility
            claim.explanation = result.explanation
            claim.status_changed_at = now
            # Editors review moves of the rating, not every re-worded explanation.
            claim.awaiting_review = claim.awaiting_review or moved
            changed.append(claim)
        if changed:
            StatusChange.objects.bulk_create(changes)
            # One UPDATE per changed claim: a report changes one or two, and bulk_update's
            # CASE expressions cost more to build than the round trips they save.
            for claim in changed:
                Claim.objects.filter(pk=claim.pk).update(
                    status=claim.status,
                    credibility=claim.credibility,
                    explanation=claim.explanation,
                    status_changed_at=claim.status_changed_at,
                    awaiting_review=claim.awaiting_review,
                )
        return changes


def _assess_one(
    claim: Claim, quantities: list[Quantity], evidence: list[Evidence], tops: dict[int, Source]
) -> verification.Assessment:
    claimant_top = tops.get(claim.claimant_id) if claim.claimant_id else None
    made_at = claim.made_at or (claim.first_report.published_at if claim.first_report else None)
    claim_input = verification.ClaimInput(
        claimant_key=str(claimant_top.pk) if claimant_top else None,
        claimant_name=claim.claimant.name if claim.claimant else None,
        quantities=tuple(
            verification.ClaimQuantity(
                what=q.what,
                words=q.words,
                low=q.low,
                high=math.inf if q.high is None else q.high,
                running=q.running,
            )
            for q in quantities
        ),
        made_at=made_at,
    )
    inputs = [
        verification.EvidenceInput(
            evidence_id=e.pk,
            stance=verification.Stance(e.stance),
            origin_key=str(tops[e.origin_id].pk),
            origin_name=_label(e.origin, tops[e.origin_id]),
            grade=e.origin.grade,
            published_at=e.report.published_at or e.report.retrieved_at,
            figures=tuple(
                verification.Figure(
                    what=str(f["what"]),
                    low=float(f["low"]),
                    high=math.inf if f.get("high") is None else float(f["high"]),
                )
                for f in e.figures
            ),
            manual=e.method == Evidence.Method.MANUAL,
            publisher_name=e.report.publisher.name,
        )
        for e in evidence
    ]
    return verification.assess(claim_input, inputs)


# --- the sweeper --------------------------------------------------------------------------


# A report the workers have taken this many times without finishing is given up on (marked
# failed, with the reason) instead of being re-sent every sweep forever.
MAX_REPORT_ATTEMPTS = 5


def reports_stuck(*, older_than: timedelta, limit: int = 500) -> list[int]:
    """Reports waiting or in progress for longer than ``older_than``; those in progress are
    handed back (their worker died, or their assessment was lost), so the next delivery can
    take them. Those already taken MAX_REPORT_ATTEMPTS times are marked failed instead."""
    cutoff = timezone.now() - older_than
    Report.objects.filter(
        state=Report.State.PROCESSING,
        state_changed_at__lte=cutoff,
        attempts__gte=MAX_REPORT_ATTEMPTS,
    ).update(
        state=Report.State.FAILED,
        state_changed_at=timezone.now(),
        error=f"Gave up after {MAX_REPORT_ATTEMPTS} attempts; see the worker logs.",
    )
    ids = list(
        Report.objects.filter(
            state__in=[Report.State.RECEIVED, Report.State.PROCESSING], state_changed_at__lte=cutoff
        )
        .order_by("state_changed_at")
        .values_list("id", flat=True)[:limit]
    )
    if ids:
        # Re-check the conditions in the write: a report finished meanwhile must stay finished.
        # Restamping received ones too keeps a slow queue from being re-sent every sweep.
        Report.objects.filter(
            pk__in=ids,
            state__in=[Report.State.RECEIVED, Report.State.PROCESSING],
            state_changed_at__lte=cutoff,
        ).update(state=Report.State.RECEIVED, state_changed_at=timezone.now())
    return ids
