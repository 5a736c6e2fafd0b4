"""The one way this project starts a Celery worker: `make run` (factcheck.stack), the test suite
(tests/conftest.py) and the pipeline benchmark (bench/pipeline) all go through ``CeleryWorker``.

The worker runs ``python -m celery -A factcheck worker`` in its own process group (its own
session), so stopping it stops exactly the processes it started: the main process and its pool
children, never the caller (nor, on Ctrl-C in a terminal, before the caller asks it to).

Queues: by default the worker is told ``-Q`` with every queue in ``settings.CELERY_QUEUE_NAMES``;
``queues=None`` leaves ``-Q`` out, as a worker started by hand would, and then consumes the
queues declared in ``CELERY_TASK_QUEUES`` (the same names).
"""

from __future__ import annotations

import contextlib
import enum
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, TypeAlias

ROOT = Path(__file__).resolve().parent.parent
READY_MARK = b" ready."
# A worker alone on its broker needs no cluster chatter; skipping it also saves about a second
# of start-up (mingle waits for replies from other workers).
STANDALONE_ARGS = ("--without-gossip", "--without-mingle")


class QueueChoice(enum.Enum):
    SETTINGS = "settings"


SETTINGS_QUEUES = QueueChoice.SETTINGS
"""``queues=SETTINGS_QUEUES`` (the default): ``-Q`` with ``settings.CELERY_QUEUE_NAMES``."""
# What ``queues=`` takes: names for -Q, SETTINGS_QUEUES, or None for no -Q at all.
Queues: TypeAlias = Sequence[str] | QueueChoice | None


class WorkerStartError(RuntimeError):
    """The worker exited or did not log that it was ready in time."""


def queue_names() -> tuple[str, ...]:
    """Every queue the project routes to (``settings.CELERY_QUEUE_NAMES``)."""
    from django.conf import settings

    return tuple(settings.CELERY_QUEUE_NAMES)


def worker_argv(
    *,
    queues: Queues = SETTINGS_QUEUES,
    concurrency: int | None = 1,
    pool: str | None = "prefork",
    hostname: str | None = None,
    beat: bool = False,
    loglevel: str = "INFO",
    extra_args: Sequence[str] = (),
) -> list[str]:
    """The ``celery -A factcheck worker`` command line. ``None`` leaves an option out (Celery's
    own default applies): ``queues=None`` is a worker without ``-Q``."""
    argv = [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "--loglevel", loglevel]
    if pool is not None:
        argv += ["--pool", pool]
    if concurrency is not None:
        argv += ["--concurrency", str(concurrency)]
    if queues is SETTINGS_QUEUES:
        queues = queue_names()
    if queues is not None:
        assert not isinstance(queues, QueueChoice)
        if isinstance(queues, str) or not queues:
            raise ValueError(f"queues must be a non-empty sequence of names, not {queues!r}")
        argv += ["-Q", ",".join(queues)]
    if hostname is not None:
        argv += ["--hostname", hostname]
    if beat:
        argv.append("--beat")
    return [*argv, *extra_args]


class CeleryWorker:
    """One worker process: ``start()``, ``wait_until_ready()``, ``stop()``.

    With ``log_path`` its output is appended to that file (and readiness is read from it);
    without, it writes to this process's stdout and stderr.
    """

    def __init__(
        self,
        *,
        env: dict[str, str] | None = None,
        log_path: Path | None = None,
        queues: Queues = SETTINGS_QUEUES,
        concurrency: int | None = 1,
        pool: str | None = "prefork",
        hostname: str | None = None,
        beat: bool = False,
        loglevel: str = "INFO",
        extra_args: Sequence[str] = (),
        cwd: Path = ROOT,
    ) -> None:
        self.env = dict(os.environ) if env is None else env
        self.log_path = log_path
        self.cwd = cwd
        self.argv = worker_argv(
            queues=queues,
            concurrency=concurrency,
            pool=pool,
            hostname=hostname,
            beat=beat,
            loglevel=loglevel,
            extra_args=extra_args,
        )
        self.proc: subprocess.Popen[bytes] | None = None
        self._log_start = 0

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise RuntimeError("worker not started")
        return self.proc.pid

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        if self.running():
            raise RuntimeError("worker already running")
        log: IO[bytes] | None = None
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            log = self.log_path.open("ab")
            self._log_start = log.tell()
        try:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT if log is not None else None,
                start_new_session=True,
            )
        finally:
            if log is not None:
                log.close()  # the child holds its own descriptor

    def ready(self) -> bool:
        """Whether the worker has logged "ready." since this start (needs ``log_path``)."""
        if self.log_path is None:
            raise RuntimeError("readiness is read from the log: give the worker a log_path")
        with self.log_path.open("rb") as log:
            log.seek(self._log_start)
            return READY_MARK in log.read()

    def wait_until_ready(self, timeout: float = 60) -> None:
        """Block until the worker logs that it is ready; if it exits or the time runs out, stop
        it and raise ``WorkerStartError`` with the end of its log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready():
                return
            if not self.running():
                break
            time.sleep(0.2)
        code = self.proc.poll() if self.proc is not None else None
        self.stop(timeout=10)
        how = (
            f"exited with code {code}"
            if code is not None
            else f"was not ready within {timeout:.0f}s"
        )
        raise WorkerStartError(
            f"the Celery worker {how}; its log ({self.log_path}):\n{self.log_tail()}"
        )

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        """Stop the worker and wait for it. SIGTERM (the default) is Celery's warm shutdown:
        the main process stops taking tasks, lets the running ones finish and ends its pool.
        SIGKILL goes to the whole process group at once (a crash). Whatever is still there
        after ``timeout``, or after the main process exits, is SIGKILLed with its group."""
        if self.proc is None or self.proc.poll() is not None:
            return
        if sig == signal.SIGKILL:
            self._kill_group()
        else:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._kill_group()
            self.proc.wait(timeout=10)
        self._kill_group()  # pool children the main process left behind, if any

    def _kill_group(self) -> None:
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def log_tail(self, chars: int = 5000) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-chars:]


def purge_queues(names: Sequence[str] | None = None) -> None:
    """Drop every message waiting in ``names`` (default: all of the project's queues)."""
    from factcheck.celery import app

    with app.connection_for_write() as conn:
        channel: Any = conn.default_channel  # kombu's virtual channel has queue_purge
        for queue in queue_names() if names is None else names:
            # A queue that was never declared has nothing to purge.
            with contextlib.suppress(Exception):
                channel.queue_purge(queue)
