"""The claim's desk audit trail: verdicts (made only through the review service; the admin
shows them read-only), and the revisions kept of evidence labels, rejections and attribution
edits, each with who and when."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Evidence, Rating, Verdict
from claims.selectors.claim_detail import claim_audit_trail
from claims.services.claims import HopSpec, attribution_replace
from claims.services.evidence import evidence_reject, evidence_set_manual
from claims.services.review import verdict_publish
from tests.factories import make_claim, make_evidence, make_report, make_source

pytestmark = pytest.mark.django_db


def test_every_desk_action_is_in_the_trail_with_who_and_when(fact_checker, editor, client):
    claim = make_claim(text="The dam on the river burst on Sunday")
    wire = make_source(name="Wire", grade="A")
    auto = make_evidence(claim=claim, report=make_report(title="Wire: dam burst", publisher=wire))
    other = make_report(title="Local paper: dam holds")
    evidence_set_manual(claim=claim, report=other, stance="contradicts", user=fact_checker)
    evidence_reject(evidence=auto, user=fact_checker)
    attribution_replace(
        claim=claim,
        hops=[HopSpec(source=make_source(name="River authority"), cue="said"), HopSpec(source=wire, cue="")],
        user=editor,
    )
    verdict_publish(
        claim=claim, editor=editor, rating=Rating.objects.get(label="False"), rationale="It held."
    )
    trail = claim_audit_trail(claim)
    said = [(e.who, e.action, e.detail) for e in trail]
    assert (editor.username, "published the verdict “False”", "It held.") in said
    assert (fact_checker.username, "attached as contradicts", "Local paper: dam holds") in said
    assert (fact_checker.username, "rejected the link to", "Wire: dam burst") in said
    assert (editor.username, "edited the attribution chain", "River authority → Wire") in said
    assert [e.at for e in trail] == sorted((e.at for e in trail), reverse=True)

    client.force_login(fact_checker)
    page = client.get(reverse("claim-detail", args=[claim.pk])).content.decode()
    assert "Desk audit trail" in page and "rejected the link to" in page


def test_the_workers_evidence_is_not_the_desks_and_leaves_no_entry(fact_checker):
    claim = make_claim(text="Ten people were hurt")
    make_evidence(claim=claim)
    Evidence.objects.bulk_create(
        [Evidence(claim=claim, report=make_report(), origin=make_source(), stance="supports")]
    )
    assert claim_audit_trail(claim) == []


def test_the_admin_shows_verdicts_read_only(client, admin_user, editor):
    claim = make_claim(text="The mayor resigned")
    verdict = verdict_publish(
        claim=claim, editor=editor, rating=Rating.objects.get(label="True"), rationale="Checked."
    )
    client.force_login(admin_user)
    assert client.get(reverse("admin:claims_verdict_add")).status_code == 403
    change = reverse("admin:claims_verdict_change", args=[verdict.pk])
    assert client.get(change).status_code == 200  # viewable
    client.post(change, {"rating": Rating.objects.get(label="False").pk, "rationale": "Rewritten."})
    verdict.refresh_from_db()
    assert (verdict.rating.label, verdict.rationale) == ("True", "Checked.")
    delete = reverse("admin:claims_verdict_delete", args=[verdict.pk])
    client.post(delete, {"post": "yes"})
    assert Verdict.objects.filter(pk=verdict.pk).exists()
