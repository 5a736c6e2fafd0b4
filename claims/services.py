"""Writes for claims, their attribution chains, quantities and verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from claims.enqueue import send_after_commit
from claims.models import Attribution, Claim, Evidence, Quantity, Rating, Stance, Verdict
from sources.models import Report, Source
from sources.services import report_ingest


@dataclass(frozen=True)
class HopSpec:
    source: Source
    cue: str = ""


@dataclass(frozen=True)
class QuantitySpec:
    what: str
    words: str
    low: float
    high: float | None
    running: bool = False


@transaction.atomic
def claim_create(
    *,
    text: str,
    quote: str = "",
    kind: str = Claim.Kind.PARAPHRASE,
    claimant: Source | None = None,
    hops: Sequence[HopSpec] = (),
    quantities: Sequence[QuantitySpec] = (),
    hedges: Sequence[str] = (),
    first_report: Report | None = None,
    event: str = "",
    context: str = "",
    made_at: datetime | None = None,
    created_by: User | None = None,
) -> Claim:
    """Create a claim with its attribution hops (claimant first, publisher last) and quantities.

    Validates everything before writing, so a bad quantity leaves no half-made claim behind.
    """
    claim = Claim(
        text=text.strip(),
        quote=quote.strip(),
        kind=kind,
        claimant=claimant,
        hedges=[h.strip() for h in hedges if h.strip()],
        first_report=first_report,
        event=event.strip(),
        context=context,
        made_at=made_at or (first_report.published_at if first_report else None),
        created_by=created_by,
    )
    claim.full_clean()
    quantity_rows = [
        Quantity(claim=claim, what=q.what, words=q.words, low=q.low, high=q.high, running=q.running)
        for q in quantities
    ]
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(quantity_rows):
        try:
            row.full_clean(exclude=["claim"])
        except ValidationError as exc:
            errors[f"quantities[{index}]"] = exc.messages
        if row.high is not None and row.low > row.high:
            errors.setdefault(f"quantities[{index}]", []).append(
                f"low ({row.low:g}) is above high ({row.high:g})."
            )
    if errors:
        raise ValidationError(errors)
    claim.save()
    for row in quantity_rows:
        row.claim = claim
    Quantity.objects.bulk_create(quantity_rows)
    Attribution.objects.bulk_create(
        [
            Attribution(claim=claim, position=position, source=hop.source, cue=hop.cue)
            for position, hop in enumerate(hops)
        ]
    )
    return claim


@transaction.atomic
def verdict_publish(
    *,
    claim: Claim,
    editor: User,
    rating: Rating,
    rationale: str,
) -> Verdict:
    """Record and publish an editor's verdict. Editors never rule on claims they logged."""
    if not editor.has_perm("claims.publish_verdict"):
        raise PermissionDenied("Only editors may publish verdicts.")
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.created_by_id is not None and locked.created_by_id == editor.pk:
        raise PermissionDenied("An editor cannot publish a verdict on a claim they created.")
    if not rating.active:
        raise ValidationError({"rating": f"“{rating}” is retired from the verdict scale."})
    if not rationale.strip():
        raise ValidationError({"rationale": "Explain the verdict: the rationale is published."})
    Claim.objects.filter(pk=locked.pk).update(awaiting_review=False)
    return Verdict.objects.create(
        claim=locked,
        rating=rating,
        rationale=rationale.strip(),
        editor=editor,
        status_at_review=locked.status,
        published_at=timezone.now(),
    )


@dataclass(frozen=True)
class Received:
    report: Report
    created: bool


def report_receive(
    *,
    title: str,
    body: str,
    publisher_label: str = "",
    publisher: Source | None = None,
    url: str | None = None,
    published_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> Received:
    """The one door for reports (API, paste form, bulk load): store it unless known, then
    queue it for processing once the row is committed. A duplicate starts nothing."""
    from claims.tasks import process_report  # tasks import services; avoid the cycle

    if idempotency_key:
        known = Report.objects.filter(idempotency_key=idempotency_key).first()
        if known is not None:
            return Received(known, created=False)
    # report_ingest commits the row (its own transaction unless the caller holds one), so the
    # task is sent once the report is durable: the row is the outbox.
    result = report_ingest(
        title=title,
        body=body,
        publisher=publisher,
        publisher_label=publisher_label,
        url=url,
        published_at=published_at,
        idempotency_key=idempotency_key,
    )
    if result.created:
        send_after_commit(process_report, result.report.pk)
    return Received(result.report, result.created)


@transaction.atomic
def evidence_set_manual(
    *,
    claim: Claim,
    report: Report,
    stance: str,
    user: User,
    sentence: str = "",
    origin: Source | None = None,
) -> Evidence:
    """A fact-checker attaches or relabels evidence. Manual rows win over automatic ones and
    survive re-processing of the report."""
    if not user.has_perm("claims.change_evidence") or not user.has_perm("claims.add_evidence"):
        raise PermissionDenied("Only fact-checkers and editors may label evidence.")
    if stance not in Stance.values:
        raise ValidationError({"stance": f"Choose one of {', '.join(Stance.values)}."})
    row, _ = Evidence.objects.select_for_update().get_or_create(
        claim=claim,
        report=report,
        defaults={"stance": stance, "origin": origin or report.publisher},
    )
    row.stance = stance
    row.method = Evidence.Method.MANUAL
    row.rejected = False
    row.confirmed_by = user
    row.confidence = 1.0
    if origin is not None:
        row.origin = origin
    if sentence:
        row.sentence = sentence
    row.save()
    _reassess_after_commit(claim.pk)
    return row


@transaction.atomic
def evidence_reject(*, evidence: Evidence, user: User) -> Evidence:
    """A fact-checker rejects an automatic link: kept (so re-processing skips it), ignored."""
    if not user.has_perm("claims.change_evidence"):
        raise PermissionDenied("Only fact-checkers and editors may reject evidence.")
    Evidence.objects.filter(pk=evidence.pk).update(
        rejected=True, method=Evidence.Method.MANUAL, confirmed_by=user, updated_at=timezone.now()
    )
    evidence.refresh_from_db()
    _reassess_after_commit(evidence.claim_id)
    return evidence


def _reassess_after_commit(claim_id: int) -> None:
    from claims.tasks import assess_claim

    send_after_commit(assess_claim, claim_id)


@transaction.atomic
def attribution_replace(*, claim: Claim, hops: Sequence[HopSpec], user: User) -> list[Attribution]:
    """Replace a claim's attribution chain with ``hops`` (claimant first, publisher last)."""
    if not user.has_perm("claims.change_attribution"):
        raise PermissionDenied("Only fact-checkers and editors may edit attributions.")
    if not hops:
        raise ValidationError({"hops": "Give at least one hop: who said it, or who published it."})
    rows = [
        Attribution(claim=claim, position=position, source=hop.source, cue=hop.cue.strip())
        for position, hop in enumerate(hops)
    ]
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        try:
            row.full_clean(exclude=["claim"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors[f"hops[{index}]"] = exc.messages
    if errors:
        raise ValidationError(errors)
    # The lock serialises two editors saving at once; otherwise both deletes would run before
    # either insert and the (claim, position) constraint would fail one of them mid-way.
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    Attribution.objects.filter(claim=locked).delete()
    created = Attribution.objects.bulk_create(rows)
    # Lists ordered by last change should show the edited claim.
    Claim.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return created
