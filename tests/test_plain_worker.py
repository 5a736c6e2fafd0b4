"""A worker started the ordinary way, `celery -A factcheck worker` with no -Q, consumes every
queue the project routes to (declared in CELERY_TASK_QUEUES): a posted report ends processed."""

import os

import pytest
from django.conf import settings

from claims.models import StatusChange
from factcheck.worker import SETTINGS_QUEUES, worker_argv
from sources.models import Report
from tests.claims.test_pipeline import ELIMINATED, REUTERS_OWN
from tests.conftest import WorkerProcess, demo_claim, purge_broker, subprocess_env, wait_for
from tests.factories import post_report, token_client


def test_the_launcher_gives_every_queue_in_settings_or_none():
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} <= set(settings.CELERY_QUEUE_NAMES)
    argv = worker_argv(queues=SETTINGS_QUEUES, concurrency=2, beat=True)
    assert argv[argv.index("-Q") + 1] == ",".join(settings.CELERY_QUEUE_NAMES)
    assert "--beat" in argv and argv[argv.index("--concurrency") + 1] == "2"
    plain = worker_argv(queues=None)
    assert plain[1:6] == ["-m", "celery", "-A", "factcheck", "worker"]
    assert "-Q" not in plain and "--queues" not in plain


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_started_without_queue_options_processes_a_posted_report(
    demo_story, fact_checker, tmp_path
):
    purge_broker()
    worker = WorkerProcess(tmp_path / "plain.log", subprocess_env())
    # Nothing but `celery -A factcheck worker` and its log level (no -Q, no --without-*).
    worker.start(queues=None, extra_args=())
    try:
        assert "-Q" not in worker.worker.argv
        banner = worker.log()
        for queue in settings.CELERY_QUEUE_NAMES:
            assert f".> {queue} " in banner, banner
        response = post_report(
            token_client(fact_checker),
            {
                "title": "Almaty overnight",
                "body": REUTERS_OWN,
                "publisher": "Reuters",
                "published_at": "2022-01-08T12:00:00Z",
            },
        )
        assert response.status_code == 202, response.content
        report_id = response.json()["id"]
        # "ingest" takes the report, "assess" judges its claims and marks it processed.
        wait_for(
            lambda: Report.objects.get(pk=report_id).state == Report.State.PROCESSED, timeout=60
        )
        assert StatusChange.objects.filter(claim=demo_claim(ELIMINATED)).exists()
    finally:
        worker.stop()


if os.environ.get("REDIS_URL"):
    # On the configured broker: Redis when REDIS_URL is set, else the embedded file broker.
    test_a_worker_started_without_queue_options_processes_a_posted_report = pytest.mark.redis(
        test_a_worker_started_without_queue_options_processes_a_posted_report
    )
