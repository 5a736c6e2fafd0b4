"""The sweeper's writes: hand back reports stuck in received/processing so they are sent again,
give up on those that keep failing, and find claims whose assessment is overdue (their outbox).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from claims.models import Claim, WebhookEvent
from claims.services.webhooks import emit_after_commit, report_failed_payloads
from sources.models import Report

# A report the workers have taken this many times without finishing is given up on (marked
# failed, with the reason) instead of being re-sent every sweep forever.
MAX_REPORT_ATTEMPTS = 5


def stuck_reports_release(*, older_than: timedelta, limit: int = 500) -> list[int]:
    """Reports waiting or in progress for longer than ``older_than``; those in progress are
    handed back (their worker died, or their assessment was lost), so the next delivery can
    take them. Those already taken MAX_REPORT_ATTEMPTS times are marked failed instead."""
    cutoff = timezone.now() - older_than
    given_up = Report.objects.filter(
        state=Report.State.PROCESSING,
        state_changed_at__lte=cutoff,
        attempts__gte=MAX_REPORT_ATTEMPTS,
    )
    failed_ids = list(given_up.values_list("pk", flat=True))
    Report.objects.filter(pk__in=failed_ids, state=Report.State.PROCESSING).update(
        state=Report.State.FAILED,
        state_changed_at=timezone.now(),
        error=f"Gave up after {MAX_REPORT_ATTEMPTS} attempts; see the worker logs.",
    )
    if failed_ids:
        emit_after_commit(WebhookEvent.REPORT_FAILED, lambda: report_failed_payloads(failed_ids))
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


def overdue_claims_release(*, older_than: timedelta, limit: int = 500) -> list[int]:
    """Claims marked due for assessment longer than ``older_than`` ago (the request was lost:
    broker down after the commit, a worker killed), oldest first; their mark is renewed so a
    slow queue is not sent the same claims every sweep."""
    cutoff = timezone.now() - older_than
    ids = list(
        Claim.objects.filter(assessment_due_at__lte=cutoff)
        .order_by("assessment_due_at", "pk")
        .values_list("id", flat=True)[:limit]
    )
    if ids:
        # Re-checked in the write: a claim assessed meanwhile has no mark and keeps none.
        Claim.objects.filter(pk__in=ids, assessment_due_at__lte=cutoff).update(
            assessment_due_at=timezone.now()
        )
    return ids
