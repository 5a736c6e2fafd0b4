"""The password reset tells the truth: without a mail server it says to ask an admin instead of
claiming a link was sent; with one, the link is mailed."""

from __future__ import annotations

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_without_mail_the_reset_page_sends_to_an_admin_and_sends_nothing(client, settings, fact_checker):
    settings.EMAIL_HOST = ""
    fact_checker.email = "fc@example.org"
    fact_checker.save()
    page = client.get("/accounts/password_reset/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "cannot send you a reset link" in text and "<form" not in text
    client.post("/accounts/password_reset/", {"email": "fc@example.org"})
    assert mail.outbox == []


def test_with_a_mail_server_the_reset_link_is_mailed(client, settings, fact_checker):
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    fact_checker.email = "fc@example.org"
    fact_checker.save()
    response = client.post("/accounts/password_reset/", {"email": "fc@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["fc@example.org"]


def test_the_admin_sign_in_offers_no_reset_link_it_cannot_honour(client):
    assert "Forgotten your password" not in client.get("/admin/login/").content.decode()
