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
from celery.signals import worker_ready
from django.conf import settings
from django.utils import timezone

from claims import pipeline
from claims.enqueue import send_after_commit
from claims.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def _worker_name(task: Any) -> str:
    return f"{task.request.hostname or socket.gethostname()} task {task.request.id}"


@shared_task(
    bind=True,
    name="claims.tasks.process_report",
    autoretry_for=pipeline.TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
)
def process_report(self: Any, report_id: int) -> None:
    for claim_id in pipeline.report_process(report_id=report_id):
        send_after_commit(assess_claim, claim_id)


@shared_task(
    bind=True,
    name="claims.tasks.assess_claim",
    autoretry_for=pipeline.TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
)
def assess_claim(self: Any, claim_id: int) -> None:
    pipeline.claim_assess(claim_id=claim_id, worker=_worker_name(self))


@shared_task(name="claims.tasks.sweep_stuck_reports")
def sweep_stuck_reports() -> int:
    stuck = pipeline.reports_stuck(
        older_than=timedelta(seconds=settings.REPORT_STUCK_AFTER_SECONDS)
    )
    for report_id in stuck:
        send_after_commit(process_report, report_id)
    if stuck:
        logger.info("re-sent %d stuck reports", len(stuck))
    return len(stuck)


@shared_task(name="claims.tasks.record_heartbeat")
def record_heartbeat() -> None:
    """Mark this worker host alive; the dashboard and `make run` read the row."""
    WorkerHeartbeat.objects.update_or_create(
        hostname=socket.gethostname(), defaults={"last_seen": timezone.now()}
    )


@shared_task(name="claims.tasks.bench_noop")
def bench_noop(counter_key: str) -> None:
    """The benchmark's yardstick: the cheapest task that still proves it ran (one INCR on the
    broker's Redis), to compare the pipeline's throughput with the broker's own."""
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).incr(counter_key)


@worker_ready.connect
def _heartbeat_on_start(**kwargs: Any) -> None:
    # A worker is alive from the moment it starts, not from beat's first tick 30 s later.
    record_heartbeat()
