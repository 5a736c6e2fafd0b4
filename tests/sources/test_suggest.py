"""Suggestions under the desk's source boxes: sources.selectors.source_suggest (names, aliases,
domains, best first, bounded), source_resolution (what saving the text gives, read-only) and
the endpoint the boxes call (claims.views.sources.source_suggest_options)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sources.models import Source, SourceAlias, SourceDomain
from sources.selectors import SUGGEST_LIMIT, source_resolution, source_suggest
from tests.factories import make_source

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def known():
    reuters = make_source(name="Reuters", grade="A")
    SourceAlias.objects.create(source=reuters, name="Thomson Reuters")
    SourceDomain.objects.create(source=reuters, domain="reuters.com")
    tass = make_source(name="TASS", grade="D")
    SourceAlias.objects.create(source=tass, name="Russian News Agency TASS")
    police = make_source(name="Almaty police", grade="C", country="KZ")
    return {"reuters": reuters, "tass": tass, "police": police}


def test_names_aliases_and_domains_match_with_names_first(known):
    assert [(m.source.name, m.via) for m in source_suggest(text="reut")] == [("Reuters", "")]
    by_alias = source_suggest(text="thomson")
    assert [(m.source.name, m.via, m.matched) for m in by_alias] == [
        ("Reuters", "alias", "Thomson Reuters")
    ]
    assert [(m.source.name, m.via) for m in source_suggest(text="reuters.c")] == [
        ("Reuters", "domain")
    ]
    # "news agency" is inside an alias of TASS only.
    assert [m.source.name for m in source_suggest(text="NEWS AGENCY")] == ["TASS"]


def test_a_match_at_the_start_comes_before_one_inside():
    make_source(name="Police of Almaty")
    make_source(name="Almaty police")
    assert [m.source.name for m in source_suggest(text="almaty")] == [
        "Almaty police",
        "Police of Almaty",
    ]


def test_results_are_bounded():
    Source.objects.bulk_create(Source(name=f"Outlet {i:02}") for i in range(30))
    assert len(source_suggest(text="outlet")) == SUGGEST_LIMIT
    assert len(source_suggest(text="outlet", limit=3)) == 3


@pytest.mark.parametrize("text", ["", "   ", "\x00", "x" * 5000])
def test_empty_and_odd_text_finds_nothing(known, text):
    assert source_suggest(text=text) == []
    assert source_resolution(label=text).source is None


def test_resolution_says_how_the_text_names_a_source(known):
    assert source_resolution(label="reuters").how == "name"
    resolved = source_resolution(label="thomson reuters")
    assert (resolved.source, resolved.how) == (known["reuters"], "alias “Thomson Reuters”")
    assert source_resolution(label="The Reuters").how == "normalised name"
    assert source_resolution(label="www.reuters.com").how == "domain"
    assert source_resolution(label="Nobody Knows Agency").source is None


def test_resolution_creates_nothing(known):
    before = Source.objects.count()
    source_resolution(label="Almaty police spokesman")
    source_suggest(text="Almaty police spokesman")
    assert Source.objects.count() == before


# --- the endpoint --------------------------------------------------------------------------


def _get(client, **params):
    params.setdefault("for", "id_claimant")
    return client.get(reverse("source-suggest"), params, **HTMX)


def test_the_endpoint_lists_matches_with_grades_and_what_saving_gives(client, fact_checker, known):
    client.force_login(fact_checker)
    response = _get(client, q="thomson")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="listbox" id="id_claimant-listbox"' in body
    assert 'data-value="Reuters"' in body and "grade-A" in body and "alias Thomson Reuters" in body
    # Part of an alias names no source yet: the line says so, and points at the match.
    assert "No existing source is called “thomson”.</span> Pick a match above" in body
    body = _get(client, q="Thomson reuters").content.decode()
    assert "is <strong>Reuters</strong> (by its alias “Thomson Reuters”)" in body
    assert "A — completely reliable" in body
    assert 'id="id_claimant-status" hx-swap-oob="innerHTML"' in body


def test_the_endpoint_says_a_new_source_will_be_created(client, fact_checker, known):
    client.force_login(fact_checker)
    body = _get(client, q="Zhanaozen akimat").content.decode()
    assert "No existing source is called “Zhanaozen akimat”" in body
    assert "create new source" in body and "listbox" not in body
    assert not Source.objects.filter(name="Zhanaozen akimat").exists()


def test_a_picked_source_gets_the_line_alone(client, fact_checker, known):
    client.force_login(fact_checker)
    body = _get(client, q="Reuters", picked="1").content.decode()
    assert "listbox" not in body and "Known source: <strong>Reuters</strong>" in body


@pytest.mark.parametrize(
    "params",
    [{"q": "a\x00b"}, {"q": "x" * 201}, {"q": "reu", "for": ""}, {"q": "reu", "for": '"><b'}],
)
def test_bad_input_is_a_400(client, fact_checker, known, params):
    client.force_login(fact_checker)
    assert _get(client, **params).status_code == 400


def test_empty_text_is_an_empty_answer(client, fact_checker, known):
    client.force_login(fact_checker)
    response = _get(client, q="")
    assert response.status_code == 200 and "option" not in response.content.decode()


def test_anonymous_and_roleless_users_are_refused(client, no_role_user, known):
    response = _get(client, q="reu")
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(no_role_user)
    assert _get(client, q="reu").status_code == 403


def test_the_claim_form_and_the_chain_editor_offer_suggestions(client, fact_checker):
    client.force_login(fact_checker)
    body = client.get(reverse("claim-new")).content.decode()
    assert 'id="id_claimant"' in body and 'role="combobox"' in body
    assert 'hx-get="/sources/suggest/?for=id_claimant"' in body
    assert 'hx-get="/sources/suggest/?for=id_hops-0-source"' in body
    assert 'id="id_claimant-status"' in body and "claims/source_suggest.js" in body
