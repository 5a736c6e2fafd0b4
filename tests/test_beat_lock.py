"""One beat at a time (factcheck.beat, issue 14 item 8): real `celery beat` processes on the
configured lock (a Redis key with a TTL, or a file lock with the embedded broker).

Each beat here runs tests/beat_settings.py, which schedules one task every second, so the log of
whichever beat schedules shows it at once. Every process is started in its own process group and
the whole group is SIGKILLed at the end of its test, pass or fail.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from factcheck.beat import FileBeatLock
from factcheck.worker import STANDALONE_ARGS, CeleryWorker
from tests.conftest import REPO_ROOT, database_url_for_subprocess, wait_for

REDIS_URL = os.environ.get("REDIS_URL", "")
SENT = "Scheduler: Sending due task"
HOLDS = "beat lock: this beat holds"
WAITS = "beat lock: another beat holds"
# Short, so that a takeover comes soon; long enough that a busy machine never delays a renewal
# (every third of it) past it, which would hand the lock over while its holder lives.
TTL = "6"
# Switches of the test session that a beat must not inherit (the browser tests set the first).
NOT_INHERITED = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",
    "BEAT_LOCK_KEY",
    "BEAT_LOCK_TTL_SECONDS",
)

needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="REDIS_URL is unset: the Redis beat lock needs a Redis server"
)


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL)


class BeatProcess:
    """`python -m celery -A factcheck beat` in its own process group, logging to a file."""

    def __init__(self, log_path: Path, env: dict[str, str], schedule: Path) -> None:
        self.log_path = log_path
        self.env = env
        self.schedule = schedule
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "factcheck",
                    "beat",
                    "--loglevel",
                    "INFO",
                    "--schedule",
                    str(self.schedule),
                ],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def sent(self) -> int:
        return self.log().count(SENT)

    def kill(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)


def beat_env(tmp_path: Path, backend: str, key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.beat_settings",
        PYTHONUNBUFFERED="1",
        # Broker folder, cache and default schedule of these processes stay in the test's folder.
        FACTCHECK_VAR_DIR=str(tmp_path / "var"),
        BEAT_LOCK_TTL_SECONDS=TTL,
        BEAT_LOCK_KEY=key,
        REDIS_URL=REDIS_URL if backend == "redis" else "",
    )
    return env


@pytest.fixture
def lock_key() -> Iterator[str]:
    key = f"factcheck:beat-lock:test-{uuid.uuid4().hex}"
    yield key
    if REDIS_URL:
        redis_client().delete(key)


@pytest.fixture
def beats(tmp_path: Path) -> Iterator[list[BeatProcess]]:
    started: list[BeatProcess] = []
    yield started
    for beat in started:
        beat.kill()


@pytest.mark.parametrize(
    "backend",
    [pytest.param("redis", marks=[pytest.mark.redis, needs_redis]), "file"],
)
def test_two_beats_schedule_once_and_the_standby_takes_over_after_a_sigkill(
    backend, tmp_path, lock_key, beats
):
    env = beat_env(tmp_path, backend, lock_key)
    # One schedule file for both, as two beats on one machine would have: the standby must
    # leave it alone while it waits.
    schedule = tmp_path / "celerybeat-schedule"
    first = BeatProcess(tmp_path / "first.log", env, schedule)
    second = BeatProcess(tmp_path / "second.log", env, schedule)
    beats += [first, second]

    first.start()
    wait_for(lambda: HOLDS in first.log() and first.sent() > 0, timeout=60)
    second.start()
    wait_for(lambda: WAITS in second.log(), timeout=60)
    assert f":{first.pid}:" in second.log(), "the standby names the holder"
    # While both run, only the holder sends: let it send three more.
    sent_before = first.sent()
    wait_for(lambda: first.sent() >= sent_before + 3, timeout=60)
    assert second.proc is not None and second.proc.poll() is None, second.log()
    assert second.sent() == 0 and HOLDS not in second.log(), second.log()

    # The holder dies without releasing anything; the standby takes over once the lock lapses.
    first.kill()
    wait_for(lambda: HOLDS in second.log() and second.sent() > 0, timeout=60)
    if backend == "redis":
        holder = redis_client().get(lock_key)
        assert holder is not None
        assert holder.decode().startswith(f"{socket.gethostname()}:{second.pid}:")

    # A clean stop releases the lock at once.
    assert second.proc is not None
    second.proc.send_signal(signal.SIGTERM)
    second.proc.wait(timeout=30)
    assert "beat lock: this beat releases" in second.log(), second.log()
    if backend == "redis":
        assert redis_client().get(lock_key) is None
    else:
        lock = FileBeatLock(schedule.with_name(schedule.name + ".lock"))
        assert lock.acquire()
        lock.release()


_broker_mark = pytest.mark.redis if REDIS_URL else pytest.mark.worker


@pytest.mark.worker
@_broker_mark
@pytest.mark.django_db(transaction=True)
def test_an_embedded_beat_stops_when_its_worker_is_sigkilled(tmp_path, lock_key):
    """`celery worker --beat` runs beat as a child process, which a SIGKILL of the worker's main
    process leaves running: it must notice, stop scheduling and release the lock."""
    env = beat_env(tmp_path, "redis" if REDIS_URL else "file", lock_key)
    env["DATABASE_URL"] = database_url_for_subprocess()  # the worker records its heartbeat
    worker = CeleryWorker(
        env=env,
        log_path=tmp_path / "worker.log",
        concurrency=1,
        hostname=f"beatlock-{os.getpid()}@%h",
        beat=True,
        extra_args=[*STANDALONE_ARGS, "--schedule", str(tmp_path / "celerybeat-schedule")],
    )
    worker.start()
    try:
        worker.wait_until_ready(timeout=60)
        holds = wait_for(
            lambda: re.search(r"this beat holds .* pid (\d+)\)", worker.log_tail(20000)), timeout=60
        )
        beat_pid = int(holds.group(1))
        assert beat_pid != worker.pid

        os.kill(worker.pid, signal.SIGKILL)  # the main process only, as a crash would
        worker.proc.wait(timeout=10)
        wait_for(lambda: not process_alive(beat_pid), timeout=60)
        assert "started this embedded beat is gone" in worker.log_tail(20000)
        if REDIS_URL:
            assert redis_client().get(lock_key) is None
        else:
            lock = FileBeatLock(tmp_path / "celerybeat-schedule.lock")
            assert lock.acquire()
            lock.release()
    finally:
        worker.stop(signal.SIGKILL, timeout=10)
        # stop() has nothing to do once the main process is gone: the pool child and a beat
        # that failed to stop are still in its process group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(worker.pid, signal.SIGKILL)


def process_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie no longer runs


@pytest.mark.redis
@needs_redis
def test_a_beat_that_loses_its_lock_stops_scheduling_until_it_holds_it_again(
    tmp_path, lock_key, beats
):
    """Its renewal came too late (a paused VM, a Redis failover) and another holder has the key:
    the beat must stop sending at once and schedule again only once the key is its own again."""
    beat = BeatProcess(tmp_path / "beat.log", beat_env(tmp_path, "redis", lock_key), tmp_path / "s")
    beats.append(beat)
    beat.start()
    wait_for(lambda: HOLDS in beat.log() and beat.sent() > 0, timeout=60)

    # Another holder's token, for a little longer than one TTL.
    assert redis_client().set(lock_key, "intruder:1:x", xx=True, px=int(float(TTL) * 1000) + 1000)
    wait_for(lambda: "beat lock: lost" in beat.log(), timeout=60)
    assert "now held by intruder:1:x" in beat.log()
    wait_for(
        lambda: beat.log().count(HOLDS) == 2 and beat.log().rsplit(HOLDS, 1)[1].count(SENT),
        timeout=60,
    )

    # In the log's order: after the loss, nothing was sent before the lock was held again.
    after_loss = beat.log().split("beat lock: lost", 1)[1]
    assert after_loss.index(HOLDS) < after_loss.index(SENT), after_loss
    assert redis_client().get(lock_key).decode().startswith(f"{socket.gethostname()}:{beat.pid}:")
