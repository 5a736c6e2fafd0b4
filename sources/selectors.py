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
