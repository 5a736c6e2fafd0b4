"""The second factor (django-otp): who owes one, enrolment, and checking a code.

Editors, admins and staff (anyone who may review claims, publish verdicts or open the admin)
must pass a second factor when ``OTP_REQUIRED_FOR_EDITORS`` is on; anyone else who enrolled
is asked too. A factor is an authenticator app (a TOTP device) with ten one-time backup codes
(a static device) for a lost phone. The views in ``factcheck.views`` call these services; the
middleware below sends a signed-in user who still owes a code to those views.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django_otp import user_has_device
from django_otp.models import Device, VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger(__name__)

# Any one of these makes an account worth taking over: the editing and publishing rights, or
# the admin (is_staff, is_superuser, checked apart).
EDITING_PERMISSIONS = ("claims.review_claim", "claims.publish_verdict")
BACKUP_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_CODES_NAME = "Backup codes"


def second_factor_on() -> bool:
    # Read at each request, not at import, so that tests can switch it with override_settings.
    return bool(settings.OTP_REQUIRED_FOR_EDITORS)


def second_factor_required(user: Any) -> bool:
    """Whether this user must have a second factor (enrol if they have none)."""
    if not (second_factor_on() and user.is_authenticated):
        return False
    return bool(
        user.is_staff
        or user.is_superuser
        or any(user.has_perm(perm) for perm in EDITING_PERMISSIONS)
    )


def second_factor_owed(user: Any) -> bool:
    """Whether this signed-in session must pass a second factor before going on: it must
    have one, or chose to have one, and has not passed it yet."""
    if not (second_factor_on() and user.is_authenticated):
        return False
    if user.is_verified():
        return False
    return second_factor_required(user) or user_has_device(user)


class CodeRefused(Exception):
    """The code matched no device of the user."""


class CodeThrottled(Exception):
    """Too many wrong codes lately: no code is even tried until ``until``."""

    def __init__(self, until: datetime | None) -> None:
        super().__init__(f"second factor throttled until {until}")
        self.until = until


def normalised_code(code: str) -> str:
    # Authenticator apps show "123 456"; backup codes are printed in lower case.
    return "".join(code.split()).lower()


def device_for_code(user: Any, code: str, *, confirmed: bool = True) -> Device | None:
    """The one device a code is meant for: digits are an authenticator's code, letters a
    backup code. Trying every device would count one wrong code against each of them."""
    model: type[Device] = TOTPDevice if code.isdigit() else StaticDevice
    return (
        model.objects.devices_for_user(user, confirmed=confirmed)
        .select_for_update()
        .order_by("pk")
        .first()
    )


def _verify(device: Device, code: str, *, user: Any, address: str) -> None:
    """Check ``code`` on ``device`` (locked for update), honouring and feeding its throttle."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        info = info or {}
        logger.warning(
            "Second factor throttled for %s from %s: %s wrong codes in a row",
            user.get_username(),
            address,
            info.get("failure_count", "?"),
        )
        until = (
            info.get("locked_until")
            if info.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS
            else None
        )
        raise CodeThrottled(until)
    if not device.verify_token(code):
        # verify_token has already counted the failure on the device (its throttle).
        logger.warning(
            "Wrong second-factor code for %s from %s (%s)",
            user.get_username(),
            address,
            device.name,
        )
        raise CodeRefused


def code_check(*, user: Any, code: str, address: str) -> Device:
    """The device that accepts ``code`` for ``user``; raises CodeRefused or CodeThrottled.

    A backup code is spent by its use. The failure count a wrong code adds must survive the
    refusal, so the transaction commits before the exception leaves."""
    code = normalised_code(code)
    failure: Exception | None = None
    with transaction.atomic():
        device = device_for_code(user, code)
        if device is None:
            logger.warning(
                "Second-factor code for %s from %s matches no device", user.get_username(), address
            )
            failure = CodeRefused()
        else:
            try:
                _verify(device, code, user=user, address=address)
            except (CodeRefused, CodeThrottled) as exc:
                failure = exc
    if failure is not None:
        raise failure
    assert device is not None
    return device


def enrolment_device(*, user: Any) -> TOTPDevice:
    """The authenticator being set up: the same secret on every visit until it is confirmed,
    so a reload does not invalidate a QR code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


@dataclass(frozen=True)
class Enrolment:
    authenticator: TOTPDevice
    backup_codes: list[str]


def enrolment_confirm(*, user: Any, code: str, address: str) -> Enrolment:
    """Confirm the authenticator being set up with a code it shows, and issue fresh backup
    codes. Raises CodeRefused or CodeThrottled (the unconfirmed device throttles too)."""
    code = normalised_code(code)
    failure: Exception | None = None
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None or user_has_device(user):
            # Nothing being set up, or a factor already there: enrolling over it would let a
            # stolen password replace the owner's phone.
            failure = CodeRefused()
        else:
            try:
                _verify(device, code, user=user, address=address)
            except (CodeRefused, CodeThrottled) as exc:
                failure = exc
            else:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = backup_codes_issue(user=user)
    if failure is not None:
        raise failure
    assert device is not None
    logger.info("Second factor enrolled for %s from %s", user.get_username(), address)
    return Enrolment(authenticator=device, backup_codes=codes)


def _backup_code() -> str:
    # All digits, a code would be taken for an authenticator's (device_for_code): draw again.
    while (code := StaticToken.random_token()).isdigit():
        pass
    return code


def backup_codes_issue(*, user: Any, codes: list[str] | None = None) -> list[str]:
    """Replace the user's backup codes with ``codes`` (new random ones by default)."""
    codes = codes or [_backup_code() for _ in range(BACKUP_CODE_COUNT)]
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=BACKUP_CODES_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def authenticator_secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def authenticator_qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as a QR code, an SVG drawn here and sent as a data: image, so the
    secret never leaves for a QR service and the page needs no script."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2
    )
    svg: bytes = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


# --- Middleware ----------------------------------------------------------------------------

# The pages a user who owes a second factor may still reach: these, to pass it or leave.
OPEN_URL_NAMES = frozenset({"two_factor_verify", "two_factor_enrol", "logout"})


def _continue_to(request: HttpRequest) -> str:
    return request.get_full_path() if request.method == "GET" else "/"


class SecondFactorMiddleware:
    """Sends a signed-in user who owes a second factor to the code prompt (which sends one
    without a device to enrolment), from every desk page and the admin. API calls with a token
    are a machine's and are not concerned (the token's user is not the session's); a session's
    API call gets a JSON 403 instead of a redirect."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_URL_NAMES and not match.namespace:
            return None
        if not second_factor_owed(request.user):
            return None
        prompt = reverse("two_factor_verify")
        if match is not None and match.route.startswith("api/"):
            return JsonResponse({"detail": f"Pass the second factor first ({prompt})."}, status=403)
        target = f"{prompt}?{urlencode({'next': _continue_to(request)})}"
        if getattr(request, "htmx", False):
            # An htmx fragment request: have the browser load the prompt as a whole page.
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return HttpResponseRedirect(target)
