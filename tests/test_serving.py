"""A server refuses the development key committed in the repository (issue 14, item 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

REPO = Path(__file__).resolve().parent.parent
LOAD_WSGI = "import factcheck.wsgi"


def load_wsgi(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "FACTCHECK_LAPTOP", "DJANGO_SETTINGS_MODULE")
    }
    return subprocess.run(
        [sys.executable, "-c", LOAD_WSGI],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "factcheck.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_wsgi_app_refuses_to_start_without_a_secret_key():
    result = load_wsgi()
    assert result.returncode != 0
    assert "SECRET_KEY is not set: refusing to serve with the development key" in result.stderr


@pytest.mark.parametrize(
    "env",
    [
        {"SECRET_KEY": "k3y-" + "x9Y" * 20},
        {"FACTCHECK_LAPTOP": "true"},
        {"DEBUG": "true"},
    ],
)
def test_the_wsgi_app_starts_with_a_real_key_or_on_a_laptop(env):
    result = load_wsgi(**env)
    assert result.returncode == 0, result.stderr


def test_check_deploy_reports_the_development_key(settings):
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    with pytest.raises(SystemCheckError, match=r"factcheck\.E001"):
        call_command("check", "--deploy", "--fail-level", "ERROR")


def test_production_settings_pass_check_deploy_at_warning_level():
    # Not the test session's own switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("DEBUG", "FACTCHECK_LAPTOP", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        SECRET_KEY="k3y-" + "x9Y" * 20,
        HTTPS="true",
        ALLOWED_HOSTS="factcheck.example.org",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy
