"""Test settings: the environment-driven settings plus what tests need."""

import os

from factcheck.settings import *  # noqa: F403
from factcheck.settings import DATABASES, REDIS_URL, VAR_DIR, file_broker_options

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The web servers tests start (runserver) may use the development key, as on a laptop.
FACTCHECK_LAPTOP = True
# Tests run many API calls back to back, and user ids recur between tests on SQLite: only the
# throttling tests (which set their own rates) should ever see a 429. Counters in memory.
API_THROTTLE_RATES = {"burst": "100000/second", "sustained": "1000000/hour"}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests sign editors and admins in with force_login, which passes no second factor; the
# two-factor tests (tests/test_two_factor.py, tests/e2e/test_two_factor.py) turn it back on.
OTP_REQUIRED_FOR_EDITORS = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so that worker and writer subprocesses started by tests can open
    # the very database the test is using.
    # One file per test run, so two runs in the same checkout never share (and corrupt) one.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}

# One id per test run, inherited by the worker processes a run starts (they read these settings
# in their own process), so two runs in one checkout never share a broker folder.
TEST_RUN_ID = os.environ.setdefault("FACTCHECK_TEST_RUN", str(os.getpid()))

if not REDIS_URL:
    # Its own folder, so neither `make run` nor another test run in the same checkout (or a
    # worker a killed run left behind) eats this run's messages.
    CELERY_BROKER_TRANSPORT_OPTIONS = file_broker_options(VAR_DIR / f"test-broker-{TEST_RUN_ID}")

# Worker processes a test starts serve nothing from the outside world: the test that feeds
# them pages from a local server on 127.0.0.1 says so in their environment. Off otherwise, so
# the public-address guard is on in every other test (sources.fetching).
FETCH_ALLOW_LOOPBACK_FOR_TESTS = os.environ.get("FACTCHECK_TEST_FETCH_LOOPBACK") == "1"
# Reports that tests post with example URLs and short bodies are processed as they come: no
# page to fetch here. The fetching tests set it (and feeds always fetch their entries' pages).
ARTICLE_FETCH_BELOW_CHARS = int(os.environ.get("ARTICLE_FETCH_BELOW_CHARS", "0"))
