"""The admin panel works under the Content-Security-Policy: its pages, with their scripts
(autocomplete, inlines, the action bar), load without a violation (the page fixture fails the
test on any)."""

import pytest

from claims.demo import story as demo
from sources.models import Source
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN = next(u for u in demo.USERS if u.role == "admin")


def test_an_admin_edits_a_source_and_reads_the_lists_under_the_policy(page, live_server, demo_story):
    sign_in(page, live_server.url, ADMIN.username, ADMIN.password)
    reuters = Source.objects.get(name="Reuters")
    page.goto(f"{live_server.url}/admin/sources/source/{reuters.pk}/change/")
    assert page.get_by_role("heading", name="Change source").is_visible()
    # The parent autocomplete is a script-driven widget: it must open.
    page.locator(".select2-selection").first.click()
    assert page.locator(".select2-search__field").is_visible()
    page.keyboard.press("Escape")
    screenshot(page, "admin-source-change")
    page.goto(f"{live_server.url}/admin/claims/claim/")
    assert page.locator("#result_list").is_visible()
    page.goto(f"{live_server.url}/admin/sources/report/")
    assert page.locator("#changelist").is_visible()
