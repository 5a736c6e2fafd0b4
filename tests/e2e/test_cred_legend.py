"""A newcomer reads what "cred 6" means: the badge's tooltip and the legend on the claims list."""

import pytest

from claims.demo import story as demo
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

FACT_CHECKER = next(u for u in demo.USERS if u.role == "fact-checker")


def test_the_claims_list_explains_the_credibility_scale(page, live_server, demo_story):
    sign_in(page, live_server.url, FACT_CHECKER.username, FACT_CHECKER.password)
    page.goto(f"{live_server.url}/claims/")
    badge = page.locator("td.c-cred .cred").first
    assert badge.get_attribute("title").startswith("Credibility ")
    page.get_by_text("What “cred 1–6” means").click()  # noqa: RUF001 -- the page's words
    legend = page.locator(".cred-legend")
    assert "cannot be judged yet" in legend.inner_text()
    assert "confirmed: two or more independent credible origins" in legend.inner_text()
    screenshot(page, "cred-legend")
