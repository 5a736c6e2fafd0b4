"""Follow-up reports written as a wire desk would, with the desk's expected links, stances and
final statuses: the yardstick for end-to-end claim tracking (issue 13, deliverable 7).

Three stories, one JSON file each (format in README.md beside this module):

- ``almaty``: the demo story (the Almaty unrest, January 2022). Its claims and sources are the
  demo's own (``claims.demo.story``); the file names each claim by its demo quote and adds the
  outlets, rights groups and officials that report on them.
- ``rumour``: a false rumour about a mayor's arrest, amplified by many outlets, then denied
  and debunked (a fictional city).
- ``toll``: a building collapse whose death toll rises over days (a fictional capital).

The reports are written for testing, in our own words: they are not a record of what any
outlet published. Pure Python (no Django): the test loads the stories into a database itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from claims.demo import story as demo
from claims.demo.story import DemoQuantity, DemoSource

CORPUS_DIR = Path(__file__).resolve().parent
STORY_KEYS: tuple[str, ...] = ("almaty", "rumour", "toll")

STANCES = ("supports", "contradicts", "discusses")
STATUSES = ("unverified", "corroborated", "disputed", "refuted")
GRADES = "ABCDEF"

# Why a report speaks to a claim as it does; each basis allows one stance (BASIS_STANCE).
#   echo        the claimant's own side restating the claim (never counts)
#   independent an origin outside the claimant's side asserting the claim on its own account
#   relay       passing the claim on hedged, or without taking a side ("reportedly", "could
#               not be verified", "according to social media posts")
#   update      a later figure for a running count (a toll, detentions): not a contradiction
#   earlier     a lower figure for a running count published before the claim was made
#   absence     "found no evidence that ...": disputes, does not refute
#   denial      a positive contradiction: the subject's denial, a debunk, a contrary finding
#   retraction  an outlet withdrawing what it had asserted (its last word)
BASIS_STANCE: Mapping[str, str] = {
    "echo": "supports",
    "independent": "supports",
    "relay": "discusses",
    "update": "discusses",
    "earlier": "discusses",
    "absence": "contradicts",
    "denial": "contradicts",
    "retraction": "contradicts",
}


class CorpusError(ValueError):
    """A corpus file is malformed; the message says which file and entry."""


@dataclass(frozen=True)
class CorpusClaim:
    key: str
    text: str
    quote: str
    claimant: str | None
    hops: tuple[tuple[str, str], ...]  # (source, cue), claimant first, first publisher last
    kind: str
    hedges: tuple[str, ...]
    quantities: tuple[DemoQuantity, ...]
    made_at: datetime
    final: str  # the desk's expected status once every report is in
    reason: str  # why, in a desk editor's words
    demo: bool = False  # one of the demo story's claims (created by the demo load)


@dataclass(frozen=True)
class ExpectedLink:
    claim: str
    stance: str
    basis: str
    origin: str | None  # the first-hand source the desk reads; None when not checked


@dataclass(frozen=True)
class CorpusReport:
    id: str
    publisher: str
    published_at: datetime
    title: str
    body: str
    links: tuple[ExpectedLink, ...]
    must_not: tuple[str, ...] = ()  # claims it plainly does not speak to (look-alikes)
    may: tuple[str, ...] = ()  # near-duplicate claims a link to which is neither right nor stray
    note: str = ""


@dataclass(frozen=True)
class Story:
    key: str
    title: str
    about: str
    event: str
    demo: bool
    sources: tuple[DemoSource, ...]  # the story's own, parents first
    claims: tuple[CorpusClaim, ...]
    reports: tuple[CorpusReport, ...]
    base_sources: tuple[DemoSource, ...] = field(default=())  # the demo's, for the demo story

    @property
    def all_sources(self) -> dict[str, DemoSource]:
        return {s.name: s for s in (*self.base_sources, *self.sources)}

    def claim(self, key: str) -> CorpusClaim:
        for claim in self.claims:
            if claim.key == key:
                return claim
        raise KeyError(key)

    def top(self, name: str) -> str:
        """The top organisation a source rolls up to (the engine's origin group)."""
        sources = self.all_sources
        seen: set[str] = set()
        while name in sources and sources[name].parent and name not in seen:
            seen.add(name)
            name = sources[name].parent or name
        return name


def _when(value: str, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise CorpusError(f"{where}: bad timestamp {value!r}") from exc
    if moment.tzinfo is None:
        raise CorpusError(f"{where}: timestamp {value!r} has no UTC offset")
    return moment


def _only(entry: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    unknown = set(entry) - set(allowed)
    if unknown:
        raise CorpusError(f"{where}: unknown field(s) {sorted(unknown)}")


def _source(raw: Mapping[str, Any], where: str) -> DemoSource:
    _only(raw, {"name", "kind", "grade", "country", "parent", "role", "aliases", "domains"}, where)
    if raw.get("grade") not in tuple(GRADES):
        raise CorpusError(f"{where}: grade must be one of {GRADES}")
    return DemoSource(
        name=raw["name"],
        kind=raw["kind"],
        grade=raw["grade"],
        country=raw.get("country", ""),
        parent=raw.get("parent"),
        role=raw.get("role", ""),
        aliases=tuple(raw.get("aliases", ())),
        domains=tuple(raw.get("domains", ())),
    )


def _final(raw: Mapping[str, Any], where: str) -> tuple[str, str]:
    if raw.get("final") not in STATUSES:
        raise CorpusError(f"{where}: final must be one of {STATUSES}")
    if not str(raw.get("reason", "")).strip():
        raise CorpusError(f"{where}: give the desk's reason for the final status")
    return raw["final"], raw["reason"]


def _demo_claim(raw: Mapping[str, Any], where: str) -> CorpusClaim:
    _only(raw, {"key", "demo_quote", "final", "reason"}, where)
    final, reason = _final(raw, where)
    matches = [c for c in demo.CLAIMS if c.quote == raw["demo_quote"]]
    if len(matches) != 1:
        raise CorpusError(f"{where}: no demo claim quoted {raw['demo_quote']!r}")
    spec = matches[0]
    hops: list[tuple[str, str]] = []
    if spec.claimant:
        hops.append((spec.claimant, spec.claimant_cue))
    hops += list(spec.relays)
    hops.append((demo.PUBLISHER, "reported"))
    return CorpusClaim(
        key=raw["key"],
        text=spec.text,
        quote=spec.quote,
        claimant=spec.claimant,
        hops=tuple(hops),
        kind=spec.kind,
        hedges=spec.hedges,
        quantities=tuple(
            DemoQuantity(q.what, q.words, q.low, q.high, q.running) for q in spec.quantities
        ),
        made_at=demo.PUBLISHED_AT,
        final=final,
        reason=reason,
        demo=True,
    )


def _claim(raw: Mapping[str, Any], where: str) -> CorpusClaim:
    if "demo_quote" in raw:
        return _demo_claim(raw, where)
    fields = {"key", "text", "quote", "claimant", "hops", "kind", "hedges", "quantities"}
    _only(raw, fields | {"made_at", "final", "reason"}, where)
    final, reason = _final(raw, where)
    quantities = []
    for index, q in enumerate(raw.get("quantities", ())):
        _only(q, {"what", "words", "low", "high", "running"}, f"{where} quantity {index}")
        quantities.append(
            DemoQuantity(q["what"], q["words"], q["low"], q.get("high"), q.get("running", False))
        )
    return CorpusClaim(
        key=raw["key"],
        text=raw["text"],
        quote=raw.get("quote", ""),
        claimant=raw.get("claimant"),
        hops=tuple((hop[0], hop[1]) for hop in raw.get("hops", ())),
        kind=raw.get("kind", "paraphrase"),
        hedges=tuple(raw.get("hedges", ())),
        quantities=tuple(quantities),
        made_at=_when(raw["made_at"], where),
        final=final,
        reason=reason,
    )


def _link(raw: Mapping[str, Any], where: str) -> ExpectedLink:
    _only(raw, {"claim", "stance", "basis", "origin"}, where)
    basis = str(raw.get("basis"))
    if basis not in BASIS_STANCE:
        raise CorpusError(f"{where}: basis must be one of {sorted(BASIS_STANCE)}")
    stance = raw.get("stance", BASIS_STANCE[basis])
    if stance != BASIS_STANCE[basis]:
        raise CorpusError(f"{where}: a {basis} link {BASIS_STANCE[basis]}, not {stance}")
    return ExpectedLink(claim=raw["claim"], stance=stance, basis=basis, origin=raw.get("origin"))


def _report(raw: Mapping[str, Any], where: str) -> CorpusReport:
    fields = {"id", "publisher", "published_at", "title", "body", "links", "must_not", "may"}
    _only(raw, fields | {"note"}, where)
    where = f"{where} ({raw.get('id')})"
    return CorpusReport(
        id=raw["id"],
        publisher=raw["publisher"],
        published_at=_when(raw["published_at"], where),
        title=raw["title"],
        body=raw["body"],
        links=tuple(
            _link(link, f"{where} link {i}") for i, link in enumerate(raw.get("links", ()))
        ),
        must_not=tuple(raw.get("must_not", ())),
        may=tuple(raw.get("may", ())),
        note=raw.get("note", ""),
    )


def story_parse(raw: Mapping[str, Any], *, where: str = "story") -> Story:
    _only(raw, {"story", "title", "about", "event", "demo", "sources", "claims", "reports"}, where)
    is_demo = bool(raw.get("demo", False))
    return Story(
        key=raw["story"],
        title=raw["title"],
        about=raw.get("about", ""),
        event=raw.get("event", ""),
        demo=is_demo,
        sources=tuple(
            _source(s, f"{where} source {i}") for i, s in enumerate(raw.get("sources", ()))
        ),
        claims=tuple(_claim(c, f"{where} claim {i}") for i, c in enumerate(raw["claims"])),
        reports=tuple(_report(r, f"{where} report {i}") for i, r in enumerate(raw["reports"])),
        base_sources=tuple(demo.SOURCES) if is_demo else (),
    )


@cache
def story_load(key: str) -> Story:
    """One story of the corpus, read from ``<key>.json`` beside this module."""
    path = CORPUS_DIR / f"{key}.json"
    with path.open(encoding="utf-8") as handle:
        return story_parse(json.load(handle), where=path.name)


def corpus_load() -> tuple[Story, ...]:
    return tuple(story_load(key) for key in STORY_KEYS)
