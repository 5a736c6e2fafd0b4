"""The desk's day in a real browser, against the live server and a real worker: a fact-checker
logs a claim with two hops, pastes a report, watches evidence and status arrive live; an editor
publishes from the review queue; the public page carries valid ClaimReview JSON-LD."""

import json
import re

import pytest

from claims.demo import story as demo
from claims.models import Claim, Verdict
from tests.e2e.conftest import screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

FACT_CHECKER = next(u for u in demo.USERS if u.role == "fact-checker")
EDITOR = next(u for u in demo.USERS if u.role == "editor")
CLAIM_TEXT = "Dozens of tanks crossed the Kazakh border from Russia overnight."
REPORT = (
    "Reuters reporters at the frontier saw dozens of tanks cross the Kazakh border from Russia "
    "overnight. The convoy moved towards Almaty, they said."
)


def test_claim_to_published_verdict(browser, page, live_server, demo_story, worker):
    base = live_server.url
    sign_in(page, base, FACT_CHECKER.username, FACT_CHECKER.password)

    # Log a claim: the Interior Ministry, relayed by Tass, published by The National.
    page.goto(f"{base}/claims/new/")
    page.locator("#id_text").fill(CLAIM_TEXT)
    page.locator("#id_claimant").fill("Interior Ministry")
    page.locator("input[name='hops-0-source']").fill("Tass")
    page.locator("input[name='hops-0-cue']").fill("quoted … as saying")
    page.locator("input[name='hops-1-source']").fill("The National")
    page.locator("input[name='hops-1-cue']").fill("reported")
    page.get_by_role("button", name="Log the claim").last.click()
    page.wait_for_url(re.compile(r".*/claims/\d+/$"))
    claim = Claim.objects.get(text=CLAIM_TEXT)
    assert [a.source.name for a in claim.attributions.all()] == [
        "Interior Ministry of Kazakhstan",
        "Tass",
        "The National",
    ]
    chain = page.locator("#main").inner_text()
    assert "Tass" in chain and "The National" in chain
    assert page.locator("#claim-status .st").inner_text() == "Unverified"

    # Paste a report in a second tab while the claim page stays open.
    reports_tab = page.context.new_page()
    reports_tab.goto(f"{base}/reports/new/")
    reports_tab.get_by_label("Title").fill("Tanks at the border")
    reports_tab.get_by_label("Publisher").fill("Reuters")
    reports_tab.get_by_label("Body").fill(REPORT)
    reports_tab.get_by_role("button", name="Send to the workers").click()
    reports_tab.wait_for_url("**/reports/*/")
    # The report page shows the evidence as soon as the worker has it, without a reload.
    reports_tab.locator("#report-evidence .updated-cue").wait_for(timeout=30_000)
    assert CLAIM_TEXT in reports_tab.locator("#report-evidence").inner_text()
    screenshot(reports_tab, "report-processed")

    # Back on the untouched claim page: the status changes live with a visible cue, and the
    # evidence list, which is not swapped under the reader, offers the new evidence.
    assert "No report speaks to this claim yet." in page.locator("#evidence").inner_text()
    page.locator("#claim-status .updated-cue").wait_for(timeout=30_000)
    assert page.locator("#claim-status .st").inner_text() == "Corroborated"
    fresh = page.get_by_role("link", name="Show the latest evidence")
    fresh.wait_for(timeout=10_000)
    screenshot(page, "claim-page-evidence-notice")
    fresh.click()
    page.locator("#evidence .ev-list").first.wait_for(timeout=10_000)
    evidence = page.locator("#evidence").inner_text()
    assert "Reuters" in evidence and "dozens of tanks" in evidence
    assert page.locator("#evidence-fresh").inner_text() == ""
    screenshot(page, "claim-page")

    # The dashboard and the list show the change too.
    page.goto(f"{base}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    assert page.locator("svg").first.is_visible()
    screenshot(page, "dashboard")
    page.goto(f"{base}/claims/?q=tanks")
    assert CLAIM_TEXT in page.locator("#claim-results").inner_text()
    screenshot(page, "claims-list")

    # A fact-checker may not open the review queue.
    response = page.goto(f"{base}/review/")
    assert response is not None and response.status == 403

    # The editor accepts the proposed status and publishes.
    editor_context = browser.new_context(viewport={"width": 1280, "height": 900})
    editor_page = editor_context.new_page()
    sign_in(editor_page, base, EDITOR.username, EDITOR.password)
    editor_page.goto(f"{base}/review/")
    item = editor_page.locator(f"#review-{claim.pk}")
    assert CLAIM_TEXT in item.inner_text()
    screenshot(editor_page, "review-queue")
    # The published rationale is the editor's own words: the box starts empty.
    rationale = item.locator("form").first.get_by_label("Rationale (published)")
    assert rationale.input_value() == ""
    rationale.fill("Only the ministry's own statements back the figure; no independent count.")
    item.get_by_role("button", name=re.compile("^Accept")).click()
    editor_page.get_by_role("link", name=re.compile("public", re.I)).first.wait_for()
    # The queue's count follows without a reload.
    assert editor_page.locator("#review-count").inner_text().startswith("0 claims")
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.published_at is not None and verdict.editor.username == EDITOR.username

    # The public page, signed out, carries schema.org ClaimReview.
    public = browser.new_context().new_page()
    public.goto(f"{base}/published/{claim.pk}/")
    data = json.loads(public.locator("script[type='application/ld+json']").inner_text())
    assert data["@context"] == "https://schema.org" and data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == CLAIM_TEXT
    assert data["reviewRating"]["alternateName"] == verdict.rating.label
    assert data["itemReviewed"]["author"]["name"] == "Interior Ministry of Kazakhstan"
    screenshot(public, "public-claim")

    # The claim's desk audit trail names the editor's verdict.
    editor_page.goto(f"{base}/claims/{claim.pk}/")
    audit = editor_page.locator("#audit")
    assert f"{EDITOR.username} published the verdict" in audit.inner_text()
    audit.scroll_into_view_if_needed()
    screenshot(editor_page, "claim-audit-trail")
    editor_context.close()
