import pytest

from claims.demo import story as demo
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

FACT_CHECKER = next(u for u in demo.USERS if u.role == "fact-checker")


def test_sign_in_page_refuses_a_wrong_password(page, live_server, demo_story):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(FACT_CHECKER.username)
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("Please enter a correct username and password").is_visible()
    screenshot(page, "sign-in-refused")


def test_fact_checker_signs_in_and_pastes_a_report(page, live_server, demo_story):
    sign_in(page, live_server.url, FACT_CHECKER.username, FACT_CHECKER.password)
    page.goto(f"{live_server.url}/reports/new/")
    page.get_by_label("Title").fill("Troops in the square")
    page.get_by_label("Publisher").fill("Reuters")
    page.get_by_label("Body").fill(
        "Reuters reporters saw armoured vehicles enter the main square in Almaty."
    )
    page.get_by_role("button", name="Send to the workers").click()
    page.wait_for_url("**/reports/*/")
    assert page.get_by_role("heading", name="Troops in the square").is_visible()
    screenshot(page, "report-received")


def test_a_report_in_russian_says_on_its_page_that_it_was_not_read(page, live_server, demo_story):
    from claims.pipeline.assess import claims_status_update
    from claims.pipeline.linking import report_link
    from sources.models import Report

    sign_in(page, live_server.url, FACT_CHECKER.username, FACT_CHECKER.password)
    page.goto(f"{live_server.url}/reports/new/")
    page.get_by_label("Title").fill("Беспорядки в Алматы")
    page.get_by_label("Publisher").fill("Vlast.kz")
    page.get_by_label("Body").fill(
        "Утром в четверг на главную площадь Алматы въехали бронетранспортёры. Когда войска "
        "приблизились к протестующим, раздались выстрелы."
    )
    page.get_by_role("button", name="Send to the workers").click()
    page.wait_for_url("**/reports/*/")
    # What the worker does with it (the screen is the subject here, not the delivery).
    report = Report.objects.get(title="Беспорядки в Алматы")
    claims_status_update(
        claim_ids=report_link(report_id=report.pk), worker="test", report_id=report.pk
    )
    page.reload()
    notice = page.locator("#unread-language")
    assert notice.is_visible()
    assert "this report is in Russian, which the workers cannot read yet" in notice.inner_text()
    assert page.get_by_text("No evidence: the report was not read.").is_visible()
    screenshot(page, "report-unread-language")
