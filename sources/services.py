"""Writes for sources and reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sources.models import Report, Source, SourceAlias, SourceDomain
from sources.selectors import source_resolve
from sources.text import canonical_url, content_hash, url_host


@transaction.atomic
def source_upsert(
    *,
    name: str,
    kind: str = Source.Kind.OTHER,
    grade: str = Source.Grade.F,
    country: str = "",
    role: str = "",
    parent: Source | None = None,
    aliases: tuple[str, ...] = (),
    domains: tuple[str, ...] = (),
    description: str = "",
) -> Source:
    """Create the source or bring it to exactly these values (idempotent)."""
    source, created = Source.objects.get_or_create(name=name, defaults={"kind": kind})
    wanted = {
        "kind": kind,
        "grade": grade,
        "country": country,
        "role": role,
        "parent_id": parent.pk if parent else None,
        "description": description,
    }
    if created or any(getattr(source, field) != value for field, value in wanted.items()):
        # Saving only on a real difference keeps re-runs (load_demo twice) free of writes.
        for field, value in wanted.items():
            setattr(source, field, value)
        source.full_clean()
        source.save()
    for alias in aliases:
        SourceAlias.objects.get_or_create(source=source, name=alias)
    for domain in domains:
        row, _ = SourceDomain.objects.get_or_create(
            domain=domain.lower(), defaults={"source": source}
        )
        if row.source_id != source.pk:
            row.source = source
            row.save(update_fields=["source"])
    return source


def source_for_label(*, label: str) -> Source:
    """The source a free-text label names; unknown labels become new grade-F sources, since a
    publisher nobody has graded yet cannot be judged."""
    found = source_resolve(label=label)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Source.objects.create(name=label.strip()[:200], grade=Source.Grade.F)
    except IntegrityError:
        # Another request created it between our read and our write.
        return Source.objects.get(name=label.strip()[:200])


@dataclass(frozen=True)
class IngestResult:
    report: Report
    created: bool


def report_ingest(
    *,
    title: str,
    body: str,
    publisher: Source | None = None,
    publisher_label: str = "",
    url: str | None = None,
    published_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> IngestResult:
    """Store a report unless it is already known by canonical URL, content or the client's
    idempotency key.

    Returns the existing row (created=False) for a duplicate so callers can answer idempotently.
    """
    canonical = canonical_url(url) if url else None
    digest = content_hash(body)
    existing = _find_existing(canonical, digest)
    if existing is not None:
        return IngestResult(existing, created=False)
    if publisher is None:
        label = publisher_label or (url_host(canonical) if canonical else "")
        if not label:
            raise ValueError("A report needs a publisher or a URL to infer it from.")
        publisher = source_for_label(label=label)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                url=canonical,
                content_hash=digest,
                title=title.strip()[:500],
                body=body,
                publisher=publisher,
                published_at=published_at,
                retrieved_at=timezone.now(),
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        # A concurrent request stored the same report (or used the same key) first: theirs is
        # the one.
        existing = _find_existing(canonical, digest)
        if existing is None and idempotency_key:
            existing = Report.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return IngestResult(existing, created=False)
    return IngestResult(report, created=True)


def _find_existing(canonical: str | None, digest: str) -> Report | None:
    if canonical:
        by_url = Report.objects.filter(url=canonical).first()
        if by_url is not None:
            return by_url
    return Report.objects.filter(content_hash=digest).first()


def report_take(*, report_id: int) -> Report | None:
    """Move a received report to `processing` for one worker and return it as it is after the
    move (one more attempt, error cleared); None when the report is gone, finished, or another
    worker has it.

    The move and the read are one `UPDATE ... RETURNING`: two workers given the same id race on
    the WHERE clause and exactly one gets a row. The columns a worker reads come back with it;
    `publisher` is left unloaded (callers that cache sources by id skip that query too).
    """
    table = connection.ops.quote_name(Report._meta.db_table)
    taken = list(
        Report.objects.raw(
            f"UPDATE {table} SET state = %s, state_changed_at = %s, attempts = attempts + 1, "
            "error = '' WHERE id = %s AND state = %s "
            "RETURNING id, title, body, publisher_id, published_at, retrieved_at, attempts, state",
            [Report.State.PROCESSING, timezone.now(), report_id, Report.State.RECEIVED],
        )
    )
    return taken[0] if taken else None
