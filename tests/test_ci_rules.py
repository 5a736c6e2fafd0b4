"""The suite's own rule: under CI a service or shared-data test may not quietly skip."""

import pytest

from tests.conftest import REPO_ROOT

pytest_plugins = ["pytester"]

INNER = """
import pytest

@pytest.mark.redis
def test_needs_redis():
    pytest.skip("no redis here")

@pytest.mark.shared_data
def test_needs_shared():
    pytest.skip("no ../shared here")

def test_plain_skip():
    pytest.skip("optional")

@pytest.mark.worker
@pytest.mark.postgres
def test_worker_on_postgres():
    pytest.skip("no postgres here")
"""


def _run(pytester, monkeypatch, **env):
    for name in ("CI", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    pytester.makeconftest("from tests.ci_rules import pytest_runtest_makereport  # noqa: F401")
    pytester.makepyfile(test_inner=INNER)
    return pytester.runpytest_subprocess("-p", "no:django", "-p", "no:cacheprovider", "-q")


@pytest.fixture
def importable(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "factcheck.settings_test")


def test_outside_ci_skips_stay_skips(pytester, monkeypatch, importable):
    result = _run(pytester, monkeypatch)
    result.assert_outcomes(skipped=4)


def test_in_ci_a_skipped_shared_data_test_fails(pytester, monkeypatch, importable):
    # The PostgreSQL worker test may skip in the embedded run; the shared-data one may not.
    result = _run(pytester, monkeypatch, CI="true")
    result.assert_outcomes(failed=1, skipped=3)


def test_in_a_ci_services_run_a_skipped_service_test_fails_too(pytester, monkeypatch, importable):
    result = _run(
        pytester,
        monkeypatch,
        CI="true",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
        REDIS_URL="redis://127.0.0.1:6379/9",
    )
    result.assert_outcomes(failed=3, skipped=1)
    result.stdout.fnmatch_lines(["*skipped under CI, where it must run*"])
