"""Small reads and writes the linking and assessment steps share.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from claims.models import Quantity
from sources.models import Report

# A figure as stored on Evidence.figures (JSON): what, words, low, high (None = open-ended).
FigureRow = dict[str, str | float | None]


def report_mark_processed(report_id: int, *, unread_language: str = "") -> None:
    """Finish a report in progress. `unread_language` names the language of one the workers
    cannot read (claims.engine.language), so its page does not claim it speaks to no claim."""
    Report.objects.filter(pk=report_id, state=Report.State.PROCESSING).update(
        state=Report.State.PROCESSED,
        state_changed_at=timezone.now(),
        unread_language=unread_language,
    )


def quantities_by_claim(claim_ids: Iterable[int]) -> dict[int, list[Quantity]]:
    # A plain query, not prefetch_related: the prefetch machinery cost more than the query.
    found: dict[int, list[Quantity]] = {}
    ids = list(claim_ids)
    if ids:
        for q in Quantity.objects.filter(claim_id__in=ids).order_by("pk"):
            found.setdefault(q.claim_id, []).append(q)
    return found

