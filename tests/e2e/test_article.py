"""New from article in the browser: paste, read the proposals, edit one, log the chosen."""

import pytest

from claims.models import Claim
from sources.models import Report
from tests.conftest import REPO_ROOT
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE = (REPO_ROOT / "claims/demo/extraction/dravik-floods.txt").read_text(encoding="utf-8")


def test_a_fact_checker_logs_claims_from_an_article(page, live_server, fact_checker):
    sign_in(page, live_server.url, fact_checker.username, "pw-" + fact_checker.username)
    page.get_by_role("link", name="From an article").click()
    page.get_by_label("Title").fill("Hundreds evacuated as river bursts its banks in Dravik")
    page.get_by_label("Publisher").fill("Meridian Press Agency")
    page.get_by_label("Article text").fill(ARTICLE)
    page.get_by_role("button", name="Propose claims").click()
    page.locator(".proposal").first.wait_for()
    screenshot(page, "article-proposals")
    assert Report.objects.count() == 0  # nothing stored while reading

    cards = page.locator(".proposal")
    for index in range(cards.count()):
        box = cards.nth(index).get_by_label("Log this claim")
        if box.is_checked():
            box.uncheck()
    first = cards.nth(0)
    first.get_by_label("Log this claim").check()
    first.locator("textarea").fill("The Selva rose by almost three metres in an hour.")
    cards.nth(1).get_by_label("Log this claim").check()
    page.get_by_role("button", name="Log the chosen claims").click()
    page.get_by_role("heading", name="Claims logged").wait_for()
    screenshot(page, "article-claims-logged")

    report = Report.objects.get()
    claims = Claim.objects.filter(first_report=report)
    assert claims.count() == 2
    assert claims.filter(text="The Selva rose by almost three metres in an hour.").exists()
