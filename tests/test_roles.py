"""Per role: one action allowed and one refused, checked where the refusal happens."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from claims.models import Rating, StatusChange, Verdict
from claims.roles import role_permissions
from claims.services.claims import claim_create
from claims.services.review import verdict_publish
from tests.factories import make_claim, make_source

pytestmark = pytest.mark.django_db


def test_migration_creates_the_three_role_groups_with_their_permissions(roles):
    for role, perms in role_permissions().items():
        group = Group.objects.get(name=role)
        assert set(group.permissions.values_list("content_type__app_label", "codename")) == set(
            perms
        )


def test_fact_checker_may_log_a_claim(fact_checker):
    assert fact_checker.has_perm("claims.add_claim")
    claim = claim_create(text="13 security officers were killed", created_by=fact_checker)
    assert claim.created_by == fact_checker


def test_fact_checker_may_not_publish_a_verdict(fact_checker):
    claim = make_claim()
    with pytest.raises(PermissionDenied):
        verdict_publish(
            claim=claim,
            editor=fact_checker,
            rating=Rating.objects.get(label="False"),
            rationale="x",
        )
    assert not Verdict.objects.exists()


def test_fact_checker_is_refused_the_admin_panel(client, fact_checker):
    client.force_login(fact_checker)
    response = client.get(reverse("admin:sources_source_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_editor_may_publish_a_verdict_on_someone_elses_claim(editor, fact_checker):
    claim = make_claim(created_by=fact_checker)
    verdict = verdict_publish(
        claim=claim,
        editor=editor,
        rating=Rating.objects.get(label="Mostly true"),
        rationale="Two witnesses.",
    )
    assert verdict.published_at is not None
    assert verdict.status_at_review == "unverified"


def test_editor_may_not_publish_a_verdict_on_a_claim_they_created(editor):
    claim = make_claim(created_by=editor)
    with pytest.raises(PermissionDenied, match="they created"):
        verdict_publish(
            claim=claim, editor=editor, rating=Rating.objects.get(label="True"), rationale="Mine."
        )
    assert not Verdict.objects.exists()


def test_editor_may_not_regrade_a_source(editor):
    assert not editor.has_perm("sources.change_source")


def test_admin_may_regrade_a_source_in_the_admin_panel(client, admin_user):
    source = make_source(name="Tass", grade="B", kind="news_agency")
    client.force_login(admin_user)
    url = reverse("admin:sources_source_change", args=[source.pk])
    form = {
        "name": "Tass",
        "kind": "news_agency",
        "role": "",
        "country": "RU",
        "grade": "C",
        "parent": "",
        "description": "",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "domains-TOTAL_FORMS": "0",
        "domains-INITIAL_FORMS": "0",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    source.refresh_from_db()
    assert (source.grade, source.country) == ("C", "RU")


def test_admin_may_not_rewrite_status_history(client, admin_user):
    change = StatusChange.objects.create(
        claim=make_claim(),
        from_status="unverified",
        to_status="refuted",
        from_credibility=6,
        to_credibility=5,
        explanation="x",
        worker="w@h",
    )
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:claims_statuschange_delete", args=[change.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert StatusChange.objects.filter(pk=change.pk).exists()


def test_admin_form_refuses_a_parent_cycle(client, admin_user):
    top = make_source(name="Government", kind="government_body")
    ministry = make_source(name="Ministry", parent=top, kind="government_body")
    client.force_login(admin_user)
    form = {
        "name": "Government",
        "kind": "government_body",
        "role": "",
        "country": "",
        "grade": "B",
        "parent": str(ministry.pk),
        "description": "",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "domains-TOTAL_FORMS": "0",
        "domains-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:sources_source_change", args=[top.pk]), form)
    assert response.status_code == 200
    assert "cycle" in response.content.decode()
    top.refresh_from_db()
    assert top.parent is None


def test_editors_and_admins_may_assign_claims_and_fact_checkers_may_not(
    editor, admin_user, fact_checker
):
    assert editor.has_perm("claims.assign_claim")
    assert admin_user.has_perm("claims.assign_claim")
    assert not fact_checker.has_perm("claims.assign_claim")
