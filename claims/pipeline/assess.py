"""Assessing claims: lock the rows, run the engine (claims.engine.verification) on their evidence, save and record a StatusChange only on change."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from claims.engine import verification
from claims.engine.stance.lexical import absence_of_evidence
from claims.models import Claim, Evidence, Quantity, StatusChange, WebhookEvent
from claims.pipeline.rows import FigureRow, quantities_by_claim, report_mark_processed
from claims.pipeline.source_cache import tops_of
from claims.services.webhooks import emit_after_commit, status_change_payloads
from sources.models import Source


def _label(source: Source, top: Source) -> str:
    name = source.name if top.pk == source.pk else f"{source.name} ({top.name})"
    if source.weighing_grade != source.grade:
        # Nobody has graded it: the desk should see that its record, not a person, weighed it.
        return f"{name}, ungraded, weighed by its record"
    return name


def claim_status_update(
    *, claim_id: int, worker: str = "", user: User | None = None
) -> StatusChange | None:
    """Run the engine on one claim's evidence; save and record a StatusChange only on change."""
    changes = claims_status_update(claim_ids=[claim_id], worker=worker, user=user)
    return changes[0] if changes else None


def claims_status_update(
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
            report_mark_processed(report_id)
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
                "assessment_due_at",
                "made_at",
                "created_at",
                "claimant__name",
                "first_report__published_at",
            )
            .filter(pk__in=ids)
            .order_by("pk")
        )
        if not claims:
            return []
        evidence_by_claim: dict[int, list[Evidence]] = {claim.pk: [] for claim in claims}
        # Rejected links weigh nothing, but their reports' dates still say how far the story had
        # got (story_time): read in the same pass, kept apart.
        news_by_claim: dict[int, list[datetime]] = {claim.pk: [] for claim in claims}
        for row in (
            Evidence.objects.filter(claim_id__in=evidence_by_claim)
            .order_by()
            .select_related("origin", "report", "report__publisher")
            # Not the report bodies: a claim with many reports would drag them all along.
            .only(
                "id",
                "claim_id",
                "stance",
                "figures",
                "method",
                "rejected",
                "sentence",
                "origin__name",
                "origin__grade",
                "origin__grade_source",
                "origin__learned_grade",
                "report__published_at",
                "report__retrieved_at",
                "report__publisher__name",
            )
        ):
            if row.report.published_at is not None:
                news_by_claim[row.claim_id].append(row.report.published_at)
            if not row.rejected:
                evidence_by_claim[row.claim_id].append(row)
        source_ids = {e.origin_id for rows in evidence_by_claim.values() for e in rows}
        source_ids.update(c.claimant_id for c in claims if c.claimant_id)
        tops = tops_of(source_ids)
        quantities = quantities_by_claim(evidence_by_claim)
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
            for change, claim in zip(changes, changed, strict=True):
                change.story_at = story_time(claim=claim, news=news_by_claim[claim.pk], now=now)
            StatusChange.objects.bulk_create(changes)
            # Subscribers hear of moves of the rating, not of re-worded explanations.
            moved_ids = [
                change.pk
                for change in changes
                if (change.from_status, change.from_credibility)
                != (change.to_status, change.to_credibility)
            ]
            if moved_ids:
                emit_after_commit(
                    WebhookEvent.STATUS_CHANGED, lambda: status_change_payloads(moved_ids)
                )
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
        # The claims' outbox: what was due is done (the rows are locked, so a request made
        # meanwhile waits and marks its claim due again after this commits).
        due = [claim.pk for claim in claims if claim.assessment_due_at is not None]
        if due:
            Claim.objects.filter(pk__in=due).update(assessment_due_at=None)
        return changes


def story_time(*, claim: Claim, news: Sequence[datetime], now: datetime) -> datetime:
    """When in the story a change the claim undergoes ``now`` happens (StatusChange.story_at):
    the latest publication among the reports linked to it (``news``, rejected links included),
    not before the claim entered the story (the earlier of made_at and created_at) nor after
    now; with no dated report, now.

    A claim's links are only ever added (a rejected one is kept), so its changes keep their
    order on this clock, which the dashboard's undoing of later changes relies on."""
    if not news:
        return now
    born = min(claim.made_at, claim.created_at) if claim.made_at else claim.created_at
    return min(max(max(news), born), now)


def claim_made_at(claim: Claim) -> datetime | None:
    """When the claim was made: its own time, else its first report's publication."""
    return claim.made_at or (claim.first_report.published_at if claim.first_report else None)


def claim_quantities(quantities: Iterable[Quantity]) -> tuple[verification.ClaimQuantity, ...]:
    return tuple(
        verification.ClaimQuantity(
            what=q.what,
            words=q.words,
            low=q.low,
            high=math.inf if q.high is None else q.high,
            running=q.running,
        )
        for q in quantities
    )


def _bound(value: str | float | None, missing: float) -> float:
    return missing if value is None or value == "" else float(value)


def figures_of(rows: Iterable[FigureRow]) -> tuple[verification.Figure, ...]:
    """The engine's figures from an evidence row's stored figures (a missing high is open)."""
    return tuple(
        verification.Figure(
            what=str(f["what"]),
            low=_bound(f.get("low"), 0.0),
            high=_bound(f.get("high"), math.inf),
        )
        for f in rows
    )


def _assess_one(
    claim: Claim, quantities: list[Quantity], evidence: list[Evidence], tops: dict[int, Source]
) -> verification.Assessment:
    claimant_top = tops.get(claim.claimant_id) if claim.claimant_id else None
    claim_input = verification.ClaimInput(
        claimant_key=str(claimant_top.pk) if claimant_top else None,
        claimant_name=claim.claimant.name if claim.claimant else None,
        quantities=claim_quantities(quantities),
        made_at=claim_made_at(claim),
    )
    inputs = [
        verification.EvidenceInput(
            evidence_id=e.pk,
            stance=verification.Stance(e.stance),
            origin_key=str(tops[e.origin_id].pk),
            origin_name=_label(e.origin, tops[e.origin_id]),
            grade=e.origin.weighing_grade,
            published_at=e.report.published_at or e.report.retrieved_at,
            figures=figures_of(e.figures),
            manual=e.method == Evidence.Method.MANUAL,
            publisher_name=e.report.publisher.name,
            absence=absence_of_evidence(e.sentence) is not None,
        )
        for e in evidence
    ]
    return verification.assess(claim_input, inputs)
