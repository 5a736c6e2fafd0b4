"""Test helpers in one place: factories (the fewest fields a valid row needs, overridable by
keyword), status changes as the workers record them, and API clients and report posts as
clients send them. Role users are fixtures in tests/conftest.py."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import Claim, Evidence, Rating, StatusChange, Verdict
from sources.models import Report, Source
from sources.text import content_hash

_seq = itertools.count(1)


def make_source(**fields: Any) -> Source:
    fields.setdefault("name", f"Source {next(_seq)}")
    fields.setdefault("grade", "B")
    return Source.objects.create(**fields)


def make_report(**fields: Any) -> Report:
    body = fields.pop("body", f"Report body number {next(_seq)}.")
    fields.setdefault("title", "A report")
    if "publisher" not in fields:
        fields["publisher"] = make_source()
    return Report.objects.create(body=body, content_hash=content_hash(body), **fields)


def make_claim(**fields: Any) -> Claim:
    fields.setdefault("text", f"Claim number {next(_seq)}")
    return Claim.objects.create(**fields)


def make_evidence(**fields: Any) -> Evidence:
    if "claim" not in fields:
        fields["claim"] = make_claim()
    if "report" not in fields:
        fields["report"] = make_report()
    fields.setdefault("origin", fields["report"].publisher)
    fields.setdefault("stance", "supports")
    return Evidence.objects.create(**fields)


def record_status_change(
    claim: Claim,
    to: str,
    *,
    at: datetime,
    credibility: int | None = None,
    story_at: datetime | None = None,
) -> StatusChange:
    """What claims_status_update does when a claim moves: append a StatusChange and update the
    claim, which then awaits review. ``story_at``: when in the story it happened (default: at)."""
    claim.refresh_from_db()
    new_credibility = credibility if credibility is not None else claim.credibility
    change = StatusChange.objects.create(
        claim=claim,
        from_status=claim.status,
        to_status=to,
        from_credibility=claim.credibility,
        to_credibility=new_credibility,
        explanation=f"now {to}",
        worker="test-worker",
        created_at=at,
        story_at=story_at or at,
    )
    Claim.objects.filter(pk=claim.pk).update(
        status=to, credibility=new_credibility, status_changed_at=at, awaiting_review=True
    )
    return change


def token_client(user: User) -> APIClient:
    """An API client that authenticates as `user` with a token, as integrations do."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def post_report(client: APIClient, payload: dict[str, Any], **headers: Any) -> Any:
    """POST /api/reports/ as JSON; the response, whatever its status."""
    return client.post("/api/reports/", payload, format="json", **headers)


def intercept_delay(monkeypatch: Any, *tasks: Any, run: bool = False) -> list[tuple[Any, ...]]:
    """Replace `.delay` of the Celery `tasks` for one test: each call's arguments are recorded
    in the list returned, and with `run` the task is called in-process (no broker); without,
    the message is lost, as with a broker that is down."""
    sent: list[tuple[Any, ...]] = []
    for task in tasks:

        def delay(*args: Any, _task: Any = task) -> None:
            sent.append(args)
            if run:
                _task(*args)

        monkeypatch.setattr(task, "delay", delay)
    return sent


def make_verdict(
    claim: Claim, rating_label: str, editor: User, rationale: str = "Checked."
) -> Verdict:
    """A published verdict written straight to the table (the review service's checks are
    tested on their own), for tests that need verdicts on record."""
    return Verdict.objects.create(
        claim=claim,
        rating=Rating.objects.get(label=rating_label),
        rationale=rationale,
        editor=editor,
        status_at_review=claim.status,
        published_at=timezone.now(),
    )


def code_of(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the user's authenticator app shows now (or ``steps_ahead`` periods later)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return str(value).zfill(device.digits)


def streamed_text(response: Any) -> str:
    """The whole body of a streamed export, as text."""
    from django.http import StreamingHttpResponse

    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def streamed_csv_rows(response: Any) -> list[dict[str, str]]:
    """The rows of a streamed CSV export, by column name."""
    import csv
    import io

    return list(csv.DictReader(io.StringIO(streamed_text(response))))
