"""Assigning in a browser: an editor gives a claim to the fact-checker from the claim page and
another from the list; the fact-checker finds them under "Assigned to me" on the dashboard."""

import pytest

from claims.demo import story as demo
from claims.models import Assignment, Claim
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

FACT_CHECKER = next(u for u in demo.USERS if u.role == "fact-checker")
EDITOR = next(u for u in demo.USERS if u.role == "editor")
ELIMINATED = "Dozens of assailants were eliminated"
DETAINED = "About 2,000 people were detained in Almaty"


def test_an_editor_assigns_and_the_fact_checker_sees_it_on_the_dashboard(
    browser, page, live_server, demo_story
):
    base = live_server.url
    eliminated = Claim.objects.get(quote=ELIMINATED)
    detained = Claim.objects.get(quote=DETAINED)
    sign_in(page, base, EDITOR.username, EDITOR.password)

    # From the claim page: htmx swaps the panel in place.
    page.goto(f"{base}/claims/{eliminated.pk}/")
    panel = page.locator("#assign")
    assert "Nobody yet." in panel.inner_text()
    panel.get_by_label("Give it to").select_option(label=FACT_CHECKER.username)
    panel.get_by_role("button", name="Assign").click()
    page.locator("#assign .notice").wait_for()
    assert f"Assigned to {FACT_CHECKER.username}." in page.locator("#assign").inner_text()
    assert page.locator("#assign .assignee").inner_text() == FACT_CHECKER.username
    screenshot(page, "claim-assigned")
    assert Claim.objects.get(pk=eliminated.pk).assignee.username == FACT_CHECKER.username
    page.reload()
    assert f"assigned the claim to {FACT_CHECKER.username}" in page.locator("#audit").inner_text()

    # From a row of the list: the row is swapped.
    page.goto(f"{base}/claims/")
    row = page.locator(f"#claim-row-{detained.pk}")
    row.get_by_label(f"Assign claim {detained.pk} to").select_option(label=FACT_CHECKER.username)
    row.get_by_role("button", name="Assign").click()
    page.wait_for_function(
        f"document.querySelector('#row-assign-{detained.pk}') && "
        f"document.querySelector('#row-assign-{detained.pk}').selectedOptions[0].text === "
        f"'{FACT_CHECKER.username}'"
    )
    page.wait_for_load_state("networkidle")
    assert Claim.objects.get(pk=detained.pk).assignee.username == FACT_CHECKER.username
    assert Assignment.objects.count() == 2
    screenshot(page, "claims-list-assigned")

    # The fact-checker's dashboard.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    checker = context.new_page()
    sign_in(checker, base, FACT_CHECKER.username, FACT_CHECKER.password)
    checker.goto(f"{base}/")
    mine = checker.locator("#assigned-to-me")
    assert "Assigned to me (2)" in mine.inner_text()
    assert mine.locator(f'li[data-claim="{eliminated.pk}"]').count() == 1
    assert mine.locator(f'li[data-claim="{detained.pk}"]').count() == 1
    screenshot(checker, "dashboard-assigned-to-me")
    mine.get_by_role("link", name="Every claim assigned to me").click()
    checker.wait_for_url("**/claims/?mine=on")
    assert checker.locator(".count").inner_text().endswith("of 2 claims")
    # A fact-checker sees who has a claim but gets no menu.
    assert checker.locator("form.row-assign").count() == 0
    context.close()
