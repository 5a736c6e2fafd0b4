"""Proposed claims of an article with their claimants and relays matched to existing sources.

The engine (`claims.engine.proposals.propose_claims`) reads the text; this adapter adds, per
claimant and relay, the source `sources.selectors.source_resolve` finds for it (the same
resolution the workers use: name, alias, domain, normalised form). It only reads: a claimant no
source fits is reported with `source: null`, a new source to propose, never created here.
"""

from __future__ import annotations

from typing import Any

from claims.engine.proposals import PROPOSE_AT, Proposal, propose_claims
from sources.models import Source
from sources.selectors import source_resolve


def _source(label: str | None, country: str, cache: dict[str, Source | None]) -> Source | None:
    if not label:
        return None
    if label not in cache:
        cache[label] = source_resolve(label=label, country=country)
    return cache[label]


def _ref(source: Source | None) -> dict[str, Any] | None:
    return None if source is None else {"id": source.pk, "name": source.name}


def linked_proposal(
    proposal: Proposal, *, country: str = "", cache: dict[str, Source | None] | None = None
) -> dict[str, Any]:
    """`Proposal.as_dict()` with `claimant.source` and `relay_sources` (parallel to `relays`):
    each {"id", "name"} of the matched source, or None."""
    cache = {} if cache is None else cache
    out = proposal.as_dict()
    claimant = proposal.claimant
    if claimant is not None:
        # The person first, then the organisation they speak for: "a spokesperson for
        # Lufthansa" is Lufthansa's word when no source names the spokesperson.
        found = _source(claimant.name, country, cache) or _source(
            claimant.organisation, country, cache
        )
        out["claimant"]["source"] = _ref(found)
    out["relay_sources"] = [_ref(_source(r, country, cache)) for r in proposal.relays]
    return out


def article_proposals(
    text: str, *, publisher: str | None = None, country: str = "", min_score: float = PROPOSE_AT
) -> list[dict[str, Any]]:
    """The article's proposals, most check-worthy first, linked to existing sources."""
    cache: dict[str, Source | None] = {}
    return [
        linked_proposal(p, country=country, cache=cache)
        for p in propose_claims(text, publisher, min_score=min_score)
    ]
