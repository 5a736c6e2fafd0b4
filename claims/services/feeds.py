"""Feeds to reports: a polled feed's new entries go through the one door for reports
(report_receive), and a changed entry has its article fetched again (a new archived version,
processed again when its text changed)."""

from __future__ import annotations

from claims.enqueue import send_after_commit
from claims.services.reports import report_receive
from sources.feeds import feed_entry_link, feed_poll
from sources.models import Feed


def feed_ingest(*, feed_id: int) -> int:
    """Poll one feed; return how many entries became reports or were sent to be fetched again."""
    from claims.tasks import fetch_report_article

    feed = Feed.objects.filter(pk=feed_id).select_related("publisher").first()
    if feed is None:
        return 0
    count = 0
    for item in feed_poll(feed_id=feed_id):
        if item.new:
            received = report_receive(
                title=item.title or item.url,
                # The entry's summary until the article is fetched (report_receive queues that
                # for a short body); the title when there is no summary.
                body=item.summary or item.title or item.url,
                publisher=feed.publisher,
                url=item.url,
                published_at=item.published_at,
                fetch_article=True,  # the teaser is not the article
            )
            feed_entry_link(entry_id=item.entry_id, report_id=received.report.pk)
            if not received.created:
                # Known by URL or text already: fetch the page in case it changed.
                send_after_commit(fetch_report_article, received.report.pk)
        elif item.report_id is not None:
            send_after_commit(fetch_report_article, item.report_id)
        count += 1
    return count
