"""API rate limits per client (token or session user; the address for anonymous callers, who
are refused anyway): a burst limit and a sustained one, each answered with 429 and Retry-After.
Rates are read from settings.API_THROTTLE_RATES at each request, so an operator's environment
(API_THROTTLE_BURST, API_THROTTLE_SUSTAINED) sets them and the benchmark can lift them for its
own process. Counters live in the default cache: Redis when REDIS_URL is set, so every web
process shares them."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class _SettingsRateThrottle(UserRateThrottle):
    scope: str

    def get_rate(self) -> str | None:
        rate: str | None = settings.API_THROTTLE_RATES.get(self.scope)
        return rate


class BurstThrottle(_SettingsRateThrottle):
    scope = "burst"


class SustainedThrottle(_SettingsRateThrottle):
    scope = "sustained"
