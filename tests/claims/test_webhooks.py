"""Webhooks: events made after commit from where they happen, signed bodies, retries with
backoff, every attempt logged, outbound URLs through the public-address guard; and a real
receiver on localhost that answers 500 once, reached by a real worker."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time

import pytest
from django.core.exceptions import ValidationError

from claims.models import (
    DeliveryAttempt,
    Rating,
    StatusChange,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscriber,
)
from claims.pipeline.assess import claims_status_update
from claims.services.review import verdict_publish
from claims.services.webhooks import delivery_attempt, webhook_event_emit
from claims.tasks import deliver_webhook
from tests.conftest import WorkerProcess, demo_claim, purge_broker, subprocess_env, wait_for
from tests.local_http import Answer, Request, canary, local_server

ELIMINATED = "Dozens of assailants were eliminated"


def due_now(delivery_id):
    """What the retry's countdown does: the delivery's next attempt is due."""
    from django.utils import timezone

    WebhookDelivery.objects.filter(pk=delivery_id).update(next_attempt_at=timezone.now())


def expected_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Receiver:
    """A subscriber's endpoint: answers the given statuses in turn, then 200."""

    def __init__(self, server, statuses=()):
        self.statuses = list(statuses)
        self.got: list[Request] = []
        server.routes["/hook"] = self.answer

    def answer(self, request: Request) -> Answer:
        self.got.append(request)
        status = self.statuses.pop(0) if self.statuses else 200
        return Answer(status, b"ok" if status == 200 else b"broken")


@pytest.fixture
def desk(demo_story, editor):
    return editor


def publish_verdict(editor, quote=ELIMINATED):
    rating = Rating.objects.filter(active=True).order_by("position").first()
    return verdict_publish(
        claim=demo_claim(quote), editor=editor, rating=rating, rationale="Checked."
    )


@pytest.mark.django_db
def test_events_are_made_after_commit_and_only_queued_from_the_pipeline(
    desk, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(deliver_webhook, "delay", lambda *a: queued.append(a[0]))
    subscriber = WebhookSubscriber.objects.create(name="CMS", url="https://cms.example/hook")
    WebhookSubscriber.objects.create(name="off", url="https://off.example/", active=False)
    WebhookSubscriber.objects.create(
        name="failures only",
        url="https://ops.example/",
        on_status_changed=False,
        on_verdict_published=False,
        on_report_failed=True,
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        verdict = publish_verdict(desk)
    assert not WebhookDelivery.objects.exists(), "nothing is made before the commit"
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    delivery = WebhookDelivery.objects.get()
    assert delivery.subscriber == subscriber and queued == [delivery.pk]
    body = json.loads(delivery.body)
    assert body["event"] == "verdict.published"
    assert body["verdict"]["id"] == verdict.pk and body["verdict"]["rating"]
    assert body["claim"]["url"].endswith(demo_claim(ELIMINATED).get_absolute_url())


@pytest.mark.django_db
def test_a_status_move_is_announced_and_slack_gets_text(
    desk, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(deliver_webhook, "delay", lambda *a: None)
    WebhookSubscriber.objects.create(name="Slack", url="https://hooks.example/x", slack=True)
    claim = demo_claim(ELIMINATED)
    before = StatusChange.objects.count()
    from claims.models import Claim

    # Make the engine's answer differ from what is stored, so the assessment records a move.
    Claim.objects.filter(pk=claim.pk).update(status="refuted", credibility=6)
    with django_capture_on_commit_callbacks(execute=True):
        changes = claims_status_update(claim_ids=[claim.pk], worker="test")
    assert StatusChange.objects.count() == before + len(changes) == before + 1
    delivery = WebhookDelivery.objects.get(event=WebhookEvent.STATUS_CHANGED)
    text = json.loads(delivery.body)["text"]
    assert "from refuted to" in text and claim.get_absolute_url() in text


@pytest.mark.django_db
def test_signature_retry_backoff_and_every_attempt_logged(settings, db):
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    with local_server() as server:
        receiver = Receiver(server, statuses=[500, 503])
        subscriber = WebhookSubscriber.objects.create(name="CMS", url=server.url("/hook"))
        [delivery_id] = (
            webhook_event_emit(
                WebhookEvent.REPORT_FAILED,
                [{"report": {"id": 1, "title": "t", "url": None, "error": "e"}}],
            )
            if subscriber.on_report_failed
            else [None]
        )
        assert delivery_id is None  # not subscribed to report failures
        [delivery_id] = webhook_event_emit(
            WebhookEvent.VERDICT_PUBLISHED, [{"claim": {"id": 1}, "verdict": {"id": 2}}]
        )
        first = delivery_attempt(delivery_id=delivery_id)
        retry_at = WebhookDelivery.objects.get(pk=delivery_id).next_attempt_at
        early = delivery_attempt(delivery_id=delivery_id)  # a message before its time
        assert (early.delivered, early.retry_in) == (False, None)
        assert WebhookDelivery.objects.get(pk=delivery_id).next_attempt_at == retry_at
        due_now(delivery_id)
        second = delivery_attempt(delivery_id=delivery_id)
        due_now(delivery_id)
        third = delivery_attempt(delivery_id=delivery_id)
    assert (first.delivered, first.retry_in) == (False, 30)
    assert (second.delivered, second.retry_in) == (False, 60)
    assert (third.delivered, third.retry_in) == (True, None)
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.state == WebhookDelivery.State.DELIVERED and delivery.attempts == 3
    attempts = list(DeliveryAttempt.objects.filter(delivery=delivery).order_by("attempt"))
    assert [(a.attempt, a.status_code) for a in attempts] == [(1, 500), (2, 503), (3, 200)]
    assert attempts[0].error == "HTTP 500" and attempts[2].error == ""
    assert all(a.subscriber == subscriber and a.event == "verdict.published" for a in attempts)
    for request in receiver.got:
        assert request.body == delivery.body.encode(), "the same bytes every time"
        assert request.headers["x-factcheck-signature"] == expected_signature(
            subscriber.secret, request.body
        )
        stamp = request.headers["x-factcheck-timestamp"]
        assert abs(int(stamp) - time.time()) < 60
        assert request.headers["x-factcheck-signature-timestamped"] == expected_signature(
            subscriber.secret, stamp.encode() + b"." + request.body
        )
        assert request.headers["x-factcheck-delivery"] == str(delivery_id)
        assert request.headers["content-type"] == "application/json"
    # Delivered: a duplicate message sends nothing.
    assert delivery_attempt(delivery_id=delivery_id).retry_in is None
    assert DeliveryAttempt.objects.count() == 3


@pytest.mark.django_db
def test_a_subscriber_that_keeps_failing_is_given_up_on(settings, db):
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    with local_server() as server:
        Receiver(server, statuses=[500, 500, 500])
        WebhookSubscriber.objects.create(name="CMS", url=server.url("/hook"))
        [delivery_id] = webhook_event_emit(WebhookEvent.VERDICT_PUBLISHED, [{"x": 1}])
        assert delivery_attempt(delivery_id=delivery_id).retry_in is not None
        due_now(delivery_id)
        assert delivery_attempt(delivery_id=delivery_id).retry_in is None
    assert WebhookDelivery.objects.get().state == WebhookDelivery.State.FAILED


@pytest.mark.django_db
def test_the_subscriber_url_goes_through_the_guard(settings, db):
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = False
    with canary() as listener:
        WebhookSubscriber.objects.create(name="sneaky", url=f"http://localhost:{listener.port}/")
        [delivery_id] = webhook_event_emit(WebhookEvent.VERDICT_PUBLISHED, [{"x": 1}])
        result = delivery_attempt(delivery_id=delivery_id)
        time.sleep(0.3)
        assert listener.connections == 0
    assert not result.delivered
    attempt = DeliveryAttempt.objects.get()
    assert attempt.status_code is None and "loopback" in attempt.error
    # The admin's form refuses literal addresses that are not public, and other schemes.
    for url in ("http://169.254.169.254/latest", "http://[::ffff:10.0.0.1]/", "ftp://x.example/"):
        with pytest.raises(ValidationError):
            WebhookSubscriber(name="x", url=url).full_clean()
    WebhookSubscriber(name="x", url="https://cms.example/hook").full_clean()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_receiver_gets_a_signed_verdict_after_a_first_500_through_a_real_worker(
    desk, tmp_path
):
    purge_broker()
    worker = WorkerProcess(
        tmp_path / "worker.log",
        subprocess_env(FACTCHECK_TEST_FETCH_LOOPBACK="1", WEBHOOK_RETRY_BASE_SECONDS="1"),
    )
    worker.start()
    try:
        with local_server() as server:
            receiver = Receiver(server, statuses=[500])
            subscriber = WebhookSubscriber.objects.create(name="CMS", url=server.url("/hook"))
            started = time.monotonic()
            verdict = publish_verdict(desk)
            assert time.monotonic() - started < 5, "publishing does not wait for the subscriber"
            wait_for(
                lambda: WebhookDelivery.objects.filter(
                    state=WebhookDelivery.State.DELIVERED
                ).exists(),
                timeout=60,
                interval=0.3,
            )
        assert len(receiver.got) == 2
        for request in receiver.got:
            assert request.headers["x-factcheck-signature"] == expected_signature(
                subscriber.secret, request.body
            )
        body = json.loads(receiver.got[1].body)
        assert body["event"] == "verdict.published" and body["verdict"]["id"] == verdict.pk
        attempts = DeliveryAttempt.objects.order_by("attempt")
        assert [(a.attempt, a.status_code) for a in attempts] == [(1, 500), (2, 200)]
        assert "deliver_webhook" in worker.log()
    finally:
        worker.stop()


if os.environ.get("REDIS_URL"):
    test_a_real_receiver_gets_a_signed_verdict_after_a_first_500_through_a_real_worker = (
        pytest.mark.redis(
            test_a_real_receiver_gets_a_signed_verdict_after_a_first_500_through_a_real_worker
        )
    )


@pytest.mark.django_db(transaction=True)
def test_two_messages_for_one_delivery_send_it_once(settings):
    import threading

    from django.db import connection

    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    with local_server() as server:
        got = []

        def slow(request):
            got.append(request)
            time.sleep(0.5)
            return Answer(200, b"ok")

        server.routes["/hook"] = slow
        WebhookSubscriber.objects.create(name="CMS", url=server.url("/hook"))
        [delivery_id] = webhook_event_emit(WebhookEvent.VERDICT_PUBLISHED, [{"x": 1}])
        results = []

        def attempt():
            try:
                results.append(delivery_attempt(delivery_id=delivery_id))
            finally:
                connection.close()

        threads = [threading.Thread(target=attempt) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert len(got) == 1, "a retry and the sweeper's re-send of one delivery send it once"
    assert sorted(r.delivered for r in results) == [False, True]
    assert DeliveryAttempt.objects.count() == 1


@pytest.mark.django_db
def test_the_sweeper_resends_deliveries_whose_message_was_lost(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from claims.tasks import sweep_webhook_deliveries

    settings.REPORT_STUCK_AFTER_SECONDS = 300
    subscriber = WebhookSubscriber.objects.create(name="CMS", url="https://cms.example/hook")
    long_ago = timezone.now() - timedelta(minutes=10)
    lost = WebhookDelivery.objects.create(
        subscriber=subscriber, event="verdict.published", body="{}", next_attempt_at=long_ago
    )
    WebhookDelivery.objects.create(subscriber=subscriber, event="verdict.published", body="{}")
    WebhookDelivery.objects.create(
        subscriber=subscriber,
        event="verdict.published",
        body="{}",
        next_attempt_at=long_ago,
        state=WebhookDelivery.State.DELIVERED,
    )
    sent = []
    monkeypatch.setattr(deliver_webhook, "delay", lambda *a: sent.append(a[0]))
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_webhook_deliveries() == 1
        assert sweep_webhook_deliveries() == 0, "renewed: not re-sent every sweep"
    assert sent == [lost.pk]
