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


def test_an_admin_imports_sources_from_csv_after_a_dry_run(page, live_server, demo_story, tmp_path):
    """Import shows each row's change and every refused row first; nothing is stored until the
    admin confirms a clean file."""
    sign_in(page, live_server.url, ADMIN.username, ADMIN.password)
    header = "name,kind,country,role,grade,parent,description,aliases,domains\n"
    refused = tmp_path / "refused.csv"
    refused.write_text(header + "Wire Two,news_agency,,,C,,,Reuters,\n", encoding="utf-8")
    page.goto(f"{live_server.url}/admin/sources/source/import/")
    page.locator("input[type=file]").set_input_files(str(refused))
    page.get_by_role("button", name="Submit").click()
    page.get_by_text("already names Reuters").first.wait_for()
    assert page.get_by_role("button", name="Confirm import").count() == 0
    screenshot(page, "admin-source-import-refused")
    clean = tmp_path / "clean.csv"
    clean.write_text(header + "Wire Two,news_agency,GB,,C,,,Wire 2,wiretwo.example.com\n", "utf-8")
    page.goto(f"{live_server.url}/admin/sources/source/import/")
    page.locator("input[type=file]").set_input_files(str(clean))
    page.get_by_role("button", name="Submit").click()
    page.get_by_role("button", name="Confirm import").wait_for()
    assert not Source.objects.filter(name="Wire Two").exists()  # the dry run stored nothing
    screenshot(page, "admin-source-import-dry-run")
    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_load_state("networkidle")
    wire_two = Source.objects.get(name="Wire Two")
    assert list(wire_two.aliases.values_list("name", flat=True)) == ["Wire 2"]
