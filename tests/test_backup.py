"""`manage.py backup_db` and `restore_db` (`make backup`, `make restore`; issue 14): round trips
on a SQLite file always, and on a scratch PostgreSQL database when the tests run on PostgreSQL.
They run the real commands in subprocesses, for their exit codes and messages, against databases
of their own: never the test database."""

from __future__ import annotations

import os
import pty
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import REPO_ROOT

NOT_INHERITED = ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")


def manage_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DATABASE_URL=database_url,
        FACTCHECK_VAR_DIR=str(var_dir),
    )
    return env


def manage(
    *args: str, database_url: str, var_dir: Path, stdin: int = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=manage_env(database_url, var_dir),
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def sqlite_rows(path: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT id, note FROM note ORDER BY id").fetchall()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Path:
    path = tmp_path / "live.sqlite3"
    db = sqlite3.connect(path)
    # WAL, as the settings open the embedded database.
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, note TEXT NOT NULL)")
    db.executemany("INSERT INTO note (note) VALUES (?)", [("first",), ("second",)])
    db.commit()
    db.close()
    return path


def test_a_sqlite_backup_restores_the_rows_and_undoes_later_changes(sqlite_db, tmp_path):
    url = f"sqlite:///{sqlite_db}"
    var = tmp_path / "var"
    made = manage("backup_db", database_url=url, var_dir=var)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip())
    # The default place: var/backups/<UTC time>.sqlite3, one self-contained file.
    assert backup.parent == var / "backups" and backup.suffix == ".sqlite3"
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name]
    assert backup.read_bytes().startswith(b"SQLite format 3\x00")

    with sqlite3.connect(sqlite_db) as db:
        db.execute("DELETE FROM note WHERE note = 'first'")
        db.execute("INSERT INTO note (note) VALUES ('after the backup')")
    assert sqlite_rows(sqlite_db) == [(2, "second"), (3, "after the backup")]

    # Not a terminal, no --yes: refused, and nothing changes.
    refused = manage("restore_db", str(backup), database_url=url, var_dir=var)
    assert refused.returncode != 0
    assert "without --yes" in refused.stderr
    assert sqlite_rows(sqlite_db) == [(2, "second"), (3, "after the backup")]

    restored = manage("restore_db", str(backup), "--yes", database_url=url, var_dir=var)
    assert restored.returncode == 0, restored.stderr
    assert sqlite_rows(sqlite_db) == [(1, "first"), (2, "second")]


def restore_at_a_terminal(backup: Path, answer: str, *, database_url: str, var_dir: Path):
    """restore_db with a pseudo-terminal for its input and output, typing ``answer``."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "restore_db", str(backup)],
        cwd=REPO_ROOT,
        env=manage_env(database_url, var_dir),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    try:
        os.write(master, answer.encode() + b"\n")  # the terminal holds it until read
        output = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the process closed its end
                break
            if not chunk:
                break
            output += chunk
        return proc.wait(timeout=120), output.decode(errors="replace")
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_restore_asks_at_a_terminal_and_only_yes_replaces(sqlite_db, tmp_path):
    url = f"sqlite:///{sqlite_db}"
    backup = tmp_path / "b.sqlite3"
    assert (
        manage("backup_db", "--out", str(backup), database_url=url, var_dir=tmp_path).returncode
        == 0
    )
    with sqlite3.connect(sqlite_db) as db:
        db.execute("DELETE FROM note")

    code, output = restore_at_a_terminal(backup, "no", database_url=url, var_dir=tmp_path)
    assert code != 0 and "Type 'yes'" in output and "restore cancelled" in output, output
    assert sqlite_rows(sqlite_db) == []

    code, output = restore_at_a_terminal(backup, "yes", database_url=url, var_dir=tmp_path)
    assert code == 0, output
    assert sqlite_rows(sqlite_db) == [(1, "first"), (2, "second")]


def test_backup_to_a_chosen_file(sqlite_db, tmp_path):
    out = tmp_path / "elsewhere" / "night.sqlite3"
    made = manage(
        "backup_db", "--out", str(out), database_url=f"sqlite:///{sqlite_db}", var_dir=tmp_path
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == str(out)
    assert sqlite_rows(out) == [(1, "first"), (2, "second")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no backup file at"),
        (b"PGDMP\x01\x0e\x00custom archive", "is a PostgreSQL (pg_dump -Fc) archive"),
        (b"id,note\n1,first\n", "neither a SQLite database nor a pg_dump -Fc archive"),
    ],
    ids=["missing", "postgres-archive", "not-a-backup"],
)
def test_restore_refuses_what_is_not_a_sqlite_backup(sqlite_db, tmp_path, content, message):
    candidate = tmp_path / "candidate"
    if content is not None:
        candidate.write_bytes(content)
    result = manage(
        "restore_db",
        str(candidate),
        "--yes",
        database_url=f"sqlite:///{sqlite_db}",
        var_dir=tmp_path,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert sqlite_rows(sqlite_db) == [(1, "first"), (2, "second")]


# --- PostgreSQL ---------------------------------------------------------------------------


@pytest.fixture
def scratch_postgres() -> Iterator[str]:
    """A database of its own on the test run's PostgreSQL server, dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("DATABASE_URL is not PostgreSQL: the pg_dump round trip needs a server")
    import psycopg

    settings = connection.settings_dict
    server = {
        "host": settings.get("HOST") or "127.0.0.1",
        "port": settings.get("PORT") or 5432,
        "user": settings.get("USER") or "postgres",
        "password": settings.get("PASSWORD") or None,
    }
    name = f"factcheck_backup_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{server['password']}" if server["password"] else ""
    try:
        yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg(url: str, *statements: str) -> list[tuple]:
    import psycopg

    rows: list[tuple] = []
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as db:
        for statement in statements:
            cursor = db.execute(statement)
            if cursor.description is not None:
                rows = cursor.fetchall()
    return rows


@pytest.mark.postgres
def test_a_postgres_backup_restores_the_rows_and_undoes_later_changes(scratch_postgres, tmp_path):
    url = scratch_postgres
    var = tmp_path / "var"
    pg(
        url,
        "CREATE TABLE note (id serial PRIMARY KEY, note text NOT NULL)",
        "INSERT INTO note (note) VALUES ('first'), ('second')",
    )
    made = manage("backup_db", database_url=url, var_dir=var)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip())
    assert backup.parent == var / "backups" and backup.suffix == ".dump"
    assert backup.read_bytes().startswith(b"PGDMP")

    pg(
        url,
        "DELETE FROM note WHERE note = 'first'",
        "INSERT INTO note (note) VALUES ('after the backup')",
    )
    refused = manage("restore_db", str(backup), database_url=url, var_dir=var)
    assert refused.returncode != 0 and "without --yes" in refused.stderr

    restored = manage("restore_db", str(backup), "--yes", database_url=url, var_dir=var)
    assert restored.returncode == 0, restored.stderr
    assert pg(url, "SELECT id, note FROM note ORDER BY id") == [(1, "first"), (2, "second")]
    # The sequence came back too: the next row continues after the backup's last one.
    assert pg(url, "INSERT INTO note (note) VALUES ('next') RETURNING id") == [(3,)]

    # A SQLite backup is refused before anything is touched.
    sqlite_file = tmp_path / "other.sqlite3"
    sqlite3.connect(sqlite_file).execute("CREATE TABLE x (y int)").connection.close()
    wrong = manage("restore_db", str(sqlite_file), "--yes", database_url=url, var_dir=var)
    assert wrong.returncode != 0 and "is a SQLite database" in wrong.stderr
    assert pg(url, "SELECT count(*) FROM note") == [(3,)]
