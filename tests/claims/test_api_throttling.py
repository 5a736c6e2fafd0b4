"""API rate limits per token: past the burst or the sustained rate, 429 with Retry-After, and
nothing stored; another token is not slowed down."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.cache import cache

from sources.models import Report
from tests.factories import post_report, token_client

pytestmark = pytest.mark.django_db

BODY = "Reuters reporters in Almaty saw armoured vehicles enter the main square on Thursday."


@pytest.fixture
def limited(settings):
    cache.clear()
    settings.API_THROTTLE_RATES = {"burst": "5/minute", "sustained": "100/hour"}
    yield settings
    cache.clear()


def test_past_the_rate_a_token_gets_429_with_retry_after_and_nothing_is_stored(
    limited, fact_checker, editor, demo_story
):
    api = token_client(fact_checker)
    answers = [
        post_report(api, {"title": f"T{n}", "body": f"{BODY} {n}", "publisher": "Reuters"})
        for n in range(6)
    ]
    assert [a.status_code for a in answers[:5]] == [202] * 5
    refused = answers[5]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"].lower()
    assert not Report.objects.filter(title="T5").exists()
    # Reads count too, and another token has its own allowance.
    assert api.get("/api/reports/1/").status_code == 429
    other = post_report(
        token_client(editor), {"title": "E", "body": BODY + " E", "publisher": "Reuters"}
    )
    assert other.status_code == 202


def test_a_malformed_rate_stops_the_settings_with_its_name():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            "API_THROTTLE_BURST": "lots",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "API_THROTTLE_BURST='lots' is invalid" in result.stderr
