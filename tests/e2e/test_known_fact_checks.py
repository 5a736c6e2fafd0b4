"""The "Already fact-checked elsewhere" sections in a real browser: the claim page's, loaded by
htmx after the page, and the report page's, each matched sentence with the known fact-checks it
repeats; both with the rating, reviewer, date, link and match score."""

import json

import pytest

from claims.services.known_fact_checks import known_fact_checks_import_file
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import make_claim

pytestmark = pytest.mark.django_db(transaction=True)


def _feed() -> bytes:
    def review(url, claim, rating, author, day):
        return {
            "@type": "ClaimReview",
            "url": url,
            "claimReviewed": claim,
            "datePublished": day,
            "author": {"@type": "Organization", "name": author},
            "reviewRating": {"@type": "Rating", "alternateName": rating},
        }

    return json.dumps(
        {
            "@type": "DataFeed",
            "dataFeedElement": [
                review(
                    "https://fullfact.org/health/bleach",
                    "Drinking bleach cures the coronavirus.",
                    "False",
                    "Full Fact",
                    "2024-03-05",
                ),
                review(
                    "https://factcheck.afp.com/bleach-covid",
                    "A bleach solution kills the coronavirus in the body.",
                    "False",
                    "AFP Fact Check",
                    "2020-04-02",
                ),
                review(
                    "https://fullfact.org/5g",
                    "5G masts spread COVID-19.",
                    "False",
                    "Full Fact",
                    "2020-04-06",
                ),
            ],
        }
    ).encode()


def test_claim_page_shows_known_fact_checks(page, live_server, fact_checker):
    known_fact_checks_import_file(data=_feed(), name="feed.json")
    claim = make_claim(text="Coronavirus is cured by drinking bleach, an influencer says")
    base = live_server.url
    sign_in(page, base, fact_checker.username, "pw-" + fact_checker.username)
    page.goto(f"{base}/claims/{claim.pk}/")
    section = page.locator("#known-fact-checks")
    section.locator(".known-item").first.wait_for()
    items = section.locator(".known-item")
    assert items.count() >= 1
    first = items.first
    assert first.locator("a").get_attribute("href") == "https://fullfact.org/health/bleach"
    text = first.inner_text()
    assert "False" in text and "Full Fact" in text and "2024-03-05" in text and "match" in text
    section.scroll_into_view_if_needed()
    screenshot(page, "claim-page-known-fact-checks")


REPORT = (
    "Health officials warned on Tuesday against videos shared widely online during the "
    "outbreak.\n\n"
    "In one video, a self-styled wellness coach says that drinking bleach cures the "
    "coronavirus.\n\n"
    "Another post, shared 20,000 times, claims that 5G masts spread COVID-19, the regulator "
    "said.\n\n"
    "The mayor opened a new bridge over the river on Monday, the city council said."
)


def test_report_page_shows_the_known_fact_checks_its_sentences_repeat(
    page, live_server, fact_checker
):
    from claims.pipeline.linking import report_link
    from claims.services.reports import report_receive

    known_fact_checks_import_file(data=_feed(), name="feed.json")
    report = report_receive(
        title="Officials warn against bleach and 5G videos",
        body=REPORT,
        publisher_label="Daily Planet",
    ).report
    report_link(report_id=report.pk)
    base = live_server.url
    sign_in(page, base, fact_checker.username, "pw-" + fact_checker.username)
    page.goto(f"{base}/reports/{report.pk}/")
    section = page.locator("#report-known-fact-checks")
    assert section.locator("h2").inner_text() == "Already fact-checked elsewhere"
    items = section.locator(".known-item")
    assert items.count() == 2
    first, second = items.nth(0), items.nth(1)
    assert "drinking bleach cures the coronavirus" in first.locator("blockquote").inner_text()
    link = first.locator("a").first
    assert link.get_attribute("href") == "https://fullfact.org/health/bleach"
    assert link.get_attribute("rel") == "noopener noreferrer external"
    text = first.inner_text()
    assert "False" in text and "Full Fact" in text and "2024-03-05" in text and "match" in text
    assert "5G masts spread COVID-19" in second.inner_text()
    assert "mayor" not in section.inner_text()
    section.scroll_into_view_if_needed()
    screenshot(page, "report-page-known-fact-checks")
