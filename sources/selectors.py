"""Reads about sources and reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, QuerySet

from sources.models import Report, Source, SourceAlias, SourceDomain


def source_resolve(*, label: str) -> Source | None:
    """Find a source by exact name, alias or home domain (case-insensitive)."""
    label = label.strip()
    if not label:
        return None
    found = (
        Source.objects.filter(name__iexact=label).first()
        or Source.objects.filter(aliases__name__iexact=label).first()
    )
    if found is not None:
        return found
    host = label.lower().removeprefix("www.")
    while "." in host:
        found = Source.objects.filter(domains__domain=host).first()
        if found is not None:
            return found
        host = host.split(".", 1)[1]  # news.bbc.co.uk -> bbc.co.uk
    return None


def source_list_with_counts() -> QuerySet[Source]:
    return Source.objects.select_related("parent").annotate(
        claims_count=Count("claims_made", distinct=True),
        reports_count=Count("reports", distinct=True),
    )


def source_tops(source_ids: set[int]) -> dict[int, Source]:
    """Map each source id to the top organisation it rolls up to, one query per level of
    the parent chain rather than one per source."""
    tops: dict[int, Source] = {}
    if not source_ids:
        return tops
    rows: dict[int, Source] = {s.pk: s for s in Source.objects.filter(pk__in=source_ids)}
    # current[start] = the highest ancestor of `start` found so far
    current: dict[int, Source] = {pk: rows[pk] for pk in source_ids if pk in rows}
    for _ in range(32):  # parent chains are short; the bound only guards against a cycle
        pending = {s.parent_id for s in current.values() if s.parent_id is not None}
        pending -= rows.keys()
        if pending:
            rows.update({s.pk: s for s in Source.objects.filter(pk__in=pending)})
        moved = False
        for start, node in current.items():
            if node.parent_id is not None and node.parent_id in rows and node.parent_id != start:
                current[start] = rows[node.parent_id]
                moved = True
        if not moved:
            break
    tops.update(current)
    return tops


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
    claims: list[Any]  # claims.models.Claim; sources does not import claims at load time
    claims_total: int
    status_counts: list[CountRow]
    reports: list[Report]
    reports_total: int
    stance_counts: list[CountRow]
    evidence_total: int


SOURCE_PAGE_CLAIMS = 100
SOURCE_PAGE_REPORTS = 50


def source_page(*, pk: int) -> SourcePage | None:
    # Claims sit on top of sources; importing them here, not at load, keeps sources standalone.
    from claims.engine.vocabulary import Stance, Status
    from claims.models import Claim, Evidence

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
            CountRow(value, label, stance_by_value.get(value, 0)) for value, label in Stance.evidence_choices()
        ],
        evidence_total=sum(stance_by_value.values()),
    )
