"""Writes for a report's article page: fetch it through the public-address guard
(sources.fetching), read it with trafilatura (HTML to text, title, byline and date) and archive
the version read, so that the evidence survives the article's later edits or removal.

The caller (claims.tasks.fetch_report_article) queues the report for processing when the
outcome says so; sources imports nothing from claims.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import trafilatura
from django.db import transaction
from django.utils import timezone

from sources.fetching import FetchError, fetch
from sources.models import Report, ReportArchive
from sources.text import content_hash

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Article:
    title: str
    byline: str
    published: str
    text: str


@dataclass(frozen=True)
class FetchOutcome:
    archive: ReportArchive | None  # the new version, None when nothing new was read
    error: str
    # The report waits to be processed (it had not been yet, or its text changed).
    reprocess: bool


def article_extract(html: bytes, *, url: str = "") -> Article | None:
    """The article in a page (None when trafilatura finds no main text)."""
    raw = trafilatura.extract(
        html,
        url=url or None,
        output_format="json",
        with_metadata=True,
        include_comments=False,
        favor_precision=True,
    )
    if not raw:
        return None
    data = json.loads(raw)
    text = (data.get("text") or "").strip()
    if not text:
        return None
    return Article(
        title=(data.get("title") or "").strip()[:500],
        byline=(data.get("author") or "").strip()[:500],
        published=(data.get("date") or "").strip()[:32],
        text=text,
    )


def article_read(url: str) -> Article:
    """The article at `url`, fetched through the guard and read, for a fact-checker waiting
    for it ("New from article" given only a URL): nothing is stored. Raises FetchError (a
    refused address, a network error, a cap) or ArticleUnreadable."""
    fetched = fetch(url)
    if fetched.status >= 400:
        raise FetchError(f"the page answered HTTP {fetched.status}")
    article = article_extract(fetched.body, url=fetched.final_url)
    if article is None:
        raise ArticleUnreadable("no article text found on the page")
    return article


class ArticleUnreadable(FetchError):
    """The page was fetched but holds no article text."""


def _failed(report: Report, error: str) -> FetchOutcome:
    logger.warning("report %s: article not fetched: %s", report.pk, error)
    Report.objects.filter(pk=report.pk).update(fetch_error=error[:2000])
    # The report is still processed with the text it came with.
    return FetchOutcome(None, error, reprocess=report.state == Report.State.RECEIVED)


def report_article_fetch(*, report_id: int) -> FetchOutcome | None:
    """Fetch a report's URL and archive the article if its text is new. A changed text
    replaces the report's body (the archive keeps every earlier version) and sends an already
    processed report back to `received`. None when the report is gone or has no URL."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None or not report.url:
        return None
    try:
        fetched = fetch(report.url)
    except FetchError as exc:
        return _failed(report, str(exc))
    if fetched.status != 200:
        return _failed(report, f"{report.url} answered HTTP {fetched.status}.")
    article = article_extract(fetched.body, url=fetched.final_url)
    if article is None:
        return _failed(report, f"No article text found at {fetched.final_url}.")
    digest = content_hash(article.text)
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        latest = report.archives.order_by("-version").first()
        if latest is not None and latest.content_hash == digest:
            Report.objects.filter(pk=report.pk).update(fetch_error="")
            return FetchOutcome(None, "", reprocess=report.state == Report.State.RECEIVED)
        archive = ReportArchive.objects.create(
            report=report,
            version=(latest.version + 1) if latest is not None else 1,
            url=report.url or "",
            final_url=fetched.final_url,
            http_status=fetched.status,
            title=article.title,
            byline=article.byline,
            published=article.published,
            text=article.text,
            content_hash=digest,
            fetched_at=fetched.fetched_at,
        )
        changes: dict[str, object] = {"fetch_error": ""}
        # The report's identity is its content hash: a page whose text another report already
        # holds stays archived here, but the body is left as it came.
        if not Report.objects.filter(content_hash=digest).exclude(pk=report.pk).exists():
            changes.update(body=article.text, content_hash=digest)
        if not report.title.strip() and article.title:
            changes["title"] = article.title
        reprocess = report.state in {
            Report.State.RECEIVED,
            Report.State.PROCESSED,
            Report.State.FAILED,
        }
        if reprocess and report.state != Report.State.RECEIVED:
            changes.update(state=Report.State.RECEIVED, state_changed_at=timezone.now())
        Report.objects.filter(pk=report.pk).update(**changes)
    logger.info("report %s: archived version %s of %s", report_id, archive.version, report.url)
    return FetchOutcome(archive, "", reprocess=reprocess)
