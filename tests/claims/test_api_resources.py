"""The API's claims, sources, reports, evidence and verdicts: each role gets what it gets at the
desk and nothing more, lists filter, search, sort and page by cursor in a fixed number of
queries, and writes go through the desk's services, leaving the same history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Attribution, Claim, Evidence, Quantity, Rating, StatusChange, Verdict
from claims.permissions import OPERATIONS, may
from claims.selectors.claim_detail import claim_audit_trail
from sources.models import Report
from tests.factories import (
    make_claim,
    make_evidence,
    make_report,
    make_source,
    make_verdict,
    token_client,
)

pytestmark = pytest.mark.django_db

GETS = ["/api/claims/", "/api/sources/", "/api/reports/", "/api/verdicts/"]


@pytest.fixture
def fc(fact_checker: Any) -> APIClient:
    return token_client(fact_checker)


@pytest.fixture
def ed(editor: Any) -> APIClient:
    return token_client(editor)


def _draft(claim: Claim, editor: Any) -> Verdict:
    return Verdict.objects.create(
        claim=claim,
        rating=Rating.objects.get(label="False"),
        rationale="Draft, not published.",
        editor=editor,
        status_at_review=claim.status,
        published_at=None,
    )


# --- who may do what ------------------------------------------------------------------------


def test_the_operations_table_is_what_the_desk_and_the_api_read(
    fact_checker: Any, editor: Any, no_role_user: Any
) -> None:
    assert may(editor, "verdict.publish") and not may(fact_checker, "verdict.publish")
    assert may(fact_checker, "evidence.label") and not may(no_role_user, "claim.view")
    from claims.views import claim_detail

    assert OPERATIONS["evidence.label"] == claim_detail.LABEL_PERMS


def test_anonymous_gets_401_and_no_role_403_on_every_resource(no_role_user: Any) -> None:
    claim = make_claim()
    anonymous, nobody = APIClient(), token_client(no_role_user)
    for url in [*GETS, f"/api/claims/{claim.pk}/"]:
        assert anonymous.get(url).status_code == 401, url
        refused = nobody.get(url)
        assert refused.status_code == 403, url
        assert "detail" in refused.json()
    for url in ["/api/claims/", "/api/verdicts/", f"/api/claims/{claim.pk}/evidence/"]:
        assert anonymous.post(url, {}, format="json").status_code == 401
        assert nobody.post(url, {}, format="json").status_code == 403


def test_verdict_drafts_are_never_shown_to_a_role_that_may_not_see_them(
    fc: APIClient, ed: APIClient, editor: Any, other_editor: Any
) -> None:
    claim = make_claim(text="Twenty were detained")
    published = make_verdict(claim, "Mostly true", other_editor)
    draft = _draft(claim, other_editor)
    # The fact-checker: the published verdict only, everywhere.
    assert [v["id"] for v in fc.get("/api/verdicts/").json()["results"]] == [published.pk]
    assert fc.get(f"/api/verdicts/{draft.pk}/").status_code == 404
    assert fc.get(f"/api/claims/{claim.pk}/").json()["latest_verdict"]["id"] == published.pk
    listed = fc.get("/api/claims/").json()["results"][0]
    assert listed["latest_verdict"]["id"] == published.pk
    assert fc.get("/api/verdicts/?published=false").json()["results"] == []
    # The editor sees the draft.
    assert ed.get(f"/api/verdicts/{draft.pk}/").json()["published_at"] is None
    assert ed.get(f"/api/claims/{claim.pk}/").json()["latest_verdict"]["id"] == draft.pk
    ids = {v["id"] for v in ed.get("/api/verdicts/").json()["results"]}
    assert ids == {published.pk, draft.pk}


# --- claims -------------------------------------------------------------------------------


def test_claim_detail_carries_chain_quantities_evidence_history_and_verdict(
    fc: APIClient, editor: Any, fact_checker: Any
) -> None:
    ministry = make_source(name="Interior Ministry", grade="C")
    agency = make_source(name="Tengrinews", grade="B")
    claim = make_claim(
        text="13 police officers died",
        quote="13 officers",
        claimant=ministry,
        assignee=fact_checker,
    )
    Attribution.objects.create(claim=claim, position=0, source=ministry, cue="said")
    Attribution.objects.create(claim=claim, position=1, source=agency, cue="reported")
    Quantity.objects.create(claim=claim, what="officers killed", words="13", low=13, high=13)
    row = make_evidence(claim=claim, stance="supports")
    StatusChange.objects.create(
        claim=claim,
        from_status="unverified",
        to_status="corroborated",
        from_credibility=6,
        to_credibility=2,
        explanation="Two independent origins.",
        worker="w1",
    )
    verdict = make_verdict(claim, "Mostly true", editor)
    body = fc.get(f"/api/claims/{claim.pk}/").json()
    assert body["claimant"] == {"id": ministry.pk, "name": "Interior Ministry"}
    assert [(h["source"]["name"], h["cue"]) for h in body["hops"]] == [
        ("Interior Ministry", "said"),
        ("Tengrinews", "reported"),
    ]
    assert body["quantities"] == [
        {"what": "officers killed", "words": "13", "low": 13.0, "high": 13.0, "running": False}
    ]
    assert [e["id"] for e in body["evidence"]] == [row.pk]
    assert body["evidence"][0]["publisher"] == row.report.publisher.name
    assert body["status_history"][0]["to_status"] == "corroborated"
    assert body["latest_verdict"]["rating"] == "Mostly true"
    assert body["latest_verdict"]["id"] == verdict.pk
    assert body["assignee"] == {"id": fact_checker.pk, "username": "fc"}
    assert set(body) >= {"status", "credibility", "explanation", "version"}
    assert fc.get("/api/claims/999999/").json() == {"detail": "No Claim matches the given query."}


def test_claims_filter_search_order_and_page_by_cursor(fc: APIClient) -> None:
    police = make_source(name="Almaty Police")
    relay = make_source(name="Relay Agency")
    old = timezone.now() - timedelta(days=10)
    a = make_claim(text="Dozens of assailants were killed", status="refuted", credibility=5,
                   claimant=police, event="almaty", status_changed_at=old)  # fmt: skip
    b = make_claim(text="The airport was seized", status="corroborated", credibility=1,
                   event="almaty")  # fmt: skip
    c = make_claim(text="Internet was cut nationwide", credibility=3)
    Attribution.objects.create(claim=c, position=0, source=relay)

    def ids(query: str) -> list[int]:
        response = fc.get("/api/claims/" + query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("?status=refuted") == [a.pk]
    assert ids("?credibility=1") == [b.pk]
    assert ids(f"?claimant={police.pk}") == [a.pk]
    assert ids(f"?source={relay.pk}") == [c.pk]
    assert set(ids("?event=almaty")) == {a.pk, b.pk}
    assert ids("?search=airport") == [b.pk]
    assert ids("?search=almaty police") == [a.pk]  # the claimant's name
    assert ids(f"?changed_since={(old + timedelta(days=1)).isoformat()}".replace("+", "%2B")) == [
        c.pk,
        b.pk,
    ]
    assert ids("?ordering=credibility") == [b.pk, c.pk, a.pk]
    assert ids("?ordering=-credibility") == [a.pk, c.pk, b.pk]
    assert ids("")[-1] == a.pk  # most recently changed first
    # Cursor pages: every claim once, in order.
    seen, url = [], "/api/claims/?page_size=2&ordering=id"
    while url:
        page = fc.get(url).json()
        assert len(page["results"]) <= 2
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == [a.pk, b.pk, c.pk]


def test_bad_parameters_are_json_400s_naming_them_and_a_bad_cursor_a_404(fc: APIClient) -> None:
    for query, name in [
        ("?status=maybe", "status"),
        ("?credibility=9", "credibility"),
        ("?claimant=abc", "claimant"),
        ("?changed_since=1066-10-14T00:00:00Z", "changed_since"),
    ]:
        response = fc.get("/api/claims/" + query)
        assert response.status_code == 400
        assert name in response.json()
    bad = fc.get("/api/claims/?cursor=nonsense")
    assert bad.status_code == 404 and bad.json() == {"detail": "Invalid cursor"}


def test_a_claim_logged_through_the_api_is_what_the_form_makes(
    fc: APIClient, fact_checker: Any
) -> None:
    make_source(name="Interior Ministry", grade="C")
    report = make_report(title="Ministry statement")
    response = fc.post(
        "/api/claims/",
        {
            "text": "13 police officers died in the unrest",
            "quote": "13 officers",
            "claimant": "Interior Ministry",
            "claimant_cue": "said",
            "hops": [{"source": "Brand New Wire", "cue": "reported"}],
            "quantities": [{"what": "officers killed", "words": "13", "low": 13, "high": 13}],
            "hedges": ["reportedly"],
            "first_report": report.pk,
            "event": "almaty",
            "new_sources": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    claim = Claim.objects.get(pk=response.json()["id"])
    assert claim.created_by == fact_checker and claim.first_report == report
    assert [a.source.name for a in claim.attributions.order_by("position")] == [
        "Interior Ministry",
        "Brand New Wire",
    ]
    assert response.json()["hops"][1]["source"]["name"] == "Brand New Wire"
    assert claim.quantities.get().low == 13 and claim.hedges == ["reportedly"]


def test_a_claim_naming_an_unknown_source_or_a_bad_quantity_is_refused_whole(fc: APIClient) -> None:
    unknown = fc.post(
        "/api/claims/", {"text": "Something", "claimant": "Nobody Knows Me"}, format="json"
    )
    assert unknown.status_code == 400
    assert "new_sources" in unknown.json()["claimant"][0]
    backwards = fc.post(
        "/api/claims/",
        {"text": "Something", "quantities": [{"what": "x", "words": "y", "low": 5, "high": 2}]},
        format="json",
    )
    assert backwards.status_code == 400
    assert "quantities[0]" in backwards.json()  # the service's own rule, in the usual shape
    assert not Claim.objects.exists()


def test_an_editor_assigns_through_the_claim_pages_service(
    ed: APIClient, fc: APIClient, editor: Any, fact_checker: Any, no_role_user: Any
) -> None:
    claim = make_claim()
    given = ed.post(f"/api/claims/{claim.pk}/assign/", {"assignee": fact_checker.pk}, format="json")
    assert given.status_code == 200, given.json()
    assert given.json()["assignee"] == {"id": fact_checker.pk, "username": "fc"}
    assert [a.action for a in claim_audit_trail(claim)] == ["assigned the claim to fc"]
    assert [
        c["id"] for c in fc.get(f"/api/claims/?assignee={fact_checker.pk}").json()["results"]
    ] == [claim.pk]
    outsider = ed.post(
        f"/api/claims/{claim.pk}/assign/", {"assignee": no_role_user.pk}, format="json"
    )
    assert outsider.status_code == 400 and "assignee" in outsider.json()
    refused = fc.post(f"/api/claims/{claim.pk}/assign/", {"assignee": None}, format="json")
    assert refused.status_code == 403
    cleared = ed.post(f"/api/claims/{claim.pk}/assign/", {"assignee": None}, format="json")
    assert cleared.json()["assignee"] is None


# --- evidence -------------------------------------------------------------------------------


def _trail(claim: Claim) -> list[tuple[str, str, str]]:
    return [(e.who, e.action, e.detail) for e in claim_audit_trail(claim)]


def test_evidence_through_the_api_leaves_the_history_the_claim_page_leaves(
    fc: APIClient, fact_checker: Any
) -> None:
    desk = Client()
    desk.force_login(fact_checker)
    trails = []
    for via_api in (True, False):
        claim = make_claim()
        report = make_report(title="Ministry statement")
        if via_api:
            added = fc.post(
                f"/api/claims/{claim.pk}/evidence/",
                {"report": report.pk, "stance": "supports"},
                format="json",
            )
            assert added.status_code == 201, added.json()
            pk = added.json()["id"]
            relabel = fc.post(
                f"/api/claims/{claim.pk}/evidence/{pk}/relabel/",
                {"stance": "contradicts"},
                format="json",
            )
            assert relabel.json()["stance"] == "contradicts"
            rejected = fc.post(f"/api/claims/{claim.pk}/evidence/{pk}/reject/")
            assert rejected.json()["rejected"] is True
        else:
            desk.post(
                f"/claims/{claim.pk}/evidence/",
                {"report": report.pk, "stance": "supports", "sentence": "", "origin": ""},
            )
            pk = Evidence.objects.get(claim=claim).pk
            desk.post(f"/claims/{claim.pk}/evidence/{pk}/relabel/", {"stance": "contradicts"})
            desk.post(f"/claims/{claim.pk}/evidence/{pk}/reject/")
        row = Evidence.objects.get(pk=pk)
        assert (row.method, row.rejected, row.confirmed_by) == ("manual", True, fact_checker)
        assert Claim.objects.get(pk=claim.pk).assessment_due_at is not None
        trails.append(_trail(claim))
    assert trails[0] == trails[1]
    assert [action for _, action, _ in trails[0]] == [
        "rejected the link to",
        "labelled as contradicts",
        "attached as supports",
    ]


def test_evidence_refusals(fc: APIClient, editor: Any) -> None:
    row = make_evidence()
    other = make_claim()
    wrong_claim = fc.post(f"/api/claims/{other.pk}/evidence/{row.pk}/reject/")
    assert wrong_claim.status_code == 404
    assert wrong_claim.json() == {"detail": "No such evidence on this claim."}
    bad = fc.post(
        f"/api/claims/{row.claim_id}/evidence/", {"report": 0, "stance": "x"}, format="json"
    )
    assert bad.status_code == 400 and set(bad.json()) == {"report", "stance"}


# --- verdicts -------------------------------------------------------------------------------


def _publish(client: APIClient, claim: Claim, **changes: Any) -> Any:
    seen = client.get(f"/api/claims/{claim.pk}/").json()
    body = {
        "claim": claim.pk,
        "decision": "accept",
        "rationale": "Two independent origins confirm it.",
        "seen_version": seen["version"],
        "seen_verdict": seen["latest_verdict"]["id"] if seen["latest_verdict"] else None,
        **changes,
    }
    return client.post("/api/verdicts/", body, format="json")


def test_an_editor_publishes_with_the_review_screens_rules(ed: APIClient, editor: Any) -> None:
    claim = make_claim(awaiting_review=True, status="refuted", credibility=5)
    response = _publish(ed, claim)
    assert response.status_code == 201, response.json()
    assert response.json()["rating"] == "False" and response.json()["editor"] == editor.username
    assert Claim.objects.get(pk=claim.pk).awaiting_review is False
    override = _publish(ed, claim, decision="override", rating=Rating.objects.get(label="Mixed").pk)
    assert override.status_code == 201 and override.json()["rating"] == "Mixed"
    assert _publish(ed, claim, decision="override").json() == {
        "rating": ["Choose the rating to publish."]
    }


def test_no_verdict_on_ones_own_claim(ed: APIClient, editor: Any) -> None:
    claim = make_claim(created_by=editor)
    response = _publish(ed, claim)
    assert response.status_code == 403
    assert response.json() == {
        "detail": "An editor cannot publish a verdict on a claim they created."
    }
    assert not Verdict.objects.exists()


def test_a_stale_page_is_a_409_and_saves_nothing(ed: APIClient, other_editor: Any) -> None:
    claim = make_claim()
    seen = ed.get(f"/api/claims/{claim.pk}/").json()
    Claim.objects.filter(pk=claim.pk).update(
        status="disputed", status_changed_at=timezone.now() + timedelta(seconds=1)
    )
    body = {
        "claim": claim.pk,
        "decision": "accept",
        "rationale": "Checked.",
        "seen_version": seen["version"],
        "seen_verdict": None,
    }
    stale = ed.post("/api/verdicts/", body, format="json")
    assert stale.status_code == 409
    assert stale.json()["detail"] == "The status changed while you were reviewing — review again."
    # Another editor published meanwhile: the conflict names their verdict.
    theirs = make_verdict(claim, "Mixed", other_editor)
    fresh = ed.get(f"/api/claims/{claim.pk}/").json()
    late = ed.post(
        "/api/verdicts/", {**body, "seen_version": fresh["version"], "seen_verdict": None},
        format="json",
    )  # fmt: skip
    assert late.status_code == 409 and late.json()["verdict"] == theirs.pk
    assert Verdict.objects.count() == 1


def test_a_fact_checker_may_read_verdicts_but_not_publish(fc: APIClient) -> None:
    claim = make_claim()
    refused = _publish(fc, claim)
    assert refused.status_code == 403 and "detail" in refused.json()
    assert fc.post("/api/verdicts/", {"claim": 999999}, format="json").status_code == 403
    assert not Verdict.objects.exists()


def test_publishing_on_a_missing_claim_is_a_404(ed: APIClient) -> None:
    body = {"claim": 999999, "decision": "accept", "rationale": "x",
            "seen_version": timezone.now().isoformat()}  # fmt: skip
    response = ed.post("/api/verdicts/", body, format="json")
    assert response.status_code == 404 and response.json() == {"detail": "No such claim."}


# --- sources and reports --------------------------------------------------------------------


def test_sources_carry_their_parent_chain_grade_and_track_record(
    fc: APIClient, editor: Any
) -> None:
    group = make_source(name="Khabar Group", grade="C")
    agency = make_source(name="Khabar Agency", grade="C", parent=group)
    bureau = make_source(name="Khabar Almaty", grade="F", grade_source="unrated", parent=agency)
    claim = make_claim()
    make_evidence(claim=claim, origin=bureau, stance="supports")
    make_verdict(claim, "True", editor)
    body = fc.get(f"/api/sources/{bureau.pk}/").json()
    assert [p["name"] for p in body["parents"]] == ["Khabar Agency", "Khabar Group"]
    assert body["record"] == {"agreed": 1, "disagreed": 0, "suggested_grade": "D"}
    assert body["grade"] == "F" and "learned_grade" in body and "weighing_grade" in body
    listed = fc.get(f"/api/sources/?parent={agency.pk}").json()["results"]
    assert [s["name"] for s in listed] == ["Khabar Almaty"]
    assert [s["name"] for s in fc.get("/api/sources/?search=khabar%20ag").json()["results"]] == [
        "Khabar Agency"
    ]


def test_reports_list_with_state_and_evidence(fc: APIClient) -> None:
    done = make_report(title="Done", state=Report.State.PROCESSED)
    make_report(title="Waiting")
    make_evidence(report=done)
    rows = fc.get("/api/reports/?state=processed").json()["results"]
    assert [r["title"] for r in rows] == ["Done"] and len(rows[0]["evidence"]) == 1
    assert [r["title"] for r in fc.get("/api/reports/?search=wait").json()["results"]] == [
        "Waiting"
    ]


def test_verdicts_by_time_of_publication(fc: APIClient, editor: Any) -> None:
    early, late = (
        make_verdict(make_claim(), "Mixed", editor),
        make_verdict(make_claim(), "True", editor),
    )
    Verdict.objects.filter(pk=early.pk).update(published_at="2024-03-01T09:00:00Z")
    Verdict.objects.filter(pk=late.pk).update(published_at="2024-03-05T23:30:00Z")

    def ids(query: str) -> list[int]:
        response = fc.get(f"/api/verdicts/?{query}")
        assert response.status_code == 200, response.json()
        return [v["id"] for v in response.json()["results"]]

    assert ids("published_since=2024-03-02T00:00:00Z") == [late.pk]
    assert ids("published_before=2024-03-02T00:00:00Z") == [early.pk]
    assert ids("published_since=2024-03-01T09:00:00Z&published_before=2024-03-05T23:30:00Z") == [
        early.pk
    ]
    refused = fc.get("/api/verdicts/?published_since=last+week")
    assert refused.status_code == 400 and "published_since" in refused.json()


def test_the_reports_list_carries_the_first_evidence_and_the_count(
    fc: APIClient, monkeypatch: Any
) -> None:
    from claims.selectors import api

    monkeypatch.setattr(api, "REPORT_LIST_EVIDENCE", 3)
    roundup, single = make_report(title="Round-up"), make_report(title="Single")
    claims = [make_claim() for _ in range(5)]
    for claim in claims:
        make_evidence(report=roundup, claim=claim)
    make_evidence(report=single, claim=claims[0])
    rows = {r["title"]: r for r in fc.get("/api/reports/").json()["results"]}
    assert rows["Round-up"]["evidence_count"] == 5
    assert [e["claim_id"] for e in rows["Round-up"]["evidence"]] == [c.pk for c in claims[:3]]
    assert rows["Single"]["evidence_count"] == 1 and len(rows["Single"]["evidence"]) == 1
    # The report's own URL lists all of it.
    detail = fc.get(f"/api/reports/{roundup.pk}/").json()
    assert [e["claim_id"] for e in detail["evidence"]] == [c.pk for c in claims]


# --- fixed query counts ---------------------------------------------------------------------


def _fill(count: int, editor: Any) -> None:
    parent = make_source(name=f"Parent {count}")
    for _ in range(count):
        source = make_source(parent=parent)
        claim = make_claim(claimant=source, assignee=editor)
        Attribution.objects.create(claim=claim, position=0, source=source)
        Quantity.objects.create(claim=claim, what="people", words="2", low=2)
        make_evidence(claim=claim, origin=source)
        make_verdict(claim, "Mixed", editor)


def _queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.json()["results"]) >= 5
    return len(captured)


@pytest.mark.parametrize("url", GETS)
def test_a_page_of_50_costs_the_queries_of_a_page_of_5(
    url: str, ed: APIClient, editor: Any, django_assert_max_num_queries: Any
) -> None:
    _fill(5, editor)
    ed.get(url)  # the token and the permissions, looked up once
    few = _queries(ed, url)
    _fill(45, editor)
    with django_assert_max_num_queries(few):
        many = ed.get(url)
    assert len(many.json()["results"]) == 50
    assert _queries(ed, url) == few
