"""The admin site: Django's, asking for the second factor as django-otp's OTPAdminSite does
when ``OTP_REQUIRED_FOR_EDITORS`` is on (factcheck.two_factor)."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.models import Device

from factcheck import two_factor

logger = logging.getLogger(two_factor.__name__)


class SecondFactorAdminAuthenticationForm(OTPAdminAuthenticationForm):
    """Username, password and a code on one form. The code chooses its device (an
    authenticator's digits or a backup code's letters), so there is no device list to pick
    from and no second round."""

    otp_token = forms.CharField(
        required=False,
        label="Authenticator or backup code",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )
    otp_error_messages = dict(
        OTPAdminAuthenticationForm.otp_error_messages,
        token_required="Enter the code from your authenticator app, or a backup code.",
        invalid_token="That code is not right.",
        device_required=(
            "This account has no second factor yet: sign in on the desk first to set one up."
        ),
    )

    def _chosen_device(self, user: Any) -> Device | None:
        token = two_factor.normalised_code(self.cleaned_data.get("otp_token") or "")
        # Called inside clean_otp's transaction, so the device is locked like the desk's.
        return two_factor.device_for_code(user, token) if token else None

    def _update_form(self, user: Any) -> None:
        # django-otp would fill a device list (there is none here) and echo the password back
        # into the page; a refused sign-in asks for the password again instead.
        return None

    def _verify_token(self, user: Any, token: str, device: Device | None = None) -> Device:
        try:
            return super()._verify_token(user, two_factor.normalised_code(token), device)
        except forms.ValidationError:
            address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
            logger.warning(
                "Admin sign-in refused for %s from %s: second-factor code not accepted",
                user.get_username(),
                address,
            )
            raise


class DeskAdminSite(OTPAdminSite):
    """OTPAdminSite under the usual name ("admin"), switched by OTP_REQUIRED_FOR_EDITORS at
    each request so the test settings can turn it off."""

    def __init__(self, name: str = "admin") -> None:
        AdminSite.__init__(self, name)

    @property
    def login_form(self) -> type[AdminAuthenticationForm]:
        if two_factor.second_factor_on():
            return SecondFactorAdminAuthenticationForm
        return AdminAuthenticationForm

    @property
    def login_template(self) -> str | None:
        return "admin/login_second_factor.html" if two_factor.second_factor_on() else None

    def has_permission(self, request: HttpRequest) -> bool:
        if two_factor.second_factor_on():
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)
