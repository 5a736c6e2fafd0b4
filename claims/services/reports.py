"""The one door for reports: store once, then queue for processing after commit."""


from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from claims.enqueue import send_after_commit
from sources.models import Report, Source
from sources.services import report_ingest


@dataclass(frozen=True)
class Received:
    report: Report
    created: bool


def report_receive(
    *,
    title: str,
    body: str,
    publisher_label: str = "",
    publisher: Source | None = None,
    url: str | None = None,
    published_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> Received:
    """The one door for reports (API, paste form, bulk load): store it unless known, then
    queue it for processing once the row is committed. A duplicate starts nothing."""
    from claims.tasks import process_report  # tasks import services; avoid the cycle

    if idempotency_key:
        known = Report.objects.filter(idempotency_key=idempotency_key).first()
        if known is not None:
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
        send_after_commit(process_report, result.report.pk)
    return Received(result.report, result.created)

