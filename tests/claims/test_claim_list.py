from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from claims.engine.vocabulary import Status
from claims.models import Attribution, Claim
from claims.selectors.claim_list import ClaimFilters, claims_filtered
from sources.models import Source
from tests.conftest import demo_claim
from tests.factories import make_claim, make_evidence, make_source, record_status_change

pytestmark = pytest.mark.django_db

ASSAILANTS = "Dozens of assailants were eliminated"
DETAINED = "About 2,000 people were detained in Almaty"
TOLL = "the official death toll stood at 13 security officers"
LIST = "/claims/"




def listed(response) -> list[int]:
    return [row.claim.pk for row in response.context["rows"]]


def quotes(response) -> set[str]:
    return {row.claim.quote for row in response.context["rows"]}


@pytest.fixture
def signed_in(client, fact_checker):
    client.force_login(fact_checker)
    return client


# --- access ------------------------------------------------------------------------------


def test_url_names():
    assert reverse("claim-list") == LIST
    assert reverse("claim-list-changes") == "/claims/changes/"


@pytest.mark.parametrize("role", ["fact_checker", "editor", "admin_user"])
def test_every_role_sees_the_list(client, request, role, demo_story):
    client.force_login(request.getfixturevalue(role))
    response = client.get(LIST)
    assert response.status_code == 200
    assert len(listed(response)) == Claim.objects.count()
    assert response.content.decode().count("<h1>") == 1


def test_signed_out_visitor_is_sent_to_sign_in(client, roles):
    for url in (LIST, reverse("claim-list-changes") + "?ids=1&v=2022-01-01T00:00:00Z"):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_user_without_view_claim_is_refused(client, no_role_user):
    client.force_login(no_role_user)
    assert client.get(LIST).status_code == 403
    changes = reverse("claim-list-changes") + "?ids=1&v=2022-01-01T00:00:00Z"
    assert client.get(changes).status_code == 403


# --- search and filters ----------------------------------------------------------------------


def test_search_finds_assailants(signed_in, demo_story):
    response = signed_in.get(LIST, {"q": "assailants"})
    assert quotes(response) == {ASSAILANTS}
    html = response.content.decode()
    assert f'href="{demo_claim(ASSAILANTS).get_absolute_url()}"' in html
    assert 'class="st st-unverified">Unverified</span>' in html
    assert '<span class="cred">cred 6</span>' in html


def test_search_matches_the_quote_and_the_claimant_name(signed_in, demo_story):
    # "eliminated" is only in the quote; "Tokayev" only in the claimant's name.
    assert quotes(signed_in.get(LIST, {"q": "eliminated"})) == {ASSAILANTS}
    tokayev = Source.objects.get(name="Kassym-Jomart Tokayev")
    by_name = signed_in.get(LIST, {"q": "Tokayev"})
    assert set(listed(by_name)) == set(
        Claim.objects.filter(claimant=tokayev).values_list("pk", flat=True)
    )
    assert listed(signed_in.get(LIST, {"q": "zeppelin"})) == []


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_index(demo_story):
    if connection.vendor != "postgresql":
        pytest.skip("the full-text index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'claim_search_idx'")
        assert "gin" in cursor.fetchone()[0].lower()
        qs = claims_filtered(ClaimFilters(q="assailants"))
        sql, params = qs.query.sql_with_params()
        # On the demo's few rows any plan is cheap, and with only sequential scans off the
        # planner may walk another index end to end and filter. With plain index scans off too,
        # the one way left to the matching rows is a bitmap scan on an index the search
        # condition can use: the question is whether the GIN index is one.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "claim_search_idx" in plan, plan


def test_each_filter_narrows(signed_in, fact_checker, demo_story):
    assailants, detained, toll = demo_claim(ASSAILANTS), demo_claim(DETAINED), demo_claim(TOLL)
    everything = set(Claim.objects.values_list("pk", flat=True))
    record_status_change(assailants, Status.DISPUTED, at=timezone.now(), credibility=4)
    record_status_change(detained, Status.CORROBORATED, at=timezone.now(), credibility=2)
    other = make_claim(event="other-story")
    Claim.objects.filter(pk=toll.pk).update(assignee=fact_checker)
    two_days_ago = timezone.now() - timedelta(days=2)
    Claim.objects.exclude(pk__in=[assailants.pk, detained.pk]).update(
        status_changed_at=two_days_ago
    )
    tass = Source.objects.get(name="Tass")
    ministry = Source.objects.get(name="Interior Ministry of Kazakhstan")

    def ids(**params) -> set[int]:
        response = signed_in.get(LIST, params)
        assert response.status_code == 200 and not response.context["form"].errors
        return set(listed(response))

    assert ids() == everything | {other.pk}
    assert ids(status="disputed") == {assailants.pk}
    assert ids(credibility="2") == {detained.pk}
    assert ids(claimant=str(ministry.pk)) == {detained.pk}
    # Tass relays the ministry's claim: it is a middle hop, never the claimant.
    assert ids(source=str(tass.pk)) == {detained.pk}
    assert ids(source=str(ministry.pk)) == {detained.pk}
    assert ids(event="other-story") == {other.pk}
    assert ids(event="almaty-2022-01") == everything
    assert ids(mine="on") == {toll.pk}
    assert ids(since=timezone.localdate().isoformat()) == {assailants.pk, detained.pk}
    assert ids(status="unverified", event="almaty-2022-01", mine="on") == {toll.pk}


def test_filter_selects_offer_claimants_sources_and_events(signed_in, demo_story):
    form = signed_in.get(LIST).context["form"]
    claimants = dict(form.fields["claimant"].widget.choices)
    assert "Interior Ministry of Kazakhstan" in claimants.values()
    assert "Tass" not in claimants.values()  # a relay, not a claimant
    assert "Tass" in dict(form.fields["source"].widget.choices).values()
    assert "almaty-2022-01" in dict(form.fields["event"].widget.choices)


def test_an_invalid_filter_is_reported_and_left_out(signed_in, demo_story):
    response = signed_in.get(LIST, {"since": "yesterday", "claimant": "abc", "status": "disputed"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Changed since: Enter a date as YYYY-MM-DD." in html
    assert "Claimant: Enter a whole number." in html
    assert listed(response) == []  # the valid status filter still applies (nothing disputed)


def test_sorting(signed_in, roles):
    a, b, c = make_claim(text="alpha"), make_claim(text="bravo"), make_claim(text="charlie")
    now = timezone.now()
    record_status_change(a, Status.CORROBORATED, at=now - timedelta(hours=1), credibility=1)
    record_status_change(b, Status.REFUTED, at=now - timedelta(hours=3), credibility=5)
    record_status_change(c, Status.DISPUTED, at=now - timedelta(hours=2), credibility=4)

    assert listed(signed_in.get(LIST)) == [a.pk, c.pk, b.pk]  # recently changed by default
    assert listed(signed_in.get(LIST, {"sort": "recent"})) == [a.pk, c.pk, b.pk]
    assert listed(signed_in.get(LIST, {"sort": "oldest"})) == [b.pk, c.pk, a.pk]
    assert listed(signed_in.get(LIST, {"sort": "credibility"})) == [a.pk, c.pk, b.pk]
    assert listed(signed_in.get(LIST, {"sort": "credibility_desc"})) == [b.pk, c.pk, a.pk]
    assert listed(signed_in.get(LIST, {"sort": "created"})) == [c.pk, b.pk, a.pk]


def test_pagination_keeps_filters(signed_in, roles):
    for i in range(120):
        make_claim(text=f"Troop count {i}", event="convoy")
    make_claim(text="Unrelated", event="weather")

    first = signed_in.get(LIST, {"event": "convoy", "sort": "created"})
    assert len(listed(first)) == 50
    html = first.content.decode()
    assert "Showing 1\u201350 of 120 claims" in html
    assert "Page 1 of 3" in html
    links = {
        href
        for href in re.findall(r'href="(\?[^"]+)"', html.replace("&amp;", "&"))
        if "page=" in href
    }
    assert links, html
    for href in links:
        params = parse_qs(urlsplit(href).query)
        assert params["event"] == ["convoy"] and params["sort"] == ["created"]
    assert any(parse_qs(urlsplit(h).query)["page"] == ["3"] for h in links)

    last = signed_in.get(LIST, {"event": "convoy", "sort": "created", "page": "3"})
    assert len(listed(last)) == 20
    assert "Showing 101\u2013120 of 120 claims" in last.content.decode()
    assert Claim.objects.get(pk=listed(last)[-1]).text == "Troop count 0"


def test_htmx_request_returns_only_the_results(signed_in, demo_story):
    response = signed_in.get(LIST, {"q": "assailants"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="claim-results"')
    # No filter form and no page around the results (the verdicts export's form is a result).
    assert 'class="filters' not in html and "<h1>" not in html and "<html" not in html
    assert quotes(response) == {ASSAILANTS}
    assert "HX-Request" in response["Vary"]
    # A history restore gets the whole page back.
    full = signed_in.get(
        LIST, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    ).content.decode()
    assert "<form" in full and "<h1>Claims</h1>" in full


def test_the_form_swaps_the_results_and_still_works_without_js(signed_in, demo_story):
    html = signed_in.get(LIST).content.decode()
    form = re.search(r"<form[^>]*role=\"search\"[^>]*>", html, re.S).group(0)
    assert 'method="get"' in form and f'action="{LIST}"' in form
    assert f'hx-get="{LIST}"' in form
    assert 'hx-target="#claim-results"' in form and 'hx-push-url="true"' in form
    for name in (
        "q",
        "status",
        "credibility",
        "claimant",
        "source",
        "event",
        "mine",
        "since",
        "sort",
    ):
        assert re.search(rf'<label for="id_{name}"', html), name


def test_user_text_is_escaped(signed_in, roles):
    make_claim(text="<script>alert(1)</script>", quote="<b>bold</b>")
    html = signed_in.get(LIST).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>bold</b>" not in html


# --- live updates ------------------------------------------------------------------------


def poll_url(response) -> str:
    html = response.content.decode()
    match = re.search(r'id="claim-list-poll" hx-get="([^"]+)" hx-trigger="every 3s"', html)
    assert match, html
    return match.group(1).replace("&amp;", "&")


def test_live_changes_204_when_nothing_changed(signed_in, demo_story):
    url = poll_url(signed_in.get(LIST))
    response = signed_in.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response.content == b""


def test_live_changes_send_an_updated_row_out_of_band(signed_in, demo_story):
    assailants = demo_claim(ASSAILANTS)
    url = poll_url(signed_in.get(LIST))
    ids = parse_qs(urlsplit(url).query)["ids"][0].split(",")
    assert str(assailants.pk) in ids

    record_status_change(assailants, Status.CORROBORATED, at=timezone.now(), credibility=2)
    response = signed_in.get(url, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(rf'<tr id="claim-row-{assailants.pk}"[^>]*>.*?</tr>', html, re.S)
    assert row, html
    assert 'hx-swap-oob="true"' in row.group(0) and "just-updated" in row.group(0)
    assert '<span class="updated-cue">updated</span>' in row.group(0)
    assert "st-corroborated" in row.group(0) and "cred 2" in row.group(0)
    assert html.count("<tr ") == 1  # only the row that changed
    # The fresh poller carries the new version: asking again is quiet.
    again = poll_url(response)
    assert signed_in.get(again, HTTP_HX_REQUEST="true").status_code == 204


def test_live_changes_ignore_rows_not_on_screen(signed_in, roles):
    shown, hidden = make_claim(), make_claim()
    version = timezone.now().isoformat()
    record_status_change(hidden, Status.REFUTED, at=timezone.now() + timedelta(seconds=1))
    response = signed_in.get(reverse("claim-list-changes"), {"ids": str(shown.pk), "v": version})
    assert response.status_code == 204
    assert signed_in.get(reverse("claim-list-changes"), {"ids": "x"}).status_code == 400
    bad_date = {"ids": str(shown.pk), "v": "2022-13-45T00:00:00"}
    assert signed_in.get(reverse("claim-list-changes"), bad_date).status_code == 400


# --- query ceilings ------------------------------------------------------------------------


def test_list_queries_do_not_grow_with_data(
    signed_in, fact_checker, roles, django_assert_max_num_queries
):
    sources = [make_source() for _ in range(4)]
    for i in range(65):
        claim = make_claim(
            text=f"Claim {i} about armoured vehicles",
            claimant=sources[i % 4],
            assignee=fact_checker,
            event=f"e{i % 3}",
        )
        for position, source in enumerate(sources):
            Attribution.objects.create(claim=claim, position=position, source=source, cue="said")
        for _ in range(3):
            make_evidence(claim=claim)

    with django_assert_max_num_queries(12):
        response = signed_in.get(LIST, {"q": "armoured", "source": str(sources[1].pk)})
    assert len(listed(response)) == 50

    with django_assert_max_num_queries(8):
        partial = signed_in.get(LIST, {"page": "2", "sort": "credibility"}, HTTP_HX_REQUEST="true")
    assert len(listed(partial)) == 15

    ids = ",".join(str(pk) for pk in Claim.objects.values_list("pk", flat=True)[:50])
    earlier = (timezone.now() - timedelta(days=1)).isoformat()
    with django_assert_max_num_queries(6):
        changes = signed_in.get(reverse("claim-list-changes"), {"ids": ids, "v": earlier})
    assert changes.content.decode().count("updated-cue") == 50


def test_changed_since_uses_the_start_of_the_day(roles):
    claim = make_claim()
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    Claim.objects.filter(pk=claim.pk).update(status_changed_at=start)
    assert list(claims_filtered(ClaimFilters(changed_since=today))) == [claim]
    assert list(claims_filtered(ClaimFilters(changed_since=today + timedelta(days=1)))) == []
