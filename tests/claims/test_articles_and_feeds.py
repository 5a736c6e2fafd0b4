"""Article pages fetched and archived for reports, and feeds polled into reports, served by
local HTTP servers on 127.0.0.1 (the guard relaxed for loopback by the test setting only)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from claims.services.feeds import feed_ingest
from claims.services.reports import needs_article, report_receive
from claims.tasks import fetch_report_article, poll_due_feeds
from sources.articles import article_extract, report_article_fetch
from sources.models import Feed, FeedEntry, Report, ReportArchive
from sources.services import source_upsert
from tests.local_http import Answer, Request, canary, local_server

PARAGRAPHS = [
    "Reuters reporters in Almaty saw the bodies of dozens of assailants killed by police after "
    "they tried to storm administrative buildings overnight.",
    "The city's main square was quiet on Friday morning, with armoured vehicles parked at its "
    "corners and soldiers checking the papers of the few people who ventured out.",
    "Residents said the internet had been cut for a third day and that queues formed outside "
    "the few shops that opened, where bread and petrol were running short.",
]


def article_html(paragraphs: list[str], title: str = "Bodies seen in Almaty") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!doctype html><html><head>"
        f"<title>{title} | Wire</title>"
        f'<meta property="og:title" content="{title}">'
        '<meta name="author" content="Olzhas Auyezov">'
        '<meta property="article:published_time" content="2022-01-07T08:00:00Z">'
        "</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1><p class='byline'>By Olzhas Auyezov</p>{body}</article>"
        "<footer>Copyright Wire 2022. All rights reserved.</footer></body></html>"
    ).encode()


def rss(items: list[tuple[str, str, str, str]]) -> bytes:
    """(guid, link, title, updated) items."""
    entries = "".join(
        f"<item><guid>{guid}</guid><link>{link}</link><title>{title}</title>"
        f"<description>Short teaser.</description><pubDate>{updated}</pubDate></item>"
        for guid, link, title, updated in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Wire</title><link>http://wire.example/</link>{entries}</channel></rss>"
    ).encode()


@pytest.fixture
def loopback(settings):
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True


@pytest.fixture
def wire(db):
    return source_upsert(name="Wire", kind="news_agency", grade="B")


def test_trafilatura_reads_text_title_byline_and_date():
    article = article_extract(article_html(PARAGRAPHS))
    assert article is not None
    assert article.title == "Bodies seen in Almaty"
    assert article.byline == "Olzhas Auyezov"
    assert article.published == "2022-01-07"
    assert PARAGRAPHS[0] in article.text and PARAGRAPHS[2] in article.text
    assert "All rights reserved" not in article.text and "Home" not in article.text


def test_a_link_with_little_text_is_fetched_before_processing(settings):
    settings.ARTICLE_FETCH_BELOW_CHARS = 400
    assert needs_article(url="https://wire.example/a", body="")
    assert needs_article(url="https://wire.example/a", body="A teaser.")
    assert not needs_article(url=None, body="")
    assert not needs_article(url="https://wire.example/a", body="x" * 400)


@pytest.mark.django_db
def test_report_receive_queues_the_fetch_for_a_bare_link(
    settings, wire, django_capture_on_commit_callbacks, monkeypatch
):
    settings.ARTICLE_FETCH_BELOW_CHARS = 400
    sent = []
    monkeypatch.setattr(fetch_report_article, "delay", lambda *a: sent.append(("fetch", a)))
    from claims.tasks import process_report

    monkeypatch.setattr(process_report, "delay", lambda *a: sent.append(("process", a)))
    with django_capture_on_commit_callbacks(execute=True):
        bare = report_receive(
            title="T", body="Teaser.", publisher=wire, url="https://wire.example/a"
        )
        full = report_receive(title="T", body=" ".join(PARAGRAPHS) * 2, publisher=wire)
    assert sent == [("fetch", (bare.report.pk,)), ("process", (full.report.pk,))]


@pytest.mark.django_db
def test_the_page_is_archived_and_a_changed_text_is_a_new_version(wire, loopback):
    with local_server() as server:
        server.routes["/a"] = Answer(200, article_html(PARAGRAPHS))
        received = report_receive(title="", body="Teaser.", publisher=wire, url=server.url("/a"))
        report = received.report
        outcome = report_article_fetch(report_id=report.pk)
        assert outcome is not None and outcome.archive is not None and outcome.reprocess
        report.refresh_from_db()
        assert PARAGRAPHS[0] in report.body and report.title == "Bodies seen in Almaty"
        first = outcome.archive
        assert (first.version, first.byline, first.published) == (1, "Olzhas Auyezov", "2022-01-07")
        assert first.http_status == 200 and first.fetched_at is not None

        # Processed; fetched again unchanged: nothing new, nothing to do.
        Report.objects.filter(pk=report.pk).update(state=Report.State.PROCESSED)
        again = report_article_fetch(report_id=report.pk)
        assert again is not None and again.archive is None and not again.reprocess

        # The article is edited: a second version, the first kept, the report processed again.
        edited = [*PARAGRAPHS[:2], "Police later said the figure was lower."]
        server.routes["/a"] = Answer(200, article_html(edited))
        changed = report_article_fetch(report_id=report.pk)
        assert changed is not None and changed.archive is not None and changed.reprocess
        assert changed.archive.version == 2
        report.refresh_from_db()
        assert report.state == Report.State.RECEIVED
        assert "figure was lower" in report.body
        versions = list(ReportArchive.objects.filter(report=report).order_by("version"))
        assert [v.version for v in versions] == [1, 2]
        assert PARAGRAPHS[2] in versions[0].text and PARAGRAPHS[2] not in versions[1].text


@pytest.mark.django_db
def test_a_refused_or_missing_page_leaves_the_report_to_be_processed_as_it_came(wire, settings):
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = False
    with canary() as listener:
        received = report_receive(
            title="T", body="Teaser.", publisher=wire, url=f"http://localhost:{listener.port}/x"
        )
        outcome = report_article_fetch(report_id=received.report.pk)
        time.sleep(0.3)
        assert listener.connections == 0
    assert outcome is not None and outcome.reprocess and outcome.archive is None
    received.report.refresh_from_db()
    assert "loopback" in received.report.fetch_error
    assert received.report.body == "Teaser."
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    with local_server() as server:
        other = report_receive(title="U", body="Other.", publisher=wire, url=server.url("/gone"))
        outcome = report_article_fetch(report_id=other.report.pk)
    assert outcome is not None and "HTTP 404" in outcome.error


class FeedServer:
    """A feed with conditional GET: answers 304 when the client's ETag is current."""

    def __init__(self, server):
        self.server = server
        self.items: list[tuple[str, str, str, str]] = []
        self.version = 1
        self.broken = False
        server.routes["/feed.xml"] = self.answer

    def answer(self, request: Request) -> Answer:
        if self.broken:
            return Answer(
                200, b"<rss><channel><item><title>oops</ti", {"Content-Type": "application/rss+xml"}
            )
        etag = f'"v{self.version}"'
        if request.headers.get("if-none-match") == etag:
            return Answer(304, b"", {"ETag": etag})
        return Answer(200, rss(self.items), {"ETag": etag, "Content-Type": "application/rss+xml"})


@pytest.mark.django_db
def test_a_feed_new_entry_304_changed_article_and_broken_xml(
    wire, loopback, monkeypatch, django_capture_on_commit_callbacks
):
    fetches = []
    monkeypatch.setattr(fetch_report_article, "delay", lambda *a: fetches.append(a[0]))
    with local_server() as server:
        feed_server = FeedServer(server)
        server.routes["/a"] = Answer(200, article_html(PARAGRAPHS))
        feed_server.items = [
            ("wire-1", server.url("/a"), "Bodies seen", "Fri, 07 Jan 2022 08:00:00 GMT")
        ]
        feed = Feed.objects.create(url=server.url("/feed.xml"), publisher=wire)

        # A new entry becomes a report of the feed's publisher.
        assert feed_ingest(feed_id=feed.pk) == 1
        entry = FeedEntry.objects.get(feed=feed)
        report = entry.report
        assert report is not None and report.publisher == wire and report.url == server.url("/a")
        assert report.title == "Bodies seen"
        feed.refresh_from_db()
        assert feed.etag == '"v1"' and feed.failures == 0 and feed.next_poll_at > timezone.now()
        report_article_fetch(report_id=report.pk)  # what the queued fetch does
        Report.objects.filter(pk=report.pk).update(state=Report.State.PROCESSED)

        # Unchanged: the server answers 304 to the ETag; nothing new.
        assert feed_ingest(feed_id=feed.pk) == 0
        assert server.requests[-1].headers["if-none-match"] == '"v1"'
        assert Report.objects.count() == 1

        # The article is edited and the feed says so: the page is fetched again, a new version
        # is archived and the report goes back to be processed.
        server.routes["/a"] = Answer(
            200, article_html([*PARAGRAPHS[:2], "A correction was added."])
        )
        feed_server.version = 2
        feed_server.items = [
            ("wire-1", server.url("/a"), "Bodies seen (updated)", "Fri, 07 Jan 2022 12:00:00 GMT")
        ]
        fetches.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert feed_ingest(feed_id=feed.pk) == 1
        assert fetches == [report.pk]
        fetch_report_article(report.pk)
        report.refresh_from_db()
        assert report.state == Report.State.RECEIVED and "correction" in report.body
        assert report.archives.count() == 2
        assert Report.objects.count() == 1, "the same entry never makes a second report"

        # Broken XML: an error shown in the admin, and the next poll backs off.
        feed_server.broken = True
        feed_server.version = 3
        before = timezone.now()
        assert feed_ingest(feed_id=feed.pk) == 0
        feed.refresh_from_db()
        assert feed.failures == 1 and "Not a readable feed" in feed.last_error
        assert feed.next_poll_at >= before + timedelta(minutes=2 * feed.interval_minutes)
        assert feed_ingest(feed_id=feed.pk) == 0
        feed.refresh_from_db()
        assert feed.failures == 2
        assert feed.next_poll_at >= timezone.now() + timedelta(
            minutes=4 * feed.interval_minutes
        ) - timedelta(seconds=5)

        # Working again: the error clears and the interval is back to normal.
        feed_server.broken = False
        feed_ingest(feed_id=feed.pk)
        feed.refresh_from_db()
        assert (feed.failures, feed.last_error) == (0, "")


@pytest.mark.django_db
def test_beat_queues_only_due_active_feeds(wire, monkeypatch, django_capture_on_commit_callbacks):
    from claims.tasks import poll_feed

    sent = []
    monkeypatch.setattr(poll_feed, "delay", lambda *a: sent.append(a[0]))
    due = Feed.objects.create(url="https://wire.example/due.xml", publisher=wire)
    Feed.objects.create(
        url="https://wire.example/later.xml",
        publisher=wire,
        next_poll_at=timezone.now() + timedelta(hours=1),
    )
    Feed.objects.create(url="https://wire.example/off.xml", publisher=wire, active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert poll_due_feeds() == 1
        assert poll_due_feeds() == 0, "taken: not sent again while its poll waits"
    assert sent == [due.pk]
    due.refresh_from_db()
    assert due.next_poll_at > timezone.now() + timedelta(minutes=due.interval_minutes - 1)


def test_beat_schedules_the_feed_poll(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "claims.tasks.poll_due_feeds" in schedule
