"""What the desk publishes, open to anyone: the page of a published verdict with its schema.org
ClaimReview, the index of published fact checks, an Atom feed, a ClaimReview data feed for
fact-check aggregators and a sitemap.

Only what the desk chose to publish appears: the editor's rationale, the rating, the evidence
cited and the editor's display name; never the engine's explanation or other users' names. The
publisher is `settings.PUBLISHER` (name, URL, logo, language)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from claims.models import Verdict
from claims.selectors.publishing import claim_appearances, claim_citations, published_verdicts
from claims.selectors.review import published_verdict
from sources.models import Source

# Claimant kinds that are people; every other kind speaks for an organisation.
PERSON_KINDS = frozenset({Source.Kind.OFFICIAL, Source.Kind.EYEWITNESS, Source.Kind.SOCIAL_ACCOUNT})
PER_PAGE = 50
# The data feed lists the latest checks; aggregators poll it.
DATA_FEED_SIZE = 500

# As django.utils.html.json_script does, so that claim text can never end the script element.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def publisher() -> dict[str, str]:
    return dict(settings.PUBLISHER)


def _organisation() -> dict[str, Any]:
    org: dict[str, Any] = {"@type": "Organization", "name": publisher()["name"]}
    if publisher()["url"]:
        org["url"] = publisher()["url"]
    if publisher()["logo"]:
        org["logo"] = {"@type": "ImageObject", "url": publisher()["logo"]}
    return org


def _day(moment: Any) -> str:
    return str(timezone.localtime(moment).date().isoformat())


def claim_review_ld(verdict: Verdict, *, url: str) -> dict[str, Any]:
    """The verdict as a schema.org ClaimReview, with the fields fact-check consumers read:
    claimReviewed, reviewRating (alternateName, and the 1-5 scale where the rating has a
    value), url, author (the publisher, with its URL), datePublished, inLanguage, and the
    Claim reviewed with its author, date, first appearance and further appearances."""
    claim = verdict.claim
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.claimant is not None:
        item["author"] = {
            "@type": "Person" if claim.claimant.kind in PERSON_KINDS else "Organization",
            "name": claim.claimant.name,
        }
    if claim.made_at is not None:
        item["datePublished"] = _day(claim.made_at)
    appearances = [
        {"@type": "CreativeWork", "url": report.url, "headline": report.title}
        | ({"datePublished": _day(report.published_at)} if report.published_at else {})
        for report in claim_appearances(claim)
    ]
    if appearances:
        item["firstAppearance"] = appearances[0]
        item["appearance"] = appearances
    rating: dict[str, Any] = {"@type": "Rating"}
    if verdict.rating.rating_value is not None:
        rating.update(ratingValue=verdict.rating.rating_value, bestRating=5, worstRating=1)
    rating["alternateName"] = verdict.rating.label
    published = verdict.published_at or verdict.created_at
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "datePublished": _day(published),
        "url": url,
        "inLanguage": publisher()["language"],
        "claimReviewed": claim.text,
        "itemReviewed": item,
        "author": _organisation(),
        "reviewRating": rating,
    }


def ld_json_script(data: dict[str, Any]) -> SafeString:
    text = json.dumps(data).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@require_GET
def claim_public(request: HttpRequest, pk: int) -> HttpResponse:
    verdict = published_verdict(claim_id=pk)
    if verdict is None:
        raise Http404("No verdict on this claim has been published.")
    url = request.build_absolute_uri(reverse("claim-public", args=[pk]))
    return render(
        request,
        "claims/claim_public.html",
        {
            "verdict": verdict,
            "claim": verdict.claim,
            "editor_name": verdict.editor.get_full_name(),
            "citations": claim_citations(verdict.claim),
            "publisher": publisher(),
            "claim_review": ld_json_script(claim_review_ld(verdict, url=url)),
        },
    )


@require_GET
def published_index(request: HttpRequest) -> HttpResponse:
    page = Paginator(published_verdicts(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "claims/published_index.html", {"page": page, "publisher": publisher()})


@require_GET
def claim_review_feed(request: HttpRequest) -> JsonResponse:
    """The schema.org DataFeed of ClaimReviews that fact-check aggregators ingest."""
    elements = []
    for verdict in published_verdicts()[:DATA_FEED_SIZE]:
        url = request.build_absolute_uri(reverse("claim-public", args=[verdict.claim_id]))
        review = claim_review_ld(verdict, url=url)
        review.pop("@context")
        elements.append(
            {
                "@type": "DataFeedItem",
                "dateCreated": review["datePublished"],
                "item": [review],
            }
        )
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "name": f"{publisher()['name']} fact checks",
        "dateModified": timezone.now().isoformat(),
        "dataFeedElement": elements,
    }
    return JsonResponse(feed, json_dumps_params={"ensure_ascii": False})


class PublishedFeed(Feed):
    """Published fact checks as Atom, newest first."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return f"{publisher()['name']}: fact checks"

    def subtitle(self) -> str:
        return "Verdicts published by the desk, newest first."

    def link(self) -> str:
        return reverse("published-index")

    def items(self) -> Any:
        return published_verdicts()[:PER_PAGE]

    def item_title(self, item: Verdict) -> str:
        return f"{item.rating.label}: {item.claim.text}"

    def item_description(self, item: Verdict) -> str:
        return item.rationale

    def item_link(self, item: Verdict) -> str:
        return reverse("claim-public", args=[item.claim_id])

    def item_pubdate(self, item: Verdict) -> Any:
        return item.published_at

    def item_updateddate(self, item: Verdict) -> Any:
        # Atom requires every entry's <updated> (RFC 4287, 4.1.2); Django writes it only from
        # this. A published verdict is never edited, so it is its publication time.
        return item.published_at

    def item_author_name(self, item: Verdict) -> str:
        return item.editor.get_full_name() or publisher()["name"]


class PublishedSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> Any:
        return published_verdicts()

    def location(self, item: Verdict) -> str:
        return reverse("claim-public", args=[item.claim_id])

    def lastmod(self, item: Verdict) -> Any:
        return item.published_at
