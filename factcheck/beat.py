"""One Celery beat at a time: the scheduler that `celery -A factcheck beat` (and a worker's
embedded ``--beat``) runs, configured as ``CELERY_BEAT_SCHEDULER``.

Two schedulers would send every periodic task twice (two sweepers re-sending the same stuck
reports, two heartbeats). ``LockedScheduler`` schedules only while it holds a lock:

- with Redis (``REDIS_URL``, the broker) a key, ``BEAT_LOCK_KEY``, set with a time to live of
  ``BEAT_LOCK_TTL_SECONDS`` that the holder renews every third of it. A beat killed with SIGKILL
  cannot release it, so the key expires one TTL after its last renewal and a waiting beat
  takes over;
- with the embedded file broker (one machine by definition) an exclusive ``flock`` on a file
  beside the schedule file, which the kernel releases when the holder dies, however it dies.

A beat that finds the lock taken logs so once and waits as a standby, trying again every third
of the TTL; it opens its schedule file only once it holds the lock, so a standby on the same
machine never touches the holder's file. A beat that finds it has lost the lock (it could not
renew for a whole TTL, a paused machine say, and another took over) stops scheduling at that
tick and waits again; a third of the TTL is thus the most that two beats can overlap, and only
after a holder went a whole TTL without being able to renew.

A worker's embedded beat (``celery worker --beat``) is a child process; when the worker's main
process is SIGKILLed the child lives on. This scheduler notices that its worker is gone and
stops, releasing the lock, so a restarted worker's beat takes over instead of scheduling
beside an orphan. Production runs one separate ``celery -A factcheck beat`` instead (README).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import uuid
from pathlib import Path
from typing import IO, Any, Protocol

from celery.beat import PersistentScheduler
from celery.signals import beat_embedded_init
from django.conf import settings

logger = logging.getLogger(__name__)


class LockUnknown(Exception):
    """The lock's store could not be asked (Redis unreachable): whether we hold it is unknown."""


class BeatLock(Protocol):
    name: str

    def acquire(self) -> bool:
        """Take the lock if it is free; False if another beat holds it."""

    def renew(self) -> bool:
        """Extend our hold; False if the lock is no longer ours."""

    def release(self) -> None:
        """Give the lock up if we hold it (never raises)."""

    def holder(self) -> str:
        """Who holds the lock, as they wrote it, for the log."""


def holder_token() -> str:
    # Host and pid say in the log which beat holds the lock; the random part keeps the token
    # unique when a pid is reused (or two containers both run pid 1).
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class RedisBeatLock:
    """A Redis key with a TTL (redis-py's Lock: SET NX PX, renewed and released by token)."""

    def __init__(self, url: str, key: str, ttl: float) -> None:
        import redis

        self._redis_errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.name = f"Redis key {key!r}"
        self.key = key
        self.token = holder_token()
        self._lock = self.client.lock(key, timeout=ttl, blocking=False, thread_local=False)

    def acquire(self) -> bool:
        try:
            return bool(self._lock.acquire(blocking=False, token=self.token))
        except self._redis_errors as exc:
            raise LockUnknown(str(exc)) from exc

    def renew(self) -> bool:
        from redis.exceptions import LockError

        try:
            self._lock.reacquire()  # back to the full TTL, only if the token is still ours
        except LockError:
            return False
        except self._redis_errors as exc:
            raise LockUnknown(str(exc)) from exc
        return True

    def release(self) -> None:
        with contextlib.suppress(Exception):
            self._lock.release()

    def holder(self) -> str:
        try:
            value = self.client.get(self.key)
        except self._redis_errors:
            return "unknown (Redis unreachable)"
        return value.decode(errors="replace") if isinstance(value, bytes) else "nobody"


class FileBeatLock:
    """An exclusive flock on a file: one beat per machine, released by the kernel on death."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"lock file {str(path)!r}"
        self._file: IO[str] | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(holder_token())
        handle.flush()
        self._file = handle
        return True

    def renew(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def holder(self) -> str:
        try:
            return self.path.read_text().strip() or "unknown"
        except OSError:
            return "unknown"


# The worker that started this process's embedded beat (celery worker --beat), if any.
_embedded_parent_pid: int | None = None


@beat_embedded_init.connect(weak=False)
def _remember_embedding_worker(sender: Any = None, **kwargs: Any) -> None:
    global _embedded_parent_pid
    _embedded_parent_pid = os.getppid()


def beat_lock(schedule_filename: str | None) -> BeatLock:
    if settings.REDIS_URL:
        return RedisBeatLock(
            settings.REDIS_URL, settings.BEAT_LOCK_KEY, settings.BEAT_LOCK_TTL_SECONDS
        )
    schedule = Path(schedule_filename or settings.CELERY_BEAT_SCHEDULE_FILENAME)
    return FileBeatLock(schedule.with_name(schedule.name + ".lock"))


class LockedScheduler(PersistentScheduler):
    """Celery's file-backed scheduler, sending tasks only while it holds the beat lock."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.lock = beat_lock(kwargs.get("schedule_filename"))
        self.ttl = float(settings.BEAT_LOCK_TTL_SECONDS)
        self.holding = False
        self._said_waiting = False
        super().__init__(*args, **kwargs)

    @property
    def check_every(self) -> float:
        # Renew (or, as a standby, retry) three times per TTL: a holder that misses one renewal
        # still keeps its lock.
        return self.ttl / 3

    def setup_schedule(self) -> None:
        # Deferred to tick(): the schedule file is opened only once the lock is ours.
        pass

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if _embedded_parent_pid is not None and os.getppid() != _embedded_parent_pid:
            logger.error(
                "beat lock: the worker (pid %s) that started this embedded beat is gone; "
                "this beat stops and releases %s",
                _embedded_parent_pid,
                self.lock.name,
            )
            raise SystemExit(1)
        try:
            if self.holding:
                if not self.lock.renew():
                    self._step_down()
                    return self.check_every
            elif not self._take():
                return self.check_every
        except LockUnknown as exc:
            # Without the lock store there is no broker either (it is the same Redis): send
            # nothing until it answers, then renew or find the lock lost.
            logger.warning("beat lock: cannot reach %s (%s); not scheduling", self.lock.name, exc)
            return self.check_every
        return min(float(super().tick(*args, **kwargs)), self.check_every)

    def _take(self) -> bool:
        if not self.lock.acquire():
            if not self._said_waiting:
                logger.warning(
                    "beat lock: another beat holds %s (holder %s); this beat waits as a "
                    "standby and takes over if the holder stops renewing it for %.0f s",
                    self.lock.name,
                    self.lock.holder(),
                    self.ttl,
                )
                self._said_waiting = True
            return False
        logger.info(
            "beat lock: this beat holds %s (ttl %.0f s, pid %s) and schedules",
            self.lock.name,
            self.ttl,
            os.getpid(),
        )
        self.holding = True
        self._said_waiting = False
        super().setup_schedule()
        return True

    def _step_down(self) -> None:
        logger.error(
            "beat lock: lost %s (now held by %s); this beat stops scheduling and waits",
            self.lock.name,
            self.lock.holder(),
        )
        self.holding = False
        super().close()  # the schedule file, for whoever holds the lock now
        self._store = None
        self._heap = None

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.holding:
                logger.info("beat lock: this beat releases %s", self.lock.name)
            self.lock.release()
            self.holding = False
