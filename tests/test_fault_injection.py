"""Fault proofs (issue 14): faults injected for real into real processes, not mocked.

1. Workers SIGKILLed at random (a pool child or the main process) while 1,000 reports are
   ingested; a poison report kills its worker every time it is taken.
2. Redis stopped while 500 reports are posted over HTTP to gunicorn, then started; Redis
   restarted empty after messages were sent; a hung Redis (accepts, never answers).
3. PostgreSQL backends of a running gunicorn terminated (pg_terminate_backend) mid-request
   and between requests.

The proofs marked with ``fault_proof`` need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) and
skip with the reason otherwise; under CI's services run (CI_EXPECT_SERVICES) such a skip is a
failure (tests/ci_rules.py). The hung-Redis proof and the unit tests of the guards run anywhere.
Every process a test starts runs in its own process group and is killed in a ``finally``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count

from claims.models import Claim, Evidence, StatusChange
from claims.pipeline.assess import claims_status_update
from claims.pipeline.sweeper import MAX_REPORT_ATTEMPTS, stuck_reports_release
from claims.services.reports import report_receive
from claims.tasks import process_report
from sources.models import Report
from sources.services import source_upsert
from tests.claims.test_pipeline import (
    AFP_OWN,
    INVESTIGATION,
    REUTERS_OWN,
    UNRELATED,
    WIRE_ECHO,
)
from tests.conftest import (
    REPO_ROOT,
    WorkerProcess,
    database_url_for_subprocess,
    purge_broker,
    subprocess_env,
    wait_for,
)

# The proofs start real processes on PostgreSQL and Redis; the unit tests at the end need neither.
SERVICE_MARKS = (
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
)


def fault_proof(test: Any) -> Any:
    for mark in SERVICE_MARKS:
        test = mark(test)
    return test


# Variables a test runner may carry that no server or worker of ours should inherit.
INHERITED_ONLY = ("DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER")

# Short bodies from the demo story (tests.claims.test_pipeline): each links to demo claims, or
# (UNRELATED) to none. Every report gets a distinct tail, so none is deduplicated.
TEMPLATES = [
    (REUTERS_OWN, "Reuters"),
    (AFP_OWN, "AFP"),
    (WIRE_ECHO, "Reuters"),
    (INVESTIGATION, "eurasianet.org"),
    (UNRELATED, "Reuters"),
]
DESKS = ["Almaty", "Astana", "Moscow", "London", "Paris", "Bishkek", "Tashkent"]
POISON_TITLE = "fault injection: poison report"


@pytest.fixture
def services() -> None:
    """Skips (before the demo story is loaded) unless PostgreSQL and Redis are configured."""
    if connection.vendor != "postgresql":
        pytest.skip("fault proofs run on PostgreSQL: set DATABASE_URL (CI's services run does)")
    if not os.environ.get("REDIS_URL"):
        pytest.skip("fault proofs run on Redis: set REDIS_URL (CI's services run does)")


def clean_env(**extra: str) -> dict[str, str]:
    env = subprocess_env(**extra)
    for name in INHERITED_ONLY:
        env.pop(name, None)
    return env


def body_for(index: int) -> tuple[str, str, int]:
    """The body, publisher and template number of the index-th report."""
    template = index % len(TEMPLATES)
    text, publisher = TEMPLATES[template]
    return (
        f"{text} Filed from the {DESKS[index % len(DESKS)]} desk, item {index}.",
        publisher,
        template,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            # pid (comm) state ppid ...: comm may hold spaces, so split after its ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def queued_messages() -> int:
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    return sum(int(client.llen(name)) for name in ("ingest", "assess", "default"))


# --- 1. Workers SIGKILLed at random ------------------------------------------------------------

REPORTS = 1_000
WORKERS = 2
KILL_EVERY_SECONDS = 3.0
KILLS_AT_LEAST = 8
INGEST_PER_SECOND = 40


class KillLoop:
    """Every few seconds, SIGKILL a random process of a random worker: a pool child (its main
    process forks another) or the main process (restarted here, as a supervisor would)."""

    def __init__(self, tmp_path: Path, env: dict[str, str], seed: int = 14) -> None:
        self.rng = random.Random(seed)
        self.tmp_path = tmp_path
        self.env = env
        self.slots: list[WorkerProcess] = []
        self.dead_groups: list[int] = []
        self.kills: Counter[str] = Counter()
        self.stop_event = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start_worker(self, slot: int) -> WorkerProcess:
        starts = len(self.dead_groups) + len(self.slots)
        worker = WorkerProcess(self.tmp_path / f"worker-{slot}-{starts}.log", self.env)
        worker.start(concurrency=1)
        return worker

    def start(self) -> None:
        self.slots = [self.start_worker(slot) for slot in range(WORKERS)]
        self.thread.start()

    def _run(self) -> None:
        try:
            while not self.stop_event.wait(KILL_EVERY_SECONDS):
                self.kill_one()
        except BaseException as exc:  # reported by stop()
            self.error = exc

    def kill_one(self) -> None:
        slot = self.rng.randrange(len(self.slots))
        worker = self.slots[slot]
        assert worker.proc is not None
        main = worker.proc.pid
        children = children_of(main)
        if children and self.rng.random() < 0.5:
            os.kill(self.rng.choice(children), signal.SIGKILL)
            self.kills["pool child"] += 1
            return
        os.kill(main, signal.SIGKILL)
        worker.proc.wait(timeout=10)
        self.kills["main process"] += 1
        # Its pool child, orphaned, may still finish the task in hand; it is killed later.
        self.dead_groups.append(main)
        self.slots[slot] = self.start_worker(slot)

    def stop_killing(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=120)
        if self.error is not None:
            raise self.error
        for pid in self.dead_groups:
            kill_group(pid)

    def close(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=120)
        for worker in self.slots:
            worker.stop(signal.SIGKILL)
        for pid in self.dead_groups:
            kill_group(pid)

    def logs(self) -> str:
        return "\n".join(w.log() for w in self.slots)


def sweep_until_settled(*, timeout: float) -> int:
    """What the periodic sweeper does, until every report is finished: hand back reports left
    in received/processing for a few seconds and send them again, once the queues drained."""
    sweeps = 0
    deadline = time.monotonic() + timeout
    while Report.objects.filter(
        state__in=[Report.State.RECEIVED, Report.State.PROCESSING]
    ).exists():
        assert time.monotonic() < deadline, (
            f"reports still unfinished after {timeout:.0f}s: "
            f"{dict(Counter(Report.objects.values_list('state', flat=True)))}"
        )
        wait_for(lambda: queued_messages() == 0, timeout=120, interval=0.5)
        time.sleep(2)  # the last task taken finishes
        for report_id in stuck_reports_release(older_than=timedelta(seconds=2)):
            process_report.delay(report_id)
        sweeps += 1
    return sweeps


def assert_consistent(report_ids: list[int], templates: dict[int, int]) -> None:
    # One Evidence row per (claim, report): the constraint holds it, and nothing got around it.
    duplicates = (
        Evidence.objects.values("claim_id", "report_id").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not duplicates.exists(), list(duplicates[:10])
    # A report taken again after a kill links exactly as one taken once: every report of a
    # template speaks to the same claims with the same stances.
    linked: dict[int, set[frozenset[tuple[int, str]]]] = defaultdict(set)
    rows: dict[int, set[tuple[int, str]]] = defaultdict(set)
    for claim_id, report_id, stance in Evidence.objects.filter(
        report_id__in=report_ids
    ).values_list("claim_id", "report_id", "stance"):
        rows[report_id].add((claim_id, stance))
    for report_id in report_ids:
        linked[templates[report_id]].add(frozenset(rows[report_id]))
    assert all(len(readings) == 1 for readings in linked.values()), {
        t: [sorted(r) for r in readings] for t, readings in linked.items()
    }
    assert any(linked[t] != {frozenset()} for t in linked), "no report linked to any claim"
    # No status lost: each claim's status is its latest change's, every change starts where
    # the one before ended, and assessing every claim now changes nothing.
    for claim in Claim.objects.all():
        changes = list(claim.status_changes.order_by("created_at", "id"))
        if not changes:
            continue
        assert (claim.status, claim.credibility) == (
            changes[-1].to_status,
            changes[-1].to_credibility,
        ), claim.pk
        for before, after in itertools.pairwise(changes):
            assert (after.from_status, after.from_credibility) == (
                before.to_status,
                before.to_credibility,
            ), claim.pk
    touched = sorted(
        set(Evidence.objects.filter(report_id__in=report_ids).values_list("claim_id", flat=True))
    )
    assert touched
    recorded = StatusChange.objects.count()
    missed = claims_status_update(claim_ids=touched, worker="fault check")
    assert missed == [], [(c.claim_id, c.explanation) for c in missed]
    assert StatusChange.objects.count() == recorded


@fault_proof
def test_workers_killed_at_random_lose_nothing_and_a_poison_report_fails(
    services, demo_story, tmp_path
):
    source_upsert(name="Eurasianet", kind="newspaper", grade="B", domains=("eurasianet.org",))
    purge_broker()
    loop = KillLoop(tmp_path, clean_env(PIPELINE_CRASH_ON_TITLE=POISON_TITLE))
    try:
        loop.start()
        templates: dict[int, int] = {}
        poison = report_receive(
            title=POISON_TITLE, body=f"{REUTERS_OWN} Poisoned.", publisher_label="Reuters"
        ).report.pk
        started = time.monotonic()
        for index in range(REPORTS):
            # Paced, so the kills land while reports arrive and are worked on.
            time.sleep(max(0.0, started + index / INGEST_PER_SECOND - time.monotonic()))
            body, publisher, template = body_for(index)
            received = report_receive(title=f"Report {index}", body=body, publisher_label=publisher)
            assert received.created
            templates[received.report.pk] = template
        ingested = time.monotonic() - started
        # Keep killing while the workers chew through the backlog.
        wait_for(lambda: sum(loop.kills.values()) >= KILLS_AT_LEAST, timeout=120, interval=0.5)
        loop.stop_killing()
        processed_then = Report.objects.filter(state=Report.State.PROCESSED).count()
        for slot, worker in enumerate(loop.slots):
            if worker.proc is None or worker.proc.poll() is not None:
                loop.slots[slot] = loop.start_worker(slot)
        sweeps = sweep_until_settled(timeout=180)

        report_ids = list(templates)
        states = Counter(Report.objects.filter(pk__in=report_ids).values_list("state", flat=True))
        assert states == {Report.State.PROCESSED: REPORTS}, (states, loop.logs())
        poisoned = Report.objects.get(pk=poison)
        assert poisoned.state == Report.State.FAILED
        assert poisoned.attempts == MAX_REPORT_ATTEMPTS
        assert not Evidence.objects.filter(report_id=poison).exists()
        assert_consistent(report_ids, templates)
        retried = Report.objects.filter(pk__in=report_ids, attempts__gt=1).count()
        print(
            f"ingested in {ingested:.0f}s; processed when the killing stopped: "
            f"{processed_then}; kills: {dict(loop.kills)}; sweeps: {sweeps}; reports taken more than once: {retried}"
        )
        assert sum(loop.kills.values()) >= KILLS_AT_LEAST
    finally:
        loop.close()


# --- 2. Redis stopped, and restarted empty ---------------------------------------------------

OUTAGE_REPORTS = 500
POSTING_THREADS = 6


class RedisServer:
    """A Redis of this test's own, on its own port, that keeps nothing on disk: restarted, it
    is empty."""

    def __init__(self, port: int, log_path: Path) -> None:
        self.port = port
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed to stop and start a broker of the test's own"
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(self.ready, timeout=30, interval=0.1)

    def client(self) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def ready(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            kill_group(self.proc.pid)
            self.proc.wait(timeout=20)

    def queued(self, *names: str) -> int:
        return sum(int(self.client().llen(name)) for name in names)


class WebServer:
    """The production web server (gunicorn with factcheck/gunicorn_conf.py) in its own process
    group."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.env = {
            **env,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": "2",
            "WEB_THREADS": "4",
            "WEB_MAX_REQUESTS": "0",
        }
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "python:factcheck.gunicorn_conf",
                    "factcheck.wsgi:application",
                ],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def up() -> bool:
            assert self.proc is not None and self.proc.poll() is None, self.log()
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                return False

        wait_for(up, timeout=60, interval=0.2)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=20)
        if self.proc is not None:
            kill_group(self.proc.pid)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def request(
        self,
        path: str,
        *,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(
            self.base + path,
            data=None if data is None else json.dumps(data).encode(),
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()


def production_env(**extra: str) -> dict[str, str]:
    """The production settings (not the test settings): the cache, the API throttle's counters
    and the broker are all in Redis, as on a newsroom's server."""
    return clean_env(
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        SECRET_KEY="fault-injection-" + "k" * 48,
        API_THROTTLE_BURST="100000/second",
        API_THROTTLE_SUSTAINED="1000000/hour",
        **extra,
    )


def run_sweepers(env: dict[str, str]) -> str:
    """Beat's two sweeps, once each, in a process of their own on the test's Redis."""
    sweep = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django;django.setup();"
            "from claims.tasks import sweep_stuck_reports, sweep_overdue_claims;"
            "print(sweep_stuck_reports(), sweep_overdue_claims())",
        ],
        cwd=REPO_ROOT,
        env={**env, "REPORT_STUCK_AFTER_SECONDS": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert sweep.returncode == 0, sweep.stderr
    return sweep.stdout.strip()


def run_django(env: dict[str, str], code: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import django;django.setup()\n" + code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


@fault_proof
def test_reports_posted_while_redis_is_down_and_messages_lost_to_an_empty_restart_are_finished(
    services, demo_story, fact_checker, tmp_path
):
    from rest_framework.authtoken.models import Token

    source_upsert(name="Eurasianet", kind="newspaper", grade="B", domains=("eurasianet.org",))
    token = Token.objects.create(user=fact_checker).key
    auth = {"Authorization": f"Token {token}"}
    broker = RedisServer(free_port(), tmp_path / "redis.log")
    worker_env = clean_env(REDIS_URL=broker.url)
    web = WebServer(production_env(REDIS_URL=broker.url), tmp_path / "web.log")
    worker = WorkerProcess(tmp_path / "worker.log", worker_env)
    try:
        broker.start()
        web.start()
        broker.stop()  # down, before the first report arrives

        def post(index: int) -> tuple[int, int, bytes]:
            body, publisher, _ = body_for(index)
            status, _, content = web.request(
                "/api/reports/",
                data={"title": f"Outage {index}", "body": body, "publisher": publisher},
                headers=auth,
            )
            return index, status, content

        started = time.monotonic()
        with ThreadPoolExecutor(POSTING_THREADS) as pool:
            answers = list(pool.map(post, range(OUTAGE_REPORTS)))
        print(
            f"{OUTAGE_REPORTS} reports posted with Redis down in {time.monotonic() - started:.0f}s"
        )
        statuses = Counter(status for _, status, _ in answers)
        assert statuses == {202: OUTAGE_REPORTS}, (statuses, web.log())
        templates = {json.loads(content)["id"]: body_for(index)[2] for index, _, content in answers}
        report_ids = list(templates)
        assert len(report_ids) == OUTAGE_REPORTS
        assert Report.objects.filter(pk__in=report_ids, state=Report.State.RECEIVED).count() == (
            OUTAGE_REPORTS
        )

        # Redis is back; a worker starts; one sweep sends every waiting report again.
        broker.start()
        worker.start(concurrency=2)
        time.sleep(1.5)  # past REPORT_STUCK_AFTER_SECONDS=1
        assert run_sweepers(worker_env).split()[0] == str(OUTAGE_REPORTS)
        wait_for(
            lambda: (
                not Report.objects.filter(
                    pk__in=report_ids, state__in=[Report.State.RECEIVED, Report.State.PROCESSING]
                ).exists()
            ),
            timeout=180,
            interval=0.5,
        )
        assert Report.objects.filter(pk__in=report_ids, state=Report.State.PROCESSED).count() == (
            OUTAGE_REPORTS
        ), worker.log()
        # Each processed exactly once: taken once, and its evidence written once.
        assert Counter(
            Report.objects.filter(pk__in=report_ids).values_list("attempts", flat=True)
        ) == {1: OUTAGE_REPORTS}
        assert_consistent(report_ids, templates)

        # Messages sent (reports, and a fact-checker's rejections whose claims need assessing),
        # then Redis restarted empty before the worker takes them.
        worker.stop()
        later = [post(index) for index in range(OUTAGE_REPORTS, OUTAGE_REPORTS + 20)]
        assert Counter(status for _, status, _ in later) == {202: 20}
        later_ids = [json.loads(content)["id"] for _, _, content in later]
        rejected = list(
            Evidence.objects.filter(report_id__in=report_ids[:40]).values_list("pk", flat=True)
        )
        assert rejected
        rejected_claims = set(
            Evidence.objects.filter(pk__in=rejected).values_list("claim_id", flat=True)
        )
        run_django(
            worker_env,
            "from django.contrib.auth.models import User\n"
            "from claims.models import Evidence\n"
            "from claims.services.evidence import evidence_reject\n"
            f"user = User.objects.get(pk={fact_checker.pk})\n"
            f"for row in Evidence.objects.filter(pk__in={rejected!r}):\n"
            "    evidence_reject(evidence=row, user=user)\n",
        )
        assert broker.queued("ingest") == 20
        assert broker.queued("assess") == len(rejected)
        assert Claim.objects.filter(
            pk__in=rejected_claims, assessment_due_at__isnull=False
        ).count() == len(rejected_claims)
        broker.stop()
        broker.start()
        assert broker.queued("ingest", "assess", "default") == 0  # every message lost

        worker.start(concurrency=2)
        time.sleep(1.5)
        run_sweepers(worker_env)
        wait_for(
            lambda: (
                Report.objects.filter(pk__in=later_ids, state=Report.State.PROCESSED).count()
                == len(later_ids)
                and not Claim.objects.filter(assessment_due_at__isnull=False).exists()
            ),
            timeout=120,
            interval=0.5,
        )
        # The rejections count: assessing those claims again now changes nothing.
        assert claims_status_update(claim_ids=sorted(rejected_claims), worker="fault check") == []
        assert (
            set(
                StatusChange.objects.filter(claim_id__in=rejected_claims, changed_by__isnull=True)
                .exclude(worker="")
                .values_list("claim_id", flat=True)
            )
            >= rejected_claims
        )
    finally:
        worker.stop(signal.SIGKILL)
        web.stop()
        broker.stop()


# --- Unit tests of the guards the proofs rely on (no services needed) ---------------------------


@pytest.fixture
def heard(caplog: Any, monkeypatch: Any) -> Any:
    """caplog for one module's logger, whatever an earlier test's logging set-up did to it (a
    library's dictConfig with disable_existing_loggers disables loggers that already exist)."""

    def listen(name: str, level: str) -> Any:
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
        return caplog.at_level(level, logger=name)

    return listen


def test_the_api_throttle_lets_requests_through_while_its_cache_is_unreachable(
    monkeypatch, caplog, heard
):
    from django.test import RequestFactory
    from redis.exceptions import ConnectionError as RedisConnectionError
    from rest_framework.request import Request

    from claims.api.throttling import BurstThrottle

    class Unreachable:
        def get(self, *args: Any, **kwargs: Any) -> Any:
            raise RedisConnectionError(
                "Error 111 connecting to 127.0.0.1:6379. Connection refused."
            )

        set = get

    throttle = BurstThrottle()
    throttle.cache = Unreachable()
    monkeypatch.setattr(throttle, "get_cache_key", lambda request, view: "throttle_burst_1")
    request = Request(RequestFactory().post("/api/reports/"))
    with heard("claims.api.throttling", "WARNING"):
        assert throttle.allow_request(request, view=None) is True
    assert "cache is unavailable" in caplog.text


class HungRedis:
    """A "Redis" that accepts connections and never answers: a hung server, or one behind a
    network partition that still completes the handshake."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.held.append(self.server.accept()[0])

    def __enter__(self) -> HungRedis:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.close()
        for held in self.held:
            held.close()


@pytest.mark.django_db(transaction=True)
def test_a_hung_redis_holds_no_request(fact_checker, tmp_path):
    """Runs on any database: the Redis is a socket of the test's own. Before the cache and the
    broker had socket timeouts, every POST waited on it for ever (gunicorn's threaded workers
    do not time a request out), until the server had no thread left for the desk either."""
    from rest_framework.authtoken.models import Token

    auth = {"Authorization": f"Token {Token.objects.create(user=fact_checker).key}"}
    with HungRedis() as hung:
        web = WebServer(production_env(REDIS_URL=hung.url), tmp_path / "web.log")
        try:
            web.start()

            def post(index: int) -> tuple[int, bytes]:
                status, _, content = web.request(
                    "/api/reports/",
                    data={"title": f"Hung {index}", "body": body_for(index)[0], "publisher": "AP"},
                    headers=auth,
                )
                return status, content

            # urlopen's own 60 s timeout bounds the wait; each answer takes a few seconds.
            with ThreadPoolExecutor(3) as pool:
                answers = list(pool.map(post, range(3)))
            assert [status for status, _ in answers] == [202, 202, 202], web.log()
            ids = [json.loads(content)["id"] for _, content in answers]
            assert Report.objects.filter(pk__in=ids, state=Report.State.RECEIVED).count() == 3
            assert "left for the sweeper" in web.log()
        finally:
            web.stop()


# --- 3. PostgreSQL connections lost under the web server ----------------------------------------

WEB_APPLICATION_NAME = "factcheck-fault-web"


def terminate_web_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND application_name = %s",
            [WEB_APPLICATION_NAME],
        )
        return int(cursor.fetchone()[0])


def web_backend_waiting_on_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s AND wait_event_type = 'Lock'",
            [WEB_APPLICATION_NAME],
        )
        return int(cursor.fetchone()[0]) > 0


@contextlib.contextmanager
def table_locked(table: str) -> Iterator[None]:
    """Another session holds ``table`` exclusively, so a request reading it waits in its query:
    in flight, for as long as the test needs, until its backend is terminated."""
    import psycopg

    settings_dict = connection.settings_dict
    with (
        psycopg.connect(
            host=settings_dict["HOST"] or "127.0.0.1",
            port=int(settings_dict["PORT"] or 5432),
            user=settings_dict["USER"],
            password=settings_dict["PASSWORD"] or None,
            dbname=settings_dict["NAME"],
            application_name="factcheck-fault-locker",
        ) as locker,
        locker.transaction(),
    ):
        locker.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        yield


@fault_proof
def test_a_lost_database_connection_answers_503_and_the_server_recovers(
    services, demo_story, fact_checker, tmp_path
):
    from django.test import Client
    from rest_framework.authtoken.models import Token

    url = database_url_for_subprocess() + f"?application_name={WEB_APPLICATION_NAME}"
    web = WebServer(clean_env(DATABASE_URL=url), tmp_path / "web.log")
    browser = Client()
    browser.force_login(fact_checker)
    session = {"Cookie": f"sessionid={browser.cookies['sessionid'].value}"}
    token = {"Authorization": f"Token {Token.objects.create(user=fact_checker).key}"}
    report_path = f"/api/reports/{Report.objects.earliest('pk').pk}/"
    pages = [
        # (path, headers, the table its view reads, what its 503 is)
        ("/claims/", session, Claim._meta.db_table, "text/html"),
        (report_path, token, Report._meta.db_table, "application/json"),
    ]
    try:
        web.start()
        for path, headers, table, content_type in pages:
            assert web.request(path, headers=headers)[0] == 200, web.log()
            # Between requests: the kept connection is dead; the next request reconnects.
            assert terminate_web_backends() >= 1
            assert web.request(path, headers=headers)[0] == 200, web.log()

            # Mid-request: the view waits in its query when its backend is terminated.
            with ThreadPoolExecutor(1) as pool, table_locked(table):
                answer = pool.submit(web.request, path, headers=headers)
                wait_for(web_backend_waiting_on_lock, timeout=30)
                assert terminate_web_backends() >= 1
                status, response_headers, content = answer.result(timeout=60)
            assert status == 503, (path, status, content[:2000], web.log())
            assert response_headers["Retry-After"].isdigit()
            assert response_headers["Content-Type"].startswith(content_type)
            if content_type == "application/json":
                assert "unavailable" in json.loads(content)["detail"]
            else:
                assert b"Unavailable for a moment" in content
                assert b"Traceback" not in content

            # And the server carries on, without a restart.
            for _ in range(3):
                assert web.request(path, headers=headers)[0] == 200, web.log()
        assert web.proc is not None and web.proc.poll() is None
    finally:
        web.stop()


@pytest.mark.parametrize("error", ["OperationalError", "InterfaceError"])
def test_a_lost_connection_in_an_api_view_answers_json_503(error):
    from django import db
    from django.test import RequestFactory

    from factcheck.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/api/reports/1/")
    response = middleware.process_exception(
        request, getattr(db, error)("terminating connection due to administrator command")
    )
    assert response is not None and response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"].isdigit()
    assert "unavailable" in json.loads(response.content)["detail"]


def test_a_lost_connection_in_a_desk_view_answers_a_plain_503_page(caplog, heard):
    from django.db import OperationalError
    from django.test import RequestFactory

    from factcheck.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    with heard("factcheck.middleware", "ERROR"):
        response = middleware.process_exception(
            RequestFactory().get("/claims/"), OperationalError("server closed the connection")
        )
    assert response is not None and response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"].isdigit()
    page = response.content.decode()
    assert "Unavailable for a moment" in page
    # No inline script or style: the Content-Security-Policy allows neither.
    assert "<script" not in page and "style=" not in page and "<style" not in page
    assert "database unavailable for GET /claims/" in caplog.text


def test_other_errors_are_left_to_django():
    from django.db import IntegrityError
    from django.test import RequestFactory

    from factcheck.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/claims/")
    assert middleware.process_exception(request, IntegrityError("duplicate key")) is None
    assert middleware.process_exception(request, ValueError("a bug")) is None


def test_the_desk_answers_503_when_a_view_loses_its_connection(fact_checker, client, monkeypatch):
    """Through the whole middleware stack (CSP header included), with the view's first query
    failing as a terminated backend makes it fail."""
    from django.db import OperationalError

    from claims.views import claim_list

    def lost(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(claim_list, "rows_for", lost)
    client.force_login(fact_checker)
    response = client.get("/claims/")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "Content-Security-Policy" in response
    assert b"Unavailable for a moment" in response.content
