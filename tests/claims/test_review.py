"""The editors' review queue: what is queued, accept/override, refusals and concurrent editors."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from claims.default_ratings import rating_label_for
from claims.models import Claim, Rating, StatusChange, Verdict
from claims.services.review import (
    Conflict,
    review_accept,
    review_override,
    verdict_publish,
)
from tests.factories import make_claim, make_source

pytestmark = pytest.mark.django_db

EXPLANATION = "Corroborated: Reuters and AFP, independent of the ministry, report the same figure."
HTMX = {"HTTP_HX_REQUEST": "true"}


def queued_claim(
    *,
    at: datetime | None = None,
    status: str = "corroborated",
    credibility: int = 2,
    created_by: User | None = None,
    text: str | None = None,
    explanation: str = EXPLANATION,
    **fields: Any,
) -> Claim:
    """A claim the engine moved (StatusChange + the claim's own fields), as claim_status_update does."""
    at = at or timezone.now() - timedelta(hours=1)
    claim = make_claim(created_by=created_by, **({"text": text} if text else {}), **fields)
    StatusChange.objects.create(
        claim=claim,
        from_status="unverified",
        to_status=status,
        from_credibility=6,
        to_credibility=credibility,
        explanation=explanation,
        worker="test-worker",
        created_at=at,
    )
    Claim.objects.filter(pk=claim.pk).update(
        status=status,
        credibility=credibility,
        explanation=explanation,
        status_changed_at=at,
        awaiting_review=True,
    )
    claim.refresh_from_db()
    return claim


def move_status(claim: Claim, *, status: str, credibility: int, at: datetime) -> Claim:
    StatusChange.objects.create(
        claim=claim,
        from_status=claim.status,
        to_status=status,
        from_credibility=claim.credibility,
        to_credibility=credibility,
        explanation=f"Now {status}.",
        worker="test-worker",
        created_at=at,
    )
    Claim.objects.filter(pk=claim.pk).update(
        status=status,
        credibility=credibility,
        explanation=f"Now {status}.",
        status_changed_at=at,
        awaiting_review=True,
    )
    claim.refresh_from_db()
    return claim


def publish_at(claim: Claim, editor: User, label: str, at: datetime) -> Verdict:
    verdict = verdict_publish(
        claim=claim, editor=editor, rating=Rating.objects.get(label=label), rationale="Checked."
    )
    Verdict.objects.filter(pk=verdict.pk).update(created_at=at, published_at=at)
    verdict.refresh_from_db()
    return verdict


def form_data(claim: Claim, decision: str = "accept", **overrides: Any) -> dict[str, Any]:
    latest = claim.verdicts.order_by("-created_at", "-id").first()
    data = {
        "decision": decision,
        "rationale": "The two wires are independent of the ministry.",
        "seen_version": claim.status_changed_at.isoformat(),
        "seen_verdict": latest.pk if latest else "",
    }
    data.update(overrides)
    return data


def publish_url(claim: Claim) -> str:
    return reverse("review-publish", args=[claim.pk])


def queued_ids(client: Any) -> list[int]:
    response = client.get(reverse("review-queue"))
    assert response.status_code == 200
    return [card.item.claim.pk for card in response.context["cards"]]


# --- the mapping -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "credibility", "label"),
    [
        ("corroborated", 1, "True"),
        ("corroborated", 2, "Mostly true"),
        ("disputed", 4, "Mixed"),
        ("refuted", 5, "False"),
        ("refuted", 4, "Mostly false"),
        ("unverified", 3, "Unproven"),
        ("unverified", 6, "Unproven"),
    ],
)
def test_accepted_status_maps_to_a_scale_step(status: str, credibility: int, label: str) -> None:
    assert rating_label_for(status, credibility) == label


# --- the queue ---------------------------------------------------------------------------


def test_queue_lists_only_changed_claims_oldest_change_first(client, editor, other_editor):
    now = timezone.now()
    never_assessed = make_claim(text="Never assessed")
    recent = queued_claim(at=now - timedelta(hours=1), text="Changed an hour ago")
    oldest = queued_claim(at=now - timedelta(hours=5), text="Changed five hours ago")
    settled = queued_claim(at=now - timedelta(hours=4), text="Verdict after the change")
    publish_at(settled, other_editor, "Mostly true", now - timedelta(hours=3))
    reopened = queued_claim(at=now - timedelta(days=2), text="Changed again after its verdict")
    publish_at(reopened, other_editor, "Mostly true", now - timedelta(days=1))
    move_status(reopened, status="disputed", credibility=4, at=now - timedelta(hours=2))

    client.force_login(editor)
    assert queued_ids(client) == [oldest.pk, reopened.pk, recent.pk]
    assert never_assessed.pk not in queued_ids(client)

    html = client.get(reverse("review-queue")).content.decode()
    # What it was at the last verdict, beside what the engine proposes now.
    card = html[html.index(f'id="review-{reopened.pk}"') :]
    card = card[: card.index("</article>")]
    assert "st-disputed" in card and "cred 4" in card
    assert "st-corroborated" in card and "cred 2" in card and "Mostly true" in card
    assert f'href="{reverse("claim-detail", args=[reopened.pk])}"' in card
    # The rationale is the editor's own, published text: the field starts empty, and the
    # engine's explanation stands beside it, never in it.
    assert re.search(r"<textarea[^>]*>\s*</textarea>", card)
    assert not re.search(r"<textarea[^>]*>\s*" + re.escape(EXPLANATION), html)
    assert "Engine's explanation" in html and EXPLANATION in html
    assert "Evidence to cite" in card


def test_queue_is_paginated(client, editor):
    now = timezone.now()
    claims = [queued_claim(at=now - timedelta(minutes=100 - i)) for i in range(25)]
    client.force_login(editor)
    first = client.get(reverse("review-queue"))
    second = client.get(reverse("review-queue"), {"page": 2})
    ids = [c.item.claim.pk for c in first.context["cards"]] + [
        c.item.claim.pk for c in second.context["cards"]
    ]
    assert ids == [c.pk for c in claims]
    assert "Page 1 of 2" in first.content.decode()


def test_fact_checker_is_refused_the_queue_and_sees_no_link(client, fact_checker):
    claim = queued_claim()
    client.force_login(fact_checker)
    assert client.get(reverse("review-queue")).status_code == 403
    assert client.post(publish_url(claim), form_data(claim)).status_code == 403
    assert not Verdict.objects.exists()
    assert reverse("review-queue") not in client.get(reverse("report-paste")).content.decode()


def test_editor_sees_the_queue_link(client, editor):
    client.force_login(editor)
    assert (
        f'href="{reverse("review-queue")}"' in client.get(reverse("review-queue")).content.decode()
    )


def test_signed_out_visitors_are_sent_to_sign_in(client, roles):
    response = client.get(reverse("review-queue"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- accept and override ------------------------------------------------------------------


def test_editor_accepts_and_the_claim_leaves_the_queue(client, editor):
    claim = queued_claim(status="corroborated", credibility=2)
    client.force_login(editor)
    response = client.post(publish_url(claim), form_data(claim, rationale="  Two wires agree. "))
    assert response.status_code == 302 and response["Location"] == reverse("review-queue")
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.rating.label == "Mostly true"
    assert verdict.published_at is not None
    assert verdict.rationale == "Two wires agree."
    assert verdict.editor == editor and verdict.status_at_review == "corroborated"
    assert claim.pk not in queued_ids(client)


def test_accept_with_htmx_swaps_in_a_confirmation_with_the_public_link(client, editor):
    claim = queued_claim(status="refuted", credibility=5)
    client.force_login(editor)
    response = client.post(publish_url(claim), form_data(claim), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="review-{claim.pk}"' in html and "Published “False”" in html
    assert reverse("claim-public", args=[claim.pk]) in html
    assert Verdict.objects.get(claim=claim).rating.label == "False"


def test_publishing_with_htmx_updates_the_queues_count_in_the_same_response(client, editor):
    first = queued_claim(status="refuted", credibility=5)
    queued_claim(status="corroborated", credibility=2)
    client.force_login(editor)
    page = client.get(reverse("review-queue")).content.decode()
    assert 'id="review-count"' in page and "2 claims whose automatic status" in page
    html = client.post(publish_url(first), form_data(first), **HTMX).content.decode()
    assert 'id="review-count" hx-swap-oob="true"' in html
    assert "1 claim whose automatic status" in html


def test_accept_needs_a_rationale(client, editor):
    claim = queued_claim()
    client.force_login(editor)
    response = client.post(publish_url(claim), form_data(claim, rationale="   "), **HTMX)
    assert response.status_code == 422
    assert "the rationale is published" in response.content.decode()
    assert not Verdict.objects.exists()


def test_override_publishes_the_chosen_rating(client, editor):
    claim = queued_claim(status="corroborated", credibility=2)
    mixed = Rating.objects.get(label="Mixed")
    client.force_login(editor)
    response = client.post(
        publish_url(claim),
        form_data(claim, "override", rating=mixed.pk, rationale="The wires echo each other."),
    )
    assert response.status_code == 302
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.rating == mixed and verdict.published_at is not None


def test_override_requires_a_rationale_and_saves_nothing(client, editor):
    claim = queued_claim()
    client.force_login(editor)
    data = form_data(claim, "override", rating=Rating.objects.get(label="False").pk, rationale="")
    response = client.post(publish_url(claim), data)
    assert response.status_code == 422
    card = response.context["cards"][0]
    assert "rationale" in card.override_form.errors and card.override_open
    assert "Explain the verdict" in response.content.decode()
    assert not Verdict.objects.exists()


def test_override_requires_an_active_rating(client, editor):
    claim = queued_claim()
    retired = Rating.objects.get(label="Mostly false")
    Rating.objects.filter(pk=retired.pk).update(active=False)
    client.force_login(editor)
    response = client.post(publish_url(claim), form_data(claim, "override", rating=retired.pk))
    assert response.status_code == 422
    assert "Choose an active rating" in response.content.decode()
    response = client.post(publish_url(claim), form_data(claim, "override", rating=""))
    assert "Choose a rating" in response.content.decode()
    assert not Verdict.objects.exists()
    # A retired step is not offered either.
    page = client.get(reverse("review-queue")).content.decode()
    assert f'value="{retired.pk}"' not in page


def test_override_refuses_a_rating_retired_while_the_editor_reviewed(editor):
    claim = queued_claim()
    rating = Rating.objects.get(label="Mixed")
    Rating.objects.filter(pk=rating.pk).update(active=False)
    with pytest.raises(Exception, match="retired"):
        review_override(
            claim_id=claim.pk,
            editor=editor,
            rating=rating,  # the stale instance still says active
            rationale="x",
            seen_version=claim.status_changed_at,
            seen_verdict_id=None,
        )
    assert not Verdict.objects.exists()


def test_editor_is_refused_on_a_claim_they_created(client, editor):
    claim = queued_claim(created_by=editor)
    client.force_login(editor)
    page = client.get(reverse("review-queue")).content.decode()
    assert "another editor must rule on it" in page
    assert f'action="{publish_url(claim)}"' not in page
    response = client.post(publish_url(claim), form_data(claim))
    assert response.status_code == 403
    assert "cannot publish a verdict on a claim they created" in response.content.decode()
    response = client.post(publish_url(claim), form_data(claim), **HTMX)
    assert response.status_code == 403
    assert "cannot publish a verdict on a claim they created" in response.content.decode()
    assert not Verdict.objects.exists()


def test_another_editor_may_rule_on_a_claim_an_editor_created(client, editor, other_editor):
    claim = queued_claim(created_by=editor)
    client.force_login(other_editor)
    assert client.post(publish_url(claim), form_data(claim)).status_code == 302
    assert Verdict.objects.filter(claim=claim, editor=other_editor).count() == 1


def test_an_unknown_claim_is_404(client, editor):
    client.force_login(editor)
    data = {"decision": "accept", "rationale": "x", "seen_version": timezone.now().isoformat()}
    assert client.post(reverse("review-publish", args=[999999]), data).status_code == 404


def test_publish_is_post_only(client, editor):
    claim = queued_claim()
    client.force_login(editor)
    assert client.get(publish_url(claim)).status_code == 405


# --- conflicts ---------------------------------------------------------------------------


def test_second_editor_with_a_stale_view_gets_a_conflict(client, editor, other_editor):
    claim = queued_claim(status="corroborated", credibility=2)
    stale = form_data(claim)  # both editors loaded the queue now
    client.force_login(other_editor)
    assert client.post(publish_url(claim), stale).status_code == 302
    won = Verdict.objects.get()

    client.force_login(editor)
    for extra in ({}, HTMX):
        response = client.post(publish_url(claim), {**stale, "rationale": "Mine."}, **extra)
        assert response.status_code == 409
        html = response.content.decode()
        at = timezone.localtime(won.published_at)
        assert (
            f"Another editor published a verdict on this claim at {at:%H:%M} "
            "(rating Mostly true) — reload to see it"
        ) in html
    assert Verdict.objects.get() == won


def test_status_change_while_reviewing_is_a_conflict(client, editor):
    claim = queued_claim(status="corroborated", credibility=2)
    stale = form_data(claim)
    move_status(claim, status="disputed", credibility=4, at=timezone.now())
    client.force_login(editor)
    for extra in ({}, HTMX):
        response = client.post(publish_url(claim), stale, **extra)
        assert response.status_code == 409
        assert "The status changed while you were reviewing — review again" in (
            response.content.decode()
        )
    assert not Verdict.objects.exists()
    # Reviewing again (the fresh version) works, and accepts the new status.
    assert client.post(publish_url(claim), form_data(claim)).status_code == 302
    assert Verdict.objects.get().rating.label == "Mixed"


def test_service_refuses_the_second_of_two_sequential_editors(editor, other_editor):
    claim = queued_claim()
    seen = {"seen_version": claim.status_changed_at, "seen_verdict_id": None}
    review_accept(claim_id=claim.pk, editor=editor, rationale="First.", **seen)
    with pytest.raises(Conflict) as exc:
        review_accept(claim_id=claim.pk, editor=other_editor, rationale="Second.", **seen)
    assert exc.value.verdict is not None and exc.value.verdict.editor == editor
    assert Verdict.objects.count() == 1


def test_a_form_without_its_version_is_refused(client, editor):
    claim = queued_claim()
    client.force_login(editor)
    response = client.post(publish_url(claim), form_data(claim, seen_version="yesterday"))
    assert response.status_code == 422
    assert "reload the queue" in response.content.decode()
    assert not Verdict.objects.exists()


@pytest.mark.postgres
def test_two_editors_at_once_exactly_one_wins(transactional_db, editor, other_editor):
    if connection.vendor != "postgresql":
        pytest.skip("row locking between two connections is proven on PostgreSQL (DATABASE_URL)")
    claim = queued_claim()
    seen_version = claim.status_changed_at
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def act(user: User) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[user.username] = review_accept(
                claim_id=claim.pk,
                editor=user,
                rationale=f"By {user.username}.",
                seen_version=seen_version,
                seen_verdict_id=None,
            )
        except Exception as exc:
            outcomes[user.username] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=act, args=(user,)) for user in (editor, other_editor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 2
    won = [o for o in outcomes.values() if isinstance(o, Verdict)]
    lost = [o for o in outcomes.values() if isinstance(o, Conflict)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert Verdict.objects.filter(claim=claim).count() == 1
    assert lost[0].verdict is not None and lost[0].verdict.pk == won[0].pk


# --- query ceiling -----------------------------------------------------------------------


def test_queue_query_ceiling_with_thirty_claims(
    client, editor, other_editor, django_assert_max_num_queries
):
    now = timezone.now()
    claimant = make_source(name="Interior Ministry", kind="government_body")
    for i in range(30):
        claim = queued_claim(at=now - timedelta(days=3, minutes=i), claimant=claimant)
        if i % 2:
            publish_at(claim, other_editor, "Mostly true", now - timedelta(days=2))
            move_status(claim, status="disputed", credibility=4, at=now - timedelta(hours=i))
    client.force_login(editor)
    client.get(reverse("review-queue"))  # warm the session and permission caches equally
    # Eight for the queue, two for the evidence to cite (every card's at once, with claimants).
    with django_assert_max_num_queries(10):
        response = client.get(reverse("review-queue"))
    assert response.status_code == 200
    assert len(response.context["cards"]) == 20
    assert response.context["page"].paginator.count == 30
