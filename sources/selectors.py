"""Reads about sources and reports."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from sources.models import Source


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
