"""Reads for the editors' review queue and the public page of a published verdict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse

from claims.default_ratings import rating_label_for
from claims.engine.vocabulary import Status
from claims.models import Claim, Rating, StatusChange, Verdict


def _latest_verdict() -> QuerySet[Verdict]:
    return Verdict.objects.filter(claim=OuterRef("pk")).order_by("-created_at", "-id")


def _review_annotated() -> QuerySet[Claim]:
    """Claims with what the editor compares: the latest verdict (who rated what, on which
    status) and the time of the latest automatic change."""
    latest = _latest_verdict()
    return (
        Claim.objects.select_related("claimant")
        .annotate(
            last_verdict_id=Subquery(latest.values("pk")[:1]),
            last_verdict_at=Subquery(latest.values("created_at")[:1]),
            last_verdict_rating=Subquery(latest.values("rating__label")[:1]),
            last_verdict_status=Subquery(latest.values("status_at_review")[:1]),
            last_change_at=Subquery(
                StatusChange.objects.filter(claim=OuterRef("pk"))
                .order_by("-created_at", "-id")
                .values("created_at")[:1]
            ),
        )
        .annotate(
            # The credibility the editor saw is not stored on the verdict; the status history
            # holds it: the last change at or before the verdict.
            last_verdict_credibility=Subquery(
                StatusChange.objects.filter(
                    claim=OuterRef("pk"), created_at__lte=OuterRef("last_verdict_at")
                )
                .order_by("-created_at", "-id")
                .values("to_credibility")[:1]
            ),
        )
    )


def review_queue() -> QuerySet[Claim]:
    """Claims whose automatic status moved since their last verdict (or that never had one
    but were assessed at least once), the longest-waiting first."""
    return _review_annotated().filter(awaiting_review=True).order_by("status_changed_at", "id")


def review_queue_size() -> int:
    return Claim.objects.filter(awaiting_review=True).count()


def review_claim(*, claim_id: int) -> Claim | None:
    """One claim as the queue shows it, whether or not it is still queued."""
    return _review_annotated().filter(pk=claim_id).first()


def active_ratings() -> list[Rating]:
    return list(Rating.objects.filter(active=True).order_by("position"))


@dataclass(frozen=True)
class ReviewItem:
    claim: Claim
    detail_url: str
    accept_label: str
    last_verdict_id: int | None
    last_verdict_at: datetime | None
    last_verdict_rating: str | None
    last_verdict_status: str | None
    last_verdict_status_label: str | None
    last_verdict_credibility: int | None
    last_change_at: datetime | None

    @property
    def seen_version(self) -> str:
        return self.claim.status_changed_at.isoformat()


def review_item(claim: Claim) -> ReviewItem:
    """Wrap a claim from ``review_queue``/``review_claim`` (annotated) for the templates."""
    status = getattr(claim, "last_verdict_status", None)
    return ReviewItem(
        claim=claim,
        detail_url=reverse("claim-detail", args=[claim.pk]),
        accept_label=rating_label_for(claim.status, claim.credibility),
        last_verdict_id=getattr(claim, "last_verdict_id", None),
        last_verdict_at=getattr(claim, "last_verdict_at", None),
        last_verdict_rating=getattr(claim, "last_verdict_rating", None),
        last_verdict_status=status,
        last_verdict_status_label=Status(status).label if status else None,
        last_verdict_credibility=getattr(claim, "last_verdict_credibility", None),
        last_change_at=getattr(claim, "last_change_at", None),
    )


def published_verdict(*, claim_id: int) -> Verdict | None:
    """The latest published verdict on a claim, with everything its public page shows."""
    return (
        Verdict.objects.filter(claim_id=claim_id, published_at__isnull=False)
        .select_related("rating", "editor", "claim__claimant", "claim__first_report")
        .order_by("-published_at", "-id")
        .first()
    )
