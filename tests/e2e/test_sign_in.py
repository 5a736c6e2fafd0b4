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
