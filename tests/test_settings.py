import subprocess
import sys

import pytest

from factcheck.env import EnvError, env_bool, env_database, env_int, env_list, env_redis_url
from tests.conftest import REPO_ROOT


@pytest.mark.parametrize(
    ("reader", "name", "value"),
    [
        (
            lambda env: env_database(env, "DATABASE_URL", "x.sqlite3"),
            "DATABASE_URL",
            "mysql://root@db/x",
        ),
        (lambda env: env_database(env, "DATABASE_URL", "x.sqlite3"), "DATABASE_URL", "not a url"),
        (
            lambda env: env_database(env, "DATABASE_URL", "x.sqlite3"),
            "DATABASE_URL",
            "postgres://u@h:5432/",
        ),
        (
            lambda env: env_database(env, "DATABASE_URL", "x.sqlite3"),
            "DATABASE_URL",
            "postgres://u@h:port/db",
        ),
        (lambda env: env_redis_url(env, "REDIS_URL"), "REDIS_URL", "localhost:6379"),
        (lambda env: env_redis_url(env, "REDIS_URL"), "REDIS_URL", "redis://127.0.0.1:xx/0"),
        (lambda env: env_redis_url(env, "REDIS_URL"), "REDIS_URL", "redis://127.0.0.1:6379/zero"),
        (lambda env: env_bool(env, "DEBUG", False), "DEBUG", "maybe"),
        (lambda env: env_list(env, "ALLOWED_HOSTS", ["x"]), "ALLOWED_HOSTS", " , "),
        (
            lambda env: env_int(env, "CELERY_TASK_SOFT_TIME_LIMIT", 1, minimum=1),
            "CELERY_TASK_SOFT_TIME_LIMIT",
            "0",
        ),
    ],
)
def test_malformed_values_are_refused_naming_the_variable(reader, name, value):
    with pytest.raises(EnvError) as excinfo:
        reader({name: value})
    assert excinfo.value.name == name
    assert name in str(excinfo.value)


def test_defaults_and_good_values_parse():
    sqlite = env_database({}, "DATABASE_URL", "/tmp/x.sqlite3")
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    assert sqlite["OPTIONS"]["timeout"] >= 5
    pg = env_database(
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/factcheck"}, "DATABASE_URL", ""
    )
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["NAME"], pg["HOST"], pg["PORT"]) == ("factcheck", "127.0.0.1", 5432)
    assert (
        env_redis_url({"REDIS_URL": "redis://127.0.0.1:6379/3"}, "REDIS_URL")
        == "redis://127.0.0.1:6379/3"
    )
    assert env_redis_url({}, "REDIS_URL") is None
    assert env_bool({"DEBUG": "yes"}, "DEBUG", False) is True
    assert env_list({"ALLOWED_HOSTS": "a.example, b.example"}, "ALLOWED_HOSTS", []) == [
        "a.example",
        "b.example",
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://root@localhost/factcheck"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("DEBUG", "perhaps"),
    ],
)
def test_start_up_stops_with_a_message_naming_the_variable(name, value):
    env = {"PATH": "/usr/bin:/bin", name: value, "DJANGO_SETTINGS_MODULE": "factcheck.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"Environment variable {name}=" in result.stderr
    assert "Traceback" not in result.stderr.splitlines()[-1]


def test_celery_reliability_settings():
    from factcheck.celery import app

    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_soft_time_limit and conf.task_time_limit > conf.task_soft_time_limit
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_routes["claims.tasks.process_report"]["queue"] == "ingest"
    assert conf.task_routes["claims.tasks.assess_claim"]["queue"] == "assess"
    assert conf.task_routes["claims.tasks.assess_claims"]["queue"] == "assess"


def test_the_services_ci_asked_for_are_the_ones_in_use():
    """CI's services run says so with CI_EXPECT_SERVICES=1; if DATABASE_URL or REDIS_URL got lost
    on the way (a Makefile once swallowed them), the run must fail, not fall back quietly."""
    import os

    from django.db import connection

    from factcheck.celery import app

    if os.environ.get("CI_EXPECT_SERVICES") == "1" or os.environ.get("DATABASE_URL", "").startswith(
        "postgres"
    ):
        assert connection.vendor == "postgresql"
    if os.environ.get("CI_EXPECT_SERVICES") == "1" or os.environ.get("REDIS_URL"):
        assert app.conf.broker_url.startswith("redis://")
