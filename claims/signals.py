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
from sources.signals import source_reliability_changed

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


def _send_second_pass(source_id: int) -> None:
    try:
        reassess_source_claims.apply_async((source_id,), countdown=SECOND_PASS_AFTER_SECONDS)
    except (BrokerError, OSError) as exc:
        logger.warning(
            "broker unavailable, second re-assessment of source %s lost: %s", source_id, exc
        )
