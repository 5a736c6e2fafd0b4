"""Celery entry points: thin wrappers that take ids and call services."""

from __future__ import annotations

import socket

from celery import shared_task
from django.utils import timezone

from claims.models import WorkerHeartbeat


@shared_task(name="claims.tasks.record_heartbeat")
def record_heartbeat() -> None:
    """Mark this worker host alive; the dashboard and `make run` read the row."""
    WorkerHeartbeat.objects.update_or_create(
        hostname=socket.gethostname(), defaults={"last_seen": timezone.now()}
    )
