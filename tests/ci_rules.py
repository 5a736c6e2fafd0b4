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
# Markers whose tests must run (not skip) in a CI services run, and those that must run in any CI run.
SERVICE_MARKERS = frozenset({"postgres", "redis", "worker"})
ALWAYS_IN_CI_MARKERS = frozenset({"shared_data", "worker", "browser"})


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if not (CI and report.skipped) or hasattr(report, "wasxfail"):
        return
    markers = {mark.name for mark in item.iter_markers()}
    must_run = markers & ALWAYS_IN_CI_MARKERS or (SERVICES_CONFIGURED and markers & SERVICE_MARKERS)
    if must_run:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} skipped under CI, where it must run "
            f"(markers {sorted(must_run)}): {reason}"
        )
