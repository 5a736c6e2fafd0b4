"""The sweeper's write: hand back reports stuck in received/processing so they are sent again, and give up on those that keep failing.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from sources.models import Report

# A report the workers have taken this many times without finishing is given up on (marked
# failed, with the reason) instead of being re-sent every sweep forever.
MAX_REPORT_ATTEMPTS = 5


def stuck_reports_release(*, older_than: timedelta, limit: int = 500) -> list[int]:
    """Reports waiting or in progress for longer than ``older_than``; those in progress are
    handed back (their worker died, or their assessment was lost), so the next delivery can
    take them. Those already taken MAX_REPORT_ATTEMPTS times are marked failed instead."""
    cutoff = timezone.now() - older_than
    Report.objects.filter(
        state=Report.State.PROCESSING,
        state_changed_at__lte=cutoff,
        attempts__gte=MAX_REPORT_ATTEMPTS,
    ).update(
        state=Report.State.FAILED,
        state_changed_at=timezone.now(),
        error=f"Gave up after {MAX_REPORT_ATTEMPTS} attempts; see the worker logs.",
    )
    ids = list(
        Report.objects.filter(
            state__in=[Report.State.RECEIVED, Report.State.PROCESSING], state_changed_at__lte=cutoff
        )
        .order_by("state_changed_at")
        .values_list("id", flat=True)[:limit]
    )
    if ids:
        # Re-check the conditions in the write: a report finished meanwhile must stay finished.
        # Restamping received ones too keeps a slow queue from being re-sent every sweep.
        Report.objects.filter(
            pk__in=ids,
            state__in=[Report.State.RECEIVED, Report.State.PROCESSING],
            state_changed_at__lte=cutoff,
        ).update(state=Report.State.RECEIVED, state_changed_at=timezone.now())
    return ids

