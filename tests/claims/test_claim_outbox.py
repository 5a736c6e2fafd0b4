"""A claim's assessment has the same outbox guarantee as a report: a relabel or rejection marks
the claim due in its own transaction, the assessment clears the mark, and the sweeper sends
again the assessments the broker lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims import tasks
from claims.models import Claim
from claims.pipeline.assess import claim_status_update
from claims.pipeline.sweeper import overdue_claims_release
from claims.services.evidence import evidence_reject, evidence_set_manual
from tests.factories import intercept_delay, make_claim, make_evidence, make_report, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def lost(monkeypatch):
    """The broker takes nothing: every assessment request is lost."""
    return intercept_delay(monkeypatch, tasks.assess_claim, tasks.assess_claims)


def claim_with_support(fact_checker):
    wire = make_source(name="Wire", grade="A")
    claim = make_claim(text="The dam on the river burst on Sunday")
    evidence = make_evidence(claim=claim, report=make_report(publisher=wire), origin=wire)
    claim_status_update(claim_id=claim.pk, worker="test")
    claim.refresh_from_db()
    assert claim.status == "corroborated" and claim.assessment_due_at is None
    return claim, evidence


def overdue(claim: Claim) -> None:
    Claim.objects.filter(pk=claim.pk).update(
        assessment_due_at=timezone.now() - timedelta(hours=1)
    )


def test_a_rejection_whose_assessment_is_lost_is_found_and_assessed_by_the_sweeper(
    fact_checker, lost, monkeypatch, django_capture_on_commit_callbacks
):
    claim, evidence = claim_with_support(fact_checker)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_reject(evidence=evidence, user=fact_checker)
    claim.refresh_from_db()
    assert lost == [(claim.pk,)]  # sent, and lost
    assert claim.status == "corroborated" and claim.assessment_due_at is not None

    overdue(claim)
    sent = intercept_delay(monkeypatch, tasks.assess_claims, run=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_overdue_claims() == 1
    claim.refresh_from_db()
    assert sent == [([claim.pk],)]
    assert claim.status == "unverified"  # the rejected evidence no longer counts
    assert claim.assessment_due_at is None


def test_a_relabel_marks_the_claim_due_and_the_assessment_clears_it(
    fact_checker, lost, django_capture_on_commit_callbacks
):
    claim, evidence = claim_with_support(fact_checker)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_set_manual(
            claim=claim, report=evidence.report, stance="contradicts", user=fact_checker
        )
    claim.refresh_from_db()
    assert claim.assessment_due_at is not None
    claim_status_update(claim_id=claim.pk, worker="test")
    claim.refresh_from_db()
    assert claim.status == "refuted" and claim.assessment_due_at is None


def test_the_sweeper_leaves_claims_not_yet_overdue_and_renews_the_mark_of_those_it_sends(
    fact_checker, lost
):
    recent = make_claim(text="Recent")
    Claim.objects.filter(pk=recent.pk).update(assessment_due_at=timezone.now())
    old = make_claim(text="Old")
    overdue(old)
    assert overdue_claims_release(older_than=timedelta(minutes=5)) == [old.pk]
    # Sent once: the renewed mark keeps it out of the next sweep until it is overdue again.
    assert overdue_claims_release(older_than=timedelta(minutes=5)) == []
    old.refresh_from_db()
    assert old.assessment_due_at is not None
