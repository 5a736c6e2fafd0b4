"""The second factor in a browser (OTP_REQUIRED_FOR_EDITORS on, as in production): an editor
without one sets up an authenticator app, and an editor with one is asked for a code."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims.demo import story as demo
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import code_of

pytestmark = pytest.mark.django_db(transaction=True)

EDITOR = next(u for u in demo.USERS if u.role == "editor")


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.OTP_REQUIRED_FOR_EDITORS = True


def test_an_editor_sets_up_an_authenticator_and_opens_the_review_queue(
    page, live_server, demo_story, editor
):
    sign_in(page, live_server.url, editor.username, "pw-" + editor.username)
    # Signed in with the password only: sent straight to enrolment.
    assert "/accounts/two-factor/enrol/" in page.url
    assert page.get_by_role("heading", name="Set up a second factor").is_visible()
    qr = page.get_by_role("img", name="QR code of your authenticator secret")
    assert qr.is_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    secret = page.locator("#authenticator-secret").inner_text()
    assert secret.replace(" ", "") and len(secret.replace(" ", "")) == 32
    screenshot(page, "two-factor-enrol")

    page.get_by_label("Code from the app").fill(code_of(device, steps_ahead=5))
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_text("That code is not right.").is_visible()
    screenshot(page, "two-factor-enrol-refused")

    # The failed try makes the device wait a second before the next one.
    page.wait_for_timeout(1100)
    page.get_by_label("Code from the app").fill(code_of(device))
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("heading", name="Your backup codes").is_visible()
    assert page.locator("#backup-codes li").count() == 10
    screenshot(page, "two-factor-backup-codes")

    page.get_by_role("link", name="Continue to the desk").click()
    page.goto(f"{live_server.url}/review/")
    assert page.get_by_role("heading", name="Review queue").is_visible()


def test_an_enrolled_editor_is_asked_for_a_code_and_a_backup_code_works(
    page, live_server, demo_story
):
    sign_in(page, live_server.url, EDITOR.username, EDITOR.password)
    page.goto(f"{live_server.url}/review/")
    assert "/accounts/two-factor/" in page.url
    assert page.get_by_role("heading", name="Enter your code").is_visible()
    screenshot(page, "two-factor-code")

    page.get_by_label("Authenticator or backup code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("That code is not right.").is_visible()
    screenshot(page, "two-factor-code-refused")

    # A backup code (the demo's, as `make run` prints it) is another device: not throttled by
    # the wrong authenticator code, and spent by this use.
    page.get_by_label("Authenticator or backup code").fill(EDITOR.backup_codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/review/")
    assert page.get_by_role("heading", name="Review queue").is_visible()


def test_the_admin_sign_in_asks_for_the_code(page, live_server, demo_story):
    admin = next(u for u in demo.USERS if u.role == "admin")
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(admin.username)
    page.get_by_label("Password").fill(admin.password)
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("Enter the code from your authenticator app").is_visible()
    screenshot(page, "admin-sign-in-code-missing")
    page.get_by_label("Password").fill(admin.password)
    page.get_by_label("Authenticator or backup code").fill(admin.backup_codes[0])
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", name="Sources, reports, claims and users").is_visible()
