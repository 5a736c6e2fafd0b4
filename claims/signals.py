"""Receivers for signals from below: sources announces regrades, claims re-assesses."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from kombu.exceptions import OperationalError as BrokerError

from claims.enqueue import send_after_commit
from claims.pipeline.source_cache import SOURCE_CACHE_SECONDS
from claims.tasks import reassess_source_claims
from sources.signals import report_fetch_requested, source_merged, source_reliability_changed

logger = logging.getLogger(__name__)

# A second pass after a re-parenting, once every worker's source cache has expired: a report
# assessed meanwhile by a worker that still held the old parent chain is judged again.
SECOND_PASS_AFTER_SECONDS = SOURCE_CACHE_SECONDS + 5


@receiver(source_reliability_changed, dispatch_uid="claims.reassess_on_source_change")
def reassess_on_source_change(
    sender: Any, source_id: int, fields: frozenset[str] = frozenset(), **kwargs: Any
) -> None:
    """Queue the re-assessment of the claims a regraded or re-parented source touches.

    The assessment reads grades fresh from the database, so the first pass sees the new
    grade at once; the task also clears its worker's source caches so that it sees the new
    parent chain. Other worker processes hold parent chains for up to SOURCE_CACHE_SECONDS,
    hence the second pass after a re-parenting."""
    send_after_commit(reassess_source_claims, source_id)
    if "parent" in fields:
        transaction.on_commit(lambda: _send_second_pass(source_id))


@receiver(source_merged, dispatch_uid="claims.reassess_on_source_merge")
def reassess_on_source_merge(
    sender: Any, survivor_id: int, absorbed_id: int, **kwargs: Any
) -> None:
    """Queue the re-assessment of the claims the survivor of a merge touches: its claims,
    evidence and children now include the absorbed source's, so origins that counted as two
    may be one, and parent chains changed. Workers' source caches may still hold the absorbed
    source for SOURCE_CACHE_SECONDS, hence the second pass, as after a re-parenting."""
    reassess_on_source_change(sender, source_id=survivor_id, fields=frozenset({"parent"}))


@receiver(report_fetch_requested, dispatch_uid="claims.fetch_on_request")
def fetch_on_request(sender: Any, report_id: int, **kwargs: Any) -> None:
    from claims.services.reports import report_fetch_request
    from sources.models import Report

    report = Report.objects.filter(pk=report_id).first()
    if report is not None:
        report_fetch_request(report=report)


def _send_second_pass(source_id: int) -> None:
    try:
        reassess_source_claims.apply_async((source_id,), countdown=SECOND_PASS_AFTER_SECONDS)
    except (BrokerError, OSError) as exc:
        logger.warning(
            "broker unavailable, second re-assessment of source %s lost: %s", source_id, exc
        )
