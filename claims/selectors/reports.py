"""Reads for the pipeline's pages and API."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from claims.models import Evidence, ReportKnownFactCheck
from sources.models import Report, ReportArchive


def reports_recent(*, limit: int) -> list[Report]:
    return list(Report.objects.select_related("publisher").order_by("-created_at", "-id")[:limit])


def report_with_evidence() -> QuerySet[Report]:
    return Report.objects.select_related("publisher").prefetch_related(
        Prefetch(
            "evidence",
            queryset=Evidence.objects.select_related("claim", "origin").order_by("claim_id"),
        ),
        report_known_fact_checks(),
    )


def report_known_fact_checks() -> Prefetch[str, QuerySet[ReportKnownFactCheck]]:
    """A report's known fact-checks, in the order of its sentences, each sentence's best
    first (`report.known_fact_check_matches.all()`)."""
    return Prefetch(
        "known_fact_check_matches",
        queryset=ReportKnownFactCheck.objects.select_related("fact_check").order_by(
            "position", "rank"
        ),
    )


def report_archives(*, report_id: int) -> list[ReportArchive]:
    """The archived versions of a report's page, newest first (the text is left unloaded)."""
    return list(
        ReportArchive.objects.filter(report_id=report_id)
        .defer("text")
        .order_by("-version")
    )
