"""Test settings: the environment-driven settings plus what tests need."""

import os

from factcheck.settings import *  # noqa: F403
from factcheck.settings import DATABASES, REDIS_URL, VAR_DIR, file_broker_options

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so that worker and writer subprocesses started by tests can open
    # the very database the test is using.
    # One file per test run, so two runs in the same checkout never share (and corrupt) one.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}

if not REDIS_URL:
    # Its own folder, so a `make run` in the same checkout never eats the tests' messages.
    CELERY_BROKER_TRANSPORT_OPTIONS = file_broker_options(VAR_DIR / "test-broker")
