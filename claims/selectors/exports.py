"""Reads for the claims export: the claims list's filters and order, each claim with its
latest verdict, as plain values streamed in chunks (100k claims never sit in memory)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import OuterRef, Subquery

from claims.models import Verdict
from claims.selectors.claim_list import ClaimFilters, claims_filtered

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
