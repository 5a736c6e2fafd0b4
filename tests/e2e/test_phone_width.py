"""The desk's main screens fit a phone: nothing wider than the viewport."""

import pytest

from claims.demo import story as demo
from claims.models import Claim
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

FACT_CHECKER = next(u for u in demo.USERS if u.role == "fact-checker")


def test_screens_fit_a_390px_phone(browser, live_server, demo_story):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, live_server.url, FACT_CHECKER.username, FACT_CHECKER.password)
    claim = Claim.objects.get(quote="Dozens of assailants were eliminated")
    for name, path in [
        ("dashboard", "/"),
        ("claims-list", "/claims/"),
        ("claim-page", f"/claims/{claim.pk}/"),
        ("paste-report", "/reports/new/"),
    ]:
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than the phone"
        screenshot(page, f"phone-{name}")
    context.close()
