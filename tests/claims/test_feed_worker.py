"""A feed served on 127.0.0.1 goes from a new entry to linked evidence through a real worker:
beat's task polls it, the entry becomes a report, the worker fetches and archives the article
through the public-address guard (relaxed for loopback in the worker's environment only), and
the pipeline links it to the demo claim it speaks to."""

import os

import pytest

from claims.models import Evidence
from claims.tasks import poll_due_feeds
from sources.models import Feed, Report
from sources.services import source_upsert
from tests.claims.test_articles_and_feeds import PARAGRAPHS, article_html, rss
from tests.claims.test_pipeline import ELIMINATED
from tests.conftest import WorkerProcess, demo_claim, purge_broker, subprocess_env, wait_for
from tests.local_http import Answer, local_server

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
if os.environ.get("REDIS_URL"):
    pytestmark.append(pytest.mark.redis)


@pytest.fixture
def fetching_worker(transactional_db, tmp_path):
    purge_broker()
    process = WorkerProcess(
        tmp_path / "worker.log", subprocess_env(FACTCHECK_TEST_FETCH_LOOPBACK="1")
    )
    process.start()
    yield process
    process.stop()


def test_a_local_feed_entry_becomes_linked_evidence_through_a_real_worker(
    demo_story, fetching_worker
):
    reuters = source_upsert(name="Reuters", kind="news_agency", grade="A")
    with local_server() as server:
        server.routes["/almaty"] = Answer(200, article_html(PARAGRAPHS))
        server.routes["/feed.xml"] = Answer(
            200,
            rss([("r-1", server.url("/almaty"), "Bodies seen", "Sat, 08 Jan 2022 12:00:00 GMT")]),
            {"Content-Type": "application/rss+xml"},
        )
        Feed.objects.create(url=server.url("/feed.xml"), publisher=reuters)
        poll_due_feeds.delay()  # what beat sends every minute

        def linked():
            return Evidence.objects.filter(
                claim=demo_claim(ELIMINATED), report__url=server.url("/almaty")
            ).first()

        evidence = wait_for(linked, timeout=90, interval=0.3) or None
        assert evidence is not None, fetching_worker.log()
    report = Report.objects.get(url=server.url("/almaty"))
    assert report.publisher == reuters
    assert report.archives.count() == 1
    assert PARAGRAPHS[0] in report.archives.get().text
    wait_for(lambda: Report.objects.get(pk=report.pk).state == Report.State.PROCESSED, timeout=60)
    assert "fetch_report_article" in fetching_worker.log()
