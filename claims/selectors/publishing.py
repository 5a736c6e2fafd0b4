"""Reads for what the desk publishes: published verdicts, the evidence a public page cites and
the reports a claim appeared in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery

from claims.engine.vocabulary import Stance
from claims.models import Claim, Evidence, Verdict
from sources.models import Report, Source

# How many reports a ClaimReview lists as appearances; aggregators read the first few.
MAX_APPEARANCES = 20


@dataclass(frozen=True)
class Citation:
    """One report that took a side on a claim, as the public page cites it."""

    origin: str  # who is first-hand behind it
    stance: str  # "supports" or "contradicts"
    title: str
    publisher: str
    url: str
    published_at: datetime | None
    # The claimant's own side repeating the claim: cited for completeness, weighed for nothing.
    own_side: bool


def published_verdicts() -> QuerySet[Verdict]:
    """The latest published verdict of every claim that has one, newest first."""
    latest = (
        Verdict.objects.filter(claim_id=OuterRef("claim_id"), published_at__isnull=False)
        .order_by("-published_at", "-id")
        .values("id")[:1]
    )
    return (
        Verdict.objects.filter(published_at__isnull=False, id=Subquery(latest))
        .select_related("rating", "editor", "claim__claimant", "claim__first_report")
        .order_by("-published_at", "-id")
    )


def claims_citations(claims: Sequence[Claim]) -> dict[int, list[Citation]]:
    """For each of `claims`, the reports that support or contradict it (the desk's rejections
    left out), the earliest first, each marked when it comes from the claimant's own side.
    Three queries whatever the number of claims (parent chains up to three deep ride along)."""
    ids = [claim.pk for claim in claims]
    rows = (
        Evidence.objects.filter(
            claim_id__in=ids, rejected=False, stance__in=[Stance.SUPPORTS, Stance.CONTRADICTS]
        )
        .select_related("origin__parent__parent__parent", "report__publisher")
        .order_by("report__published_at", "report_id")
    )
    claimant_ids = {claim.claimant_id for claim in claims if claim.claimant_id is not None}
    claimants = Source.objects.select_related("parent__parent__parent").in_bulk(claimant_ids)
    claimant_top = {
        claim.pk: claimants[claim.claimant_id].top().pk
        for claim in claims
        if claim.claimant_id in claimants
    }
    cited: dict[int, list[Citation]] = {pk: [] for pk in ids}
    for row in rows:
        cited[row.claim_id].append(
            Citation(
                origin=row.origin.name,
                stance=row.stance,
                title=row.report.title,
                publisher=row.report.publisher.name,
                url=row.report.url or "",
                published_at=row.report.published_at,
                own_side=claimant_top.get(row.claim_id) == row.origin.top().pk,
            )
        )
    return cited


def claim_citations(claim: Claim) -> list[Citation]:
    """`claims_citations` for one claim."""
    return claims_citations([claim])[claim.pk]


def claim_appearances(claim: Claim) -> list[Report]:
    """The reports with a web address that carried `claim`: the one it was logged from, then
    those that repeat or relay it, the earliest first."""
    reports = list(
        Report.objects.filter(
            evidence__claim=claim,
            evidence__rejected=False,
            evidence__stance__in=[Stance.SUPPORTS, Stance.DISCUSSES],
        )
        .exclude(url__isnull=True)
        .exclude(url="")
        .distinct()
        .order_by("published_at", "pk")[:MAX_APPEARANCES]
    )
    first = claim.first_report
    if first is not None and first.url:
        reports = [first, *(r for r in reports if r.pk != first.pk)][:MAX_APPEARANCES]
    return reports
