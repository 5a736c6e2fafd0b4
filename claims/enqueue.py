"""Sending tasks only after the transaction that wrote their rows has committed."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)


def send_after_commit(task: Any, *args: Any) -> None:
    """Queue ``task(*args)`` once the current transaction commits (at once outside one).

    A broker outage is logged, not raised: the row is the outbox, and the sweeper re-sends
    whatever is still waiting once the broker is back.
    """

    def send() -> None:
        try:
            task.delay(*args)
        except (BrokerError, OSError) as exc:
            logger.warning(
                "broker unavailable, %s%r left for the sweeper: %s", task.name, args, exc
            )

    transaction.on_commit(send)
