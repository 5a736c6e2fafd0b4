"""Production serving: gunicorn with factcheck/gunicorn_conf.py, and the process commands that
deploy/Procfile, deploy/compose.yaml and the README give (issue 14, "a production server and
separate processes").

The Compose file is parsed and checked here, not run: no container runtime is part of CI.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest
from django.conf import settings

from factcheck.healthcheck import web_answers
from factcheck.worker import STANDALONE_ARGS, CeleryWorker
from tests.conftest import REPO_ROOT, database_url_for_subprocess, subprocess_env, wait_for

DEPLOY = REPO_ROOT / "deploy"
GUNICORN = ["-m", "gunicorn", "-c", "python:factcheck.gunicorn_conf", "factcheck.wsgi:application"]
A_KEY = "k3y-" + "x9Y" * 20
# The test session's own switches, which a server must not inherit.
NOT_INHERITED = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "FACTCHECK_LAPTOP",
    "SECRET_KEY",
)


def server_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(DJANGO_SETTINGS_MODULE="factcheck.settings", PYTHONUNBUFFERED="1", **extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def procfile() -> dict[str, str]:
    commands = {}
    for line in (DEPLOY / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            commands[name.strip()] = command.strip()
    return commands


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_desk_with_the_production_config(tmp_path):
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = server_env(
        SECRET_KEY=A_KEY,
        DATABASE_URL=database_url_for_subprocess(),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        WEB_THREADS="2",
        FACTCHECK_VAR_DIR=str(tmp_path / "var"),
    )
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, *GUNICORN],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:

        def login_page() -> int | None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/accounts/login/", timeout=10
                ) as response:
                    return int(response.status)
            except OSError:
                assert proc.poll() is None, log_path.read_text()
                return None

        assert wait_for(login_page, timeout=60, interval=0.3) == 200
        # The access log goes to stdout, one line per request; threads mean the gthread worker.
        wait_for(lambda: '"GET /accounts/login/ HTTP/1.1" 200' in log_path.read_text(), timeout=30)
        assert "Using worker: gthread" in log_path.read_text()
        assert web_answers(port, "localhost"), "the container healthcheck sees it"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, log_path.read_text()
        assert not web_answers(port, "localhost")
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def test_gunicorn_refuses_to_start_without_a_secret_key(tmp_path):
    result = subprocess.run(
        [sys.executable, *GUNICORN],
        cwd=REPO_ROOT,
        env=server_env(PORT=str(free_port()), FACTCHECK_VAR_DIR=str(tmp_path / "var")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set: refusing to serve" in result.stderr


def gunicorn_conf(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import factcheck.gunicorn_conf as c;"
            "print(c.bind, c.workers, c.threads, c.timeout, c.accesslog, c.max_requests)",
        ],
        cwd=REPO_ROOT,
        env=server_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_gunicorn_config_takes_sizes_from_the_environment():
    result = gunicorn_conf(
        PORT="9000", WEB_CONCURRENCY="5", WEB_THREADS="3", WEB_TIMEOUT="45", WEB_MAX_REQUESTS="0"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["['0.0.0.0:9000']", "5", "3", "45", "-", "0"]
    bad = gunicorn_conf(WEB_THREADS="many")
    assert bad.returncode != 0
    assert "WEB_THREADS='many' is invalid" in bad.stderr


def test_the_procfile_runs_every_queue_once_and_one_beat():
    commands = procfile()
    assert commands["web"] == "gunicorn " + " ".join(GUNICORN[2:])
    beats = [name for name, command in commands.items() if " beat" in command]
    assert beats == ["beat"]
    assert "--beat" not in " ".join(commands.values()) and " -B" not in " ".join(commands.values())
    served: list[str] = []
    for name, command in commands.items():
        argv = shlex.split(command)
        if argv[:4] == ["celery", "-A", "factcheck", "worker"]:
            queues = argv[argv.index("-Q") + 1].split(",")
            assert argv[argv.index("-n") + 1] == f"{name}@%h", "each worker names its queue"
            served += queues
    assert sorted(served) == sorted(settings.CELERY_QUEUE_NAMES)


def readme_production_commands() -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("## Running in production", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block, "the section lists its commands in a code block"
    return [re.split(r"\s{2,}#", line)[0].strip() for line in block.group(1).splitlines()]


def test_the_readme_lists_the_procfile_commands():
    listed = readme_production_commands()
    for command in procfile().values():
        assert command in listed


def compose() -> dict:
    yaml = pytest.importorskip(
        "yaml", reason="PyYAML (in the dev extra) is not installed: the Compose file is not parsed"
    )
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_the_compose_file_runs_the_procfile_commands_with_one_beat():
    services = compose()["services"]
    commands = procfile()
    for name, command in commands.items():
        assert name in services, f"compose.yaml has no {name} service"
        assert services[name]["command"] == shlex.split(command), name
    beats = [name for name, service in services.items() if "beat" in service.get("command", [])]
    assert beats == ["beat"]
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in services[name], f"{name} has a healthcheck"
    for name in commands:
        # Every process needs the same settings: they come from one shared block.
        environment = services[name]["environment"]
        for variable in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"):
            assert variable in environment, (name, variable)
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_the_dockerfile_installs_the_project_and_runs_as_a_user():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "FROM python:3.11-slim" in dockerfile
    assert "pip install" in dockerfile and "collectstatic" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")


@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="REDIS_URL is unset: `celery inspect ping` needs Redis (the file broker has no broadcast)",
)
def test_the_compose_worker_healthcheck_answers_for_a_running_worker(tmp_path):
    health = compose()["services"]["ingest"]["healthcheck"]["test"]
    assert health[0] == "CMD-SHELL"
    # Compose turns $$ into $ for the shell; the venv's celery may not be on PATH here.
    script = health[1].replace("$$", "$").replace("celery ", f"{sys.executable} -m celery ", 1)
    name = f"healthcheck-{os.getpid()}"
    env = {k: v for k, v in subprocess_env().items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(WORKER_NAME=name, HOSTNAME=socket.gethostname())

    def healthy() -> bool:
        run = subprocess.run(
            ["sh", "-c", script], cwd=REPO_ROOT, env=env, capture_output=True, timeout=120
        )
        return run.returncode == 0

    assert not healthy(), "no such worker yet"
    worker = CeleryWorker(
        env=env,
        log_path=tmp_path / "worker.log",
        queues=["default"],
        hostname=f"{name}@%h",
        extra_args=STANDALONE_ARGS,
    )
    worker.start()
    try:
        worker.wait_until_ready(timeout=60)
        assert wait_for(healthy, timeout=60, interval=1)
    finally:
        worker.stop()
