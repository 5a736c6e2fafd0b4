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


FIRST_APPEARANCE = {
    "@type": "CreativeWork",
    "url": "https://example.kz/almaty-police-statement",
    "headline": "Police statement",
}


def test_claim_review_json_ld(client, editor):
    claim = official_claim()
    verdict = publish(claim, editor)
    data = claim_review(client.get(page_url(claim)).content.decode())
    assert data == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "datePublished": verdict.published_at.date().isoformat(),
        "url": f"http://testserver/published/{claim.pk}/",
        "inLanguage": "en",
        "claimReviewed": "Dozens of assailants were eliminated",
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Saltanat Azirbek"},
            "datePublished": "2022-01-06",
            "firstAppearance": FIRST_APPEARANCE,
            "appearance": [FIRST_APPEARANCE],
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
    # The verdict, the evidence cited and the claimant's organisation, the appearances.
    with django_assert_max_num_queries(4):
        response = client.get(page_url(claims[0]))
    assert response.status_code == 200


# --- citations, the publisher, and what consumers require --------------------------------------


def _cited_claim() -> Claim:
    from tests.factories import make_evidence

    claim = official_claim()
    ministry = make_source(name="Interior Ministry", kind="government_body")
    claim.claimant.parent = ministry
    claim.claimant.save()
    wire = make_source(name="Reuters", grade="A")
    make_evidence(
        claim=claim,
        report=make_report(
            publisher=wire, title="Reuters counts the dead", url="https://reuters.example/1"
        ),
        origin=wire,
        stance="supports",
    )
    make_evidence(
        claim=claim,
        report=make_report(publisher=ministry, title="Ministry repeats its figure"),
        origin=ministry,
        stance="supports",
    )
    make_evidence(
        claim=claim,
        report=make_report(title="Rejected by the desk", url="https://rejected.example/"),
        stance="contradicts",
        rejected=True,
    )
    return claim


def test_the_page_cites_the_evidence_weighed_and_marks_the_claimants_own_side(client, editor):
    claim = _cited_claim()
    publish(claim, editor)
    html = client.get(page_url(claim)).content.decode()
    cited = html[html.index("What we weighed") :]
    assert '<a href="https://reuters.example/1" rel="noopener noreferrer">Reuters counts' in cited
    own = cited[cited.index("Interior Ministry") :]
    assert own.index("the claimant's own side") < own.index("Ministry repeats its figure")
    assert "Rejected by the desk" not in html  # the desk's rejections are not cited
    assert EXPLANATION not in html  # the engine's explanation is never published


@pytest.mark.parametrize("with_identity", [False, True])
def test_every_claim_review_carries_what_fact_check_consumers_require(
    client, editor, settings, with_identity
):
    if with_identity:
        settings.PUBLISHER = {
            "name": "Desk Daily",
            "url": "https://desk.example/",
            "logo": "https://desk.example/logo.png",
            "language": "en",
        }
    claims = [_cited_claim(), make_claim(text="A claim nobody is named for")]
    for claim in claims:
        publish(claim, editor)
    feed = client.get(reverse("claim-review-feed")).json()
    reviews = [element["item"][0] for element in feed["dataFeedElement"]]
    pages = [claim_review(client.get(page_url(c)).content.decode()) for c in claims]
    assert len(reviews) == 2
    for review in [*reviews, *pages]:
        # What Google's ClaimReview guidelines and the aggregators' DataFeed readers require.
        assert review["@type"] == "ClaimReview"
        assert review["claimReviewed"].strip()
        assert review["url"].startswith("http")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", review["datePublished"])
        assert review["inLanguage"] == "en"
        author = review["author"]
        assert author["@type"] == "Organization" and author["name"]
        rating = review["reviewRating"]
        assert rating["@type"] == "Rating" and rating["alternateName"]
        if "ratingValue" in rating:
            assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert review["itemReviewed"]["@type"] == "Claim"
        if with_identity:
            assert author == {
                "@type": "Organization",
                "name": "Desk Daily",
                "url": "https://desk.example/",
                "logo": {"@type": "ImageObject", "url": "https://desk.example/logo.png"},
            }
    first = next(r for r in reviews if r["claimReviewed"] == claims[0].text)["itemReviewed"]
    assert first["author"] == {"@type": "Person", "name": "Saltanat Azirbek"}
    assert first["firstAppearance"]["url"] == "https://example.kz/almaty-police-statement"
    assert [a["url"] for a in first["appearance"]] == [
        "https://example.kz/almaty-police-statement",
        "https://reuters.example/1",
    ]
    name = "Desk Daily" if with_identity else "Factcheck workbench"
    assert f"by {name}" in client.get(page_url(claims[0])).content.decode().replace(
        '<a href="https://desk.example/" rel="noopener">Desk Daily</a>', "Desk Daily"
    )


def test_the_index_atom_feed_and_sitemap_list_the_latest_verdict_of_each_claim(
    client, editor, other_editor
):
    import xml.etree.ElementTree as ET

    first, second = official_claim(), make_claim(text="Troops entered the square")
    publish(first, editor)
    publish(second, editor, "False")
    publish(second, other_editor, "Mostly false")  # the later verdict stands
    draft = make_claim(text="An unpublished draft")
    Verdict.objects.create(
        claim=draft,
        rating=Rating.objects.get(label="False"),
        rationale="Draft.",
        editor=editor,
        status_at_review=draft.status,
    )

    index = client.get(reverse("published-index")).content.decode()
    assert index.index("Troops entered the square") < index.index("Dozens of assailants")
    assert "Mostly false" in index and ">False<" not in index
    assert "An unpublished draft" not in index

    atom = ET.fromstring(client.get(reverse("published-feed")).content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in atom.findall("a:entry", ns)]
    assert titles == [
        "Mostly false: Troops entered the square",
        "Mostly true: Dozens of assailants were eliminated",
    ]

    sitemap = client.get(reverse("sitemap")).content.decode()
    assert f"http://testserver{page_url(first)}" in sitemap
    assert f"http://testserver{page_url(second)}" in sitemap
    assert page_url(draft) not in sitemap


def test_the_index_says_so_when_nothing_is_published(client):
    response = client.get(reverse("published-index"))
    assert response.status_code == 200
    assert "No fact check has been published yet." in response.content.decode()
    assert client.get(reverse("claim-review-feed")).json()["dataFeedElement"] == []
