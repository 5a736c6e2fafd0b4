"""Settings for the beat processes the beat-lock tests start: the test settings, with one
periodic task due every second so that whichever beat schedules shows it in its log at once."""

from datetime import timedelta

from factcheck.settings_test import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {
    "test-heartbeat": {
        "task": "claims.tasks.record_heartbeat",
        "schedule": timedelta(seconds=1),
    },
}
