"""The public page of a published verdict and its schema.org ClaimReview."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from claims.models import Claim, Rating, Verdict
from claims.roles import EDITOR, FACT_CHECKER
from claims.services.review import verdict_publish
from tests.factories import make_claim, make_report, make_source

pytestmark = pytest.mark.django_db

LD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
EXPLANATION = "Internal: Reuters echoes the ministry; worker host-7 task 42."


def publish(claim: Claim, editor: User, label: str = "Mostly true") -> Verdict:
    return verdict_publish(
        claim=claim,
        editor=editor,
        rating=Rating.objects.get(label=label),
        rationale="Two independent wires confirm the figure.\nThe ministry's own count differs.",
    )


def official_claim(**fields: Any) -> Claim:
    spokesman = make_source(name="Saltanat Azirbek", kind="official")
    report = make_report(url="https://example.kz/almaty-police-statement", title="Police statement")
    fields.setdefault("text", "Dozens of assailants were eliminated")
    return make_claim(
        claimant=spokesman,
        first_report=report,
        made_at=datetime(2022, 1, 6, 9, 30, tzinfo=UTC),
        explanation=EXPLANATION,
        **fields,
    )


def claim_review(html: str) -> dict[str, Any]:
    scripts = LD_SCRIPT.findall(html)
    assert len(scripts) == 1
    data: dict[str, Any] = json.loads(scripts[0])
    return data


def page_url(claim: Claim) -> str:
    return reverse("claim-public", args=[claim.pk])


def test_page_is_404_until_a_verdict_is_published(client, editor):
    claim = official_claim()
    assert client.get(page_url(claim)).status_code == 404
    # A draft (unpublished) verdict is not enough.
    Verdict.objects.create(
        claim=claim,
        rating=Rating.objects.get(label="False"),
        rationale="Draft.",
        editor=editor,
        status_at_review=claim.status,
    )
    assert client.get(page_url(claim)).status_code == 404
    publish(claim, editor)
    response = client.get(page_url(claim))  # signed out: no login needed
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dozens of assailants were eliminated" in html
    assert "Saltanat Azirbek" in html and "Mostly true" in html
    assert "Two independent wires confirm the figure." in html


def test_claim_review_json_ld(client, editor):
    claim = official_claim()
    verdict = publish(claim, editor)
    data = claim_review(client.get(page_url(claim)).content.decode())
    assert data == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "datePublished": verdict.published_at.date().isoformat(),
        "url": f"http://testserver/published/{claim.pk}/",
        "claimReviewed": "Dozens of assailants were eliminated",
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Saltanat Azirbek"},
            "datePublished": "2022-01-06",
            "appearance": "https://example.kz/almaty-police-statement",
        },
        "author": {"@type": "Organization", "name": "Factcheck workbench"},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 4,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "Mostly true",
        },
    }


def test_an_organisation_claimant_and_a_rating_without_a_value(client, editor):
    ministry = make_source(name="Interior Ministry", kind="government_body")
    claim = make_claim(text="About 2,000 detained", claimant=ministry)
    publish(claim, editor, "Unproven")
    data = claim_review(client.get(page_url(claim)).content.decode())
    assert data["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": "Interior Ministry"},
    }
    assert data["reviewRating"] == {"@type": "Rating", "alternateName": "Unproven"}


def test_the_latest_published_verdict_is_shown(client, editor, other_editor):
    claim = official_claim()
    publish(claim, editor, "Mostly true")
    publish(claim, other_editor, "False")
    data = claim_review(client.get(page_url(claim)).content.decode())
    assert data["reviewRating"]["alternateName"] == "False"


def test_claim_text_cannot_break_out_of_the_script(client, editor):
    hostile = 'Nothing to see</script><script>alert(1)</script> & "quotes"'
    claim = official_claim(text=hostile)
    publish(claim, editor)
    html = client.get(page_url(claim)).content.decode()
    assert "<script>alert(1)" not in html
    data = claim_review(html)
    assert data["claimReviewed"] == hostile
    assert "\\u003C/script\\u003E" in LD_SCRIPT.findall(html)[0]


def test_no_internal_data_and_no_edit_controls(client, roles):
    desk = {}
    for role, username in [(EDITOR, "editor.internal.login"), (FACT_CHECKER, "fc.internal.login")]:
        desk[role] = User.objects.create_user(username, password="x")
        desk[role].groups.add(Group.objects.get(name=role))
    claim = official_claim(created_by=desk[FACT_CHECKER])
    publish(claim, desk[EDITOR])
    html = client.get(page_url(claim)).content.decode()
    assert EXPLANATION not in html
    assert "worker" not in html.lower()
    assert "internal.login" not in html
    assert "<form" not in html
    assert reverse("review-queue") not in html
    assert "cred " not in html
    # Signed in, an editor sees the same page: still no edit controls on it.
    client.force_login(desk[EDITOR])
    html = client.get(page_url(claim)).content.decode()
    assert reverse("review-publish", args=[claim.pk]) not in html and "Override" not in html


def test_editor_display_name_is_shown_when_set(client, editor):
    editor.first_name, editor.last_name = "Aigerim", "Sadykova"
    editor.save()
    claim = official_claim()
    publish(claim, editor)
    html = client.get(page_url(claim)).content.decode()
    assert "Aigerim Sadykova" in html


def test_public_page_query_ceiling(client, editor, other_editor, django_assert_max_num_queries):
    claims = [official_claim(text=f"Claim {i}") if i == 0 else make_claim() for i in range(30)]
    for claim in claims:
        publish(claim, editor)
        publish(claim, other_editor, "False")
    with django_assert_max_num_queries(2):
        response = client.get(page_url(claims[0]))
    assert response.status_code == 200
