"""API rate limits per client (token or session user; the address for anonymous callers, who
are refused anyway): a burst limit and a sustained one, each answered with 429 and Retry-After.
Rates are read from settings.API_THROTTLE_RATES at each request, so an operator's environment
(API_THROTTLE_BURST, API_THROTTLE_SUSTAINED) sets them and the benchmark can lift them for its
own process. Counters live in the default cache: Redis when REDIS_URL is set, so every web
process shares them.

While that cache is unreachable (Redis down) requests are let through, with a warning in the
log: the broker is the same Redis, and reports posted during its outage must still be stored
for the sweeper (the outbox), not refused with a 500."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle

logger = logging.getLogger(__name__)

# What a cache backend raises when its server cannot be reached: Redis's errors, or the
# operating system's (a file cache's disk, a refused socket).
CACHE_UNAVAILABLE = (RedisError, OSError)


class _SettingsRateThrottle(UserRateThrottle):
    scope: str

    def get_rate(self) -> str | None:
        rate: str | None = settings.API_THROTTLE_RATES.get(self.scope)
        return rate

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return bool(super().allow_request(request, view))
        except CACHE_UNAVAILABLE as exc:
            logger.warning(
                "API throttle %s not counted, its cache is unavailable: %s", self.scope, exc
            )
            return True


class BurstThrottle(_SettingsRateThrottle):
    scope = "burst"


class SustainedThrottle(_SettingsRateThrottle):
    scope = "sustained"
