"""Known fact-checks in: ClaimReview JSON-LD (one review, a list, or a schema.org DataFeed) and
TSV files (CLEF-2020's ``verified_claims.docs.tsv``, or any TSV with a claim column) read into
KnownFactCheck rows, idempotently: a fact-check is one row, keyed by its URL or, without one,
by its publisher and claim text; a re-import updates what changed and adds nothing twice.

`manage.py import_fact_checks` and the admin's "Import a file" both call
`known_fact_checks_import_file`. The matcher's index (claims.pipeline.known_fact_checks) picks
the changed rows up by their `updated_at` on its next search.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from claims.models import KnownFactCheck

BATCH = 1000
_SPACES = re.compile(r"\s+")


class FactCheckFileError(ValueError):
    """A file that cannot be read as fact-checks (the message says why and where)."""


@dataclass(frozen=True)
class FactCheckRow:
    claim_text: str
    title: str = ""
    rating: str = ""
    url: str = ""
    publisher: str = ""
    published_on: date | None = None
    language: str = ""
    external_id: str = ""


@dataclass(frozen=True)
class ImportSummary:
    read: int
    created: int
    updated: int
    unchanged: int
    skipped: int  # entries without a claim text (a ClaimReview with no claimReviewed)
    repeated: int  # entries the same file gave twice (the last one counts)

    def __str__(self) -> str:
        return (
            f"{self.read} read: {self.created} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.skipped} skipped (no claim text), "
            f"{self.repeated} repeated in the file"
        )


def _web_url(value: str) -> str:
    """An http(s) URL, or "" (a javascript: or data: link from a file is never a link on the
    claim page)."""
    value = value.strip()
    if re.match(r"^https?://[^\s/]", value, re.IGNORECASE) and len(value) <= 1000:
        return value
    return ""


def _fold(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def fact_check_key(*, url: str, publisher: str, claim_text: str) -> str:
    """What makes a fact-check one row: its URL, else its publisher and claim text."""
    basis = f"url:{url.strip()}" if url.strip() else f"text:{_fold(publisher)}\n{_fold(claim_text)}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


# --- reading --------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A schema.org value as one line of text: a string, a Thing's name, the first of a list."""
    if isinstance(value, list):
        return next((t for t in map(_text, value) if t), "")
    if isinstance(value, dict):
        for name in ("name", "alternateName", "@value", "url", "@id"):
            if isinstance(value.get(name), str) and value[name].strip():
                return _SPACES.sub(" ", value[name]).strip()
        return ""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return _SPACES.sub(" ", str(value)).strip()
    return ""


def _day(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is not None:
            return moment.date()
        return parse_date(value[:10])
    except ValueError:
        return None


def _rating(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else {}
    if not isinstance(value, dict):
        return _text(value)
    for name in ("alternateName", "name"):
        if _text(value.get(name)):
            return _text(value.get(name))
    if value.get("ratingValue") not in (None, ""):
        best = value.get("bestRating")
        return (
            f"{_text(value['ratingValue'])}/{_text(best)}" if best else _text(value["ratingValue"])
        )
    return ""


def _is_type(node: dict[str, Any], name: str) -> bool:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] == name for k in kinds)


def _reviews(node: Any) -> Iterator[dict[str, Any]]:
    """Every ClaimReview in a JSON-LD document: itself, in a list, an @graph, a DataFeed's
    dataFeedElement, or a DataFeedItem's item."""
    if isinstance(node, list):
        for entry in node:
            yield from _reviews(entry)
    elif isinstance(node, dict):
        if _is_type(node, "ClaimReview"):
            yield node
            return
        for name in ("@graph", "dataFeedElement", "item"):
            if name in node:
                yield from _reviews(node[name])


def _review_row(review: dict[str, Any]) -> FactCheckRow:
    item = review.get("itemReviewed")
    claim_text = _text(review.get("claimReviewed"))
    if not claim_text and isinstance(item, dict):
        claim_text = _text(item.get("name"))
    return FactCheckRow(
        claim_text=claim_text,
        title=_text(review.get("headline") or review.get("name")),
        rating=_rating(review.get("reviewRating")),
        url=_web_url(_text(review.get("url"))),
        publisher=_text(review.get("author") or review.get("publisher")),
        published_on=_day(_text(review.get("datePublished"))),
        language=_text(review.get("inLanguage"))[:16],
        external_id=_text(review.get("@id"))[:200],
    )


def read_claim_review(data: bytes | str, *, name: str = "file") -> list[FactCheckRow]:
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FactCheckFileError(f"{name}: not JSON: {exc}") from exc
    reviews = list(_reviews(document))
    if not reviews:
        raise FactCheckFileError(
            f"{name}: no ClaimReview in it (expected a ClaimReview, a list of them, or a "
            "schema.org DataFeed with dataFeedElement)"
        )
    return [_review_row(review) for review in reviews]


# TSV columns by their header names (case-insensitive); the first column of CLEF's file has
# no name and holds the vclaim_id.
_COLUMNS = {
    "claim_text": ("vclaim", "claim", "claim_text", "claimreviewed"),
    "title": ("title", "headline"),
    "rating": ("rating", "verdict", "label"),
    "url": ("url", "link"),
    "publisher": ("publisher", "reviewer", "author"),
    "published_on": ("date", "published_on", "datepublished"),
    "language": ("language", "inlanguage", "lang"),
    "external_id": ("", "id", "vclaim_id"),
}


def read_tsv(
    data: bytes | str, *, name: str = "file", publisher: str = "", language: str = ""
) -> list[FactCheckRow]:
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter="\t") if row]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FactCheckFileError(f"{name}: cannot read as UTF-8 TSV: {exc}") from exc
    if not rows:
        raise FactCheckFileError(f"{name}: empty file")
    header = [cell.strip().casefold() for cell in rows[0]]
    where: dict[str, int] = {}
    for field_name, names in _COLUMNS.items():
        for position, cell in enumerate(header):
            if cell in names and field_name not in where:
                where[field_name] = position
    if "claim_text" not in where:
        raise FactCheckFileError(
            f"{name}: no claim column in the header (one of: vclaim, claim, claim_text)"
        )
    out: list[FactCheckRow] = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise FactCheckFileError(
                f"{name}: row {line} has {len(row)} fields, the header {len(header)}"
            )
        values = {f: row[i].strip() for f, i in where.items()}
        out.append(
            FactCheckRow(
                claim_text=_SPACES.sub(" ", values["claim_text"]),
                title=values.get("title", ""),
                rating=values.get("rating", "")[:200],
                url=_web_url(values.get("url", "")),
                publisher=(values.get("publisher") or publisher)[:200],
                published_on=_day(values.get("published_on", "")),
                language=(values.get("language") or language)[:16],
                external_id=values.get("external_id", "")[:200],
            )
        )
    return out


def read_fact_checks(
    data: bytes, *, name: str, publisher: str = "", language: str = ""
) -> tuple[list[FactCheckRow], str]:
    """The rows of a file and its format ("ClaimReview" or "TSV"): JSON when the name ends in
    .json/.jsonld or the content starts with { or [, else TSV."""
    start = data.lstrip()[:1]
    if name.lower().endswith((".json", ".jsonld")) or start in (b"{", b"["):
        rows = read_claim_review(data, name=name)
        if publisher or language:
            rows = [
                FactCheckRow(
                    **{
                        **{f.name: getattr(row, f.name) for f in fields(row)},
                        "publisher": row.publisher or publisher,
                        "language": row.language or language,
                    }
                )
                for row in rows
            ]
        return rows, "ClaimReview"
    return read_tsv(data, name=name, publisher=publisher, language=language), "TSV"


# --- writing --------------------------------------------------------------------------------

_STORED = (
    "claim_text",
    "title",
    "rating",
    "url",
    "publisher",
    "published_on",
    "language",
    "external_id",
)


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def known_fact_checks_import(*, rows: list[FactCheckRow], source: str) -> ImportSummary:
    """Store the rows: new ones created, changed ones updated (their `updated_at` moves, so
    the matcher re-indexes them), the same ones left alone."""
    by_key: dict[str, FactCheckRow] = {}
    skipped = 0
    for row in rows:
        if not row.claim_text:
            skipped += 1
            continue
        key = fact_check_key(url=row.url, publisher=row.publisher, claim_text=row.claim_text)
        by_key[key] = row
    repeated = len(rows) - skipped - len(by_key)
    created = updated = unchanged = 0
    now = timezone.now()
    source = source[:200]
    with transaction.atomic():
        for keys in _chunks(list(by_key), BATCH):
            existing = {fc.key: fc for fc in KnownFactCheck.objects.filter(key__in=keys)}
            new: list[KnownFactCheck] = []
            changed: list[KnownFactCheck] = []
            for key in keys:
                row = by_key[key]
                values = {name: getattr(row, name) for name in _STORED}
                current = existing.get(key)
                if current is None:
                    new.append(KnownFactCheck(key=key, source=source, **values))
                elif any(getattr(current, n) != v for n, v in values.items()):
                    for n, v in values.items():
                        setattr(current, n, v)
                    current.source = source
                    current.updated_at = now  # bulk_update does not apply auto_now
                    changed.append(current)
                else:
                    unchanged += 1
            KnownFactCheck.objects.bulk_create(new)
            KnownFactCheck.objects.bulk_update(changed, [*_STORED, "source", "updated_at"])
            created += len(new)
            updated += len(changed)
    return ImportSummary(len(rows), created, updated, unchanged, skipped, repeated)


def known_fact_checks_import_file(
    *, data: bytes, name: str, publisher: str = "", language: str = ""
) -> ImportSummary:
    """Read a file and store its fact-checks; FactCheckFileError when it cannot be read
    (nothing is stored then)."""
    rows, kind = read_fact_checks(data, name=name, publisher=publisher, language=language)
    if not rows:
        raise FactCheckFileError(f"{name}: no fact-checks in it")
    return known_fact_checks_import(rows=rows, source=f"{name.rsplit('/', 1)[-1]} ({kind})")
