"""The one door for reports: store once, then queue for processing after commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from claims.enqueue import send_after_commit
from sources.models import Report, Source
from sources.services import report_ingest
from sources.text import content_hash


@dataclass(frozen=True)
class Received:
    report: Report
    created: bool


class IdempotencyConflict(Exception):
    """An Idempotency-Key already stored another report: the request is refused, nothing is
    stored, and the client learns which report holds the key."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"Idempotency-Key already used for report {report.pk}")
        self.report = report


def _same_request(report: Report, *, title: str, body: str) -> bool:
    return report.content_hash == content_hash(body) and report.title == title.strip()[:500]


def needs_article(*, url: str | None, body: str) -> bool:
    return bool(url) and len(body.strip()) < settings.ARTICLE_FETCH_BELOW_CHARS


def report_fetch_request(*, report: Report) -> None:
    """A fact-checker asks for the report's page to be fetched (again): a changed text is
    archived as a new version and the report processed again."""
    from claims.tasks import fetch_report_article

    if report.url:
        send_after_commit(fetch_report_article, report.pk)


def report_receive(
    *,
    title: str,
    body: str,
    publisher_label: str = "",
    publisher: Source | None = None,
    url: str | None = None,
    published_at: datetime | None = None,
    idempotency_key: str | None = None,
    fetch_article: bool | None = None,
) -> Received:
    """The one door for reports (API, paste form, bulk load): store it unless known, then
    queue it for processing once the row is committed. A duplicate starts nothing. An
    `idempotency_key` already used for a report with another title or body raises
    IdempotencyConflict and stores nothing.

    A new report with a URL has its page fetched and archived by a worker before it is
    processed when `fetch_article` is True, or, by default, when its body is shorter than
    ARTICLE_FETCH_BELOW_CHARS (a pasted link, a feed's teaser)."""
    from claims.tasks import fetch_report_article, process_report  # tasks import services

    if idempotency_key:
        known = Report.objects.filter(idempotency_key=idempotency_key).first()
        if known is not None:
            # A retry of the same request is answered with what it stored; the same key with
            # another report is a client bug, and silently dropping the new text would lose it.
            if not _same_request(known, title=title, body=body):
                raise IdempotencyConflict(known)
            return Received(known, created=False)
    # report_ingest commits the row (its own transaction unless the caller holds one), so the
    # task is sent once the report is durable: the row is the outbox.
    result = report_ingest(
        title=title,
        body=body,
        publisher=publisher,
        publisher_label=publisher_label,
        url=url,
        published_at=published_at,
        idempotency_key=idempotency_key,
    )
    if result.created:
        fetch = needs_article(url=url, body=body) if fetch_article is None else fetch_article
        if fetch and url:
            # A link with little or no text: a worker fetches the article first (it archives
            # the page and then queues the processing itself).
            send_after_commit(fetch_report_article, result.report.pk)
        else:
            send_after_commit(process_report, result.report.pk)
    elif (
        idempotency_key
        and result.report.idempotency_key == idempotency_key
        and not _same_request(result.report, title=title, body=body)
    ):
        raise IdempotencyConflict(result.report)  # a concurrent request took the key first
    return Received(result.report, result.created)
