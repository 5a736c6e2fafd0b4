"""Backing up and restoring the database (`manage.py backup_db` / `restore_db`, `make backup` /
`make restore`).

PostgreSQL goes through its own tools: ``pg_dump -Fc`` (the custom format, compressed, restored
selectively) and ``pg_restore --clean --if-exists`` in one transaction, so a failed restore
leaves the database as it was. The embedded SQLite file goes through SQLite's online backup API
(``sqlite3.Connection.backup``), which copies a consistent snapshot while the web server and the
workers keep writing, and writes a restore into the live file page by page under SQLite's own
locks, so open connections see the restored database afterwards.

A backup file says what it is in its first bytes; a restore reads them first and refuses a file
made for the other engine, or no backup at all, before touching the database.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
SQLITE_ENGINE = "django.db.backends.sqlite3"
POSTGRES_ENGINE = "django.db.backends.postgresql"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def engine_of(database: dict[str, Any]) -> str:
    engine = str(database["ENGINE"])
    if engine not in (SQLITE_ENGINE, POSTGRES_ENGINE):
        raise BackupError(f"cannot back up a {engine} database (only SQLite and PostgreSQL)")
    return engine


def backup_suffix(database: dict[str, Any]) -> str:
    return ".sqlite3" if engine_of(database) == SQLITE_ENGINE else ".dump"


def default_backup_path(database: dict[str, Any], folder: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"{stamp}{backup_suffix(database)}"


def file_kind(path: Path) -> str:
    """'sqlite', 'postgres' (a pg_dump custom-format archive) or 'unknown'."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgres"
    return "unknown"


def database_label(database: dict[str, Any]) -> str:
    if engine_of(database) == SQLITE_ENGINE:
        return f"SQLite file {database['NAME']}"
    host = database.get("HOST") or "localhost"
    return f"PostgreSQL database {database['NAME']!r} on {host}:{database.get('PORT') or 5432}"


def backup_database(database: dict[str, Any], out: Path) -> Path:
    """Write a backup of ``database`` (a Django DATABASES entry) to ``out``. The file appears
    only when complete: it is written beside ``out`` and renamed."""
    engine = engine_of(database)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    try:
        if engine == SQLITE_ENGINE:
            _sqlite_copy(Path(database["NAME"]), partial, must_exist=True)
            # The copy inherits the live file's WAL mode, which would make reading it later
            # create -wal and -shm files beside it: a backup is one self-contained file.
            with contextlib.closing(sqlite3.connect(partial)) as copy:
                copy.execute("PRAGMA journal_mode=DELETE")
        else:
            _pg_run(database, ["pg_dump", "--format=custom", f"--file={partial}"])
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return out


def restore_database(database: dict[str, Any], backup: Path) -> None:
    """Replace the contents of ``database`` with the backup in ``backup``."""
    engine = engine_of(database)
    if not backup.is_file():
        raise BackupError(f"no backup file at {backup}")
    kind = file_kind(backup)
    expected = "sqlite" if engine == SQLITE_ENGINE else "postgres"
    if kind != expected:
        what = {
            "sqlite": "a SQLite database",
            "postgres": "a PostgreSQL (pg_dump -Fc) archive",
            "unknown": "neither a SQLite database nor a pg_dump -Fc archive",
        }[kind]
        raise BackupError(
            f"{backup} is {what}; the {database_label(database)} needs "
            + ("a SQLite backup" if engine == SQLITE_ENGINE else "a pg_dump -Fc archive")
        )
    if engine == SQLITE_ENGINE:
        _sqlite_check(backup)
        _sqlite_copy(backup, Path(database["NAME"]), must_exist=False)
    else:
        _pg_run(
            database,
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                str(backup),
            ],
        )


def _sqlite_check(path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = source.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a usable SQLite database: {exc}") from None
    finally:
        source.close()
    if not result or result[0] != "ok":
        raise BackupError(f"{path} fails SQLite's integrity check: {result}")


def _sqlite_copy(source_path: Path, target_path: Path, *, must_exist: bool) -> None:
    if must_exist and not source_path.is_file():
        raise BackupError(f"the SQLite database {source_path} does not exist")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(target_path, timeout=30)
    try:
        source.backup(target)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"SQLite could not copy {source_path} to {target_path}: {exc}") from None
    finally:
        target.close()
        source.close()


def _pg_run(database: dict[str, Any], argv: list[str]) -> None:
    tool = argv[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    env = dict(os.environ)
    # The connection goes through libpq's variables, so the password never shows in `ps`.
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    sslmode = (database.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    # pg_restore needs the target named; pg_dump reads PGDATABASE.
    if tool == "pg_restore":
        argv = [*argv[:-1], f"--dbname={database['NAME']}", argv[-1]]
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed (exit {result.returncode}): {result.stderr.strip()}")
