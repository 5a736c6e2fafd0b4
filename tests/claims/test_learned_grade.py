"""A source nobody has graded is weighed by its record against published verdicts (issue 13,
deliverable 3): publishing a verdict refreshes the record's grade of every source that took a
side on the claim, the engine weighs an ungraded source by it, and an admin can accept it in
one click from the admin's source list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims import tasks
from claims.models import Rating
from claims.pipeline.assess import claims_status_update
from claims.services.review import verdict_publish
from sources.models import Source
from tests.factories import intercept_delay, make_claim, make_evidence, make_report, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """Queued re-assessments, run in-process (no broker)."""
    return intercept_delay(monkeypatch, tasks.reassess_source_claims, run=True)


def publish(claim, label, editor):
    return verdict_publish(
        claim=claim, editor=editor, rating=Rating.objects.get(label=label), rationale="Checked."
    )


def test_the_weighing_grade_is_the_records_only_while_nobody_has_graded_the_source():
    unrated = make_source(grade="F", grade_source="unrated", learned_grade="C")
    graded = make_source(grade="B", grade_source="registry", learned_grade="E")
    no_record = make_source(grade="F", grade_source="unrated")
    assert (unrated.weighing_grade, graded.weighing_grade, no_record.weighing_grade) == (
        "C",
        "B",
        "F",
    )


def test_an_ungraded_origin_with_a_strong_record_counts_and_the_explanation_says_why():
    outlet = make_source(name="Steppe Wire", grade="F", grade_source="unrated", learned_grade="A")
    claim = make_claim(text="The bridge on the ring road collapsed on Monday")
    make_evidence(claim=claim, report=make_report(publisher=outlet), origin=outlet, stance="supports")
    claims_status_update(claim_ids=[claim.pk], worker="test")
    claim.refresh_from_db()
    assert claim.status == "corroborated"  # one grade-A origin's own report stands
    assert "Steppe Wire, ungraded, weighed by its record" in claim.explanation


def test_publishing_a_verdict_refreshes_the_records_and_reassesses_an_ungraded_sources_claims(
    editor, queued, django_capture_on_commit_callbacks
):
    outlet = make_source(name="Steppe Wire", grade="F", grade_source="unrated")
    wire = make_source(name="Graded Wire", grade="B", grade_source="registry")
    judged = make_claim(text="The mayor opened the new tram line on Friday")
    make_evidence(claim=judged, origin=outlet, stance="supports")
    make_evidence(claim=judged, origin=wire, stance="contradicts")
    other = make_claim(text="The tram line carried ten thousand passengers on its first day")
    make_evidence(claim=other, report=make_report(publisher=outlet), origin=outlet, stance="supports")

    with django_capture_on_commit_callbacks(execute=True):
        publish(judged, "True", editor)

    outlet.refresh_from_db()
    wire.refresh_from_db()
    assert (outlet.learned_grade, wire.learned_grade) == ("D", "E")  # 1 of 1 agreed; 0 of 1
    # Only the ungraded source's claims are weighed differently, so only they are re-assessed.
    assert queued == [(outlet.pk,)]
    other.refresh_from_db()
    assert "Steppe Wire, ungraded, weighed by its record" in other.explanation


def test_an_admin_grades_sources_as_their_records_suggest_in_one_click(
    admin_client, django_capture_on_commit_callbacks
):
    learned = make_source(name="Learned", grade="F", grade_source="unrated", learned_grade="C")
    no_record = make_source(name="No record", grade="F", grade_source="unrated")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(
            reverse("admin:sources_source_changelist"),
            {"action": "accept_learned_grade", "_selected_action": [learned.pk, no_record.pk]},
            follow=True,
        )
    assert "1 source(s) regraded by their record; 1 left as they were" in response.content.decode()
    learned.refresh_from_db()
    no_record.refresh_from_db()
    assert (learned.grade, learned.grade_source) == ("C", "desk")
    assert no_record.grade == "F"
    assert callbacks, "the regrade re-assesses the source's claims after commit"


def test_staff_who_may_not_change_sources_cannot_regrade_them(client, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_source"))
    learned = make_source(name="Learned", grade="F", grade_source="unrated", learned_grade="C")
    client.force_login(viewer)
    response = client.post(
        reverse("admin:sources_source_changelist"),
        {"action": "accept_learned_grade", "_selected_action": [learned.pk]},
    )
    assert response.status_code in (200, 302, 403)
    learned.refresh_from_db()
    assert learned.grade == "F"


def test_the_source_page_says_an_ungraded_source_is_weighed_by_its_record(client, fact_checker):
    outlet = make_source(name="Steppe Wire", grade="F", grade_source="unrated", learned_grade="D")
    client.force_login(fact_checker)
    page = client.get(reverse("source-detail", args=[outlet.pk])).content.decode()
    assert "nobody has graded it, so the engine weighs it" in page
    assert Source.objects.get(pk=outlet.pk).grade == "F"
