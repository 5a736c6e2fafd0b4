"""The second factor (factcheck.two_factor) with OTP_REQUIRED_FOR_EDITORS on, as in production:
editors, admins and superusers enrol and then pass a code before the review queue, publishing
or the admin; fact-checkers are not asked unless they enrolled; wrong codes are throttled and
logged; API tokens are not concerned."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core import checks
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from factcheck import two_factor
from tests.factories import code_of, make_report, token_client

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/two-factor/"
ENROL = "/accounts/two-factor/enrol/"
BACKUP = ["alpha-one", "bravo-two"]


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.OTP_REQUIRED_FOR_EDITORS = True


@pytest.fixture
def superuser(roles):
    return User.objects.create_superuser(username="root", password="pw-root")


def enrolled(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    two_factor.backup_codes_issue(user=user, codes=list(BACKUP))
    return device


def wait_over(device) -> None:
    """Move the last failure back in time, so the throttle's wait is over (the count stays)."""
    device.refresh_from_db()
    device.throttling_failure_timestamp = timezone.now() - timedelta(days=1)
    device.save(update_fields=["throttling_failure_timestamp"])


def sent_to(response) -> str:
    assert response.status_code == 302, response.status_code
    return urlsplit(response["Location"]).path


# --- Who is asked ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "admin_user", "superuser"])
def test_without_a_device_editors_admins_and_superusers_are_sent_to_enrol(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for page in ["/review/", "/admin/", "/claims/"]:
        response = client.get(page)
        assert sent_to(response) == VERIFY
        assert f"next={page.replace('/', '%2F')}" in response["Location"]
    # The prompt sends a user without a device on to enrolment, keeping where they were going.
    response = client.get(VERIFY, {"next": "/review/"})
    assert sent_to(response) == ENROL and "next=%2Freview%2F" in response["Location"]


def test_an_unverified_editor_cannot_publish_a_verdict(client, editor):
    from tests.claims.test_review import queued_claim

    claim = queued_claim()
    client.force_login(editor)
    response = client.post(
        reverse("review-publish", args=[claim.pk]),
        {"decision": "accept", "rationale": "Seen it.", "seen_version": 1},
    )
    assert sent_to(response) == VERIFY
    assert not claim.verdicts.exists()


def test_an_htmx_request_is_sent_to_the_prompt_as_a_whole_page(client, editor):
    client.force_login(editor)
    response = client.get("/review/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(VERIFY)


def test_a_fact_checker_is_not_asked(client, fact_checker):
    client.force_login(fact_checker)
    for page in ["/", "/claims/", "/reports/new/"]:
        assert client.get(page).status_code == 200
    # ...and is still refused the review queue, for want of the role.
    assert client.get("/review/").status_code == 403


def test_a_fact_checker_who_enrolled_is_asked_for_the_code(client, fact_checker):
    device = enrolled(fact_checker)
    client.force_login(fact_checker)
    assert sent_to(client.get("/claims/")) == VERIFY
    response = client.post(VERIFY, {"code": code_of(device), "next": "/claims/"})
    assert sent_to(response) == "/claims/"
    assert client.get("/claims/").status_code == 200


def test_a_fact_checker_may_enrol_voluntarily(client, fact_checker):
    client.force_login(fact_checker)
    page = client.get(ENROL)
    assert page.status_code == 200 and "Set up a second factor" in page.content.decode()
    device = TOTPDevice.objects.get(user=fact_checker, confirmed=False)
    response = client.post(ENROL, {"code": code_of(device)})
    assert response.status_code == 200 and "Your backup codes" in response.content.decode()


def test_with_the_switch_off_nobody_is_asked(client, editor, settings):
    settings.OTP_REQUIRED_FOR_EDITORS = False
    enrolled(editor)
    client.force_login(editor)
    assert client.get("/review/").status_code == 200


# --- Enrolment -------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_secret_and_keeps_them_across_reloads(client, editor):
    client.force_login(editor)
    first = client.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    secret = two_factor.authenticator_secret(device)
    assert secret in first
    assert 'src="data:image/svg+xml;base64,' in first
    # A reload shows the same secret: a QR code already scanned stays good.
    assert secret in client.get(ENROL).content.decode()
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_enrolment_with_a_wrong_code_is_refused_with_a_form_error(client, editor, caplog):
    client.force_login(editor)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=editor)
    with caplog.at_level(logging.WARNING, logger="factcheck.two_factor"):
        response = client.post(ENROL, {"code": code_of(device, steps_ahead=5)})
    assert response.status_code == 200
    assert "That code is not right." in response.content.decode()
    assert any("Wrong second-factor code for ed" in r.getMessage() for r in caplog.records)
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=editor).exists()
    assert sent_to(client.get("/review/")) == VERIFY


def test_enrolment_with_the_right_code_verifies_the_session_and_gives_backup_codes(client, editor):
    client.force_login(editor)
    client.get(ENROL, {"next": "/review/"})
    device = TOTPDevice.objects.get(user=editor)
    session_before = client.session.session_key
    response = client.post(ENROL, {"code": code_of(device), "next": "/review/"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your backup codes" in page and 'href="/review/"' in page
    codes = list(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in page for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    # The session that gained the right has a new id.
    assert client.session.session_key != session_before
    assert client.get("/review/").status_code == 200


def test_enrolment_cannot_replace_an_existing_factor(client, editor):
    """A stolen password must not be enough to set up the thief's phone."""
    enrolled(editor)
    client.force_login(editor)
    assert sent_to(client.get(ENROL)) == VERIFY
    assert sent_to(client.post(ENROL, {"code": "123456"})) == VERIFY
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_an_unconfirmed_device_is_refused_once_a_factor_exists(editor):
    """Even with a device left half set up from before (the service's own guard)."""
    stale = TOTPDevice.objects.create(user=editor, name="old", confirmed=False)
    enrolled(editor)
    with pytest.raises(two_factor.CodeRefused):
        two_factor.enrolment_confirm(user=editor, code=code_of(stale), address="203.0.113.7")
    stale.refresh_from_db()
    assert not stale.confirmed


# --- The code prompt -------------------------------------------------------------------------


def test_an_editor_with_a_device_passes_with_a_code_from_the_app(client, editor):
    device = enrolled(editor)
    client.force_login(editor)
    page = client.get(VERIFY, {"next": "/review/"})
    assert page.status_code == 200 and "Enter your code" in page.content.decode()
    response = client.post(
        VERIFY, {"code": code_of(device)[:3] + " " + code_of(device)[3:], "next": "/review/"}
    )
    assert sent_to(response) == "/review/"
    assert client.get("/review/").status_code == 200


def test_a_wrong_code_is_refused_and_the_queue_stays_closed(client, editor, caplog):
    device = enrolled(editor)
    client.force_login(editor)
    with caplog.at_level(logging.WARNING, logger="factcheck.two_factor"):
        response = client.post(VERIFY, {"code": code_of(device, steps_ahead=5)})
    assert response.status_code == 200
    assert "That code is not right." in response.content.decode()
    assert any("Wrong second-factor code for ed" in r.getMessage() for r in caplog.records)
    assert sent_to(client.get("/review/")) == VERIFY


def test_a_next_to_another_site_is_not_followed(client, editor):
    device = enrolled(editor)
    client.force_login(editor)
    response = client.post(VERIFY, {"code": code_of(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_backup_code_works_once_only(client, editor):
    enrolled(editor)
    client.force_login(editor)
    response = client.post(VERIFY, {"code": " ALPHA-ONE ", "next": "/review/"})
    assert sent_to(response) == "/review/"
    assert client.get("/review/").status_code == 200
    client.logout()
    client.force_login(editor)
    again = client.post(VERIFY, {"code": "alpha-one"})
    assert again.status_code == 200 and "That code is not right." in again.content.decode()
    assert sent_to(client.get("/review/")) == VERIFY
    # The other backup code is still good.
    wait_over(StaticDevice.objects.get(user=editor))
    assert sent_to(client.post(VERIFY, {"code": "bravo-two", "next": "/review/"})) == "/review/"


def test_wrong_codes_are_throttled_even_before_the_right_one(client, editor, caplog):
    device = enrolled(editor)
    client.force_login(editor)
    assert client.post(VERIFY, {"code": code_of(device, steps_ahead=5)}).status_code == 200
    # Straight after a wrong code the device waits: not even the right code is tried.
    with caplog.at_level(logging.WARNING, logger="factcheck.two_factor"):
        throttled = client.post(VERIFY, {"code": code_of(device)})
    assert throttled.status_code == 429
    assert "Too many wrong codes. Try again in" in throttled.content.decode()
    assert any("Second factor throttled for ed" in r.getMessage() for r in caplog.records)
    assert sent_to(client.get("/review/")) == VERIFY
    # Each wrong code doubles the wait: after four in a row it is 8 seconds.
    for _ in range(3):
        wait_over(device)
        client.post(VERIFY, {"code": code_of(device, steps_ahead=5)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 4
    allowed, info = device.verify_is_allowed()
    assert not allowed
    assert info["locked_until"] - device.throttling_failure_timestamp == timedelta(seconds=8)
    # Once the wait is over, the right code passes and the count starts again.
    wait_over(device)
    assert sent_to(client.post(VERIFY, {"code": code_of(device), "next": "/review/"})) == "/review/"
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_the_enrolment_code_is_throttled_too(client, editor):
    client.force_login(editor)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=editor)
    client.post(ENROL, {"code": code_of(device, steps_ahead=5)})
    assert client.post(ENROL, {"code": code_of(device)}).status_code == 429
    device.refresh_from_db()
    assert not device.confirmed


def test_throttling_is_on_in_the_settings(settings):
    assert settings.OTP_TOTP_THROTTLE_FACTOR >= 1
    assert settings.OTP_STATIC_THROTTLE_FACTOR >= 1
    assert TOTPDevice().throttling_enabled and StaticDevice().throttling_enabled


# --- The admin -------------------------------------------------------------------------------


def admin_sign_in(client, user, password, code=None):
    data = {"username": user.username, "password": password, "next": "/admin/"}
    if code is not None:
        data["otp_token"] = code
    return client.post(reverse("admin:login"), data)


def test_the_admin_sign_in_page_asks_for_the_code(client):
    page = client.get(reverse("admin:login")).content.decode()
    assert 'name="otp_token"' in page and "Authenticator or backup code" in page


def test_the_admin_sign_in_requires_the_code(client, admin_user, caplog):
    device = enrolled(admin_user)
    # Password alone: refused.
    response = admin_sign_in(client, admin_user, "pw-adm")
    assert response.status_code == 200
    assert "Enter the code from your authenticator app" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # A wrong code: refused and logged.
    with caplog.at_level(logging.WARNING, logger="factcheck.two_factor"):
        response = admin_sign_in(client, admin_user, "pw-adm", code_of(device, steps_ahead=5))
    assert response.status_code == 200 and "That code is not right." in response.content.decode()
    assert any("Admin sign-in refused for adm" in r.getMessage() for r in caplog.records)
    assert "_auth_user_id" not in client.session
    # The throttle holds here too.
    response = admin_sign_in(client, admin_user, "pw-adm", code_of(device))
    assert response.status_code == 200 and "temporarily disabled" in response.content.decode()
    # With the wait over, the right code signs in, verified.
    wait_over(device)
    response = admin_sign_in(client, admin_user, "pw-adm", code_of(device))
    assert sent_to(response) == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/review/").status_code == 200


def test_the_admin_sign_in_takes_a_backup_code(client, admin_user):
    enrolled(admin_user)
    assert sent_to(admin_sign_in(client, admin_user, "pw-adm", "bravo-two")) == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_an_admin_without_a_device_is_told_to_enrol_on_the_desk(client, admin_user):
    response = admin_sign_in(client, admin_user, "pw-adm", "123456")
    assert response.status_code == 200
    assert "sign in on the desk first to set one up" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_refuses_an_unverified_staff_session(client, admin_user, rf):
    """Even past the middleware (the site's own check, django-otp's OTPAdminSite)."""
    from django.contrib import admin
    from django_otp.middleware import OTPMiddleware

    request = rf.get("/admin/")
    request.user = admin_user
    request.session = client.session
    OTPMiddleware(lambda r: None)(request)
    assert admin.site.has_permission(request) is False


# --- The API ---------------------------------------------------------------------------------


def test_api_tokens_are_not_asked_and_an_unverified_session_is(client, editor):
    report = make_report(title="Wire copy")
    url = reverse("api-report-detail", args=[report.pk])
    assert token_client(editor).get(url).status_code == 200
    client.force_login(editor)
    refused = client.get(url)
    assert refused.status_code == 403 and VERIFY in refused.json()["detail"]


# --- The deployment check --------------------------------------------------------------------


def test_check_deploy_warns_when_the_switch_is_off_outside_a_laptop(settings):
    from factcheck.checks import second_factor_check

    settings.OTP_REQUIRED_FOR_EDITORS = False
    settings.FACTCHECK_LAPTOP = False
    assert [m.id for m in second_factor_check(None)] == ["factcheck.W002"]
    settings.FACTCHECK_LAPTOP = True
    assert second_factor_check(None) == []
    settings.OTP_REQUIRED_FOR_EDITORS = True
    settings.FACTCHECK_LAPTOP = False
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    found = second_factor_check(None)
    assert [m.id for m in found] == ["factcheck.E002"] and found[0].level == checks.ERROR


def test_an_admin_removes_a_lost_factor_and_the_editor_enrols_again(client, admin_user, editor):
    device = enrolled(editor)
    admin_device = enrolled(admin_user)
    client.force_login(admin_user)
    client.post(VERIFY, {"code": code_of(admin_device)})
    change = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    page = client.get(change).content.decode()
    # The admin sees the device, never its secret.
    assert device.key not in page and "qrcode" not in page
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    client.force_login(editor)
    # Backup codes alone still prompt; with those gone too, the editor is sent to enrol.
    StaticDevice.objects.filter(user=editor).delete()
    assert sent_to(client.get(VERIFY)) == ENROL


def test_an_editor_may_not_remove_factors_in_the_admin(client, editor):
    device = enrolled(editor)
    client.force_login(editor)
    client.post(VERIFY, {"code": code_of(device)})
    # Verified, but no staff: the admin sends the editor to its sign-in page.
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    response = client.post(delete, {"post": "yes"})
    assert sent_to(response) == reverse("admin:login")
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


# --- The demo (`make run`) -------------------------------------------------------------------


def test_the_demo_editor_and_admin_pass_with_the_printed_key_and_backup_codes(client, demo_story):
    import base64

    from claims.demo import story as demo
    from claims.demo.loader import demo_load

    for spec in demo.USERS:
        user = User.objects.get(username=spec.username)
        client.force_login(user)
        if not spec.authenticator_secret:
            assert client.get("/claims/").status_code == 200  # the fact-checker: no code
            continue
        assert sent_to(client.get("/review/")) == VERIFY
        # The key as printed, typed into an authenticator app, gives codes that pass.
        app = TOTPDevice(key=base64.b32decode(spec.authenticator_secret).hex())
        assert (
            sent_to(client.post(VERIFY, {"code": code_of(app), "next": "/review/"})) == "/review/"
        )
        client.logout()
        client.force_login(user)
        assert sent_to(client.post(VERIFY, {"code": spec.backup_codes[0]})) == "/"
    # The next `make run` puts the spent backup codes back.
    demo_load()
    editor = next(u for u in demo.USERS if u.role == "editor")
    assert StaticToken.objects.filter(
        device__user__username=editor.username, token=editor.backup_codes[0]
    ).exists()


def test_a_refused_admin_sign_in_does_not_echo_the_password(client, admin_user):
    enrolled(admin_user)
    response = admin_sign_in(client, admin_user, "pw-adm")
    assert response.status_code == 200 and 'value="pw-adm"' not in response.content.decode()


def test_a_backup_code_is_never_all_digits(editor, monkeypatch):
    """Digits go to the authenticator (device_for_code): such a backup code could never pass."""
    drawn = iter(["23456723", "abcd2345"] + ["efgh2345"] * 20)
    monkeypatch.setattr(StaticToken, "random_token", staticmethod(lambda: next(drawn)))
    codes = two_factor.backup_codes_issue(user=editor)
    assert "23456723" not in codes and codes[0] == "abcd2345"


def test_the_admin_sign_in_still_locks_out_after_five_wrong_passwords(client, admin_user):
    """django-axes keeps guarding the password in front of the code box."""
    enrolled(admin_user)
    for _ in range(4):
        assert admin_sign_in(client, admin_user, "wrong", "123456").status_code == 200
    assert admin_sign_in(client, admin_user, "wrong", "123456").status_code == 429
    assert admin_sign_in(client, admin_user, "pw-adm", "alpha-one").status_code == 429
