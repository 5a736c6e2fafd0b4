"""Reads for the source page: who a source is, what it rolls up to, and its track record in
the claims it made and the evidence it is the origin of."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F

from claims.engine.vocabulary import Stance, Status
from claims.models import Claim, Evidence
from sources.models import Report, Source, SourceAlias, SourceDomain


@dataclass(frozen=True)
class CountRow:
    value: str
    label: str
    count: int


@dataclass
class SourcePage:
    """Everything the source page shows, read in a fixed number of queries."""

    source: Source
    ancestors: list[Source]
    children: list[Source]
    aliases: list[SourceAlias]
    domains: list[SourceDomain]
    claims: list[Claim]
    claims_total: int
    status_counts: list[CountRow]
    reports: list[Report]
    reports_total: int
    stance_counts: list[CountRow]
    evidence_total: int


SOURCE_PAGE_CLAIMS = 100
SOURCE_PAGE_REPORTS = 50


def source_page(*, pk: int) -> SourcePage | None:
    source = Source.objects.select_related("parent").filter(pk=pk).first()
    if source is None:
        return None
    status_by_value = dict(
        Claim.objects.filter(claimant=source)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    stance_by_value = dict(
        Evidence.objects.filter(origin=source, rejected=False)
        .order_by()
        .values("stance")
        .annotate(n=Count("id"))
        .values_list("stance", "n")
    )
    return SourcePage(
        source=source,
        ancestors=source.ancestors(),
        children=list(Source.objects.filter(parent=source).order_by("name")),
        aliases=list(SourceAlias.objects.filter(source=source).order_by("name")),
        domains=list(SourceDomain.objects.filter(source=source).order_by("domain")),
        claims=list(
            Claim.objects.filter(claimant=source).order_by("-status_changed_at", "-id")[
                :SOURCE_PAGE_CLAIMS
            ]
        ),
        claims_total=sum(status_by_value.values()),
        status_counts=[
            CountRow(value, label, status_by_value.get(value, 0))
            for value, label in Status.choices()
        ],
        reports=list(
            Report.objects.filter(publisher=source)
            .only("id", "title", "published_at", "retrieved_at", "state", "publisher_id")
            .order_by(F("published_at").desc(nulls_last=True), "-id")[:SOURCE_PAGE_REPORTS]
        ),
        reports_total=Report.objects.filter(publisher=source).count(),
        stance_counts=[
            CountRow(value, label, stance_by_value.get(value, 0))
            for value, label in Stance.evidence_choices()
        ],
        evidence_total=sum(stance_by_value.values()),
    )
