"""The desk's main screens fit a phone: nothing wider than the viewport."""

import pytest
from django.contrib.auth.models import User

from claims.demo import story as demo
from claims.models import Claim, Rating
from sources.models import Source
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import make_evidence, make_report, make_verdict

pytestmark = pytest.mark.django_db(transaction=True)

FACT_CHECKER = next(u for u in demo.USERS if u.role == "fact-checker")
ADMIN = next(u for u in demo.USERS if u.role == "admin")


EDITOR = next(u for u in demo.USERS if u.role == "editor")


def _fits(page, base, name, path):
    page.goto(f"{base}{path}")
    _fits_now(page, name, path)


def _fits_now(page, name, path):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{path} is {overflow}px wider than the phone"
    screenshot(page, f"phone-{name}")


def test_screens_fit_a_390px_phone(browser, live_server, demo_story):
    claim = Claim.objects.get(quote="Dozens of assailants were eliminated")
    # A report with evidence on its page: the widest table of the desk.
    wire = Source.objects.get(name="Reuters")
    report = make_report(
        title="Reuters: bodies seen at the city administration building in Almaty on Friday",
        publisher=wire,
        body="Reuters reporters saw the bodies of dozens of assailants killed by police.",
    )
    make_evidence(
        claim=claim,
        report=report,
        origin=wire,
        stance="supports",
        sentence="Reuters reporters saw the bodies of dozens of assailants killed by police "
        "after they tried to storm administrative buildings overnight.",
    )
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for name, path in [("sign-in", "/accounts/login/"), ("password-reset", "/accounts/password_reset/")]:
        _fits(page, base, name, path)
    sign_in(page, base, FACT_CHECKER.username, FACT_CHECKER.password)
    for name, path in [
        ("dashboard", "/"),
        ("claims-list", "/claims/"),
        ("claim-page", f"/claims/{claim.pk}/"),
        ("claim-form", "/claims/new/"),
        ("article-form", "/claims/from-article/"),
        ("paste-report", "/reports/new/"),
        ("report-page", f"/reports/{report.pk}/"),
        ("source-page", f"/sources/{wire.pk}/"),
    ]:
        _fits(page, base, name, path)
    # The claim page with known fact-checks loaded into its "Already fact-checked elsewhere".
    from claims.services.known_fact_checks import known_fact_checks_import_file
    from tests.e2e.test_known_fact_checks import _feed

    known_fact_checks_import_file(data=_feed(), name="feed.json")
    bleach = Claim.objects.create(text="Drinking bleach cures the coronavirus, a post claims")
    page.goto(f"{base}/claims/{bleach.pk}/")
    page.locator("#known-fact-checks .known-item").first.wait_for()
    _fits_now(page, "claim-page-known-fact-checks", f"/claims/{bleach.pk}/")
    # The source box's suggestions, open under the claimant box.
    page.goto(f"{base}/claims/new/")
    page.locator("#id_claimant").press_sequentially("Thomson", delay=40)
    page.locator("#id_claimant-listbox [role=option]").first.wait_for()
    page.locator("#id_claimant").scroll_into_view_if_needed()
    _fits_now(page, "source-suggest", "/claims/new/ (suggestions open)")
    context.close()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, base, EDITOR.username, EDITOR.password)
    # The editor's screens carry the assign menus; the dashboard's chart over a picked range
    # and a refused one (the picker's error above it).
    for name, path in [
        ("review-queue", "/review/"),
        ("claim-page-editor", f"/claims/{claim.pk}/"),
        ("claims-list-editor", "/claims/"),
        ("dashboard-range", "/?start=2022-01-01&end=2022-01-31"),
        ("dashboard-range-refused", "/?start=2022-01-09&end=2022-01-01"),
    ]:
        _fits(page, base, name, path)
    context.close()
    # The admin's merge preview.
    twin = Source.objects.create(name="Reuters news agency", kind="news_agency", grade="F")
    make_report(title="Wire copy filed under the twin", publisher=twin)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, base, ADMIN.username, ADMIN.password)
    _fits(page, base, "admin-source-merge", f"/admin/sources/source/{twin.pk}/merge/?survivor={wire.pk}")
    assert page.locator("#merge-preview").is_visible()
    context.close()
    # What the public reads: the index of published checks and a check citing its evidence.
    editor = User.objects.get(username=EDITOR.username)
    make_verdict(claim, Rating.objects.get(label="Mostly true").label, editor)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for name, path in [("published-index", "/published/"), ("published-check", f"/published/{claim.pk}/")]:
        _fits(page, base, name, path)
    context.close()


def test_second_factor_screens_fit_a_390px_phone(
    browser, live_server, demo_story, editor, settings
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import code_of

    settings.OTP_REQUIRED_FOR_EDITORS = True
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    # An editor without a second factor: enrolment, then the backup codes.
    sign_in(page, base, editor.username, "pw-" + editor.username)
    _fits_now(page, "two-factor-enrol", "/accounts/two-factor/enrol/")
    page.get_by_label("Code from the app").fill(
        code_of(TOTPDevice.objects.get(user=editor, confirmed=False))
    )
    page.get_by_role("button", name="Confirm").click()
    page.locator("#backup-codes").wait_for()
    _fits_now(page, "two-factor-backup-codes", "/accounts/two-factor/enrol/ (backup codes)")
    context.close()
    # The demo editor, enrolled: the code prompt.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, base, EDITOR.username, EDITOR.password)
    _fits_now(page, "two-factor-code", "/accounts/two-factor/")
    context.close()
    # The admin's sign-in page with its code box.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    _fits(page, base, "admin-sign-in-code", "/admin/login/")
    assert page.get_by_label("Authenticator or backup code").is_visible()
    context.close()
