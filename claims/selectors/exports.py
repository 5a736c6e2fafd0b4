"""Reads for the exports, as plain values streamed in chunks (100k claims never sit in
memory): the claims list's filters and order, each claim with its latest verdict; and every
published verdict of the claims those filters pick, within a range of publication days."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from claims.models import Verdict
from claims.selectors.claim_list import DEFAULT_SORT, ClaimFilters, claims_filtered

CHUNK = 2000

EXPORT_FIELDS = (
    "id",
    "text",
    "quote",
    "kind",
    "event",
    "status",
    "credibility",
    "claimant__name",
    "assignee__username",
    "made_at",
    "created_at",
    "status_changed_at",
)
VERDICT_FIELDS = (
    ("verdict_rating", "rating__label"),
    ("verdict_rationale", "rationale"),
    ("verdict_editor", "editor__username"),
    ("verdict_created_at", "created_at"),
    ("verdict_published_at", "published_at"),
)


def claims_for_export(filters: ClaimFilters) -> Iterator[dict[str, Any]]:
    """One dict per claim the list shows for `filters`, in the list's order, with the latest
    verdict's rating, rationale, editor and dates (None when there is none)."""
    latest = Verdict.objects.filter(claim_id=OuterRef("pk")).order_by("-created_at", "-id")
    qs = claims_filtered(filters).annotate(
        **{name: Subquery(latest.values(path)[:1]) for name, path in VERDICT_FIELDS}
    )
    return qs.values(*EXPORT_FIELDS, *(name for name, _ in VERDICT_FIELDS)).iterator(
        chunk_size=CHUNK
    )


# One row per published verdict; names as the API's verdicts carry them where both have one.
VERDICT_EXPORT_FIELDS = (
    "id",
    "claim_id",
    "claim__text",
    "claim__claimant__name",
    "claim__event",
    "rating__label",
    "rating__rating_value",
    "status_at_review",
    "rationale",
    "editor__username",
    "editor__first_name",
    "editor__last_name",
    "created_at",
    "published_at",
)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def verdicts_for_export(
    filters: ClaimFilters,
    *,
    published_from: date | None = None,
    published_to: date | None = None,
) -> Iterator[dict[str, Any]]:
    """One dict per published verdict (drafts never) of the claims the list shows for
    `filters`, published on the days from `published_from` to `published_to` (both included,
    in the desk's time zone), newest first. `current_id` is the id of the claim's latest
    published verdict, the one its public page shows (`published_verdicts`' rule)."""
    qs: QuerySet[Verdict] = Verdict.objects.filter(published_at__isnull=False)
    # With no claim filter, every claim qualifies: no need to ask the claims table.
    if dataclasses.replace(filters, sort=DEFAULT_SORT) != ClaimFilters():
        qs = qs.filter(claim_id__in=claims_filtered(filters).values("pk"))
    if published_from is not None:
        qs = qs.filter(published_at__gte=_day_start(published_from))
    if published_to is not None:
        qs = qs.filter(published_at__lt=_day_start(published_to + timedelta(days=1)))
    current = (
        Verdict.objects.filter(claim_id=OuterRef("claim_id"), published_at__isnull=False)
        .order_by("-published_at", "-id")
        .values("id")[:1]
    )
    return (
        qs.annotate(current_id=Subquery(current))
        .order_by("-published_at", "-id")
        .values(*VERDICT_EXPORT_FIELDS, "current_id")
        .iterator(chunk_size=CHUNK)
    )
