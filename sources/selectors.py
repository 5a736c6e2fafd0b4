"""Reads about sources and reports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Count, ForeignObjectRel, Q, QuerySet

from sources.models import MAX_PARENT_DEPTH, Source, SourceAlias, SourceDomain, source_named
from sources.names import (
    acronym_of,
    country_marker,
    is_bare_office,
    key_of_words,
    name_key,
    only_country,
)

# Sources sharing one key are few; the bound keeps a pathological key cheap.
_CANDIDATES = 20

_INDEFINITE = re.compile(r"^(a|an)\s", re.I)


def source_resolve(*, label: str, country: str = "") -> Source | None:
    """The existing source a speaker or publisher label names, or None.

    Tried in order: the label's normalised key (sources.names) against every name and alias,
    an exact name before an exact alias before a normalised match; the label as a host name
    (news.bbc.co.uk -> bbc.co.uk); an abbreviation against the initials of names of three
    words or more (RFE/RL); a bare country ("Kazakhstan") as its government.

    `country` (ISO code, e.g. the claimant's or the publisher's) places a bare office: "the
    health ministry" is the health ministry of that country when exactly one source is, and
    never a source of another country.
    """
    label = label.strip()
    if not label:
        return None
    if _INDEFINITE.match(label):
        # "an economist", "a spokesman": someone unnamed, never The Economist. Only a source
        # named exactly so (one earlier unknown speaker) is the same.
        return _by_key(label, name_key(label), "", exact_only=True)
    country = country.strip().upper()
    key = name_key(label)
    bare_office = bool(country) and is_bare_office(label)
    if bare_office and key:
        found = _unique_in_country(key, country)
        if found is not None:
            return found
    found = _by_key(label, key, country)
    if found is not None:
        if bare_office and found.country not in ("", country):
            return None  # another country's office: not the one this story means
        return found
    found = _by_domain(label)
    if found is None:
        found = _by_initials(label)
    if found is None:
        code = only_country(label)
        if code:
            found = source_government(country=code)
    if found is None:
        found = _by_trailing_name(label)
    return found


_POSSESSOR = re.compile(r"^[^\W\d][\w .-]*?['\u2019]s\s+", re.I)


def _by_trailing_name(label: str) -> Source | None:
    """A source named exactly by the end of a label that describes it first: "Kuwait's Jazeera
    Airways", "Dubai budget carrier flydubai". Only exact names and aliases of sources someone
    graded (the registry or the desk) and never a bare office: an unknown speaker recorded
    earlier as "spokesman" is not every spokesman."""
    rest = _POSSESSOR.sub("", label)
    words = rest.split()
    start = 0 if rest != label else 1
    for i in range(start, len(words)):
        tail = " ".join(words[i:])
        if is_bare_office(tail) or (tail[:1].islower() and i < len(words) - 1):
            continue
        found = _by_key(tail, name_key(tail), "", exact_only=True)
        if found is not None and found.grade_source != Source.GradeSource.UNRATED:
            return found
    return None


def _by_key(label: str, key: str, country: str, *, exact_only: bool = False) -> Source | None:
    """The best of the sources whose name or alias has this key: an exact (case-insensitive)
    name, then an exact alias, then a normalised name, then a normalised alias; among equals
    the one in `country`, then the oldest."""
    if not key:
        return None
    folded = label.casefold()
    ranked: list[tuple[int, bool, int, Source]] = []
    for source in Source.objects.filter(name_key=key)[:_CANDIDATES]:
        exact = source.name.casefold() == folded
        if exact or not exact_only:
            ranked.append((0 if exact else 2, source.country != country, source.pk, source))
    for alias in SourceAlias.objects.filter(name_key=key).select_related("source")[:_CANDIDATES]:
        exact = alias.name.casefold() == folded
        source = alias.source
        if exact or not exact_only:
            ranked.append((1 if exact else 3, source.country != country, source.pk, source))
    if not ranked:
        return None
    return min(ranked, key=lambda r: r[:3])[3]


def _unique_in_country(key: str, country: str) -> Source | None:
    """The one source that is this office of `country`: named with the country ("Health
    Ministry of Kazakhstan") or without it but placed in it (a KZ source "Health Ministry")."""
    with_country = key_of_words([*key.split(), country_marker(country)])
    found: dict[int, Source] = {}
    for source in Source.objects.filter(name_key__in=(with_country, key))[:_CANDIDATES]:
        if source.name_key == with_country or source.country == country:
            found[source.pk] = source
    for alias in SourceAlias.objects.filter(name_key__in=(with_country, key)).select_related(
        "source"
    )[:_CANDIDATES]:
        if alias.name_key == with_country or alias.source.country == country:
            found[alias.source_id] = alias.source
    return next(iter(found.values())) if len(found) == 1 else None


def _by_domain(label: str) -> Source | None:
    host = label.lower().removeprefix("www.")
    if " " in host:
        return None
    while "." in host:
        found = Source.objects.filter(domains__domain=host).first()
        if found is not None:
            return found
        host = host.split(".", 1)[1]  # news.bbc.co.uk -> bbc.co.uk
    return None


def _by_initials(label: str) -> Source | None:
    letters = acronym_of(label)
    if not letters:
        return None
    found = list(Source.objects.filter(initials=letters)[:2])
    return found[0] if len(found) == 1 else None  # ambiguous abbreviations stay unresolved


def source_government(*, country: str) -> Source | None:
    """The government of a country: the source named so, as "Government of Kazakhstan",
    "Kazakh government" or "Russian state" are."""
    marker = country_marker(country)
    for word in ("government", "state"):
        found = _by_key(f"{word} of {country}", key_of_words([word, marker]), country.upper())
        if found is not None:
            return found
    return None


def source_family_ids(*, source_id: int) -> set[int]:
    """The source and every source below it (children, their children...), one query per
    level; empty when the source is gone."""
    if not Source.objects.filter(pk=source_id).exists():
        return set()
    family = {source_id}
    frontier = {source_id}
    for _ in range(MAX_PARENT_DEPTH):
        frontier = (
            set(Source.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - family
        )
        if not frontier:
            break
        family |= frontier
    return family


def source_list_with_counts() -> QuerySet[Source]:
    return Source.objects.select_related("parent").annotate(
        claims_count=Count("claims_made", distinct=True),
        reports_count=Count("reports", distinct=True),
    )


def source_tops(source_ids: set[int]) -> dict[int, Source]:
    """Map each source id to the top organisation it rolls up to, one query per level of
    the parent chain rather than one per source."""
    tops: dict[int, Source] = {}
    if not source_ids:
        return tops
    rows: dict[int, Source] = {s.pk: s for s in Source.objects.filter(pk__in=source_ids)}
    # current[start] = the highest ancestor of `start` found so far
    current: dict[int, Source] = {pk: rows[pk] for pk in source_ids if pk in rows}
    for _ in range(32):  # parent chains are short; the bound only guards against a cycle
        pending = {s.parent_id for s in current.values() if s.parent_id is not None}
        pending -= rows.keys()
        if pending:
            rows.update({s.pk: s for s in Source.objects.filter(pk__in=pending)})
        moved = False
        for start, node in current.items():
            if node.parent_id is not None and node.parent_id in rows and node.parent_id != start:
                current[start] = rows[node.parent_id]
                moved = True
        if not moved:
            break
    tops.update(current)
    return tops


# --- merging two sources -------------------------------------------------------------------


def source_references() -> list[ForeignObjectRel]:
    """Every foreign key to Source, from any app (sources knows nothing of claims, so it asks
    Django): reports, child sources, aliases, domains, and the claims app's claimants,
    attributions, evidence and their audit revisions (hidden relations included)."""
    return [
        rel
        for rel in Source._meta.get_fields(include_hidden=True)
        if isinstance(rel, ForeignObjectRel) and (rel.one_to_many or rel.one_to_one)
    ]


def reference_label(rel: ForeignObjectRel) -> str:
    """What a reference is, in the admin's words: "reports (publisher)"."""
    if rel.related_model is Source:
        return "child sources (parent)"
    meta = rel.related_model._meta
    return f"{meta.verbose_name_plural} ({rel.field.verbose_name})"


@dataclass(frozen=True)
class MergeMove:
    label: str
    count: int
    examples: list[str]


@dataclass(frozen=True)
class MergePreview:
    """What merging `absorbed` into `survivor` would do (sources.services.source_merge)."""

    absorbed: Source
    survivor: Source
    refusal: str = ""  # why the merge is refused; empty when it may go ahead
    aliases_gained: list[str] = field(default_factory=list)
    aliases_left_out: list[str] = field(default_factory=list)  # with the reason
    moves: list[MergeMove] = field(default_factory=list)


_EXAMPLES = 5


def source_merge_refusal(*, absorbed: Source, survivor: Source) -> str:
    """Why `absorbed` cannot be merged into `survivor` ("" when it can): not into itself, and
    not into a source below it, which would end up its own parent."""
    if absorbed.pk == survivor.pk:
        return f"{absorbed.name} cannot be merged into itself."
    if survivor.pk in source_family_ids(source_id=absorbed.pk):
        return (
            f"{survivor.name} is below {absorbed.name} (in its parent chain): merge it the "
            f"other way, or move {survivor.name} out from under it first."
        )
    return ""


def source_merge_names(*, absorbed: Source, survivor: Source) -> tuple[list[str], list[str]]:
    """(names the survivor gains as aliases, names left out with the reason): the absorbed
    source's name and aliases, less those the survivor already has and those that name a
    third source."""
    survivors = {survivor.name.casefold()}
    survivors.update(n.casefold() for n in survivor.aliases.values_list("name", flat=True))
    seen: set[str] = set()
    gained: list[str] = []
    left_out: list[str] = []
    names = [absorbed.name, *absorbed.aliases.order_by("name").values_list("name", flat=True)]
    for index, name in enumerate(names):
        if name.casefold() in seen:
            continue  # the absorbed source's name again, as its own alias
        seen.add(name.casefold())
        if name.casefold() in survivors:
            left_out.append(f"{name} (already {survivor.name}'s)")
            continue
        if index == 0:
            # The absorbed name is checked against third sources; its aliases already passed.
            third = source_named(key=name_key(name), source=survivor, ignore=[absorbed.pk])
            if third is not None:
                left_out.append(f"{name} (it also names {third.name})")
                continue
        gained.append(name)
    return gained, left_out


def source_merge_preview(*, absorbed: Source, survivor: Source) -> MergePreview:
    refusal = source_merge_refusal(absorbed=absorbed, survivor=survivor)
    if refusal:
        return MergePreview(absorbed, survivor, refusal=refusal)
    gained, left_out = source_merge_names(absorbed=absorbed, survivor=survivor)
    moves: list[MergeMove] = []
    for rel in source_references():
        if rel.related_model is SourceAlias:
            continue  # shown as the names gained
        rows = rel.related_model._base_manager.filter(**{rel.field.attname: absorbed.pk})
        count = rows.count()
        if count:
            examples = [str(row) for row in rows.order_by("pk")[:_EXAMPLES]]
            moves.append(MergeMove(reference_label(rel), count, examples))
    return MergePreview(absorbed, survivor, "", gained, left_out, moves)


# --- suggestions as a fact-checker types a source ------------------------------------------

SUGGEST_LIMIT = 10
SUGGEST_MAX_LENGTH = 200  # a source's name is at most 200 characters


@dataclass(frozen=True)
class SourceMatch:
    source: Source
    via: str = ""  # "" for its name, else "alias" or "domain"
    matched: str = ""  # the alias or domain that matched


def source_suggest(*, text: str, limit: int = SUGGEST_LIMIT) -> list[SourceMatch]:
    """Sources whose name, an alias or a domain contains the typed text (case-insensitive),
    best first: a name before an alias before a domain, a match at the start before one
    inside, then by name; one row per source. Empty for empty text."""
    text = text.replace("\x00", "").strip()[:SUGGEST_MAX_LENGTH]
    if not text:
        return []
    folded = text.casefold()
    ranked: dict[int, tuple[tuple[int, int, str], SourceMatch]] = {}

    def offer(rank: int, label: str, match: SourceMatch) -> None:
        key = (rank, 0 if label.casefold().startswith(folded) else 1, match.source.name.casefold())
        held = ranked.get(match.source.pk)
        if held is None or key < held[0]:
            ranked[match.source.pk] = (key, match)

    # A few more than asked from each table: a source met by name and alias counts once.
    wide = limit * 3
    key = name_key(text)
    by_name = Q(name__icontains=text) | (Q(name_key=key) if key else Q(pk__in=[]))
    for source in Source.objects.filter(by_name).order_by("name")[:wide]:
        offer(0, source.name, SourceMatch(source))
    by_alias = Q(name__icontains=text) | (Q(name_key=key) if key else Q(pk__in=[]))
    for alias in SourceAlias.objects.filter(by_alias).select_related("source").order_by("name")[:wide]:
        offer(1, alias.name, SourceMatch(alias.source, "alias", alias.name))
    for domain in SourceDomain.objects.filter(domain__icontains=text.lower()).select_related(
        "source"
    ).order_by("domain")[:wide]:
        offer(2, domain.domain, SourceMatch(domain.source, "domain", domain.domain))
    return [match for _, match in sorted(ranked.values(), key=lambda r: r[0])[:limit]]


@dataclass(frozen=True)
class Resolution:
    """The source a typed label would be saved as (source_resolve), and how it was found."""

    source: Source | None
    how: str = ""  # "name", "alias “…”", "domain", "normalised name"; "" when unresolved


def source_resolution(*, label: str) -> Resolution:
    """What saving the label would give, read-only: the existing source `source_resolve`
    finds for it (the same resolution the forms and the workers use), or none, in which case
    saving it creates a new source."""
    label = label.replace("\x00", "").strip()[:SUGGEST_MAX_LENGTH]
    if not label:
        return Resolution(None)
    found = source_resolve(label=label)
    if found is None:
        return Resolution(None)
    folded = label.casefold()
    if found.name.casefold() == folded:
        return Resolution(found, "name")
    alias = found.aliases.filter(name__iexact=label).first()
    if alias is not None:
        return Resolution(found, f"alias “{alias.name}”")
    if found.name_key == name_key(label) or found.aliases.filter(name_key=name_key(label)).exists():
        return Resolution(found, "normalised name")
    if " " not in label and _by_domain(label) == found:
        return Resolution(found, "domain")
    if found.initials and found.initials == acronym_of(label):
        return Resolution(found, "abbreviation")
    if only_country(label):
        return Resolution(found, "country, as its government")
    return Resolution(found, "name at the end of the label")
