"""System checks of the deployment (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def development_key_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the development key committed in the repository.",
                hint="Set SECRET_KEY in the environment to a long random value.",
                id="factcheck.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def second_factor_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """The second factor for editors and admins (factcheck.two_factor): on, and throttled."""
    found: list[CheckMessage] = []
    if not settings.OTP_REQUIRED_FOR_EDITORS and not settings.FACTCHECK_LAPTOP:
        found.append(
            Warning(
                "OTP_REQUIRED_FOR_EDITORS is off: editors and admins sign in with a password alone.",
                hint="Unset OTP_REQUIRED_FOR_EDITORS (it defaults to on).",
                id="factcheck.W002",
            )
        )
    for name in ("OTP_TOTP_THROTTLE_FACTOR", "OTP_STATIC_THROTTLE_FACTOR"):
        if not getattr(settings, name, 1):
            found.append(
                Error(
                    f"{name} is 0: wrong second-factor codes can be tried without delay.",
                    hint="Leave it at 1 (settings.py).",
                    id="factcheck.E002",
                )
            )
    return found
