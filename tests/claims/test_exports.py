"""The claims list as CSV and JSON Lines: the list's filters, streamed, verdict columns,
formula cells escaped, and refusals."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.engine.vocabulary import Status
from claims.models import Rating
from claims.views.exports import COLUMNS, csv_cell
from tests.factories import make_claim, make_source, make_verdict, record_status_change
from tests.factories import streamed_csv_rows as csv_rows
from tests.factories import streamed_text as body

pytestmark = pytest.mark.django_db

CSV_URL = reverse("claim-export-csv")
JSONL_URL = reverse("claim-export-jsonl")


@pytest.fixture
def claims(other_editor):
    reuters = make_source(name="Reuters")
    disputed = make_claim(text="Five officers were detained", event="almaty", claimant=reuters)
    record_status_change(disputed, Status.DISPUTED, at=timezone.now(), credibility=4)
    plain = make_claim(text="The bridge opened in 2020", event="bridge")
    checked = make_claim(text="Unemployment fell to 3%", event="almaty")
    label = Rating.objects.order_by("pk").first().label
    make_verdict(checked, label, other_editor, rationale="The statistics office says 3.1%.")
    return {"disputed": disputed, "plain": plain, "checked": checked, "label": label}


def test_csv_has_every_claim_with_its_latest_verdict(client, fact_checker, claims):
    client.force_login(fact_checker)
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert list(rows[0]) == list(COLUMNS)
    by_id = {int(r["id"]): r for r in rows}
    assert set(by_id) == {c.pk for c in (claims["disputed"], claims["plain"], claims["checked"])}
    checked = by_id[claims["checked"].pk]
    assert checked["verdict_rating"] == claims["label"]
    assert checked["verdict_rationale"] == "The statistics office says 3.1%."
    assert checked["verdict_editor"] == "ed2"
    assert checked["verdict_published_at"]
    assert checked["url"] == f"http://testserver/claims/{claims['checked'].pk}/"
    assert by_id[claims["plain"].pk]["verdict_rating"] == ""
    assert by_id[claims["disputed"].pk]["claimant_name"] == "Reuters"


def test_exports_respect_the_lists_filters_and_order(client, fact_checker, claims):
    client.force_login(fact_checker)
    rows = csv_rows(client.get(CSV_URL, {"status": "disputed"}))
    assert [int(r["id"]) for r in rows] == [claims["disputed"].pk]
    rows = csv_rows(client.get(CSV_URL, {"event": "almaty", "sort": "created"}))
    assert [int(r["id"]) for r in rows] == [claims["checked"].pk, claims["disputed"].pk]
    lines = body(client.get(JSONL_URL, {"q": "bridge"})).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [claims["plain"].pk]
    # An invalid filter is left out, as the list leaves it out.
    assert len(csv_rows(client.get(CSV_URL, {"credibility": "99"}))) == 3


def test_json_lines_one_object_per_claim(client, fact_checker, claims):
    client.force_login(fact_checker)
    response = client.get(JSONL_URL)
    assert response["Content-Type"].startswith("application/x-ndjson")
    objects = [json.loads(line) for line in body(response).splitlines()]
    assert len(objects) == 3
    first = next(o for o in objects if o["id"] == claims["checked"].pk)
    assert set(first) == set(COLUMNS)
    assert first["verdict_rating"] == claims["label"]
    assert first["status_changed_at"].endswith("+00:00")


def test_the_export_streams_in_chunks(client, fact_checker, monkeypatch):
    from claims.selectors import exports

    monkeypatch.setattr(exports, "CHUNK", 2)
    for n in range(7):
        make_claim(text=f"Claim {n}")
    client.force_login(fact_checker)
    response = client.get(CSV_URL)
    assert response.streaming  # nothing is built in memory before the first byte goes out
    assert len(csv_rows(response)) == 7


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_cells_are_escaped(start):
    assert csv_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"
    assert csv_cell("plain") == "plain"
    assert csv_cell(-3) == "-3"  # numbers stay numbers
    assert csv_cell(None) == ""


def test_a_formula_in_a_claim_is_exported_as_text(client, fact_checker):
    make_claim(text='=HYPERLINK("http://evil.example","click")', quote="@SUM(A1:A9)")
    client.force_login(fact_checker)
    row = csv_rows(client.get(CSV_URL))[0]
    assert row["text"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["quote"] == "'@SUM(A1:A9)"
    # JSON Lines carries the text as it is: it is data, not a spreadsheet.
    line = json.loads(body(client.get(JSONL_URL)).splitlines()[0])
    assert line["text"].startswith("=HYPERLINK")


def test_list_page_links_carry_the_current_filters(client, fact_checker, claims):
    client.force_login(fact_checker)
    html = client.get(reverse("claim-list"), {"status": "disputed", "event": "almaty"}).content
    text = html.decode()
    assert f'href="{CSV_URL}?status=disputed&amp;event=almaty"' in text
    assert f'href="{JSONL_URL}?status=disputed&amp;event=almaty"' in text
    assert ">Export CSV<" in text and ">Export JSON Lines<" in text


def test_refused_to_those_who_may_not_see_the_list(client, no_role_user):
    assert client.get(CSV_URL).status_code == 302  # to sign in
    client.force_login(no_role_user)
    assert client.get(CSV_URL).status_code == 403
    assert client.get(JSONL_URL).status_code == 403
