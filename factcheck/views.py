"""Project-level pages that are no app's: the password reset, which depends on mail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render


def password_reset(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
    """Django's reset-by-mail when an SMTP server is configured (EMAIL_HOST); otherwise a page
    saying who resets passwords here, since a reset link could never arrive."""
    if settings.EMAIL_HOST:
        return auth_views.PasswordResetView.as_view()(request, *args, **kwargs)
    return render(request, "registration/password_reset_unavailable.html")
