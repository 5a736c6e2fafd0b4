"""Celery entry points: thin wrappers that take ids and call services.

Every task re-reads its rows, returns quietly when they are gone and is idempotent, so a
duplicate delivery (acks_late, the sweeper, a restarted worker) is harmless.
"""

from __future__ import annotations

import logging
import socket
from datetime import timedelta
from typing import Any

from celery import shared_task
from celery.signals import task_postrun, task_prerun, worker_process_init, worker_ready
from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from claims.enqueue import send_after_commit
from claims.models import Claim, Evidence, WorkerHeartbeat
from claims.pipeline import assess, linking, sweeper
from claims.pipeline.source_cache import clear_source_caches
from claims.services import feeds, webhooks
from sources import articles
from sources import feeds as sources_feeds
from sources.selectors import source_family_ids

logger = logging.getLogger(__name__)


# A database blink is retried with backoff; anything else fails the task (and is recorded).
RETRY_ON_TRANSIENT_ERRORS: dict[str, Any] = {
    "autoretry_for": linking.TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 5,
}


def _worker_name(task: Any) -> str:
    return f"{task.request.hostname or socket.gethostname()} task {task.request.id}"


@shared_task(
    bind=True,
    name="claims.tasks.process_report",
    **RETRY_ON_TRANSIENT_ERRORS,
)
def process_report(self: Any, report_id: int) -> None:
    touched = linking.report_link(report_id=report_id)
    if touched:
        # One assessment task per report, not per claim: the claims a report touched are
        # assessed in one transaction (each still locked and judged on its own), which keeps
        # the task and commit count per report at two however many claims it speaks to. It
        # also marks the report processed; until then the sweeper sees it as unfinished.
        send_after_commit(assess_claims, touched, report_id)


@shared_task(
    bind=True,
    name="claims.tasks.assess_claim",
    **RETRY_ON_TRANSIENT_ERRORS,
)
def assess_claim(self: Any, claim_id: int) -> None:
    assess.claim_status_update(claim_id=claim_id, worker=_worker_name(self))


@shared_task(
    bind=True,
    name="claims.tasks.assess_claims",
    **RETRY_ON_TRANSIENT_ERRORS,
)
def assess_claims(self: Any, claim_ids: list[int], report_id: int | None = None) -> None:
    assess.claims_status_update(claim_ids=claim_ids, worker=_worker_name(self), report_id=report_id)


# A source's regrade re-assesses its claims in batches of this many (one transaction each),
# and at most REASSESS_PER_TASK claims per task run: a larger family continues in a new task,
# so no run nears the time limit however many claims a government's regrade touches.
REASSESS_BATCH = 200
REASSESS_PER_TASK = 2_000


@shared_task(
    bind=True,
    name="claims.tasks.reassess_source_claims",
    **RETRY_ON_TRANSIENT_ERRORS,
)
def reassess_source_claims(self: Any, source_id: int, after_claim_id: int = 0) -> int:
    """Re-assess the claims a source's regrade or re-parenting touches: those whose evidence
    (not rejected) has the source, or a source below it, as origin, and those it or a source
    below it made. Claims are taken in id order after `after_claim_id`. Idempotent: a claim
    whose assessment does not change records nothing. Returns how many claims it assessed."""
    # This worker process must not judge independence by the old parent chain.
    clear_source_caches()
    family = source_family_ids(source_id=source_id)
    if not family:
        return 0  # the source is gone
    claim_ids = sorted(
        set(
            Evidence.objects.filter(
                origin_id__in=family, rejected=False, claim_id__gt=after_claim_id
            )
            .order_by()
            .values_list("claim_id", flat=True)
        )
        | set(
            Claim.objects.filter(claimant_id__in=family, pk__gt=after_claim_id)
            .order_by()
            .values_list("pk", flat=True)
        )
    )
    now, rest = claim_ids[:REASSESS_PER_TASK], claim_ids[REASSESS_PER_TASK:]
    for start in range(0, len(now), REASSESS_BATCH):
        assess.claims_status_update(
            claim_ids=now[start : start + REASSESS_BATCH], worker=_worker_name(self)
        )
    if rest:
        send_after_commit(reassess_source_claims, source_id, now[-1])
    return len(now)


@shared_task(name="claims.tasks.fetch_report_article", **RETRY_ON_TRANSIENT_ERRORS)
def fetch_report_article(report_id: int) -> None:
    """Fetch and archive a report's page; process the report when it waits (first arrival, or
    its text changed). A fetch that fails still lets the report be processed as it came."""
    outcome = articles.report_article_fetch(report_id=report_id)
    if outcome is not None and outcome.reprocess:
        send_after_commit(process_report, report_id)


@shared_task(name="claims.tasks.poll_feed", **RETRY_ON_TRANSIENT_ERRORS)
def poll_feed(feed_id: int) -> int:
    return feeds.feed_ingest(feed_id=feed_id)


@shared_task(name="claims.tasks.poll_due_feeds")
def poll_due_feeds() -> int:
    """Beat's tick: queue a poll of every feed that is due (sources.feeds.feeds_take_due)."""
    due = sources_feeds.feeds_take_due()
    for feed_id in due:
        send_after_commit(poll_feed, feed_id)
    return len(due)


@shared_task(bind=True, name="claims.tasks.deliver_webhook", max_retries=None)
def deliver_webhook(self: Any, delivery_id: int) -> bool:
    """One attempt at a webhook delivery; a failure is retried by Celery after the backoff the
    service computed (the attempt count lives in the row, not in the message)."""
    result = webhooks.delivery_attempt(delivery_id=delivery_id)
    if result.retry_in is not None:
        raise self.retry(countdown=result.retry_in)
    return result.delivered


@shared_task(name="claims.tasks.sweep_webhook_deliveries")
def sweep_webhook_deliveries() -> int:
    overdue = webhooks.overdue_deliveries_release(
        older_than=timedelta(seconds=settings.REPORT_STUCK_AFTER_SECONDS)
    )
    for delivery_id in overdue:
        send_after_commit(deliver_webhook, delivery_id)
    return len(overdue)


@shared_task(name="claims.tasks.sweep_stuck_reports")
def sweep_stuck_reports() -> int:
    stuck = sweeper.stuck_reports_release(
        older_than=timedelta(seconds=settings.REPORT_STUCK_AFTER_SECONDS)
    )
    for report_id in stuck:
        send_after_commit(process_report, report_id)
    if stuck:
        logger.info("re-sent %d stuck reports", len(stuck))
    return len(stuck)


@shared_task(name="claims.tasks.sweep_overdue_claims")
def sweep_overdue_claims() -> int:
    """Send again the assessments of claims whose request was lost (their outbox mark is
    older than REPORT_STUCK_AFTER_SECONDS), in one batch."""
    overdue = sweeper.overdue_claims_release(
        older_than=timedelta(seconds=settings.REPORT_STUCK_AFTER_SECONDS)
    )
    if overdue:
        send_after_commit(assess_claims, overdue)
        logger.info("re-sent the assessment of %d claims", len(overdue))
    return len(overdue)


@shared_task(name="claims.tasks.record_heartbeat")
def record_heartbeat() -> None:
    """Mark this worker host alive; the dashboard and `make run` read the row."""
    WorkerHeartbeat.objects.update_or_create(
        hostname=socket.gethostname(), defaults={"last_seen": timezone.now()}
    )


@worker_process_init.connect
def _no_connection_health_checks(**kwargs: Any) -> None:
    # A health check is a "SELECT 1" before the first query of every task. Tasks retry on
    # connection errors (TRANSIENT_ERRORS) and a connection that failed is closed after the task
    # (below), so a dead connection costs one retry instead of a round trip per task.
    for alias in connections:
        connections[alias].settings_dict["CONN_HEALTH_CHECKS"] = False


@task_prerun.connect
@task_postrun.connect
def _recycle_db_connections(**kwargs: Any) -> None:
    # Connections live across tasks (CELERY_DB_REUSE_MAX); like Django's request signals, drop
    # one that is broken, older than CONN_MAX_AGE or left inside a failed transaction.
    close_old_connections()


@worker_ready.connect
def _heartbeat_on_start(**kwargs: Any) -> None:
    # A worker is alive from the moment it starts, not from beat's first tick 30 s later.
    record_heartbeat()
