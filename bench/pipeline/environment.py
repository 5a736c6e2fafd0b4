"""Where a pipeline bench may run, and what it records about where it ran.

It measures the production stack (PostgreSQL, Redis, one worker), wipes the workbench data of its
database, and must be alone: on that database (an advisory lock) and on its broker (no other
Celery worker answering).
"""

from __future__ import annotations

import os
import platform
import subprocess
from contextlib import suppress
from typing import Any, cast

import celery
import redis
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

# pg_try_advisory_lock key that marks a bench run in progress ("bnch").
BENCH_LOCK_KEY = 0x626E6368


def check_environment() -> None:
    if connection.vendor != "postgresql":
        raise CommandError(
            f"bench_pipeline measures the production stack and needs PostgreSQL "
            f"(DATABASE_URL); this database is {connection.vendor}."
        )
    if not settings.REDIS_URL:
        raise CommandError("bench_pipeline needs a Redis broker: set REDIS_URL.")
    name = str(connection.settings_dict["NAME"])
    if "bench" not in name:
        raise CommandError(
            f"bench_pipeline wipes the claims and reports of its database; {name!r} does not "
            f"look like a dedicated bench database (its name must contain 'bench')."
        )


def take_bench_lock() -> None:
    """One run per bench database: a second run would wipe the first one's claims and purge its
    queues mid-measurement. The session lock dies with this connection, so a killed run never
    leaves it behind."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [BENCH_LOCK_KEY])
        (taken,) = cursor.fetchone()
    if not taken:
        raise CommandError(
            f"another bench_pipeline run is using {connection.settings_dict['NAME']}; "
            f"wait for it to finish."
        )


def release_bench_lock() -> None:
    with suppress(Exception), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [BENCH_LOCK_KEY])


def refuse_foreign_workers() -> None:
    """The figures are for ONE worker: any other consumer of these queues (a `make run`, a test
    worker on the same Redis database) would take part of the load."""
    from factcheck.celery import app

    replies = app.control.ping(timeout=1.0)
    if replies:
        names = ", ".join(sorted(name for reply in replies for name in reply))
        raise CommandError(
            f"other Celery workers listen on {settings.CELERY_BROKER_URL}: {names}. "
            f"Stop them or point REDIS_URL at another Redis database."
        )


def broker_redis() -> redis.Redis:
    return redis.Redis.from_url(str(settings.CELERY_BROKER_URL))


def worker_env() -> dict[str, str]:
    """The bench worker's environment: this database and broker, production settings."""
    settings_dict = connection.settings_dict
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    database_url = (
        f"postgres://{settings_dict.get('USER') or ''}{password}@"
        f"{settings_dict.get('HOST') or '127.0.0.1'}:{settings_dict.get('PORT') or 5432}/"
        f"{settings_dict['NAME']}"
    )
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DATABASE_URL=os.environ.get("DATABASE_URL") or database_url,
        REDIS_URL=str(settings.REDIS_URL),
        PYTHONUNBUFFERED="1",
        PIPELINE_PAUSE_AFTER_CLAIM_SECONDS="0",
    )
    return env


def machine() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]
    redis_info = cast(dict[str, Any], broker_redis().info("server"))
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "celery": celery.__version__,
        "postgresql": pg_version,
        "postgresql_autovacuum": autovacuum,
        "redis": redis_info.get("redis_version"),
        "database": connection.settings_dict["NAME"],
        "code": code_version(),
    }


def code_version() -> str:
    """The commit measured, marked when the working tree differs from it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit} + uncommitted changes" if dirty else commit
