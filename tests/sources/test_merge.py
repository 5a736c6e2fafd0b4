"""Merging two sources (sources.services.source_merge, the admin's "Merge into…"): everything
that refers to the absorbed source moves to the survivor in one transaction, its name becomes
an alias, and the claims touched are re-assessed after commit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims import tasks
from claims.models import Attribution, Claim, Evidence
from claims.services.claims import HopSpec, attribution_replace
from sources.models import Report, Source, SourceAlias, SourceDomain
from sources.selectors import source_merge_preview
from sources.services import source_merge
from tests.factories import intercept_delay, make_claim, make_evidence, make_report, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins():
    """The desk's "Reuters news agency", met before anyone linked it to the registry's Reuters,
    with a report, a claim, a hop, evidence and a bureau below it."""
    survivor = make_source(name="Reuters", grade="A", country="GB")
    SourceAlias.objects.create(source=survivor, name="Thomson Reuters")
    absorbed = make_source(name="Reuters news agency", grade="F")
    SourceAlias.objects.create(source=absorbed, name="Reuters wire")
    SourceAlias.objects.create(source=absorbed, name="Thomson Reuters")  # legacy duplicate
    SourceDomain.objects.create(source=absorbed, domain="reuters.com")
    bureau = make_source(name="Reuters Moscow bureau", parent=absorbed)
    report = make_report(title="Wire copy", publisher=absorbed)
    claim = make_claim(text="Ten people were hurt", claimant=absorbed)
    Attribution.objects.create(claim=claim, source=absorbed, position=1, cue="said")
    evidence = make_evidence(claim=make_claim(), report=make_report(), origin=absorbed)
    return {
        "survivor": survivor,
        "absorbed": absorbed,
        "bureau": bureau,
        "report": report,
        "claim": claim,
        "evidence": evidence,
    }


def test_everything_moves_to_the_survivor_and_the_name_becomes_an_alias(
    twins, django_capture_on_commit_callbacks, monkeypatch
):
    sent = intercept_delay(monkeypatch, tasks.reassess_source_claims)
    monkeypatch.setattr(tasks.reassess_source_claims, "apply_async", lambda *a, **k: None)
    survivor, absorbed = twins["survivor"], twins["absorbed"]
    with django_capture_on_commit_callbacks(execute=True):
        result = source_merge(absorbed=absorbed, survivor=survivor)
        assert sent == []  # nothing queued before the commit
    assert sent == [(survivor.pk,)]  # queued once the merge committed
    assert not Source.objects.filter(pk=absorbed.pk).exists()
    assert sorted(survivor.aliases.values_list("name", flat=True)) == [
        "Reuters news agency",
        "Reuters wire",
        "Thomson Reuters",
    ]
    assert SourceDomain.objects.get(domain="reuters.com").source == survivor
    assert Report.objects.get(pk=twins["report"].pk).publisher == survivor
    assert Source.objects.get(pk=twins["bureau"].pk).parent == survivor
    assert Claim.objects.get(pk=twins["claim"].pk).claimant == survivor
    assert Attribution.objects.get(claim=twins["claim"]).source == survivor
    assert Evidence.objects.get(pk=twins["evidence"].pk).origin == survivor
    assert result.moved["reports (publisher)"] == 1
    assert result.moved["child sources (parent)"] == 1
    assert result.moved["claims (claimant)"] == 1
    assert Source.objects.get(pk=survivor.pk).grade == "A"  # the survivor's grade stays


def test_the_audit_trail_follows_the_survivor(twins, client, admin_user):
    claim = twins["claim"]
    attribution_replace(
        claim=claim, hops=[HopSpec(source=twins["absorbed"], cue="said")], user=admin_user
    )
    source_merge(absorbed=twins["absorbed"], survivor=twins["survivor"])
    client.force_login(admin_user)
    response = client.get(reverse("claim-detail", args=[claim.pk]))
    assert response.status_code == 200
    assert "Reuters" in response.content.decode()


def test_the_preview_lists_what_moves_and_writes_nothing(twins):
    preview = source_merge_preview(absorbed=twins["absorbed"], survivor=twins["survivor"])
    assert preview.refusal == ""
    assert preview.aliases_gained == ["Reuters news agency", "Reuters wire"]
    assert preview.aliases_left_out == ["Thomson Reuters (already Reuters's)"]
    moves = {move.label: move for move in preview.moves}
    assert moves["reports (publisher)"].examples == ["Wire copy"]
    assert moves["source domains (source)"].count == 1
    assert moves["child sources (parent)"].examples == ["Reuters Moscow bureau"]
    assert {"claims (claimant)", "attributions (source)", "evidence (origin)"} <= moves.keys()
    assert Source.objects.filter(pk=twins["absorbed"].pk).exists()


def test_merging_into_itself_or_a_descendant_is_refused(twins):
    absorbed, bureau = twins["absorbed"], twins["bureau"]
    with pytest.raises(ValidationError, match="into itself"):
        source_merge(absorbed=absorbed, survivor=absorbed)
    desk = make_source(name="Reuters Moscow desk", parent=bureau)
    with pytest.raises(ValidationError, match="below"):
        source_merge(absorbed=absorbed, survivor=desk)
    assert Source.objects.filter(pk=absorbed.pk).exists()
    assert source_merge_preview(absorbed=absorbed, survivor=bureau).refusal
    # The other way round is a plain merge: the bureau folds into its parent.
    source_merge(absorbed=bureau, survivor=absorbed)
    assert desk.__class__.objects.get(pk=desk.pk).parent == absorbed


def test_a_name_that_names_a_third_source_is_left_out(twins):
    third = make_source(name="The Reuters News Agency")  # legacy: same key
    preview = source_merge_preview(absorbed=twins["absorbed"], survivor=twins["survivor"])
    assert any("also names The Reuters News Agency" in n for n in preview.aliases_left_out)
    source_merge(absorbed=twins["absorbed"], survivor=twins["survivor"])
    assert not SourceAlias.objects.filter(name="Reuters news agency").exists()
    assert Source.objects.filter(pk=third.pk).exists()


# --- the admin -----------------------------------------------------------------------------


def test_the_admin_previews_then_merges(client, admin_user, twins):
    client.force_login(admin_user)
    absorbed, survivor = twins["absorbed"], twins["survivor"]
    url = reverse("admin:sources_source_merge", args=[absorbed.pk])
    response = client.get(url)
    assert response.status_code == 200 and "Merge into" in response.content.decode()
    response = client.get(url, {"survivor": survivor.pk})
    body = response.content.decode()
    assert "What the merge does" in body and "Reports (publisher): 1" in body
    assert Source.objects.filter(pk=absorbed.pk).exists()  # the preview writes nothing
    response = client.post(url, {"survivor": survivor.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:sources_source_change", args=[survivor.pk])
    assert not Source.objects.filter(pk=absorbed.pk).exists()


def test_the_admin_shows_a_refusal(client, admin_user, twins):
    client.force_login(admin_user)
    url = reverse("admin:sources_source_merge", args=[twins["absorbed"].pk])
    response = client.post(url, {"survivor": twins["bureau"].pk})
    assert response.status_code == 200
    assert "is below" in response.content.decode()
    assert Source.objects.filter(pk=twins["absorbed"].pk).exists()


def test_the_action_opens_the_merge_page_for_one_source(client, admin_user, twins):
    client.force_login(admin_user)
    changelist = reverse("admin:sources_source_changelist")
    response = client.post(
        changelist, {"action": "merge_into", "_selected_action": [twins["absorbed"].pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:sources_source_merge", args=[twins["absorbed"].pk])
    response = client.post(
        changelist,
        {"action": "merge_into", "_selected_action": [twins["absorbed"].pk, twins["bureau"].pk]},
        follow=True,
    )
    assert "Select one source" in response.content.decode()


@pytest.mark.parametrize("role", ["fact_checker", "editor"])
def test_desk_roles_cannot_merge(request, client, twins, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse("admin:sources_source_merge", args=[twins["absorbed"].pk])
    response = client.post(url, {"survivor": twins["survivor"].pk})
    assert response.status_code == 302 and "/login/" in response["Location"]  # not staff
    user.is_staff = True  # even let into the admin, they lack the permissions
    user.save()
    assert client.post(url, {"survivor": twins["survivor"].pk}).status_code == 403
    assert client.get(url).status_code == 403
    assert Source.objects.filter(pk=twins["absorbed"].pk).exists()


def test_an_absorbed_source_named_again_by_its_own_alias_merges_cleanly(twins):
    absorbed = twins["absorbed"]
    SourceAlias.objects.create(source=absorbed, name="Reuters news agency")
    SourceAlias.objects.create(source=absorbed, name="reuters WIRE")
    preview = source_merge_preview(absorbed=absorbed, survivor=twins["survivor"])
    # One of the two spellings of the wire's alias, whichever the database sorts first.
    gained = [name.casefold() for name in preview.aliases_gained]
    assert gained == ["reuters news agency", "reuters wire"]
    source_merge(absorbed=absorbed, survivor=twins["survivor"])
    names = twins["survivor"].aliases.values_list("name", flat=True)
    assert sorted(name.casefold() for name in names) == [*gained, "thomson reuters"]
