"""New from article: the proposals of an article, chosen and edited, logged in one step with
the article as their first report; nothing stored before that step or on a refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from claims.models import Attribution, Claim
from sources.models import Report, Source
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.django_db

URL = reverse("claim-from-article")
ARTICLE = (REPO_ROOT / "claims/demo/extraction/dravik-floods.txt").read_text(encoding="utf-8")
FIELDS = {
    "title": "Hundreds evacuated as river bursts its banks in Dravik",
    "publisher": "Meridian Press Agency",
    "url": "https://meridian.example/dravik-floods",
    "published_at": "2024-05-14 09:00",
    "country": "",
    "body": ARTICLE,
}


def _rows(response: Any) -> list[dict[str, Any]]:
    formset = response.context["formset"]
    return [form.initial for form in formset.forms]


def _create_data(rows: list[dict[str, Any]], picked: set[int], **edits: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        **FIELDS,
        "create": "1",
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
    }
    for i, row in enumerate(rows):
        for name, value in row.items():
            if name == "pick":
                continue
            data[f"form-{i}-{name}"] = value
        if i in picked:
            data[f"form-{i}-pick"] = "on"
    for key, value in edits.items():
        data[key] = value
    return data


@pytest.fixture
def desk(client: Any, fact_checker: Any) -> Any:
    client.force_login(fact_checker)
    return client


def test_the_article_is_read_and_its_claims_proposed_without_storing_anything(desk: Any) -> None:
    before = (Report.objects.count(), Claim.objects.count(), Source.objects.count())
    response = desk.post(URL, {**FIELDS, "propose": "1"})
    assert response.status_code == 200
    rows = _rows(response)
    assert len(rows) >= 5
    html = response.content.decode()
    assert "Marta Kovac" in html and "Log the chosen claims" in html
    first = next(r for r in rows if r["claimant"] == "Marta Kovac")
    assert first["kind"] == "quote" and first["pick"] is True
    assert "state television" in first["relays"]
    assert json.loads(first["quantities"])[0]["what"] == "metres"
    assert (Report.objects.count(), Claim.objects.count(), Source.objects.count()) == before


def test_the_chosen_claims_are_logged_with_their_chains_and_the_article_as_first_report(
    desk: Any, fact_checker: Any
) -> None:
    rows = _rows(desk.post(URL, {**FIELDS, "propose": "1"}))
    toll = next(i for i, r in enumerate(rows) if "At least 14 people" in r["statement"])
    quote = next(i for i, r in enumerate(rows) if r["claimant"] == "Marta Kovac")
    response = desk.post(
        URL,
        _create_data(
            rows, {toll, quote}, **{f"form-{toll}-statement": "At least 14 people died in Dravik."}
        ),
    )
    assert response.status_code == 200
    assert "Claims logged" in response.content.decode()
    report = Report.objects.get()
    assert report.publisher.name == "Meridian Press Agency"
    claims = Claim.objects.order_by("pk")
    assert len(claims) == 2
    assert claims.filter(text="At least 14 people died in Dravik.").exists()  # as edited
    for claim in claims:
        assert claim.first_report == report and claim.created_by == fact_checker
        chain = [
            a.source.name for a in Attribution.objects.filter(claim=claim).order_by("position")
        ]
        assert chain[-1] == "Meridian Press Agency" and len(chain) >= 2
    said = claims.get(claimant__name="Marta Kovac")
    assert said.kind == "quote" and said.quote.startswith("The water rose")
    assert "almost three" in {q.words for q in said.quantities.all()}
    # A claimant the desk did not know is a new source nobody has graded yet.
    assert Source.objects.get(name="Marta Kovac").grade == "F"


def test_logging_nothing_is_refused_and_stores_nothing(desk: Any) -> None:
    rows = _rows(desk.post(URL, {**FIELDS, "propose": "1"}))
    response = desk.post(URL, _create_data(rows, set()))
    assert response.status_code == 400
    assert "Choose at least one claim to log." in response.content.decode()
    assert not Report.objects.exists() and not Claim.objects.exists()


def test_a_garbled_row_is_refused_and_stores_nothing(desk: Any) -> None:
    rows = _rows(desk.post(URL, {**FIELDS, "propose": "1"}))
    response = desk.post(URL, _create_data(rows, {0}, **{"form-0-quantities": "{not json"}))
    assert response.status_code == 400
    assert "The figures were garbled" in response.content.decode()
    assert not Report.objects.exists() and not Claim.objects.exists()


def test_a_bad_article_gets_form_errors(desk: Any) -> None:
    response = desk.post(URL, {**FIELDS, "body": "too short", "country": "KAZ", "propose": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "at least 20 characters" in html and "Two letters" in html


def test_a_user_in_no_desk_role_is_refused(client: Any, no_role_user: Any) -> None:
    client.force_login(no_role_user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {**FIELDS, "propose": "1"}).status_code == 403


def test_a_signed_out_visitor_is_sent_to_sign_in(client: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_given_only_a_url_the_page_is_read_and_its_claims_proposed(
    desk: Any, settings: Any
) -> None:
    from tests.local_http import Answer, local_server

    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n")[2:])
    html = (
        "<!doctype html><html><head><title>Floods in Dravik | Meridian</title>"
        '<meta property="og:title" content="Floods in Dravik"></head><body>'
        f"<article><h1>Floods in Dravik</h1>{paragraphs}</article></body></html>"
    ).encode()
    with local_server() as server:
        server.routes["/dravik"] = Answer(200, html, {"Content-Type": "text/html; charset=utf-8"})
        response = desk.post(
            URL,
            {"url": server.url("/dravik"), "publisher": "Meridian Press Agency", "propose": "1"},
        )
    assert response.status_code == 200, response.content[:500]
    form = response.context["form"]
    assert form.cleaned_data["title"] == "Floods in Dravik"
    assert "Marta Kovac" in form.cleaned_data["body"]
    assert any(r["claimant"] == "Marta Kovac" for r in _rows(response))
    assert not Report.objects.exists()  # read, not stored


def test_a_page_that_cannot_be_read_is_refused_on_the_url_field(desk: Any, settings: Any) -> None:
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = False
    response = desk.post(
        URL, {"url": "http://127.0.0.1:9/article", "publisher": "Meridian", "propose": "1"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Could not read the page" in html and "Paste its text instead" in html
    assert not Report.objects.exists()


def test_neither_text_nor_url_is_refused(desk: Any) -> None:
    response = desk.post(URL, {"title": "Something", "propose": "1"})
    assert response.status_code == 400
    assert "Paste the article&#x27;s text or give its URL." in response.content.decode()
