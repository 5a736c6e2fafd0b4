"""The embedded SQLite default survives the web server and a worker writing at once."""

import subprocess
import sys

import pytest
from django.db import connection

from sources.models import Source
from tests.conftest import REPO_ROOT, subprocess_env

pytestmark = pytest.mark.django_db(transaction=True)

WRITES_PER_PROCESS = 150

# Each writer does what the web server and a worker do: short transactions that read then write.
WRITER = """
import django, sys
django.setup()
from django.db import transaction
from sources.models import Source
tag = sys.argv[1]
for i in range({n}):
    with transaction.atomic():
        Source.objects.filter(name__startswith=tag).count()
        Source.objects.create(name=f"{{tag}}-{{i}}", grade="F")
print("ok")
"""


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-specific: this run uses DATABASE_URL (PostgreSQL)")


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_only):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


def test_two_processes_writing_at_once_lose_nothing(sqlite_only):
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER.format(n=WRITES_PER_PROCESS), tag],
            cwd=REPO_ROOT,
            env=subprocess_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("web", "worker", "beat")
    ]
    results = [proc.communicate(timeout=180) for proc in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err[-3000:]
        assert out.strip() == "ok"
    assert Source.objects.count() == 3 * WRITES_PER_PROCESS
