"""Reads for the API's lists and details. Each list reads a page in a fixed number of queries,
however many rows it holds: what a row shows rides along (select_related) or is fetched for the
whole page at once (prefetch_related, `source_track_records`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from claims.engine.reliability import TrackRecord
from claims.models import Attribution, Claim, Evidence, Quantity, StatusChange, Verdict
from claims.selectors.claim_list import claims_search
from claims.selectors.reports import report_known_fact_checks
from claims.selectors.sources import source_track_records
from sources.models import Report, Source

# Parents read along with a source: deeper chains are rare (a bureau under an agency under a
# group) and cost one query per extra level.
PARENT_DEPTH = "parent__parent__parent"


def visible_verdicts(*, drafts: bool) -> QuerySet[Verdict]:
    """Verdicts a caller may see: the published ones, and drafts only for those allowed
    (claims.permissions.VERDICT_VIEW_DRAFTS); newest first."""
    qs = Verdict.objects.select_related("rating", "editor")
    if not drafts:
        qs = qs.filter(published_at__isnull=False)
    return qs.order_by("-created_at", "-id")


def claims_for_api(*, drafts: bool) -> QuerySet[Claim]:
    """Claims with their chain, quantities and the verdicts the caller may see (the latest is
    the first of `visible`)."""
    return Claim.objects.select_related("claimant", "assignee").prefetch_related(
        Prefetch("attributions", queryset=Attribution.objects.select_related("source")),
        Prefetch("quantities", queryset=Quantity.objects.order_by("id")),
        Prefetch("verdicts", queryset=visible_verdicts(drafts=drafts), to_attr="visible"),
    )


def claim_for_api(*, drafts: bool) -> QuerySet[Claim]:
    """`claims_for_api` with the evidence and the status history."""
    return claims_for_api(drafts=drafts).prefetch_related(
        Prefetch(
            "evidence",
            queryset=Evidence.objects.select_related("report__publisher", "origin").order_by(
                "-confidence", "-id"
            ),
        ),
        Prefetch(
            "status_changes",
            queryset=StatusChange.objects.select_related("changed_by").order_by(
                "-created_at", "-id"
            ),
        ),
    )


def claims_matching(qs: QuerySet[Claim], text: str) -> QuerySet[Claim]:
    """The desk list's search (full text on PostgreSQL) over `qs`."""
    text = text.replace("\x00", "").strip()
    return claims_search(qs, text) if text else qs


def claims_through_source(qs: QuerySet[Claim], source_id: int) -> QuerySet[Claim]:
    """Claims whose attribution chain passes through the source."""
    return qs.filter(
        Exists(Attribution.objects.filter(claim_id=OuterRef("pk"), source_id=source_id))
    )


def sources_for_api() -> QuerySet[Source]:
    return Source.objects.select_related(PARENT_DEPTH)


def sources_records(sources: Iterable[Source]) -> dict[int, TrackRecord]:
    """The track record of each source of a page, in one query."""
    return source_track_records(source.pk for source in sources)


# Evidence rows a report carries in the API's list (the report's own URL has them all): a
# round-up that speaks to hundreds of claims would otherwise make one page of 50 reports
# tens of thousands of rows and megabytes, where the list is for following reports' states.
REPORT_LIST_EVIDENCE = 10
REPORT_LIST_EVIDENCE_FIELDS = (
    "id", "claim_id", "report_id", "stance", "origin_id", "confidence", "sentence", "method",
    "rejected",
)  # fmt: skip


def reports_for_api() -> QuerySet[Report]:
    """Reports with their evidence count and their first REPORT_LIST_EVIDENCE evidence rows
    (`evidence_head`, by claim, as the report's detail orders them), in a fixed number of
    queries."""
    return (
        Report.objects.select_related("publisher")
        .defer("body")  # a page of 50 bodies is megabytes, and the list shows none
        .annotate(
            evidence_count=Coalesce(
                Subquery(
                    Evidence.objects.filter(report_id=OuterRef("pk"))
                    .order_by()
                    .values("report_id")
                    .annotate(n=Count("*"))
                    .values("n")
                ),
                0,
            )
        )
        .prefetch_related(
            Prefetch(
                "evidence",
                # Sliced per report (a window over the page's reports' evidence). Claims and
                # origins are fetched after the slice: joined before it, PostgreSQL would join
                # every claim to all of the page's evidence first.
                # Only the columns the list shows: 500 rows' figures (JSON) and whole sources
                # would be most of the page's time.
                queryset=Evidence.objects.only(*REPORT_LIST_EVIDENCE_FIELDS)
                .prefetch_related(
                    Prefetch("claim", queryset=Claim.objects.only("id", "text")),
                    Prefetch("origin", queryset=Source.objects.only("id", "name")),
                )
                .order_by("claim_id", "id")[:REPORT_LIST_EVIDENCE],
                # An attribute of its own: a sliced queryset cannot stand in for the manager's.
                to_attr="evidence_head",
            ),
            report_known_fact_checks(),
        )
    )


def verdicts_for_api(*, drafts: bool) -> QuerySet[Verdict]:
    return visible_verdicts(drafts=drafts).select_related("claim")
