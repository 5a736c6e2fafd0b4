"""The public page of a published verdict, with its schema.org ClaimReview for search engines.

Open to anyone: it shows only what the desk chose to publish (never the engine's explanation,
evidence or user names other than the editor's display name)."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from claims.models import Verdict
from claims.selectors.review import published_verdict
from sources.models import Source

PUBLISHER_NAME = "Factcheck workbench"
# Claimant kinds that are people; every other kind speaks for an organisation.
PERSON_KINDS = frozenset({Source.Kind.OFFICIAL, Source.Kind.EYEWITNESS, Source.Kind.SOCIAL_ACCOUNT})

# As django.utils.html.json_script does, so that claim text can never end the script element.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def claim_review_ld(verdict: Verdict, *, url: str) -> dict[str, Any]:
    """The verdict as a schema.org ClaimReview."""
    claim = verdict.claim
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.claimant is not None:
        item["author"] = {
            "@type": "Person" if claim.claimant.kind in PERSON_KINDS else "Organization",
            "name": claim.claimant.name,
        }
    if claim.made_at is not None:
        item["datePublished"] = timezone.localtime(claim.made_at).date().isoformat()
    if claim.first_report is not None and claim.first_report.url:
        item["appearance"] = claim.first_report.url
    rating: dict[str, Any] = {"@type": "Rating"}
    if verdict.rating.rating_value is not None:
        rating.update(ratingValue=verdict.rating.rating_value, bestRating=5, worstRating=1)
    rating["alternateName"] = verdict.rating.label
    published = verdict.published_at or verdict.created_at
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "datePublished": timezone.localtime(published).date().isoformat(),
        "url": url,
        "claimReviewed": claim.text,
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": PUBLISHER_NAME},
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
            "claim_review": ld_json_script(claim_review_ld(verdict, url=url)),
        },
    )

