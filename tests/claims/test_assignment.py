"""Editors give claims to the desk's fact-checkers and editors: the service's rule, the view's
refusals, the claim page's and the list's menus, the audit trail and "Assigned to me"."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from claims.models import Assignment, Claim, Rating, Verdict
from claims.selectors.assignment import assignable_users, assigned_open_claims
from claims.selectors.claim_detail import claim_audit_trail
from claims.services.claims import claim_assign
from tests.factories import make_claim

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


# --- the service ---------------------------------------------------------------------------


def test_an_editor_assigns_a_claim_and_it_is_recorded(editor, fact_checker):
    claim = make_claim()
    updated_at = Claim.objects.get(pk=claim.pk).updated_at

    assigned = claim_assign(claim=claim, assignee=fact_checker, user=editor)

    assert assigned.assignee == fact_checker
    fresh = Claim.objects.get(pk=claim.pk)
    assert fresh.assignee == fact_checker
    assert fresh.updated_at == updated_at  # not a change the workers' index needs
    entry = Assignment.objects.get(claim=claim)
    assert (entry.assignee, entry.assigned_by) == (fact_checker, editor)


def test_assigning_to_whoever_has_it_records_nothing_and_nobody_unassigns(editor, fact_checker):
    claim = make_claim()
    claim_assign(claim=claim, assignee=fact_checker, user=editor)
    claim_assign(claim=claim, assignee=fact_checker, user=editor)
    assert Assignment.objects.filter(claim=claim).count() == 1

    claim_assign(claim=claim, assignee=None, user=editor)

    assert Claim.objects.get(pk=claim.pk).assignee is None
    assert Assignment.objects.filter(claim=claim).count() == 2
    assert Assignment.objects.filter(claim=claim).first().assignee is None  # newest first


def test_an_editor_may_take_a_claim_and_give_it_to_another_editor(editor, other_editor):
    claim = make_claim()
    claim_assign(claim=claim, assignee=editor, user=editor)
    claim_assign(claim=claim, assignee=other_editor, user=editor)
    assert Claim.objects.get(pk=claim.pk).assignee == other_editor


def test_an_admin_may_assign(admin_user, fact_checker):
    claim = make_claim()
    claim_assign(claim=claim, assignee=fact_checker, user=admin_user)
    assert Claim.objects.get(pk=claim.pk).assignee == fact_checker


def test_a_fact_checker_may_not_assign(fact_checker):
    claim = make_claim()
    with pytest.raises(PermissionDenied, match="Only editors"):
        claim_assign(claim=claim, assignee=fact_checker, user=fact_checker)
    assert Claim.objects.get(pk=claim.pk).assignee is None
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("who", ["no_role_user", "admin_user", "inactive"])
def test_a_claim_goes_only_to_the_desks_fact_checkers_and_editors(
    request, editor, fact_checker, who
):
    if who == "inactive":
        person = fact_checker
        person.is_active = False
        person.save(update_fields=["is_active"])
    else:
        person = request.getfixturevalue(who)
    claim = make_claim()

    with pytest.raises(ValidationError) as refused:
        claim_assign(claim=claim, assignee=person, user=editor)

    assert refused.value.message_dict["assignee"] == [
        f"{person.username} is not one of the desk's fact-checkers or editors; "
        "a claim can only be assigned to them."
    ]
    assert Claim.objects.get(pk=claim.pk).assignee is None
    assert not Assignment.objects.exists()


def test_assignable_users_are_the_active_fact_checkers_and_editors(
    editor, other_editor, fact_checker, admin_user, no_role_user
):
    assert list(assignable_users()) == [editor, other_editor, fact_checker]  # ed, ed2, fc


# --- the view ------------------------------------------------------------------------------


def _assign_url(claim):
    return reverse("claim-assign", args=[claim.pk])


def test_a_signed_out_visitor_is_sent_to_sign_in(client, fact_checker):
    claim = make_claim()
    response = client.post(_assign_url(claim), {"assignee": fact_checker.pk})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert Claim.objects.get(pk=claim.pk).assignee is None


@pytest.mark.parametrize("role", ["fact_checker", "no_role_user"])
def test_those_who_may_not_assign_are_refused(client, request, role, fact_checker):
    client.force_login(request.getfixturevalue(role))
    claim = make_claim()
    response = client.post(_assign_url(claim), {"assignee": fact_checker.pk}, **HTMX)
    assert response.status_code == 403
    assert Claim.objects.get(pk=claim.pk).assignee is None


def test_assigning_is_a_post(client, editor):
    client.force_login(editor)
    assert client.get(_assign_url(make_claim())).status_code == 405


def test_an_editor_assigns_from_the_claim_page_with_htmx(client, editor, fact_checker):
    claim = make_claim()
    client.force_login(editor)

    response = client.post(_assign_url(claim), {"assignee": fact_checker.pk}, **HTMX)

    assert response.status_code == 200
    assert response.templates[0].name == "claims/_detail_assign.html"
    html = response.content.decode()
    assert 'data-assignee="fc"' in html and "Assigned to fc." in html
    assert f'<option value="{fact_checker.pk}" selected>fc</option>' in html
    assert Claim.objects.get(pk=claim.pk).assignee == fact_checker
    # The desk audit trail beside it gains the line at once (an out-of-band swap).
    audit = html[html.index('<section id="audit"') :]
    assert 'hx-swap-oob="true"' in audit.split(">", 1)[0]
    assert "fc" in audit and "Nobody at the desk has assigned" not in audit


def test_without_htmx_the_editor_comes_back_to_the_claim_page(client, editor, fact_checker):
    claim = make_claim()
    client.force_login(editor)
    response = client.post(_assign_url(claim), {"assignee": fact_checker.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("claim-detail", args=[claim.pk]) + "#assign"
    page = client.get(response["Location"]).content.decode()
    assert "Assigned to fc." in page


def test_an_editor_assigns_from_a_row_of_the_list(client, editor, fact_checker):
    claim = make_claim()
    client.force_login(editor)

    response = client.post(
        _assign_url(claim), {"assignee": fact_checker.pk, "from": "list"}, **HTMX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<tr id="claim-row-{claim.pk}"')
    assert f'<option value="{fact_checker.pk}" selected>fc</option>' in html
    assert Claim.objects.get(pk=claim.pk).assignee == fact_checker


@pytest.mark.parametrize("place", ["page", "list"])
def test_assigning_to_someone_outside_the_desk_is_refused_where_the_menu_is(
    client, editor, no_role_user, place
):
    claim = make_claim()
    client.force_login(editor)
    data = {"assignee": no_role_user.pk, **({"from": "list"} if place == "list" else {})}

    response = client.post(_assign_url(claim), data, **HTMX)

    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    assert 'role="alert">nobody is not one of the desk\'s fact-checkers or editors' in html
    assert Claim.objects.get(pk=claim.pk).assignee is None


def test_an_unknown_person_is_refused(client, editor):
    claim = make_claim()
    client.force_login(editor)
    response = client.post(_assign_url(claim), {"assignee": 987654}, **HTMX)
    assert "Nobody at the desk has that account any more." in response.content.decode()
    response = client.post(_assign_url(claim), {"assignee": "someone"}, **HTMX)
    assert "Choose a person from the list." in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).assignee is None


# --- where the menus are -------------------------------------------------------------------


def test_the_claim_page_offers_the_menu_to_editors_only(client, editor, fact_checker):
    claim = make_claim(assignee=fact_checker)
    client.force_login(fact_checker)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert 'data-assignee="fc"' in html
    assert _assign_url(claim) not in html

    client.force_login(editor)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert f'hx-post="{_assign_url(claim)}"' in html
    assert '<option value="">Nobody</option>' in html
    assert f'<option value="{editor.pk}">ed (editor)</option>' in html


def test_the_list_rows_offer_the_menu_to_editors_only(client, editor, fact_checker):
    claim = make_claim(assignee=fact_checker)
    client.force_login(fact_checker)
    html = client.get(reverse("claim-list")).content.decode()
    assert _assign_url(claim) not in html and ">fc</td>" in html

    client.force_login(editor)
    html = client.get(reverse("claim-list")).content.decode()
    assert f'hx-target="#claim-row-{claim.pk}"' in html
    assert f'for="row-assign-{claim.pk}"' in html and f'id="row-assign-{claim.pk}"' in html


def test_the_audit_trail_says_who_assigned_the_claim(editor, fact_checker, client):
    claim = make_claim()
    claim_assign(claim=claim, assignee=fact_checker, user=editor)
    claim_assign(claim=claim, assignee=None, user=editor)

    trail = claim_audit_trail(claim)

    assert [(e.who, e.action) for e in trail] == [
        ("ed", "unassigned the claim"),
        ("ed", "assigned the claim to fc"),
    ]
    client.force_login(fact_checker)
    assert "assigned the claim to fc" in client.get(claim.get_absolute_url()).content.decode()


# --- assigned to me ------------------------------------------------------------------------


def test_assigned_to_me_lists_my_open_claims(client, editor, other_editor, fact_checker):
    rating = Rating.objects.get(label="True")
    open_claim = make_claim(text="Open and mine", assignee=fact_checker)
    ruled = make_claim(text="Ruled on and mine", assignee=fact_checker)
    Verdict.objects.create(
        claim=ruled,
        rating=rating,
        rationale="r",
        editor=editor,
        status_at_review="unverified",
        published_at=timezone.now(),
    )
    moved_since = make_claim(text="Ruled on, moved since, mine", assignee=fact_checker)
    Verdict.objects.create(
        claim=moved_since,
        rating=rating,
        rationale="r",
        editor=editor,
        status_at_review="unverified",
        published_at=timezone.now(),
    )
    Claim.objects.filter(pk=moved_since.pk).update(awaiting_review=True)
    make_claim(text="Someone else's", assignee=other_editor)

    rows, total = assigned_open_claims(user_id=fact_checker.pk)
    assert {c.pk for c in rows} == {open_claim.pk, moved_since.pk} and total == 2
    rows, total = assigned_open_claims(user_id=fact_checker.pk, limit=1)
    assert len(rows) == 1 and total == 2

    client.force_login(fact_checker)
    html = client.get(reverse("dashboard")).content.decode()
    section = html[html.index('id="assigned-to-me"') :]
    section = section[: section.index("</section>")]
    assert "Open and mine" in section and "Ruled on, moved since, mine" in section
    assert "Ruled on and mine" not in section and "Someone else" not in section
    assert f'href="{reverse("claim-list")}?mine=on"' in section


def test_assigned_to_me_says_when_there_is_nothing(client, editor):
    client.force_login(editor)
    assert "No open claim is assigned to you." in client.get(reverse("dashboard")).content.decode()


def test_the_admin_panel_shows_the_assignee_but_assigning_is_done_at_the_desk(
    client, admin_user, fact_checker
):
    claim = make_claim(assignee=fact_checker)
    client.force_login(admin_user)
    html = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert 'name="assignee"' not in html
    assert "fc" in html
