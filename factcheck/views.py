"""Project-level pages that are no app's: the password reset, which depends on mail, the
second factor's code prompt and enrolment (factcheck.two_factor), and "not found", which the
API answers in JSON."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django_otp import login as otp_login
from django_otp import user_has_device

from factcheck import two_factor
from factcheck.forms import CodeForm


def password_reset(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
    """Django's reset-by-mail when an SMTP server is configured (EMAIL_HOST); otherwise a page
    saying who resets passwords here, since a reset link could never arrive."""
    if settings.EMAIL_HOST:
        return auth_views.PasswordResetView.as_view()(request, *args, **kwargs)
    return render(request, "registration/password_reset_unavailable.html")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponseBase:
    """Django's 404 page, but JSON under /api/: a client that asks for /api/reports/abc/ or a
    route that does not exist reads the same error shape as every other API refusal."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


# --- The second factor (factcheck.two_factor) ------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    """Where to go once the code is passed: the page asked for, if it is on this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _refusal(form: CodeForm, exc: Exception) -> int:
    """Put the refusal on the form; the status the page answers with."""
    if isinstance(exc, two_factor.CodeThrottled):
        wait = ""
        if exc.until is not None:
            seconds = max(1, math.ceil((exc.until - timezone.now()).total_seconds()))
            wait = f" Try again in {seconds} second{'s' if seconds != 1 else ''}."
        form.refuse(f"Too many wrong codes.{wait}")
        return 429
    form.refuse("That code is not right.")
    return 200


def _verified(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    # A session that gained a right gets a new id: one taken before it is worth nothing now.
    request.session.cycle_key()


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponseBase:
    """Ask a signed-in user for a code from their authenticator app, or a backup code."""
    user: Any = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not user_has_device(user):
        return redirect(f"{reverse('two_factor_enrol')}?{urlencode({'next': next_url})}")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.code_check(
                user=user, code=form.cleaned_data["code"], address=_address(request)
            )
        except (two_factor.CodeRefused, two_factor.CodeThrottled) as exc:
            status = _refusal(form, exc)
        else:
            _verified(request, device)
            return redirect(next_url)
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": next_url},
        status=status,
    )


@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponseBase:
    """Set up an authenticator app: its QR code and secret, a code to confirm it, then the
    backup codes, shown once."""
    user: Any = request.user
    next_url = _next_url(request)
    if user_has_device(user):
        # Never set up a factor over an existing one: a stolen password would replace it.
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': next_url})}")
    device = two_factor.enrolment_device(user=user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = two_factor.enrolment_confirm(
                user=user, code=form.cleaned_data["code"], address=_address(request)
            )
        except (two_factor.CodeRefused, two_factor.CodeThrottled) as exc:
            status = _refusal(form, exc)
        else:
            _verified(request, enrolment.authenticator)
            return render(
                request,
                "registration/two_factor_backup_codes.html",
                {"codes": enrolment.backup_codes, "next": next_url},
            )
    return render(
        request,
        "registration/two_factor_enrol.html",
        {
            "form": form,
            "next": next_url,
            "secret": two_factor.authenticator_secret(device),
            "qr": two_factor.authenticator_qr_data_uri(device),
            "required": two_factor.second_factor_required(user),
        },
        status=status,
    )
