"""Reads for the source page: who a source is, what it rolls up to, and its track record in
the claims it made and the evidence it is the origin of."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, Subquery

from claims.engine.reliability import TrackRecord
from claims.engine.vocabulary import Stance, Status
from claims.models import Claim, Evidence, Verdict
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
    record: TrackRecord


SOURCE_PAGE_CLAIMS = 100
SOURCE_PAGE_REPORTS = 50


# A published verdict's rating value (schema.org 1-5) that says the claim is true or false; the
# steps between (Mixed) and Unproven (no value) judge no report.
TRUE_RATINGS = 4
FALSE_RATINGS = 2


def source_track_record(source: Source) -> TrackRecord:
    """How often the reports whose first-hand source is `source` took the side that the
    claim's latest published verdict proved right (claims.engine.reliability)."""
    return source_track_records([source.pk])[source.pk]


def source_track_records(source_ids: Iterable[int]) -> dict[int, TrackRecord]:
    """`source_track_record` for many sources in one query (a verdict judges every source that
    took a side on its claim); a source with no judged report has an empty record."""
    ids = list(source_ids)
    verdict_value = Subquery(
        Verdict.objects.filter(claim=OuterRef("claim_id"), published_at__isnull=False)
        .order_by("-created_at", "-id")
        .values("rating__rating_value")[:1]
    )
    # Only claims with a published true or false verdict can be judged (the latest decides, so
    # this is a superset): a hash of those claim ids spares the latest-verdict lookup for the
    # evidence of every other claim. The lookup is then made once a row, grouped on, and the
    # sides counted here, rather than repeated in each count's filter.
    judged_claims = Verdict.objects.filter(published_at__isnull=False).filter(
        Q(rating__rating_value__gte=TRUE_RATINGS) | Q(rating__rating_value__lte=FALSE_RATINGS)
    )
    rows = (
        Evidence.objects.filter(
            origin_id__in=ids,
            rejected=False,
            stance__in=(Stance.SUPPORTS, Stance.CONTRADICTS),
            claim_id__in=judged_claims.values("claim_id"),
        )
        .annotate(verdict_value=verdict_value)
        .values("origin_id", "stance", "verdict_value")
        .order_by()
        # "*", not the id: the id is not in evidence_origin_sided_idx, and the count needs
        # nothing but the index.
        .annotate(n=Count("*"))
    )
    agreed = dict.fromkeys(ids, 0)
    disagreed = dict.fromkeys(ids, 0)
    for row in rows:
        value = row["verdict_value"]
        if value is None or FALSE_RATINGS < value < TRUE_RATINGS:
            continue
        right = (row["stance"] == Stance.SUPPORTS) == (value >= TRUE_RATINGS)
        (agreed if right else disagreed)[row["origin_id"]] += row["n"]
    return {pk: TrackRecord(agreed=agreed[pk], disagreed=disagreed[pk]) for pk in ids}


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
        record=source_track_record(source),
    )
