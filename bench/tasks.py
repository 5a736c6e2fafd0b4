"""The benchmark's own Celery task (found by the app's autodiscovery, routed to "default")."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

_redis: Any = None


@shared_task(name="bench.tasks.noop")
def noop(counter_key: str) -> None:
    """The benchmark's yardstick: the cheapest task that still proves it ran (one INCR on the
    broker's Redis), to compare the pipeline's throughput with the broker's own."""
    global _redis
    if _redis is None:
        import redis

        # One client per pool process, as a real task would keep its connections.
        _redis = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    _redis.incr(counter_key)
