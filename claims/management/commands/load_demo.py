from typing import Any

from django.core.management.base import BaseCommand

from claims.demo import story as demo
from claims.demo.loader import demo_load


class Command(BaseCommand):
    help = (
        "Load the Almaty (January 2022) demo story, its sources and one user per role. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_load()
        self.stdout.write(
            f"Demo story: {summary.sources} sources, {summary.claims_total} claims "
            f"({summary.claims_created} new), report {'created' if summary.report_created else 'already there'}, "
            f"{summary.users_created} new users, {summary.verdicts_published} verdicts published."
        )
        for user in demo.USERS:
            second = (
                f"; second factor: key {user.authenticator_secret}, backup codes "
                f"{', '.join(user.backup_codes)}"
                if user.authenticator_secret
                else ""
            )
            self.stdout.write(f"  {user.role:<13} {user.username} / {user.password}{second}")
