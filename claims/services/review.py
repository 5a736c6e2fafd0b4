"""Writes for the review queue: an editor accepts the engine's proposal or overrides it, and
the verdict is published, unless someone else got there first."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from claims.default_ratings import rating_label_for
from claims.models import Claim, Rating, Verdict, WebhookEvent
from claims.services.records import source_records_refresh
from claims.services.webhooks import emit_after_commit, verdict_payloads


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
    verdict = Verdict.objects.create(
        claim=locked,
        rating=rating,
        rationale=rationale.strip(),
        editor=editor,
        status_at_review=locked.status,
        published_at=timezone.now(),
    )
    # The verdict judges every report that took a side on the claim: their sources' records.
    source_records_refresh(claim_id=locked.pk)
    emit_after_commit(WebhookEvent.VERDICT_PUBLISHED, lambda: verdict_payloads(verdict.pk))
    return verdict


class Conflict(Exception):
    """What the editor reviewed is no longer current; nothing was saved."""

    def __init__(self, message: str, *, verdict: Verdict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.verdict = verdict


def review_accept(
    *,
    claim_id: int,
    editor: User,
    rationale: str,
    seen_version: datetime,
    seen_verdict_id: int | None,
) -> Verdict:
    """Publish the rating the engine's current status maps to."""
    return _review_publish(
        claim_id=claim_id,
        editor=editor,
        rating=None,
        rationale=rationale,
        seen_version=seen_version,
        seen_verdict_id=seen_verdict_id,
    )


def review_override(
    *,
    claim_id: int,
    editor: User,
    rating: Rating,
    rationale: str,
    seen_version: datetime,
    seen_verdict_id: int | None,
) -> Verdict:
    """Publish a rating the editor chose instead of the engine's."""
    return _review_publish(
        claim_id=claim_id,
        editor=editor,
        rating=rating,
        rationale=rationale,
        seen_version=seen_version,
        seen_verdict_id=seen_verdict_id,
    )


@transaction.atomic
def _review_publish(
    *,
    claim_id: int,
    editor: User,
    rating: Rating | None,
    rationale: str,
    seen_version: datetime,
    seen_verdict_id: int | None,
) -> Verdict:
    # Refuse before taking the lock, so a user who may not publish never blocks anyone.
    if not editor.has_perm("claims.publish_verdict"):
        raise PermissionDenied("Only editors may publish verdicts.")
    # The lock serialises editors (and the assess worker, which locks the same row): whoever
    # waits re-reads below and sees what the winner committed.
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    latest = (
        Verdict.objects.filter(claim_id=claim.pk)
        .select_related("rating")
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is not None and latest.pk != seen_verdict_id:
        at = timezone.localtime(latest.published_at or latest.created_at)
        raise Conflict(
            f"Another editor published a verdict on this claim at {at:%H:%M} "
            f"(rating {latest.rating.label}) — reload to see it.",
            verdict=latest,
        )
    if claim.status_changed_at != seen_version:
        raise Conflict("The status changed while you were reviewing — review again.")
    # An override's rating is re-read: an admin may have retired it since the form was drawn.
    rating = _accepted_rating(claim) if rating is None else Rating.objects.get(pk=rating.pk)
    return verdict_publish(claim=claim, editor=editor, rating=rating, rationale=rationale)


def _accepted_rating(claim: Claim) -> Rating:
    label = rating_label_for(claim.status, claim.credibility)
    rating = Rating.objects.filter(label=label, active=True).first()
    if rating is None:
        raise ValidationError(
            {
                "rating": f"The verdict scale has no active “{label}” step: "
                "choose a rating with Override."
            }
        )
    return rating
