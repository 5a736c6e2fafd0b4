"""Typed readers for environment variables.

The Django settings call these, so a malformed value stops start-up with a message that names
the variable instead of failing later in some unrelated place. One other reader exists, on
purpose: the engine's optional model artifacts (``claims.engine.runtime.artifacts``) read their
own path variables, ``CLAIMS_EMBEDDING_ARTIFACT`` and ``CLAIMS_RERANK_ARTIFACT``, because the
engine also runs without Django (the training and measuring commands, the workers' index).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class EnvError(ValueError):
    """A configuration variable is present but unusable."""

    def __init__(self, name: str, value: str, expected: str) -> None:
        super().__init__(f"Environment variable {name}={value!r} is invalid: expected {expected}.")
        self.name = name


def env_str(environ: Mapping[str, str], name: str, default: str) -> str:
    return environ.get(name, default)


def env_bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise EnvError(name, raw, "one of 1/0, true/false, yes/no, on/off")


def env_int(environ: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise EnvError(name, raw, "an integer") from None
    if value < minimum:
        raise EnvError(name, raw, f"an integer >= {minimum}")
    return value


def env_list(environ: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise EnvError(name, raw, "a comma-separated list with at least one entry")
    return items


SUPPORTED_DB_SCHEMES = frozenset({"sqlite", "postgres", "postgresql", "pgsql"})


def env_database(environ: Mapping[str, str], name: str, default_sqlite_path: str) -> dict[str, Any]:
    """Parse ``DATABASE_URL`` into a Django DATABASES entry (SQLite file by default)."""
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        config: dict[str, Any] = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": default_sqlite_path,
        }
    else:
        scheme = urlsplit(raw).scheme
        if scheme not in SUPPORTED_DB_SCHEMES:
            raise EnvError(name, raw, "a postgres://user@host:port/name or sqlite:///path URL")
        try:
            # Keep connections open between requests and tasks: a new PostgreSQL backend costs
            # a few milliseconds, more than a typical task. Health checks drop a dead one first.
            config = dict(dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True))
        except (ValueError, KeyError) as exc:
            raise EnvError(name, raw, f"a parseable database URL ({exc})") from None
        if not config.get("NAME"):
            raise EnvError(name, raw, "a URL that names the database")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # The web server and the worker write the same file at once: WAL lets readers and one
        # writer proceed together, IMMEDIATE takes the write lock at BEGIN (no upgrade deadlock)
        # and the timeout makes a writer wait for the lock instead of failing at once.
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


def env_redis_url(environ: Mapping[str, str], name: str) -> str | None:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return None
    parts = urlsplit(raw)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise EnvError(name, raw, "a redis://host:port/db URL")
    try:
        parts.port  # noqa: B018 - urlsplit validates the port lazily, on access
        db_path = parts.path.lstrip("/")
        if db_path and not db_path.isdigit():
            raise ValueError(db_path)
    except ValueError:
        raise EnvError(name, raw, "a redis://host:port/db URL with a numeric port and db") from None
    return raw
