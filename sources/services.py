"""Writes for sources and reports."""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sources.models import Report, Source, SourceAlias, SourceDomain, source_named
from sources.names import (
    INSTITUTION_NOUNS,
    PART_NOUNS,
    PERSON_NOUNS,
    REPORTER_NOUNS,
    countries_in,
    country_name,
    head_noun,
    is_bare_office,
    name_key,
    office_title,
    only_country,
    split_label,
    without_head,
    words,
)
from sources.registry import RegistryEntry
from sources.selectors import (
    reference_label,
    source_government,
    source_merge_names,
    source_merge_refusal,
    source_references,
    source_resolve,
)
from sources.signals import source_merged, source_reliability_changed
from sources.text import canonical_url, content_hash, url_host


class _Keep(enum.Enum):
    KEEP = "keep"


# "Leave this field as it is" for source_update's keyword arguments.
KEEP: Final = _Keep.KEEP

logger = logging.getLogger(__name__)


def _announce_reliability_change(source_id: int, fields: frozenset[str]) -> None:
    """Tell the layers above (claims re-assesses) once the change has committed; a rolled-back
    change (a dry run, a failed request) announces nothing."""

    def send() -> None:
        for receiver, result in source_reliability_changed.send_robust(
            sender=Source, source_id=source_id, fields=fields
        ):
            if isinstance(result, Exception):
                logger.error("source %s changed but %r failed: %s", source_id, receiver, result)

    transaction.on_commit(send)


def _reliability_fields(before: tuple[str, int | None], source: Source) -> frozenset[str]:
    grade, parent_id = before
    changed = set()
    if source.grade != grade:
        changed.add("grade")
    if source.parent_id != parent_id:
        changed.add("parent")
    return frozenset(changed)


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
    grade_source: str = Source.GradeSource.DESK,
) -> Source:
    """Create the source or bring it to exactly these values (idempotent). A changed grade or
    parent of an existing source is announced (source_reliability_changed) after commit."""
    source, created = Source.objects.get_or_create(name=name, defaults={"kind": kind})
    before = (source.grade, source.parent_id)
    wanted = {
        "kind": kind,
        "grade": grade,
        "grade_source": grade_source,
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
        changed = _reliability_fields(before, source)
        if changed and not created:
            _announce_reliability_change(source.pk, changed)
    for alias in aliases:
        source_alias_add(source=source, name=alias)
    for domain in domains:
        row, _ = SourceDomain.objects.get_or_create(
            domain=domain.lower(), defaults={"source": source}
        )
        if row.source_id != source.pk:
            row.source = source
            row.save(update_fields=["source"])
    return source


@transaction.atomic
def source_update(
    *,
    source: Source,
    name: str | _Keep = KEEP,
    kind: str | _Keep = KEEP,
    grade: str | _Keep = KEEP,
    grade_source: str | _Keep = KEEP,
    country: str | _Keep = KEEP,
    role: str | _Keep = KEEP,
    parent: Source | _Keep | None = KEEP,
    description: str | _Keep = KEEP,
) -> Source:
    """Save `source` with these fields changed (and any changes already made on the instance,
    as the admin's form makes them), compared with the stored row: a new grade is recorded
    as set by hand unless `grade_source` says otherwise, and a changed grade or parent is
    announced after commit so the claims it touches are re-assessed."""
    stored = (
        Source.objects.select_for_update()
        .filter(pk=source.pk)
        .values_list("grade", "parent_id")
        .first()
    )
    if stored is None:
        raise Source.DoesNotExist(f"source {source.pk} is gone")
    given = {
        "name": name,
        "kind": kind,
        "grade": grade,
        "country": country,
        "role": role,
        "parent": parent,
        "description": description,
    }
    for name_of_field, value in given.items():
        if value is not KEEP:
            setattr(source, name_of_field, value)
    changed = _reliability_fields(stored, source)
    if grade_source is not KEEP:
        source.grade_source = grade_source
    elif "grade" in changed:
        source.grade_source = Source.GradeSource.DESK
    source.full_clean()
    source.save()
    if changed:
        _announce_reliability_change(source.pk, changed)
    return source


@transaction.atomic
def source_alias_add(*, source: Source, name: str) -> SourceAlias:
    """Give `source` the alias `name` (idempotent). Refused with a ValidationError when the
    name, normalised, is already another source's name or alias (Source and SourceAlias
    `clean`): resolution would otherwise pick one of the two silently."""
    existing = SourceAlias.objects.filter(source=source, name=name).first()
    if existing is not None:
        return existing
    alias = SourceAlias(source=source, name=name)
    alias.full_clean()
    alias.save()
    return alias


@dataclass(frozen=True)
class MergeResult:
    survivor: Source
    absorbed_name: str
    moved: dict[str, int]  # reference_label -> rows repointed
    aliases_gained: list[str]
    aliases_left_out: list[str]


@transaction.atomic
def source_merge(*, absorbed: Source, survivor: Source) -> MergeResult:
    """Fold `absorbed` into `survivor`, in one transaction: every row that refers to the
    absorbed source (its reports, child sources, domains and aliases, and whatever other apps
    point at it: claimants, attributions, evidence, their revisions) is repointed to the
    survivor, the absorbed source's name and aliases become the survivor's aliases (less those
    it has, or that name a third source), and the absorbed source is deleted.

    Refused with a ValidationError for a merge into itself or into a source below it. After
    commit, `sources.signals.source_merged` tells the layers above (claims re-assesses the
    claims the survivor, and so the absorbed source, touches)."""
    locked = {
        s.pk: s
        for s in Source.objects.select_for_update()
        .filter(pk__in=(absorbed.pk, survivor.pk))
        .order_by("pk")
    }
    if absorbed.pk not in locked or survivor.pk not in locked:
        raise ValidationError("One of the two sources is gone; reload and choose again.")
    absorbed, survivor = locked[absorbed.pk], locked[survivor.pk]
    refusal = source_merge_refusal(absorbed=absorbed, survivor=survivor)
    if refusal:
        raise ValidationError(refusal)
    gained, left_out = source_merge_names(absorbed=absorbed, survivor=survivor)
    # The aliases the survivor gains move (one row per name); the others go: the survivor has
    # them already, or they repeat the absorbed name, which becomes an alias below.
    moving = {name.casefold() for name in gained} - {absorbed.name.casefold()}
    for alias in absorbed.aliases.order_by("name"):
        if alias.name.casefold() in moving:
            moving.discard(alias.name.casefold())
        else:
            alias.delete()
    moved: dict[str, int] = {}
    for rel in source_references():
        column = rel.field.attname
        count = (
            rel.related_model._base_manager.filter(**{column: absorbed.pk})
            .update(**{column: survivor.pk})
        )
        if count:
            moved[reference_label(rel)] = count
    absorbed_name, absorbed_id = absorbed.name, absorbed.pk
    absorbed.delete()
    if absorbed_name in gained:
        SourceAlias.objects.get_or_create(source=survivor, name=absorbed_name)
    survivor_id = survivor.pk

    def send() -> None:
        for receiver, result in source_merged.send_robust(
            sender=Source, survivor_id=survivor_id, absorbed_id=absorbed_id
        ):
            if isinstance(result, Exception):
                logger.error(
                    "source %s merged into %s but %r failed: %s",
                    absorbed_id, survivor_id, receiver, result,
                )

    transaction.on_commit(send)
    survivor.refresh_from_db()
    return MergeResult(survivor, absorbed_name, moved, gained, left_out)


@dataclass(frozen=True)
class _NewSource:
    name: str
    kind: str
    country: str
    parent: Source | None


def source_for_label(*, label: str, country: str = "") -> Source:
    """The source a free-text label names (`source_resolve`, with the story's `country` for
    bare offices). An unknown label becomes a new grade-F source, since nobody has judged it
    yet, placed where the text says: "Reuters' Moscow bureau" under Reuters, "Kazakhstan's
    health ministry" under the government of Kazakhstan, and "the health ministry" in a
    story about Kazakhstan as "Health Ministry of Kazakhstan" under that government."""
    hint = country.strip().upper()
    if not _COUNTRY_CODE.fullmatch(hint):
        hint = ""
    found = source_resolve(label=label, country=hint)
    if found is not None:
        return found
    new = _new_source(label.strip(), hint)
    name = new.name[:200]
    try:
        with transaction.atomic():
            return Source.objects.create(
                name=name,
                kind=new.kind,
                country=new.country,
                parent=new.parent,
                grade=Source.Grade.F,
                grade_source=Source.GradeSource.UNRATED,
            )
    except IntegrityError:
        # Another request created it between our read and our write.
        return Source.objects.get(name=name)


_COUNTRY_CODE = re.compile(r"[A-Z]{2}")


def _new_source(label: str, hint: str) -> _NewSource:
    if "." in label and " " not in label:
        return _NewSource(label, Source.Kind.OTHER, "", None)  # a host name says no more
    parts = split_label(label)
    # "Reuters' Moscow bureau", "spokesman of the interior ministry", "Almaty police
    # spokesman": a part of an organisation the desk knows goes under it.
    owner_label = parts.owner or without_head(label)
    if owner_label and parts.head in PART_NOUNS:
        code = only_country(owner_label)
        if code and parts.head in INSTITUTION_NOUNS | PERSON_NOUNS:
            # "Kazakhstan's health ministry", "Ministry of Health of Kazakhstan"
            parent = source_government(country=code)
            return _NewSource(label, _kind_for(parts.head, governmental=True), code, parent)
        owner = None if code else source_resolve(label=owner_label, country=hint)
        if owner is not None:
            governmental = owner.kind == Source.Kind.GOVERNMENT_BODY
            return _NewSource(
                label, _kind_for(parts.head, governmental=governmental), owner.country, owner
            )
    head = head_noun(label)
    codes = countries_in(words(label))
    if len(codes) == 1:  # "Kazakh health ministry", "Kazakh protesters"
        code = codes.pop()
        if head in INSTITUTION_NOUNS | PERSON_NOUNS:
            parent = source_government(country=code)
            return _NewSource(label, _kind_for(head, governmental=True), code, parent)
        return _NewSource(label, Source.Kind.OTHER, code, None)
    if hint and head in INSTITUTION_NOUNS and is_bare_office(label):
        # "the health ministry" in a story about Kazakhstan. Named with its country, so the
        # name stays free for the same office elsewhere.
        name = f"{office_title(label)} of {country_name(hint)}"
        return _NewSource(name, Source.Kind.GOVERNMENT_BODY, hint, source_government(country=hint))
    return _NewSource(label, _kind_for(head, governmental=False), "", None)


def _kind_for(head: str, *, governmental: bool) -> str:
    if head in REPORTER_NOUNS:
        return Source.Kind.EYEWITNESS
    if head in PERSON_NOUNS:
        return Source.Kind.OFFICIAL
    if governmental and head in INSTITUTION_NOUNS:
        return Source.Kind.GOVERNMENT_BODY
    return Source.Kind.OTHER


def source_keys_refresh() -> int:
    """Recompute every stored name key (after a change to sources.names); returns the rows
    written."""
    written = 0
    with transaction.atomic():
        sources = list(Source.objects.all())
        for source in sources:
            source.refresh_keys()
        written += Source.objects.bulk_update(sources, ["name_key", "initials"], batch_size=500)
        aliases = list(SourceAlias.objects.all())
        for alias in aliases:
            alias.name_key = name_key(alias.name)
        written += SourceAlias.objects.bulk_update(aliases, ["name_key"], batch_size=500)
    return written


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


@dataclass
class RegistryRow:
    """What loading one registry entry did (or, in a dry run, would do)."""

    name: str
    action: str = "unchanged"  # "created", "updated", "unchanged"
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was left as it is, and why


@dataclass
class RegistryLoadResult:
    rows: list[RegistryRow]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


@transaction.atomic
def registry_load(*, entries: Sequence[RegistryEntry], force: bool = False) -> RegistryLoadResult:
    """Create or update a source for every registry entry (parents first), idempotently.

    An entry is matched to an existing source by its name, an alias (normalised) or a domain,
    so the desk's own "Russian state" takes the registry's "Government of Russia" as an alias
    instead of gaining a twin. On an existing source the registry fills what is missing (kind
    "other", no country, no parent), adds aliases and free domains, and sets
    the grade unless someone set it by hand; `force` makes the file win on every field, the
    grade included. Grades the registry sets are recorded as the registry's. Changed grades and
    parents are announced like any other (source_update).
    """
    rows: list[RegistryRow] = []
    placed: dict[str, Source] = {}
    for entry in entries:
        parent = placed.get(entry.parent) if entry.parent else None
        source = _registry_match(entry)
        if source is None:
            source, row = _registry_create(entry, parent)
        else:
            row = _registry_update(source, entry, parent, force=force)
        _registry_names(source, entry, row, force=force)
        if row.action == "unchanged" and row.changes:
            row.action = "updated"
        placed[entry.name] = source
        rows.append(row)
    return RegistryLoadResult(rows)


def _registry_match(entry: RegistryEntry) -> Source | None:
    exact = Source.objects.filter(name__iexact=entry.name).first()
    if exact is not None:
        return exact
    for label in (entry.name, *entry.aliases):
        key = name_key(label)
        by_name = Source.objects.filter(name_key=key).order_by("pk").first()
        if by_name is not None:
            return by_name
        by_alias = (
            SourceAlias.objects.filter(name_key=key).select_related("source").order_by("pk").first()
        )
        if by_alias is not None:
            return by_alias.source
    if entry.domains:
        by_domain = Source.objects.filter(domains__domain__in=entry.domains).order_by("pk").first()
        if by_domain is not None:
            return by_domain
        # A publisher first met by its URL was named after its host ("eurasianet.org").
        hosts = [*entry.domains, *(f"www.{d}" for d in entry.domains)]
        return Source.objects.filter(name__in=hosts).order_by("pk").first()
    return None


def _registry_create(entry: RegistryEntry, parent: Source | None) -> tuple[Source, RegistryRow]:
    source = Source(
        name=entry.name,
        kind=entry.kind,
        country=entry.country,
        parent=parent,
        grade=entry.grade,
        grade_source=Source.GradeSource.REGISTRY,
        description=entry.note,
    )
    source.full_clean()
    source.save()
    row = RegistryRow(entry.name, "created", [f"grade {entry.grade} ({entry.rule})"])
    if parent is not None:
        row.changes.append(f"under {parent.name}")
    return source, row


def _registry_update(
    source: Source, entry: RegistryEntry, parent: Source | None, *, force: bool
) -> RegistryRow:
    label = entry.name if source.name == entry.name else f"{entry.name} (as {source.name})"
    row = RegistryRow(label)
    changes: dict[str, Any] = {}
    if (force or source.kind == Source.Kind.OTHER) and source.kind != entry.kind:
        changes["kind"] = entry.kind
    if (force or not source.country) and source.country != entry.country:
        changes["country"] = entry.country
    wanted_parent_id = parent.pk if parent is not None else None
    if source.parent_id != wanted_parent_id:
        if force or source.parent_id is None:
            changes["parent"] = parent
        else:
            row.notes.append(f"parent {source.parent} kept (registry: {entry.parent or '—'})")
    if force and source.description != entry.note:
        changes["description"] = entry.note  # the desk's own notes are not filled in
    if source.grade_source == Source.GradeSource.DESK and not force:
        if source.grade != entry.grade:
            row.notes.append(f"grade {source.grade} kept (set by hand; registry: {entry.grade})")
    elif (source.grade, source.grade_source) != (entry.grade, Source.GradeSource.REGISTRY):
        changes["grade"] = entry.grade
        changes["grade_source"] = Source.GradeSource.REGISTRY
    old_name = source.name
    if (
        source.grade_source == Source.GradeSource.UNRATED
        and source.name != entry.name
        and source.name.lower() in {x.lower() for x in (*entry.domains, *entry.aliases)}
        and not Source.objects.filter(name=entry.name).exists()
    ):
        # An unrated source named after a host or an alias takes the registry's name and
        # keeps the old one as an alias.
        changes["name"] = entry.name
    if not changes:
        return row
    before = {name: getattr(source, name) for name in changes}
    source_update(source=source, **changes)
    if "name" in changes:
        SourceAlias.objects.get_or_create(source=source, name=old_name)
    for name, old in before.items():
        new = changes[name]
        if name not in {"grade_source", "description"} and old != new:
            row.changes.append(f"{name}: {old or '—'} -> {new or '—'}")
        elif name == "description":
            row.changes.append("description")
    return row


def _registry_names(source: Source, entry: RegistryEntry, row: RegistryRow, *, force: bool) -> None:
    """Add the entry's name and aliases as aliases, and its domains, without taking a name
    or a domain from another source (unless `force` moves the domain)."""
    known = {source.name.casefold()}
    known.update(a.casefold() for a in source.aliases.values_list("name", flat=True))
    for alias in (entry.name, *entry.aliases):
        if alias.casefold() in known:
            continue
        key = name_key(alias)
        taken = source_named(key=key, source=source)
        if taken is not None:
            row.notes.append(f"alias {alias!r} left out: it names {taken.name}")
            continue
        SourceAlias.objects.create(source=source, name=alias)
        known.add(alias.casefold())
        row.changes.append(f"alias {alias!r}")
    for domain in entry.domains:
        owner = SourceDomain.objects.filter(domain=domain).select_related("source").first()
        if owner is None:
            SourceDomain.objects.create(source=source, domain=domain)
            row.changes.append(f"domain {domain}")
        elif owner.source_id != source.pk:
            if force:
                row.changes.append(f"domain {domain} moved from {owner.source.name}")
                owner.source = source
                owner.save(update_fields=["source"])
            else:
                row.notes.append(f"domain {domain} left with {owner.source.name}")
