"""Source boxes suggest known sources as the fact-checker types (names, aliases, domains, with
their grades), pick one with the keyboard, and say plainly when saving creates a new source;
and an admin merges a duplicate source after reading the preview of what moves."""

import re

import pytest
from playwright.sync_api import expect

from claims.demo import story as demo
from claims.models import Claim
from sources.models import Source
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import make_report

pytestmark = pytest.mark.django_db(transaction=True)

FACT_CHECKER = next(u for u in demo.USERS if u.role == "fact-checker")
ADMIN = next(u for u in demo.USERS if u.role == "admin")


def _words(locator):
    return re.sub(r"\s+", " ", locator.inner_text()).strip()


def _type(page, box_id, text):
    box = page.locator(f"#{box_id}")
    box.click()
    box.press_sequentially(text, delay=40)
    return box


def test_the_claimant_box_suggests_by_alias_and_picks_with_the_keyboard(
    page, live_server, demo_story
):
    sign_in(page, live_server.url, FACT_CHECKER.username, FACT_CHECKER.password)
    page.goto(f"{live_server.url}/claims/new/")
    box = _type(page, "id_claimant", "Thomson")
    option = page.locator("#id_claimant-listbox [role=option]").first
    option.wait_for()
    assert _words(option) == "Reuters grade A alias Thomson Reuters"
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    assert option.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    screenshot(page, "source-suggest-claimant")

    box.press("Enter")  # picks the match; the form is not submitted
    status = page.locator("#id_claimant-status")
    expect(status).to_contain_text("Known source")
    assert box.input_value() == "Reuters"
    assert "Known source: Reuters, grade A — completely reliable." in status.inner_text()
    assert page.locator("#id_claimant-listbox").count() == 0
    assert page.url.endswith("/claims/new/")

    # A name nobody knows: the line under the box says a new source would be created.
    _type(page, "id_hops-0-source", "Zhanaozen oil workers")
    expect(page.locator("#id_hops-0-source-status")).to_contain_text("No existing")
    line = page.locator("#id_hops-0-source-status").inner_text()
    assert "No existing source is called “Zhanaozen oil workers”." in line
    assert "adds it as a new source, grade F" in line
    screenshot(page, "source-suggest-new-source")
    assert not Source.objects.filter(name__icontains="Zhanaozen").exists()  # nothing created

    page.locator("#id_text").fill("Oil workers in Zhanaozen went on strike")
    page.locator("#id_hops-0-create").check()
    page.get_by_role("button", name="Log the claim").last.click()
    page.wait_for_load_state("networkidle")
    claim = Claim.objects.get(text="Oil workers in Zhanaozen went on strike")
    assert claim.claimant.name == "Reuters"
    assert [a.source.name for a in claim.attributions.order_by("position")] == [
        "Reuters",
        "Zhanaozen oil workers",
    ]


def test_the_chain_editor_suggests_and_resolves_an_alias(page, live_server, demo_story):
    claim = Claim.objects.get(quote="Dozens of assailants were eliminated")
    sign_in(page, live_server.url, FACT_CHECKER.username, FACT_CHECKER.password)
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    page.get_by_text("Edit attributions").click()
    rows = claim.attributions.count()
    box_id = f"id_hops-{rows}-source"  # the first empty row
    box = _type(page, box_id, "kreml")
    option = page.locator(f"#{box_id}-listbox [role=option]").first
    option.wait_for()
    assert _words(option) == "Russian state grade D alias Kremlin"
    box.press("ArrowDown")
    box.press("Enter")
    expect(page.locator(f"#{box_id}-status")).to_contain_text("Known source")
    assert box.input_value() == "Russian state"
    box.fill("")
    box.press_sequentially("Kremlin", delay=40)
    expect(page.locator(f"#{box_id}-status")).to_contain_text("by its alias")
    line = page.locator(f"#{box_id}-status").inner_text()
    assert "“Kremlin” is Russian state (by its alias “Kremlin”)" in line
    screenshot(page, "source-suggest-chain-editor")
    box.press("Escape")
    assert page.locator(f"#{box_id}-listbox").count() == 0


def test_an_admin_merges_a_duplicate_after_the_preview(page, live_server, demo_story):
    reuters = Source.objects.get(name="Reuters")
    twin = Source.objects.create(name="Reuters news agency", kind="news_agency", grade="F")
    make_report(title="Wire copy filed under the twin", publisher=twin)
    sign_in(page, live_server.url, ADMIN.username, ADMIN.password)
    page.goto(f"{live_server.url}/admin/sources/source/?q=Reuters+news+agency")
    page.locator(f"input[name=_selected_action][value='{twin.pk}']").check()
    page.locator("select[name=action]").select_option("merge_into")
    page.locator("button[name=index]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/admin/sources/source/{twin.pk}/merge/")

    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("Thomson")
    page.locator(".select2-results__option", has_text="Reuters").first.click()
    page.get_by_role("button", name="Preview the merge").click()
    page.wait_for_load_state("networkidle")
    preview = page.locator("#merge-preview")
    text = preview.inner_text()
    assert "Reports (publisher): 1 — Wire copy filed under the twin" in text
    assert "Reuters gains the aliases: Reuters news agency." in text
    screenshot(page, "admin-source-merge-preview")

    page.get_by_role("button", name="Merge Reuters news agency into Reuters").click()
    page.wait_for_load_state("networkidle")
    assert "Reuters news agency is merged into Reuters" in page.inner_text(".messagelist")
    assert not Source.objects.filter(pk=twin.pk).exists()
    assert reuters.reports.filter(title="Wire copy filed under the twin").exists()
    assert reuters.aliases.filter(name="Reuters news agency").exists()
