"""Regrading or re-parenting a source re-assesses the claims its evidence touches (issue 13,
deliverable 4): sources announces the change after commit, claims queues
`reassess_source_claims`, which re-runs the assessment of those claims."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from claims import tasks
from claims.models import Claim
from claims.pipeline import assess
from claims.pipeline.assess import claims_status_update
from claims.signals import SECOND_PASS_AFTER_SECONDS
from sources.models import Source
from sources.services import source_merge, source_update, source_upsert
from tests.conftest import wait_for
from tests.factories import make_claim, make_evidence, make_report, make_source


@pytest.fixture
def queued(monkeypatch):
    """Run queued re-assessments in-process (no broker) and record what was queued."""
    sent: list[tuple] = []
    later: list[tuple] = []

    def delay(*args):
        sent.append(args)
        # Called, not applied: apply() would send the worker's task signals, which recycle the
        # test's database connection.
        tasks.reassess_source_claims(*args)

    def apply_async(args, countdown=None, **kwargs):
        later.append((tuple(args), countdown))

    monkeypatch.setattr(tasks.reassess_source_claims, "delay", delay)
    monkeypatch.setattr(tasks.reassess_source_claims, "apply_async", apply_async)
    return sent, later


def supported_by(*origins: Source, text: str = "Ten people were hurt in the blast") -> Claim:
    claim = make_claim(text=text)
    for origin in origins:
        make_evidence(
            claim=claim, report=make_report(publisher=origin), origin=origin, stance="supports"
        )
    claims_status_update(claim_ids=[claim.pk], worker="test")
    claim.refresh_from_db()
    return claim


@pytest.mark.django_db
def test_regrading_an_origin_reassesses_its_claims(queued, django_capture_on_commit_callbacks):
    sent, later = queued
    wire = make_source(name="Wire One", grade="F")
    claim = supported_by(wire)
    assert claim.status == "unverified"  # an F origin is not counted

    with django_capture_on_commit_callbacks(execute=True):
        source_update(source=wire, grade="A")

    assert sent == [(wire.pk,)] and later == []
    claim.refresh_from_db()
    assert claim.status == "corroborated"
    change = claim.status_changes.latest("id")
    assert (change.from_status, change.to_status) == ("unverified", "corroborated")
    assert "Wire One" in change.explanation


@pytest.mark.django_db
def test_re_parenting_reassesses_and_checks_again_after_the_cache_expires(
    queued, django_capture_on_commit_callbacks
):
    sent, later = queued
    first = make_source(name="Outlet One", grade="B")
    second = make_source(name="Outlet Two", grade="B")
    claim = supported_by(first, second)
    assert claim.status == "corroborated"  # two independent B origins

    with django_capture_on_commit_callbacks(execute=True):
        source_update(source=second, parent=first)  # same owner: one origin, not two

    claim.refresh_from_db()
    assert claim.status != "corroborated"
    assert sent == [(second.pk,)]
    assert later == [((second.pk,), SECOND_PASS_AFTER_SECONDS)]


@pytest.mark.django_db
def test_the_task_takes_the_claims_of_the_source_and_everything_below_it(monkeypatch):
    government = make_source(name="Government", kind="government_body", grade="C")
    ministry = make_source(name="Ministry", parent=government, grade="C")
    spokesman = make_source(name="Spokesman", parent=ministry, grade="C")
    stranger = make_source(name="Stranger", grade="C")
    by_origin = make_claim(text="origin")
    make_evidence(claim=by_origin, origin=spokesman)
    by_claimant = make_claim(text="claimant", claimant=ministry)
    rejected = make_claim(text="rejected")
    make_evidence(claim=rejected, origin=spokesman, rejected=True)
    other = make_claim(text="other", claimant=stranger)
    make_evidence(claim=other, origin=stranger)

    seen: list[int] = []
    monkeypatch.setattr(
        assess, "claims_status_update", lambda *, claim_ids, worker: seen.extend(claim_ids)
    )
    assert tasks.reassess_source_claims(government.pk) == 2
    assert sorted(seen) == sorted([by_origin.pk, by_claimant.pk])
    seen.clear()
    assert tasks.reassess_source_claims(spokesman.pk) == 1
    assert seen == [by_origin.pk]
    assert tasks.reassess_source_claims(10**9) == 0  # gone: quietly nothing


@pytest.mark.django_db
def test_a_large_family_continues_in_a_new_task(monkeypatch):
    monkeypatch.setattr(tasks, "REASSESS_PER_TASK", 2)
    monkeypatch.setattr(tasks, "REASSESS_BATCH", 1)
    origin = make_source(name="Busy origin", grade="C")
    claims = [make_claim(text=f"claim {i}", claimant=origin) for i in range(3)]
    assessed: list[list[int]] = []
    monkeypatch.setattr(
        assess, "claims_status_update", lambda *, claim_ids, worker: assessed.append(claim_ids)
    )
    continued: list[tuple] = []
    monkeypatch.setattr(tasks, "send_after_commit", lambda task, *args: continued.append(args))
    assert tasks.reassess_source_claims(origin.pk) == 2
    assert assessed == [[claims[0].pk], [claims[1].pk]]
    assert continued == [(origin.pk, claims[1].pk)]
    assert tasks.reassess_source_claims(*continued[0]) == 1
    assert assessed[-1] == [claims[2].pk]


@pytest.mark.django_db
def test_nothing_is_queued_when_neither_grade_nor_parent_changes(
    queued, django_capture_on_commit_callbacks
):
    sent, _ = queued
    source = source_upsert(name="Steady", grade="C")
    with django_capture_on_commit_callbacks(execute=True):
        source_update(source=source, grade="C", description="Still C.")
        source_upsert(name="Steady", grade="C", description="Still C.")
        source_upsert(name="Brand new", grade="B")
    assert sent == []


def _admin_post(client, source: Source, **changes):
    data = {
        "name": source.name,
        "kind": source.kind,
        "role": source.role,
        "country": source.country,
        "grade": source.grade,
        "parent": source.parent_id or "",
        "description": source.description,
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "domains-TOTAL_FORMS": "0",
        "domains-INITIAL_FORMS": "0",
        **changes,
    }
    return client.post(reverse("admin:sources_source_change", args=[source.pk]), data)


@pytest.mark.django_db
def test_an_admin_regrade_reassesses(
    client, admin_user, queued, django_capture_on_commit_callbacks
):
    sent, _ = queued
    wire = make_source(name="Wire Two", grade="F")
    claim = supported_by(wire)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _admin_post(client, wire, grade="A")
    assert response.status_code == 302, response.content
    wire.refresh_from_db()
    assert (wire.grade, wire.grade_source) == ("A", "desk")
    assert sent == [(wire.pk,)]
    claim.refresh_from_db()
    assert claim.status == "corroborated"


@pytest.mark.django_db
def test_a_fact_checker_may_not_regrade(
    client, fact_checker, queued, django_capture_on_commit_callbacks
):
    sent, _ = queued
    fact_checker.is_staff = True  # even with the admin open to them, the permission refuses
    fact_checker.save(update_fields=["is_staff"])
    wire = make_source(name="Wire Three", grade="F")
    claim = supported_by(wire)
    client.force_login(fact_checker)
    with django_capture_on_commit_callbacks(execute=True):
        response = _admin_post(client, wire, grade="A")
    assert response.status_code == 403
    wire.refresh_from_db()
    claim.refresh_from_db()
    assert wire.grade == "F" and claim.status == "unverified" and sent == []


# Like the other worker tests: on the Redis broker when the environment names one.
_broker_mark = pytest.mark.redis if os.environ.get("REDIS_URL") else pytest.mark.worker


@pytest.mark.worker
@_broker_mark
@pytest.mark.django_db(transaction=True)
def test_an_admin_regrade_reaches_the_claim_through_a_real_worker(client, admin_user, worker):
    wire = make_source(name="Wire Four", grade="F")
    claim = supported_by(wire)
    assert claim.status == "unverified"
    client.force_login(admin_user)
    response = _admin_post(client, wire, grade="A")
    assert response.status_code == 302
    try:
        wait_for(lambda: Claim.objects.get(pk=claim.pk).status == "corroborated", timeout=60)
    except AssertionError:
        pytest.fail(f"the claim was not re-assessed; worker log:\n{worker.log()}")
    change = Claim.objects.get(pk=claim.pk).status_changes.latest("id")
    assert change.worker  # assessed by the worker, not by the web process


@pytest.mark.django_db
def test_merging_two_origins_into_one_reassesses_their_claims(
    queued, django_capture_on_commit_callbacks
):
    sent, later = queued
    first = make_source(name="Outlet One", grade="B")
    twin = make_source(name="Outlet One Online", grade="B")
    claim = supported_by(first, twin)
    assert claim.status == "corroborated"  # counted as two independent B origins

    with django_capture_on_commit_callbacks(execute=True):
        source_merge(absorbed=twin, survivor=first)  # they were one outlet all along

    claim.refresh_from_db()
    assert claim.status != "corroborated"
    assert sent == [(first.pk,)]
    assert later == [((first.pk,), SECOND_PASS_AFTER_SECONDS)]
