"""`make bench` end to end at toy size, so the benchmark the pipeline's figures come from
cannot rot between runs: its own database, its own Redis database, its own worker (bench/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker]

SMOKE_DB = "factcheck_bench_smoke"
# A Redis database of its own: the bench refuses to run beside other workers on its broker.
SMOKE_REDIS_DB = "15"


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{path}", parts.query, parts.fragment))


@pytest.fixture
def bench_env() -> dict[str, str]:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not redis_url:
        pytest.skip("the pipeline benchmark runs on PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    import psycopg

    server = _with_path(database_url, "postgres")
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [SMOKE_DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{SMOKE_DB}"')
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DATABASE_URL=_with_path(database_url, SMOKE_DB),
        REDIS_URL=_with_path(redis_url, SMOKE_REDIS_DB),
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_bench_pipeline_runs_end_to_end_at_toy_size(bench_env, tmp_path: Path):
    migrated = _manage(bench_env, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    out = tmp_path / "pipeline.json"
    run = _manage(
        bench_env,
        "bench_pipeline",
        "--skip-scale",
        "--claims=400",
        "--reports=40",
        "--noop=100",
        "--latency-seconds=3",
        f"--out={out}",
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    figures = json.loads(out.read_text())
    assert figures["complete"] is True
    throughput = figures["throughput"]
    assert throughput["reports"] == 40
    assert throughput["report_states"] == {"processed": 40}
    assert throughput["targets_corroborated_in_time"] >= 38
    assert throughput["reports_per_second"] > 0 and throughput["ratio_to_noop"] > 0
    assert set(throughput["cpu_ms_per_report"]) >= {"worker", "postgresql", "redis", "total"}
    assert figures["noop"]["tasks_per_second"] > 0
    latency = figures["latency"]
    assert 0 < latency["p50_s"] <= latency["p95_s"] <= latency["max_s"]
    assert "pipeline reports/s" in run.stdout  # the summary table a reader sees


def test_bench_pipeline_refuses_a_database_that_is_not_a_bench_database(bench_env):
    env = dict(bench_env, DATABASE_URL=_with_path(bench_env["DATABASE_URL"], "postgres"))
    refused = _manage(env, "bench_pipeline", "--skip-scale")
    assert refused.returncode != 0
    assert "does not look like a dedicated bench database" in refused.stderr
