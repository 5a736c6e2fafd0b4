"""Reports in, status changes out: the bench POSTs reports through the real API view
(in-process, a fact-checker's token) and watches for the target claims' StatusChange rows."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import CommandError
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.engine.vocabulary import Status
from claims.models import Claim, Evidence, StatusChange
from claims.roles import FACT_CHECKER
from sources.models import Report

BENCH_USERNAME = "bench-factchecker"
# Give up waiting when no target claim has changed for this long: a stuck pipeline must end
# the run with a clear message, not hang it.
STALL_SECONDS = 90.0
# ... but stop waiting sooner once every report is processed and nothing has moved for this long.
SETTLED_SECONDS = 3.0
POLL_SECONDS = 0.5


@dataclass
class Posted:
    claim_id: int
    report_id: int
    posted_at: datetime


# The bench measures the pipeline's capacity, not the API's rate limits: its own process posts
# as fast as it can (claims.api.throttling reads the rates at each request).
UNTHROTTLED = {"burst": "1000000/second", "sustained": "1000000000/hour"}


class Traffic:
    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        settings.API_THROTTLE_RATES = UNTHROTTLED
        self.client = self._api_client()

    def _api_client(self) -> APIClient:
        user, _ = User.objects.get_or_create(username=BENCH_USERNAME)
        user.groups.set([Group.objects.get(name=FACT_CHECKER)])
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        # The test client sends Host "testserver", which only the test runner allows.
        host = next(
            (h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith("[")),
            "localhost",
        )
        client = APIClient(HTTP_HOST=host)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        self.report_url = reverse("api-report-list")
        return client

    def post(self, payload: dict[str, str]) -> int:
        response = self.client.post(self.report_url, payload, format="json")
        if response.status_code != 202:
            raise CommandError(
                f"POST {self.report_url} answered {response.status_code}: {response.content[:500]!r}"
            )
        return int(json.loads(response.content)["id"])

    def post_all(
        self,
        targets: Sequence[int],
        payload: Callable[[int], dict[str, str]],
        pace: Callable[[int], None] | None = None,
    ) -> list[Posted]:
        payloads = [payload(claim_id) for claim_id in targets]  # built before timing
        posted: list[Posted] = []
        for i, (claim_id, body) in enumerate(zip(targets, payloads, strict=True)):
            if pace is not None:
                pace(i)
            at = timezone.now()
            posted.append(Posted(claim_id, self.post(body), at))
        return posted

    def wait_for_changes(self, claim_ids: Sequence[int]) -> dict[int, datetime]:
        """When each claim first turned corroborated, waiting until all have or progress
        stalls. Only that change counts: a similar report's "discusses" evidence can record
        an unverified -> unverified change (new explanation) first."""
        pending = set(claim_ids)
        first: dict[int, datetime] = {}
        last_progress = time.monotonic()
        while pending:
            rows = (
                StatusChange.objects.filter(claim_id__in=pending, to_status=Status.CORROBORATED)
                .values("claim_id")
                .annotate(first=Min("created_at"))
            )
            for row in rows:
                first[row["claim_id"]] = row["first"]
                pending.discard(row["claim_id"])
            if rows:
                last_progress = time.monotonic()
            elif time.monotonic() - last_progress > SETTLED_SECONDS and not unfinished():
                # Every report is processed, so nothing more will come: a target that another
                # report contradicted first (synthetic claims share places and templates) ends
                # disputed, not corroborated, and is left out of the count rather than awaited.
                states = Counter(
                    Claim.objects.filter(pk__in=pending).values_list("status", flat=True)
                )
                self.say(
                    f"  ! {len(pending)} target claims settled otherwise with every report "
                    f"processed: {dict(states)}"
                )
                break
            elif time.monotonic() - last_progress > STALL_SECONDS:
                self.say(
                    f"  ! {len(pending)} target claims never changed (stalled {STALL_SECONDS:.0f}s)"
                )
                break
            if pending:
                time.sleep(POLL_SECONDS)
        return first


def unfinished() -> bool:
    return Report.objects.filter(
        state__in=[Report.State.RECEIVED, Report.State.PROCESSING]
    ).exists()


def first_after(claim_ids: Sequence[int], since: dict[int, datetime]) -> dict[int, datetime]:
    """Per claim, the first time it turned corroborated at or after ``since[claim]``."""
    first: dict[int, datetime] = {}
    for claim_id, at in StatusChange.objects.filter(
        claim_id__in=claim_ids, to_status=Status.CORROBORATED
    ).values_list("claim_id", "created_at"):
        if at >= since[claim_id] and (claim_id not in first or at < first[claim_id]):
            first[claim_id] = at
    return first


def outcome(posted: Sequence[Posted], first: dict[int, datetime]) -> dict[str, Any]:
    """How the reports fared beyond timing: states, evidence and collateral changes."""
    report_ids = [p.report_id for p in posted]
    targets = {p.claim_id for p in posted}
    states = dict(
        Report.objects.filter(pk__in=report_ids).values_list("state").annotate(n=Count("id"))
    )
    evidence = Evidence.objects.filter(report_id__in=report_ids)
    pairs = {(p.report_id, p.claim_id) for p in posted}
    by_stance_own: dict[str, int] = {}
    by_stance_other: dict[str, int] = {}
    for report_id, claim_id, stance in evidence.values_list("report_id", "claim_id", "stance"):
        bucket = by_stance_own if (report_id, claim_id) in pairs else by_stance_other
        bucket[stance] = bucket.get(stance, 0) + 1
    statuses = dict(
        Claim.objects.filter(pk__in=targets).values_list("status").annotate(n=Count("id"))
    )
    return {
        "report_states": states,
        "target_claims_corroborated": len(first),
        "target_statuses": statuses,
        "evidence_on_own_target_by_stance": by_stance_own,
        # Fan-out: evidence each report leaves on claims it was not written about.
        "evidence_on_other_claims_by_stance": by_stance_other,
        "other_claims_per_report": round(sum(by_stance_other.values()) / len(posted), 2),
    }
