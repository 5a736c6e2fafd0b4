"""A real worker process on the configured broker writes to the test database."""

import os

import pytest

from claims.models import WorkerHeartbeat
from claims.tasks import record_heartbeat
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

if os.environ.get("REDIS_URL"):
    pytestmark.append(pytest.mark.redis)


def test_a_real_worker_runs_a_task_that_writes_to_the_database(worker):
    from factcheck.celery import app

    expected_transport = "redis" if os.environ.get("REDIS_URL") else "filesystem"
    assert app.connection_for_write().transport_cls == expected_transport
    # The worker marks itself alive on start; the task must then move the stamp forward.
    beat = wait_for(WorkerHeartbeat.objects.first, timeout=30)
    started_seen = beat.last_seen
    record_heartbeat.delay()
    wait_for(lambda: WorkerHeartbeat.objects.get(pk=beat.pk).last_seen > started_seen, timeout=30)
    assert WorkerHeartbeat.objects.count() == 1
    assert "record_heartbeat" in worker.log()
