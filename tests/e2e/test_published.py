"""What the public reads: the index of published fact checks and a check that cites the
evidence it weighed, with the ClaimReview markup in the page."""

import json

import pytest

from claims.models import Claim, Rating
from sources.models import Source
from tests.e2e.conftest import screenshot
from tests.factories import make_evidence, make_report, make_verdict

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_finds_a_check_in_the_index_and_sees_what_it_weighed(
    page, live_server, demo_story, editor
):
    claim = Claim.objects.get(quote="Dozens of assailants were eliminated")
    wire = Source.objects.get(name="Reuters")
    make_evidence(
        claim=claim,
        report=make_report(
            title="Police say dozens of attackers were shot dead in Almaty",
            publisher=wire,
            url="https://reuters.example/almaty-police",
        ),
        origin=wire,
        stance="supports",
    )
    make_verdict(claim, Rating.objects.get(label="Mostly true").label, editor, "Two wires confirm.")

    page.goto(f"{live_server.url}/published/")
    screenshot(page, "published-index")
    page.get_by_role("link", name=claim.text).click()
    page.get_by_role("heading", name="What we weighed").wait_for()
    screenshot(page, "published-check")
    cited = page.locator(".verdict-sources li").all_inner_texts()
    assert any("Reuters" in line and "supports the claim" in line for line in cited), cited
    ld = json.loads(page.locator('script[type="application/ld+json"]').inner_text())
    assert ld["@type"] == "ClaimReview" and ld["reviewRating"]["alternateName"] == "Mostly true"
