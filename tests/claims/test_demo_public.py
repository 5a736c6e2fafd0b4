"""The demo's published verdicts produce valid ClaimReview documents and valid feeds: the demo
loaded as `make run` loads it (`manage.py load_demo`), then every published verdict's page
carries the ClaimReview fields fact-check consumers read (Google's required and recommended
ones), the Atom feed parses with feedparser and has the elements Atom requires, and the
ClaimReview DataFeed and the sitemap list every published verdict."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

import feedparser
import pytest
from django.core.management import call_command
from django.urls import reverse

from claims.demo import story as demo
from claims.models import Verdict
from claims.selectors.publishing import published_verdicts

pytestmark = pytest.mark.django_db

LD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
PUBLISHER = {
    "name": "Demo Desk",
    "url": "https://desk.example/",
    "logo": "https://desk.example/logo.png",
    "language": "en",
}
ATOM = {"atom": "http://www.w3.org/2005/Atom"}
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def demo_loaded(roles, settings) -> list[Verdict]:
    settings.PUBLISHER = PUBLISHER
    call_command("load_demo")
    verdicts = list(published_verdicts())
    assert verdicts, "the demo publishes no verdict: its public side would be empty"
    return verdicts


def page_url(verdict: Verdict) -> str:
    return "http://testserver" + reverse("claim-public", args=[verdict.claim_id])


def assert_valid_claim_review(review: dict[str, Any], verdict: Verdict) -> None:
    """What a ClaimReview must carry for fact-check consumers (Google's Fact Check markup):
    claimReviewed, reviewRating with alternateName (and the 1-5 scale with its bounds where
    the rating has a value), url, author with name and url, datePublished, and the Claim
    reviewed with its author and, where the desk knows them, its appearances."""
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == verdict.claim.text and review["claimReviewed"].strip()
    assert review["url"] == page_url(verdict)
    assert date.fromisoformat(review["datePublished"]) == verdict.published_at.date()
    assert review["inLanguage"] == "en"
    author = review["author"]
    assert author["@type"] == "Organization"
    assert (author["name"], author["url"]) == (PUBLISHER["name"], PUBLISHER["url"])
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating"
    assert rating["alternateName"] == verdict.rating.label
    if verdict.rating.rating_value is None:
        assert "ratingValue" not in rating
    else:
        assert (rating["worstRating"], rating["bestRating"]) == (1, 5)
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert rating["ratingValue"] == verdict.rating.rating_value
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    claimant = verdict.claim.claimant
    assert claimant is not None, "a published claim names who made it"
    assert item["author"]["name"] == claimant.name
    assert item["author"]["@type"] in ("Person", "Organization")
    if "appearance" in item:
        assert item["appearance"] and item["firstAppearance"] == item["appearance"][0]
        for work in item["appearance"]:
            assert work["@type"] == "CreativeWork" and work["url"].startswith("http")


def test_the_demo_publishes_its_verdicts_once(demo_loaded):
    assert len(demo_loaded) == len(demo.VERDICTS)
    assert {v.claim.quote for v in demo_loaded} == {v.quote for v in demo.VERDICTS}
    call_command("load_demo")  # as every `make run` does
    assert Verdict.objects.count() == len(demo.VERDICTS)
    for verdict in demo_loaded:
        assert verdict.editor.username in {u.username for u in demo.USERS if u.role == "editor"}
        assert verdict.claim.created_by_id != verdict.editor_id


def test_every_published_demo_verdict_has_a_valid_claim_review(client, demo_loaded):
    for verdict in demo_loaded:
        response = client.get(page_url(verdict))
        assert response.status_code == 200
        scripts = LD_SCRIPT.findall(response.content.decode())
        assert len(scripts) == 1
        review = json.loads(scripts[0])
        assert review["@context"] == "https://schema.org"
        assert_valid_claim_review(review, verdict)


def test_the_claim_review_data_feed_lists_every_published_verdict(client, demo_loaded):
    response = client.get(reverse("claim-review-feed"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    feed = response.json()
    assert (feed["@context"], feed["@type"]) == ("https://schema.org", "DataFeed")
    assert feed["name"] and feed["dateModified"]
    elements = feed["dataFeedElement"]
    assert len(elements) == len(demo_loaded)
    for element, verdict in zip(elements, demo_loaded, strict=True):  # newest first, both
        assert element["@type"] == "DataFeedItem"
        [review] = element["item"]
        assert "@context" not in review  # the feed's context covers it
        assert element["dateCreated"] == review["datePublished"]
        assert_valid_claim_review(review, verdict)


def test_the_atom_feed_is_valid_and_lists_every_published_verdict(client, demo_loaded):
    response = client.get(reverse("published-feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    # Atom (RFC 4287) requires a feed's id, title and updated, and each entry's id, title,
    # updated, and a link (the feed has no content-only entries).
    for required in ("id", "title", "updated"):
        assert parsed.feed.get(required), required
    assert len(parsed.entries) == len(demo_loaded)
    # feedparser reads a missing entry <updated> from <published>: ask the XML itself.
    root = ET.fromstring(response.content)
    for required in ("id", "title", "updated"):
        assert root.findtext(f"atom:{required}", namespaces=ATOM), required
    for raw in root.findall("atom:entry", ATOM):
        for required in ("id", "title", "updated"):
            assert len(raw.findall(f"atom:{required}", ATOM)) == 1, required
        assert raw.find("atom:link[@rel='alternate']", ATOM) is not None
    for entry, verdict in zip(parsed.entries, demo_loaded, strict=True):
        assert entry.updated_parsed[:6] == verdict.published_at.utctimetuple()[:6]
        assert entry.link == page_url(verdict)
        assert entry.title == f"{verdict.rating.label}: {verdict.claim.text}"
        assert entry.summary == verdict.rationale


def test_the_sitemap_lists_every_published_verdict(client, demo_loaded):
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{SITEMAP_NS['sm']}}}urlset"
    locations = [url.findtext("sm:loc", namespaces=SITEMAP_NS) for url in root]
    assert sorted(locations) == sorted(page_url(v) for v in demo_loaded)
    for url in root:
        assert date.fromisoformat(url.findtext("sm:lastmod", namespaces=SITEMAP_NS))


def test_the_public_index_shows_them(client, demo_loaded):
    html = client.get(reverse("published-index")).content.decode()
    for verdict in demo_loaded:
        assert reverse("claim-public", args=[verdict.claim_id]) in html
