"""Webhooks: events (a claim's status changed, a verdict was published, a report failed) told
to subscribers, signed, delivered by their own Celery queue with retries.

The rows that record what happened (StatusChange, Verdict, a failed Report) are the truth; the
places that write them call ``emit_after_commit``, which makes one WebhookDelivery per
interested subscriber once that transaction has committed, and queues each. A rolled-back
change is never announced; a subscriber that is slow or down costs the pipeline nothing (the
delivery is another task on the "webhooks" queue), and its failures are retried with
exponential backoff (WEBHOOK_RETRY_BASE_SECONDS doubled per attempt, WEBHOOK_MAX_ATTEMPTS in
all), every attempt recorded as a DeliveryAttempt.

Each POST carries:

- ``X-Factcheck-Event``, ``X-Factcheck-Delivery`` (the delivery's id: receivers drop repeats);
- ``X-Factcheck-Signature: sha256=<hex>``, HMAC-SHA256 of the raw body with the secret;
- ``X-Factcheck-Timestamp`` (Unix seconds of this attempt) and
  ``X-Factcheck-Signature-Timestamped: sha256=<hex>`` over ``"<timestamp>." + body``, for
  receivers that refuse old (replayed) requests.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.enqueue import send_after_commit
from claims.models import (
    Claim,
    DeliveryAttempt,
    StatusChange,
    Verdict,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscriber,
)
from sources.fetching import FetchError, http_request
from sources.models import Report

logger = logging.getLogger(__name__)

_EVENT_FIELD = {
    WebhookEvent.STATUS_CHANGED: "on_status_changed",
    WebhookEvent.VERDICT_PUBLISHED: "on_verdict_published",
    WebhookEvent.REPORT_FAILED: "on_report_failed",
}


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def emit_after_commit(
    event: WebhookEvent, payloads: Callable[[], Iterable[dict[str, Any]]]
) -> None:
    """Once the current transaction commits, make and queue the deliveries of `event`, one per
    payload and interested subscriber. `payloads` runs after the commit (reading committed
    rows); an error in it is logged and never reaches the caller (robust)."""
    transaction.on_commit(lambda: webhook_event_emit(event, list(payloads())), robust=True)


def webhook_event_emit(event: WebhookEvent, payloads: list[dict[str, Any]]) -> list[int]:
    if not payloads:
        return []
    subscribers = list(WebhookSubscriber.objects.filter(active=True, **{_EVENT_FIELD[event]: True}))
    if not subscribers:
        return []
    now = timezone.now()
    deliveries = []
    for payload in payloads:
        document = {
            "id": str(uuid.uuid4()),
            "event": event.value,
            "created_at": now.isoformat(),
            **payload,
        }
        for subscriber in subscribers:
            body = _slack(event, payload) if subscriber.slack else document
            deliveries.append(
                WebhookDelivery(
                    subscriber=subscriber,
                    event=event.value,
                    body=json.dumps(body, sort_keys=True, separators=(",", ":")),
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    with transaction.atomic():
        created = WebhookDelivery.objects.bulk_create(deliveries)
        ids = [delivery.pk for delivery in created]
        for delivery_id in ids:
            send_after_commit(_deliver_task(), delivery_id)
    return ids


def _deliver_task() -> Any:
    from claims.tasks import deliver_webhook  # tasks import services

    return deliver_webhook


def _claim_url(claim: Claim) -> str:
    base = str(settings.PUBLISHER.get("url") or "").rstrip("/")
    return base + claim.get_absolute_url()


def _claim(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "text": claim.text,
        "quote": claim.quote,
        "status": claim.status,
        "credibility": claim.credibility,
        "url": _claim_url(claim),
    }


def status_change_payloads(change_ids: list[int]) -> list[dict[str, Any]]:
    changes = StatusChange.objects.filter(pk__in=change_ids).select_related("claim")
    return [
        {
            "claim": _claim(change.claim),
            "from_status": change.from_status,
            "to_status": change.to_status,
            "from_credibility": change.from_credibility,
            "to_credibility": change.to_credibility,
            "explanation": change.explanation,
            "changed_at": change.created_at.isoformat(),
        }
        for change in changes.order_by("pk")
    ]


def verdict_payloads(verdict_id: int) -> list[dict[str, Any]]:
    verdict = Verdict.objects.filter(pk=verdict_id).select_related("claim", "rating").first()
    if verdict is None:
        return []
    return [
        {
            "claim": _claim(verdict.claim),
            "verdict": {
                "id": verdict.pk,
                "rating": verdict.rating.label,
                "rationale": verdict.rationale,
                "published_at": verdict.published_at.isoformat() if verdict.published_at else None,
            },
        }
    ]


def report_failed_payloads(report_ids: list[int]) -> list[dict[str, Any]]:
    reports = Report.objects.filter(pk__in=report_ids, state=Report.State.FAILED)
    return [
        {"report": {"id": r.pk, "title": r.title, "url": r.url, "error": r.error}}
        for r in reports.order_by("pk")
    ]


def _slack(event: WebhookEvent, payload: dict[str, Any]) -> dict[str, Any]:
    if event == WebhookEvent.STATUS_CHANGED:
        claim = payload["claim"]
        text = (
            f"Claim “{claim['text']}” moved from {payload['from_status']} to "
            f"{payload['to_status']} (credibility {payload['to_credibility']}). {claim['url']}"
        )
    elif event == WebhookEvent.VERDICT_PUBLISHED:
        claim = payload["claim"]
        text = (
            f"Verdict published on “{claim['text']}”: {payload['verdict']['rating']}. "
            f"{claim['url']}"
        )
    else:
        report = payload["report"]
        text = f"Report #{report['id']} “{report['title']}” failed: {report['error']}"
    return {"text": text}


@dataclass(frozen=True)
class AttemptResult:
    delivered: bool
    retry_in: float | None  # seconds until the next attempt; None: no more attempts


def delivery_attempt(*, delivery_id: int) -> AttemptResult:
    """Try one delivery once and record the attempt. Delivered on any 2xx; otherwise retried
    after WEBHOOK_RETRY_BASE_SECONDS * 2**(attempts - 1) until WEBHOOK_MAX_ATTEMPTS."""
    delivery = WebhookDelivery.objects.filter(pk=delivery_id).select_related("subscriber").first()
    if delivery is None or delivery.state != WebhookDelivery.State.PENDING:
        return AttemptResult(delivered=False, retry_in=None)
    # Take the delivery for this attempt by moving next_attempt_at past the request's end (a
    # lease): of two messages for one delivery (a retry and the sweeper's re-send), the second
    # finds it not due and sends nothing. A little slack for an ETA that fires a bit early.
    now = timezone.now()
    lease = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS + 30)
    taken = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        state=WebhookDelivery.State.PENDING,
        next_attempt_at__lte=now + timedelta(seconds=2),
    ).update(next_attempt_at=lease)
    if not taken:
        return AttemptResult(delivered=False, retry_in=None)
    subscriber = delivery.subscriber
    attempt = delivery.attempts + 1
    body = delivery.body.encode()
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Factcheck-Event": delivery.event,
        "X-Factcheck-Delivery": str(delivery.pk),
        "X-Factcheck-Signature": sign(subscriber.secret, body),
        "X-Factcheck-Timestamp": stamp,
        "X-Factcheck-Signature-Timestamped": sign(subscriber.secret, stamp.encode() + b"." + body),
    }
    started = time.monotonic()
    status: int | None = None
    error = ""
    try:
        answer = http_request(
            subscriber.url,
            method="POST",
            body=body,
            headers=headers,
            max_bytes=64 * 1024,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            max_redirects=0,  # a subscriber's URL is where it said; no redirects
        )
        status = answer.status
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except FetchError as exc:
        error = str(exc)
    duration_ms = int((time.monotonic() - started) * 1000)
    delivered = not error
    now = timezone.now()
    retry_in: float | None = None
    if delivered:
        state = WebhookDelivery.State.DELIVERED
    elif attempt >= settings.WEBHOOK_MAX_ATTEMPTS or not subscriber.active:
        state = WebhookDelivery.State.FAILED
    else:
        state = WebhookDelivery.State.PENDING
        retry_in = float(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempt - 1))
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            subscriber=subscriber,
            event=delivery.event,
            attempt=attempt,
            status_code=status,
            error=error[:2000],
            duration_ms=duration_ms,
            created_at=now,
        )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            attempts=attempt,
            state=state,
            delivered_at=now if delivered else None,
            next_attempt_at=now + timedelta(seconds=retry_in or 0),
        )
    if not delivered:
        logger.warning(
            "webhook %s to %s, attempt %d: %s%s",
            delivery.event,
            subscriber.url,
            attempt,
            error,
            f"; again in {retry_in:.0f} s" if retry_in is not None else "; gave up",
        )
    return AttemptResult(delivered=delivered, retry_in=retry_in)


def overdue_deliveries_release(*, older_than: timedelta, limit: int = 500) -> list[int]:
    """Pending deliveries whose next attempt is long overdue (the message was lost: broker
    down, a worker killed); their due time is renewed so a slow queue is not re-sent the same
    ones every sweep."""
    cutoff = timezone.now() - older_than
    ids = list(
        WebhookDelivery.objects.filter(
            state=WebhookDelivery.State.PENDING, next_attempt_at__lte=cutoff
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
    return ids
