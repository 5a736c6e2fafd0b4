"""The pipeline on a real broker and a real worker process: delivery, duplicates, crashes and
broker outages."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import Evidence, StatusChange
from claims.pipeline.sweeper import stuck_reports_release
from claims.tasks import process_report
from sources.models import Report
from sources.services import source_upsert
from tests.claims.test_pipeline import (
    AFP_OWN,
    DETAINED,
    ELIMINATED,
    INVESTIGATION,
    REUTERS_OWN,
    TRAINING,
    UNRELATED,
    WIRE_ECHO,
)
from tests.conftest import REPO_ROOT, WorkerProcess, demo_claim, subprocess_env, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
if os.environ.get("REDIS_URL"):
    pytestmark.append(pytest.mark.redis)


@pytest.fixture
def story(demo_story, fact_checker):
    source_upsert(name="Eurasianet", kind="newspaper", grade="B", domains=("eurasianet.org",))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=fact_checker).key}")
    return client


def post(client, body, publisher, title="Report"):
    response = client.post(
        "/api/reports/",
        {
            "title": title,
            "body": body,
            "publisher": publisher,
            "published_at": "2022-01-08T12:00:00Z",
        },
        format="json",
    )
    assert response.status_code in (200, 202), response.content
    return response.json()["id"]


def processed(report_id):
    return Report.objects.filter(pk=report_id, state=Report.State.PROCESSED).exists()


def status_of(quote):
    claim = demo_claim(quote)
    return claim.status, claim.credibility


def test_posted_reports_move_demo_claims_through_the_worker(story, worker):
    ids = [
        post(story, REUTERS_OWN, "Reuters"),
        post(story, AFP_OWN, "AFP"),
        post(story, WIRE_ECHO, "Reuters"),
        post(story, INVESTIGATION, "eurasianet.org"),
    ]
    unrelated = post(story, UNRELATED, "Reuters")
    for report_id in [*ids, unrelated]:
        wait_for(lambda report_id=report_id: processed(report_id), timeout=60)
    wait_for(lambda: status_of(ELIMINATED) == ("corroborated", 1), timeout=60)
    wait_for(lambda: status_of(TRAINING)[0] != "unverified", timeout=60)
    wait_for(lambda: demo_claim(DETAINED).status_changes.exists(), timeout=60)
    # An echo of the claimant is recorded in the explanation but moves nothing.
    assert status_of(DETAINED) == ("unverified", 6)
    assert not Evidence.objects.filter(report_id=unrelated).exists()
    change = demo_claim(ELIMINATED).status_changes.first()
    assert "task" in change.worker and change.evidence_ids


def test_the_same_report_posted_twice_is_processed_once(story, worker):
    first = post(story, REUTERS_OWN, "Reuters")
    second = post(story, REUTERS_OWN, "Reuters")
    assert first == second
    wait_for(lambda: processed(first), timeout=60)
    wait_for(lambda: demo_claim(ELIMINATED).status_changes.exists(), timeout=60)
    time.sleep(1.5)  # give a duplicate delivery, were there one, time to show up
    assert Report.objects.filter(body=REUTERS_OWN).count() == 1
    assert Evidence.objects.filter(report_id=first, claim=demo_claim(ELIMINATED)).count() == 1
    assert StatusChange.objects.filter(claim=demo_claim(ELIMINATED)).count() == 1


@pytest.mark.postgres
def test_the_same_task_delivered_twice_concurrently_does_the_work_once(story, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent row locking is proven on PostgreSQL (DATABASE_URL)")
    worker = WorkerProcess(tmp_path / "worker.log", subprocess_env())
    worker.start(concurrency=2)
    try:
        report_ids = [
            post(story, body, pub) for body, pub in [(REUTERS_OWN, "Reuters"), (AFP_OWN, "AFP")]
        ]
        # Deliver every task twice at once, as a redelivery racing the original would.
        for report_id in report_ids:
            process_report.delay(report_id)
            process_report.delay(report_id)
        for report_id in report_ids:
            wait_for(lambda report_id=report_id: processed(report_id), timeout=60)
        wait_for(lambda: status_of(ELIMINATED) == ("corroborated", 1), timeout=60)
        time.sleep(2)
        claim = demo_claim(ELIMINATED)
        assert Evidence.objects.filter(claim=claim).count() == 2
        changes = list(StatusChange.objects.filter(claim=claim).order_by("created_at"))
        assert [c.to_credibility for c in changes][-1] == 1
        assert len({(c.to_status, c.to_credibility) for c in changes}) == len(changes)
        assert Report.objects.filter(pk__in=report_ids, attempts=1).count() == 2
    finally:
        worker.stop()


def test_a_worker_killed_mid_task_loses_nothing(story, tmp_path):
    slow = WorkerProcess(
        tmp_path / "slow.log", subprocess_env(PIPELINE_PAUSE_AFTER_CLAIM_SECONDS="60")
    )
    slow.start()
    report_id = post(story, REUTERS_OWN, "Reuters")
    wait_for(lambda: Report.objects.get(pk=report_id).state == Report.State.PROCESSING, timeout=30)
    slow.stop(signal.SIGKILL)
    assert Report.objects.get(pk=report_id).state == Report.State.PROCESSING
    assert not Evidence.objects.filter(report_id=report_id).exists()

    fresh = WorkerProcess(tmp_path / "fresh.log", subprocess_env())
    fresh.start()
    try:
        from datetime import timedelta

        # What the periodic sweeper does once the report has been stuck past its timeout.
        for stuck_id in stuck_reports_release(older_than=timedelta(0)):
            process_report.delay(stuck_id)
        wait_for(lambda: processed(report_id), timeout=60)
        wait_for(lambda: status_of(ELIMINATED) == ("corroborated", 2), timeout=60)
        assert Report.objects.get(pk=report_id).attempts == 2
    finally:
        fresh.stop()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.redis
def test_with_the_broker_down_post_still_answers_and_the_report_waits(story, tmp_path):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("broker outage is exercised on Redis (REDIS_URL)")
    redis_server = shutil.which("redis-server")
    assert redis_server, "redis-server binary needed to stop and start a broker"
    port, web_port = _free_port(), _free_port()
    env = subprocess_env(REDIS_URL=f"redis://127.0.0.1:{port}/0")
    token = Token.objects.get().key
    web = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{web_port}", "--noreload"],
        cwd=REPO_ROOT,
        env=env,
        stdout=(tmp_path / "web.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    broker = None
    try:
        import json
        import urllib.request

        def web_up():
            try:
                with socket.create_connection(("127.0.0.1", web_port), timeout=0.2):
                    return True
            except OSError:
                return False

        wait_for(web_up, timeout=30)
        request = urllib.request.Request(
            f"http://127.0.0.1:{web_port}/api/reports/",
            data=json.dumps(
                {"title": "Outage", "body": REUTERS_OWN, "publisher": "Reuters"}
            ).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        )
        started = time.monotonic()
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 202
            report_id = json.loads(response.read())["id"]
        assert time.monotonic() - started < 15
        assert Report.objects.get(pk=report_id).state == Report.State.RECEIVED

        # The broker comes back; a worker starts; the sweeper re-sends what waited.
        broker = subprocess.Popen(
            [
                redis_server,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        worker = WorkerProcess(tmp_path / "worker.log", env)
        worker.start()
        try:
            sweep = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import django;django.setup();from claims.tasks import sweep_stuck_reports;"
                    "print(sweep_stuck_reports())",
                ],
                cwd=REPO_ROOT,
                env={**env, "REPORT_STUCK_AFTER_SECONDS": "1"},
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert sweep.returncode == 0, sweep.stderr
            wait_for(lambda: processed(report_id), timeout=60)
            wait_for(lambda: status_of(ELIMINATED)[0] == "corroborated", timeout=60)
        finally:
            worker.stop()
    finally:
        web.terminate()
        web.wait(timeout=20)
        if broker is not None:
            broker.terminate()
            broker.wait(timeout=20)


def test_claims_added_after_the_worker_started_are_found(story, worker):
    from claims.services.claims import claim_create

    wait_for(lambda: processed(post(story, UNRELATED, "Reuters")), timeout=60)  # worker index warm
    claim = claim_create(text="Dozens of tanks crossed the Kazakh border from Russia overnight.")
    report_id = post(
        story,
        "Reuters reporters saw dozens of tanks cross the Kazakh border from Russia overnight.",
        "Reuters",
    )
    wait_for(lambda: processed(report_id), timeout=60)
    assert Evidence.objects.filter(claim=claim, report_id=report_id, stance="supports").exists()
