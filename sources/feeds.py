"""Writes for feeds: poll one through the public-address guard with a conditional GET, parse it
with feedparser, remember its entries, and back off when it fails.

Turning entries into reports is claims' business (claims.services.feeds): sources imports
nothing from claims.
"""

from __future__ import annotations

import calendar
import logging
import xml.sax
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
from django.db.models import Q, QuerySet
from django.utils import timezone

from sources.fetching import FetchError, fetch
from sources.models import Feed, FeedEntry
from sources.text import content_hash

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(days=1)


@dataclass(frozen=True)
class FeedItem:
    """An entry that is new, or known but changed since it was last seen."""

    entry_id: int
    new: bool
    report_id: int | None
    url: str
    title: str
    summary: str
    published_at: datetime | None


def feeds_due(now: datetime | None = None) -> QuerySet[Feed]:
    return Feed.objects.filter(Q(active=True) & Q(next_poll_at__lte=now or timezone.now()))


def feeds_take_due(*, limit: int = 500) -> list[int]:
    """The due feeds, each pushed one interval ahead as it is taken: a poll still waiting in a
    slow queue is not sent again at beat's next tick. The poll sets the real next time; a lost
    poll message is sent again one interval later."""
    now = timezone.now()
    taken = []
    for feed in feeds_due(now).order_by("next_poll_at")[:limit]:
        pushed = Feed.objects.filter(pk=feed.pk, next_poll_at=feed.next_poll_at).update(
            next_poll_at=now + timedelta(minutes=feed.interval_minutes)
        )
        if pushed:  # another beat tick may have taken it meanwhile
            taken.append(feed.pk)
    return taken


def _failed(feed: Feed, error: str, now: datetime) -> None:
    failures = feed.failures + 1
    wait = min(timedelta(minutes=feed.interval_minutes) * (2**failures), MAX_BACKOFF)
    logger.warning("feed %s failed (%d in a row, next in %s): %s", feed.url, failures, wait, error)
    Feed.objects.filter(pk=feed.pk).update(
        failures=failures,
        last_error=error[:2000],
        last_polled_at=now,
        next_poll_at=now + wait,
    )


def _succeeded(feed: Feed, now: datetime, **changes: Any) -> None:
    Feed.objects.filter(pk=feed.pk).update(
        failures=0,
        last_error="",
        last_polled_at=now,
        last_success_at=now,
        next_poll_at=now + timedelta(minutes=feed.interval_minutes),
        **changes,
    )


def _published(entry: Any) -> datetime | None:
    # dict.get: feedparser's own get maps "updated" to "published" with a deprecation warning.
    parsed = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)


def feed_poll(*, feed_id: int) -> list[FeedItem]:
    """Poll one active feed now; return its new and changed entries (none for a 304)."""
    feed = Feed.objects.filter(pk=feed_id, active=True).first()
    if feed is None:
        return []
    now = timezone.now()
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9"}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        fetched = fetch(feed.url, headers=headers)
    except FetchError as exc:
        _failed(feed, str(exc), now)
        return []
    if fetched.status == 304:
        _succeeded(feed, now)
        return []
    if fetched.status != 200:
        _failed(feed, f"HTTP {fetched.status} from {fetched.final_url}", now)
        return []
    parsed = feedparser.parse(fetched.body)
    problem = parsed.get("bozo_exception")
    # Not well-formed XML is a failure even when feedparser's lenient parser salvaged entries
    # from it: half a feed read as a whole one would hide the error. (Other bozo flags, such
    # as a declared charset that differs from the real one, are harmless.)
    if isinstance(problem, xml.sax.SAXException) or (parsed.get("bozo") and not parsed.entries):
        _failed(feed, f"Not a readable feed: {problem}", now)
        return []
    items = [item for entry in parsed.entries if (item := _remember(feed, entry, now))]
    _succeeded(
        feed,
        now,
        etag=fetched.header("etag")[:500],
        last_modified=fetched.header("last-modified")[:100],
    )
    return items


def _remember(feed: Feed, entry: Any, now: datetime) -> FeedItem | None:
    url = (entry.get("link") or "").strip()
    if not url.startswith(("http://", "https://")):
        return None
    guid = (entry.get("id") or url)[:2000]
    title = (entry.get("title") or "").strip()
    summary = (entry.get("summary") or "").strip()
    digest = content_hash(
        f"{title}\n{summary}\n{dict.get(entry, 'updated') or dict.get(entry, 'published') or ''}"
    )
    known = FeedEntry.objects.filter(feed=feed, guid=guid).first()
    if known is not None:
        if known.entry_hash == digest:
            FeedEntry.objects.filter(pk=known.pk).update(last_seen_at=now)
            return None
        FeedEntry.objects.filter(pk=known.pk).update(entry_hash=digest, last_seen_at=now)
        new = known.report_id is None  # a report never made (the broker was down): try again
        return FeedItem(known.pk, new, known.report_id, url, title, summary, _published(entry))
    created = FeedEntry.objects.create(
        feed=feed, guid=guid, url=url[:2000], entry_hash=digest, first_seen_at=now, last_seen_at=now
    )
    return FeedItem(created.pk, True, None, url, title, summary, _published(entry))


def feed_entry_link(*, entry_id: int, report_id: int) -> None:
    FeedEntry.objects.filter(pk=entry_id).update(report_id=report_id)
