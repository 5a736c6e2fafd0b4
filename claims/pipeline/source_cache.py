"""Sources as the workers see them, cached for SOURCE_CACHE_SECONDS: a report's publisher, the top organisation each source rolls up to, and speakers resolved by name.
"""

from __future__ import annotations

import time

from sources.models import Source
from sources.selectors import source_tops

# Sources change rarely (an admin regrades or re-parents one); a worker may see such a change up
# to this late, and in exchange resolves speakers and origin groups without a query per report.
SOURCE_CACHE_SECONDS = 60.0


class _TtlCache:
    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._items: dict[object, tuple[float, Source]] = {}

    def get(self, key: object) -> Source | None:
        hit = self._items.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, key: object, value: Source) -> None:
        if len(self._items) > 50_000:
            self._items.clear()  # bounded memory; a cold cache only costs queries
        self._items[key] = (time.monotonic() + self.ttl, value)

    def clear(self) -> None:
        self._items.clear()


SPEAKER_SOURCES = _TtlCache(SOURCE_CACHE_SECONDS)


_TOP_SOURCES = _TtlCache(SOURCE_CACHE_SECONDS)


_SOURCES = _TtlCache(SOURCE_CACHE_SECONDS)


def clear_source_caches() -> None:
    SPEAKER_SOURCES.clear()
    _TOP_SOURCES.clear()
    _SOURCES.clear()


def publisher_of(source_id: int) -> Source:
    """A report's publisher: a feed sends many reports from the same few outlets."""
    source = _SOURCES.get(source_id)
    if source is None:
        source = Source.objects.get(pk=source_id)
        _SOURCES.put(source_id, source)
    return source


def tops_of(source_ids: set[int]) -> dict[int, Source]:
    found: dict[int, Source] = {}
    missing: set[int] = set()
    for source_id in source_ids:
        top = _TOP_SOURCES.get(source_id)
        if top is None:
            missing.add(source_id)
        else:
            found[source_id] = top
    if missing:
        for source_id, top in source_tops(missing).items():
            _TOP_SOURCES.put(source_id, top)
            found[source_id] = top
    return found

