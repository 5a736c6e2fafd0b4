"""Reads for the pipeline's pages and API."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from claims.models import Evidence
from sources.models import Report


def reports_recent(*, limit: int) -> list[Report]:
    return list(Report.objects.select_related("publisher").order_by("-created_at", "-id")[:limit])


def report_with_evidence() -> QuerySet[Report]:
    return Report.objects.select_related("publisher").prefetch_related(
        Prefetch(
            "evidence",
            queryset=Evidence.objects.select_related("claim", "origin").order_by("claim_id"),
        )
    )
