"""POST /api/extract/: an article's proposed claims, matched to existing sources, with nothing
stored; fact-checkers and up only."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from claims.api.serializers import EXTRACT_MAX_CHARACTERS
from claims.models import Claim
from sources.models import Report, Source
from tests.factories import make_source, token_client

pytestmark = pytest.mark.django_db

ARTICLE = (
    "Police spokesman Ivan Orlov told AFP that 30 protesters were detained overnight.\n\n"
    "Britain said protests should be peaceful.\n"
)


def extract(client: APIClient, payload: object) -> object:
    return client.post("/api/extract/", payload, format="json")


@pytest.mark.parametrize("role", ["fact_checker", "editor", "admin_user"])
def test_the_desk_roles_get_the_proposals_and_nothing_is_stored(role, request):
    afp = make_source(name="AFP")
    counts = (Claim.objects.count(), Report.objects.count(), Source.objects.count())
    response = extract(token_client(request.getfixturevalue(role)), {"text": ARTICLE})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 1  # the "should" is opinion, below the bar
    (proposal,) = body["proposals"]
    assert proposal["statement"] == "30 protesters were detained overnight"
    assert proposal["claimant"]["name"] == "Ivan Orlov"
    assert proposal["claimant"]["source"] is None
    assert proposal["relays"] == ["AFP"]
    assert proposal["relay_sources"] == [{"id": afp.pk, "name": "AFP"}]
    assert proposal["span"] == {
        "start": ARTICLE.index("30 protesters"),
        "end": ARTICLE.index(" overnight.") + len(" overnight"),
    }
    assert (Claim.objects.count(), Report.objects.count(), Source.objects.count()) == counts


def test_anonymous_is_refused():
    response = extract(APIClient(), {"text": ARTICLE})
    assert response.status_code in (401, 403)


def test_a_user_without_a_desk_role_is_refused(no_role_user):
    response = extract(token_client(no_role_user), {"text": ARTICLE})
    assert response.status_code == 403
    assert response.json()["detail"] == "Your account may not propose claims."


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"text": 5},
        {"text": "   too short   "},
        {"text": "x" * (EXTRACT_MAX_CHARACTERS + 1)},
        {"text": ARTICLE, "publisher": ["The National"]},
        {"text": ARTICLE, "country": "KAZ"},
    ],
    ids=["missing", "not-a-string", "too-short", "too-long", "bad-publisher", "bad-country"],
)
def test_bad_input_is_a_400_naming_the_field(fact_checker, payload):
    response = extract(token_client(fact_checker), payload)
    assert response.status_code == 400
    field = next((f for f in ("publisher", "country") if f in payload), "text")
    assert list(response.json()) == [field]


def test_an_unreadable_body_is_a_400(fact_checker):
    client = token_client(fact_checker)
    response = client.post("/api/extract/", "{not json", content_type="application/json")
    assert response.status_code == 400
