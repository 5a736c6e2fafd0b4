"""Every published verdict as CSV and JSON Lines: one row per verdict (drafts never), the claims
list's filters, a range of publication days, the verdict its public page shows marked current,
formula cells escaped, streamed, and refused to those who may not read claims and verdicts."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from claims.engine.vocabulary import Status
from claims.models import Rating, Verdict
from claims.views.exports import VERDICT_COLUMNS
from tests.factories import make_claim, make_source, make_verdict
from tests.factories import streamed_csv_rows as csv_rows
from tests.factories import streamed_text as body

pytestmark = pytest.mark.django_db

CSV_URL = reverse("verdict-export-csv")
JSONL_URL = reverse("verdict-export-jsonl")


def published(verdict: Verdict, at: datetime) -> Verdict:
    Verdict.objects.filter(pk=verdict.pk).update(published_at=at)
    verdict.refresh_from_db()
    return verdict


@pytest.fixture
def verdicts(other_editor):
    other_editor.first_name, other_editor.last_name = "Aigerim", "Sadykova"
    other_editor.save()
    labels = list(Rating.objects.order_by("position").values_list("label", flat=True))
    reuters = make_source(name="Reuters")
    detained = make_claim(
        text="Five officers were detained",
        event="almaty",
        claimant=reuters,
        status=Status.DISPUTED.value,
    )
    bridge = make_claim(text="The bridge opened in 2020", event="bridge")
    unchecked = make_claim(text="Nobody has looked at this one", event="almaty")
    first = published(
        make_verdict(detained, labels[0], other_editor, rationale="At first: none detained."),
        datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
    )
    # A second look at the same claim supersedes the first on its public page.
    second = published(
        make_verdict(detained, labels[1], other_editor, rationale="Two were, says the court."),
        datetime(2024, 3, 5, 23, 30, tzinfo=UTC),
    )
    bridge_verdict = published(
        make_verdict(bridge, labels[2], other_editor, rationale="It opened in 2021."),
        datetime(2024, 3, 3, 12, 0, tzinfo=UTC),
    )
    draft = make_verdict(bridge, labels[0], other_editor, rationale="Not published yet.")
    Verdict.objects.filter(pk=draft.pk).update(published_at=None)
    return {
        "detained": detained,
        "bridge": bridge,
        "unchecked": unchecked,
        "first": first,
        "second": second,
        "bridge_verdict": bridge_verdict,
        "draft": draft,
    }


def test_csv_has_one_row_per_published_verdict_newest_first(client, fact_checker, verdicts):
    client.force_login(fact_checker)
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="verdicts-' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert list(rows[0]) == list(VERDICT_COLUMNS)
    assert [int(r["id"]) for r in rows] == [
        verdicts["second"].pk,
        verdicts["bridge_verdict"].pk,
        verdicts["first"].pk,
    ]  # the draft is no published verdict
    second = rows[0]
    claim = verdicts["detained"]
    assert int(second["claim_id"]) == claim.pk
    assert second["claim_text"] == "Five officers were detained"
    assert second["claimant"] == "Reuters"
    assert second["event"] == "almaty"
    assert second["rating"] == verdicts["second"].rating.label
    assert second["rating_value"] == str(verdicts["second"].rating.rating_value or "")
    assert second["rationale"] == "Two were, says the court."
    assert (second["editor"], second["editor_name"]) == ("ed2", "Aigerim Sadykova")
    assert second["published_at"] == "2024-03-05T23:30:00+00:00"
    assert second["created_at"]
    assert second["public_url"] == f"http://testserver/published/{claim.pk}/"
    assert second["claim_url"] == f"http://testserver/claims/{claim.pk}/"
    # The public page shows the second verdict; the first stays in the record, superseded.
    assert [r["current"] for r in rows] == ["True", "True", "False"]


def test_json_lines_one_object_per_published_verdict(client, fact_checker, verdicts):
    client.force_login(fact_checker)
    response = client.get(JSONL_URL)
    assert response["Content-Type"].startswith("application/x-ndjson")
    objects = [json.loads(line) for line in body(response).splitlines()]
    assert len(objects) == 3
    assert all(list(o) == list(VERDICT_COLUMNS) for o in objects)
    first = next(o for o in objects if o["id"] == verdicts["first"].pk)
    assert first["current"] is False
    assert first["claim_id"] == verdicts["detained"].pk
    assert first["published_at"] == "2024-03-01T09:00:00+00:00"
    assert isinstance(first["rating_value"], int | None)


def test_the_claims_lists_filters_pick_the_claims(client, fact_checker, verdicts):
    client.force_login(fact_checker)
    ids = lambda response: [int(r["id"]) for r in csv_rows(response)]  # noqa: E731
    assert ids(client.get(CSV_URL, {"status": "disputed"})) == [
        verdicts["second"].pk,
        verdicts["first"].pk,
    ]
    assert ids(client.get(CSV_URL, {"event": "bridge"})) == [verdicts["bridge_verdict"].pk]
    lines = body(client.get(JSONL_URL, {"q": "bridge"})).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [verdicts["bridge_verdict"].pk]
    assert ids(client.get(CSV_URL, {"claimant": verdicts["detained"].claimant_id})) == [
        verdicts["second"].pk,
        verdicts["first"].pk,
    ]
    # A claim with no published verdict gives no row, even when the filters pick it alone.
    assert ids(client.get(CSV_URL, {"q": "Nobody"})) == []
    # An invalid list filter is left out, as the list leaves it out.
    assert len(ids(client.get(CSV_URL, {"credibility": "99"}))) == 3


def test_a_range_of_publication_days_both_ends_included(client, fact_checker, verdicts):
    client.force_login(fact_checker)
    ids = lambda query: [int(r["id"]) for r in csv_rows(client.get(CSV_URL, query))]  # noqa: E731
    assert ids({"published_from": "2024-03-03"}) == [
        verdicts["second"].pk,
        verdicts["bridge_verdict"].pk,
    ]
    # The last day counts whole: 23:30 on the 5th is in a range ending on the 5th.
    assert ids({"published_to": "2024-03-05"}) == [
        verdicts["second"].pk,
        verdicts["bridge_verdict"].pk,
        verdicts["first"].pk,
    ]
    assert ids({"published_from": "2024-03-02", "published_to": "2024-03-04"}) == [
        verdicts["bridge_verdict"].pk
    ]
    assert ids({"published_from": "2024-03-01", "published_to": "2024-03-01"}) == [
        verdicts["first"].pk
    ]
    assert ids({"published_from": "2024-03-03", "event": "almaty"}) == [verdicts["second"].pk]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"published_from": "2024-13-01"}, "published_from: Enter a date as YYYY-MM-DD."),
        ({"published_to": "yesterday"}, "published_to: Enter a date as YYYY-MM-DD."),
        ({"published_from": "2024-03-05", "published_to": "2024-03-01"}, "comes after the last"),
    ],
)
@pytest.mark.parametrize("url", [CSV_URL, JSONL_URL])
def test_a_bad_range_is_refused_not_widened(client, fact_checker, verdicts, url, query, message):
    client.force_login(fact_checker)
    response = client.get(url, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_formula_in_a_rationale_or_claim_is_exported_as_text(client, fact_checker, editor):
    claim = make_claim(text='=HYPERLINK("http://evil.example","click")')
    label = Rating.objects.order_by("pk").first().label
    make_verdict(claim, label, editor, rationale="@SUM(A1:A9) is what they wrote")
    client.force_login(fact_checker)
    row = csv_rows(client.get(CSV_URL))[0]
    assert row["claim_text"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["rationale"] == "'@SUM(A1:A9) is what they wrote"
    # JSON Lines carries the text as it is: it is data, not a spreadsheet.
    line = json.loads(body(client.get(JSONL_URL)).splitlines()[0])
    assert line["rationale"].startswith("@SUM")


def test_the_export_streams_in_chunks(client, fact_checker, editor, monkeypatch):
    from claims.selectors import exports

    monkeypatch.setattr(exports, "CHUNK", 2)
    label = Rating.objects.order_by("pk").first().label
    for n in range(7):
        make_verdict(make_claim(text=f"Claim {n}"), label, editor)
    client.force_login(fact_checker)
    response = client.get(CSV_URL)
    assert response.streaming  # nothing is built in memory before the first byte goes out
    assert len(csv_rows(response)) == 7


def test_the_list_offers_the_export_with_its_filters(client, fact_checker, verdicts):
    client.force_login(fact_checker)
    text = client.get(reverse("claim-list"), {"status": "disputed", "page": "1"}).content.decode()
    assert f'action="{CSV_URL}"' in text
    assert f'formaction="{JSONL_URL}"' in text
    assert '<input type="hidden" name="status" value="disputed">' in text
    assert 'name="page"' not in text.split('class="exports verdict-export"')[1].split("</form>")[0]
    assert 'name="published_from"' in text and 'name="published_to"' in text


def test_refused_to_those_who_may_not_read_claims_and_verdicts(client, no_role_user):
    assert client.get(CSV_URL).status_code == 302  # to sign in
    assert client.get(JSONL_URL).status_code == 302
    client.force_login(no_role_user)
    assert client.get(CSV_URL).status_code == 403
    assert client.get(JSONL_URL).status_code == 403


def test_reading_claims_alone_is_not_enough(client, roles):
    # The claims export needs only the claims; this one reads verdicts too (claims.permissions).
    reader = User.objects.create_user(username="claims-only", password="pw")
    reader.user_permissions.add(Permission.objects.get(codename="view_claim"))
    client.force_login(reader)
    assert client.get(reverse("claim-export-csv")).status_code == 200
    assert client.get(CSV_URL).status_code == 403
    assert client.get(JSONL_URL).status_code == 403
