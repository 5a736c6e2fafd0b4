"""Under CI a skip can hide a missing service: these tests must run, not skip.

Kept free of Django imports so that its own test can load it into a bare pytest run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SERVICES_CONFIGURED = bool(os.environ.get("DATABASE_URL")) and bool(os.environ.get("REDIS_URL"))
# Service tests (they need PostgreSQL or Redis) must run in a CI services run; tests that read
# ../shared, drive the browser or start a worker on the configured broker must run in every CI
# run, unless they also need a service the embedded run does not have.
SERVICE_MARKERS = frozenset({"postgres", "redis", "worker"})
NEEDS_SERVICE = frozenset({"postgres", "redis"})
ALWAYS_IN_CI_MARKERS = frozenset({"shared_data", "worker", "browser"})


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if not (CI and report.skipped) or hasattr(report, "wasxfail"):
        return
    markers = {mark.name for mark in item.iter_markers()}
    if SERVICES_CONFIGURED:
        must_run = markers & (SERVICE_MARKERS | ALWAYS_IN_CI_MARKERS)
    else:
        must_run = set() if markers & NEEDS_SERVICE else markers & ALWAYS_IN_CI_MARKERS
    if must_run:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} skipped under CI, where it must run "
            f"(markers {sorted(must_run)}): {reason}"
        )
