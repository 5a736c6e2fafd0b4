"""Shared fixtures: users per role, the real worker process, and the CI rule on skips."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User
from django.db import connection

from claims.default_ratings import seed_default_scale
from claims.roles import ADMIN, EDITOR, FACT_CHECKER, sync_role_groups
from factcheck.worker import (
    SETTINGS_QUEUES,
    STANDALONE_ARGS,
    CeleryWorker,
    Queues,
    purge_queues,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"

# The CI rule on skips lives in a Django-free module so its own test can load it alone.
from tests.ci_rules import pytest_runtest_makereport  # noqa: E402, F401


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or a clear skip when this checkout has none beside it."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"{path} is absent: the shared demo/datasets folder is not beside this checkout"
        )
    return path


@pytest.fixture(autouse=True)
def _fresh_pipeline_state() -> Iterator[None]:
    """The in-process claim index, source and API permission caches outlive a test's database
    rows (and ids get reused); start and end every test without them."""
    from claims.api.views import clear_permission_cache
    from claims.pipeline.index import reset_index
    from claims.pipeline.known_fact_checks import reset_known_index
    from claims.pipeline.source_cache import clear_source_caches

    reset_index()
    reset_known_index()
    clear_source_caches()
    clear_permission_cache()
    yield
    reset_index()
    reset_known_index()
    clear_source_caches()
    clear_permission_cache()


@pytest.fixture
def roles(db: None) -> None:
    # Transactional tests flush every table, migration-seeded rows included; put them back.
    sync_role_groups(django_apps, granted_later=True)
    seed_default_scale(django_apps)


def _user(username: str, role: str, *, is_staff: bool = False) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, is_staff=is_staff)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def no_role_user(roles: None) -> User:
    """Signed in, in no role group: every desk permission must refuse them."""
    return User.objects.create_user(username="nobody", password="pw-nobody")


@pytest.fixture
def fact_checker(roles: None) -> User:
    return _user("fc", FACT_CHECKER)


@pytest.fixture
def editor(roles: None) -> User:
    return _user("ed", EDITOR)


@pytest.fixture
def other_editor(roles: None) -> User:
    return _user("ed2", EDITOR)


@pytest.fixture
def admin_user(roles: None) -> User:
    return _user("adm", ADMIN, is_staff=True)


@pytest.fixture
def demo_story(roles: None) -> None:
    from claims.demo.loader import demo_load

    demo_load()


def demo_claim(quote: str) -> Any:
    from claims.models import Claim

    return Claim.objects.get(quote=quote)


def database_url_for_subprocess() -> str:
    """The URL of the database this test runs against, for processes the test starts."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "factcheck.settings_test"
    env["DATABASE_URL"] = database_url_for_subprocess()
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


class WorkerProcess:
    """A real `celery worker` process on the configured broker (Redis or the embedded one),
    started by the project's one launcher (factcheck.worker) on the queues in settings."""

    def __init__(self, log_path: Path, env: dict[str, str]) -> None:
        self.log_path = log_path
        self.env = env
        self.worker: CeleryWorker | None = None

    @property
    def proc(self) -> subprocess.Popen[bytes] | None:
        return self.worker.proc if self.worker is not None else None

    def start(
        self,
        *,
        concurrency: int = 1,
        queues: Queues = SETTINGS_QUEUES,
        extra_args: Sequence[str] = STANDALONE_ARGS,
    ) -> None:
        """``queues=None`` starts it without -Q, as `celery -A factcheck worker` by hand."""
        self.worker = CeleryWorker(
            env=self.env,
            log_path=self.log_path,
            queues=queues,
            concurrency=concurrency,
            hostname=f"testworker-{os.getpid()}@%h",
            extra_args=extra_args,
        )
        self.worker.start()
        self.worker.wait_until_ready(timeout=60)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.worker is not None:
            self.worker.stop(sig, timeout=30)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]


def purge_broker() -> None:
    purge_queues()  # every queue in settings.CELERY_QUEUE_NAMES


@pytest.fixture
def worker(transactional_db: None, tmp_path: Path) -> Iterator[WorkerProcess]:
    purge_broker()
    process = WorkerProcess(tmp_path / "worker.log", subprocess_env())
    process.start()
    yield process
    process.stop()


def wait_for(predicate: Callable[[], Any], *, timeout: float = 30, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")
