"""Proposed claims scored against a reference reading of the same article.

A reference reading (`*.claims.json`, the format of `../shared/demo/almaty-2022-01-06.claims.json`)
lists the attributed claims a fact-checker would log from an article: each with `key` (any
extractor must find it), `phrase` (a short verbatim piece of the article that locates it),
`claim`, `claimant` {name, role, organisation} or null, `relay` (nearest the claimant first),
`kind`, `hedges` and `quantities` [{what, text, low, high}].

How a proposal meets a reference claim:

* By place: the proposal's span overlaps the reference phrase found in the article (quotes and
  apostrophes folded, so a curly mark matches a straight one). One proposal may meet several
  claims ("he said A, and that B" read as one) and one claim several proposals.
* Failing that, by content: the claimant agrees and at least half of the reference claim's
  content words (their first five letters) appear in the statement. This catches a proposal
  that restates a claim the reference places elsewhere.

What is counted:

* found: a proposal meets the claim; right claimant: the proposal's name (or, for an unnamed
  member, its organisation; for a speaker only described, its role) and the reference's name or
  organisation (or role) contain one another word for word ("officials" and "Kazakh officials"; "Lufthansa" and "Lufthansa spokesperson"), and
  a claim without a claimant is met by one without; right relays: the same hops in the same
  order, each matched the same way; right quantities (claims with figures only): every
  reference figure has a proposed one whose range lies within the reference's range ("about 10"
  read as 9-11 sits within 8-12).
* The best proposal for a claim is the first that gets the most of these right.
* precision: the share of proposals that meet some reference claim. A true claim the reference
  does not list counts against it, like text that is no claim at all: the reference is the
  judgement of what is worth logging, and the unmatched proposals are listed so a reader can
  see which kind each is.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claims.engine.proposals import Proposal, stems

__all__ = ["ClaimResult", "Scorecard", "load_reading", "score_reading"]


@dataclass(frozen=True)
class ClaimResult:
    index: int
    key: bool
    phrase: str
    located: bool
    found: bool
    claimant_ok: bool
    relays_ok: bool
    quantities_ok: bool | None  # None when the reference gives no figure
    proposal: Proposal | None


@dataclass
class Scorecard:
    claims: list[ClaimResult]
    proposals: list[Proposal]
    matched: list[bool]  # per proposal
    unmatched: list[Proposal] = field(default_factory=list)

    def figures(self, *, key_only: bool = True) -> dict[str, Any]:
        rows = [c for c in self.claims if c.key or not key_only]
        with_figures = [c for c in rows if c.quantities_ok is not None]
        return {
            "claims": len(rows),
            "found": sum(c.found for c in rows),
            "right_claimant": sum(c.found and c.claimant_ok for c in rows),
            "right_relays": sum(c.found and c.relays_ok for c in rows),
            "right_claimant_and_relays": sum(
                c.found and c.claimant_ok and c.relays_ok for c in rows
            ),
            "with_figures": len(with_figures),
            "right_quantities": sum(bool(c.found and c.quantities_ok) for c in with_figures),
        }

    @property
    def precision(self) -> float:
        return sum(self.matched) / len(self.matched) if self.matched else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "key": self.figures(key_only=True),
            "all": self.figures(key_only=False),
            "proposals": len(self.proposals),
            "matched_proposals": sum(self.matched),
            "precision": round(self.precision, 3),
        }


def load_reading(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data.get("claims"), list):
        raise ValueError(f"{path}: no 'claims' list")
    return data


_FOLD = str.maketrans({"“": '"', "”": '"', "\u2018": "'", "\u2019": "'", "\u2026": "."})


def _locate(text: str, phrase: str) -> tuple[int, int] | None:
    i = text.translate(_FOLD).find(phrase.translate(_FOLD))
    return (i, i + len(phrase)) if i >= 0 else None


def _tokens(label: str | None) -> frozenset[str]:
    if not label:
        return frozenset()
    words = re.findall(r"[\w-]+", label.casefold().replace("\u2019s", "").replace("'s", ""))
    return frozenset(w for w in words if w != "the")


def _same_label(a: str | None, b: str | None) -> bool:
    ta, tb = _tokens(a), _tokens(b)
    return bool(ta and tb) and (ta <= tb or tb <= ta)


def claimant_agrees(proposal: Proposal, reference: dict[str, Any] | None) -> bool:
    got = proposal.claimant
    if reference is None or got is None:
        return reference is None and got is None
    if got.name:
        return _same_label(got.name, reference.get("name")) or _same_label(
            got.name, reference.get("organisation")
        )
    if got.organisation:
        return _same_label(got.organisation, reference.get("name")) or _same_label(
            got.organisation, reference.get("organisation")
        )
    # Only described ("a former crew member"): the description is all there is to compare.
    return _same_label(got.role, reference.get("name") or reference.get("role"))


def relays_agree(proposal: Proposal, reference: list[str]) -> bool:
    return len(proposal.relays) == len(reference) and all(
        _same_label(a, b) for a, b in zip(proposal.relays, reference, strict=True)
    )


def quantities_agree(proposal: Proposal, reference: list[dict[str, Any]]) -> bool | None:
    if not reference:
        return None
    for want in reference:
        low = float(want["low"])
        high = math.inf if want.get("high") is None else float(want["high"])
        if not any(
            low <= q.low and (q.high if q.high is not None else math.inf) <= high
            for q in proposal.quantities
        ):
            return False
    return True


def score_reading(text: str, proposals: list[Proposal], reading: dict[str, Any]) -> Scorecard:
    claims: list[dict[str, Any]] = reading["claims"]
    places = [_locate(text, c["phrase"]) for c in claims]
    meets: list[set[int]] = [set() for _ in proposals]
    for pi, p in enumerate(proposals):
        for ci, place in enumerate(places):
            if place is not None and p.start < place[1] and place[0] < p.end:
                meets[pi].add(ci)
        if not meets[pi]:
            have = stems(p.statement)
            for ci, c in enumerate(claims):
                want = stems(c["claim"])
                if want and len(want & have) * 2 >= len(want) and claimant_agrees(p, c["claimant"]):
                    meets[pi].add(ci)
    results: list[ClaimResult] = []
    for ci, c in enumerate(claims):
        best: tuple[int, ClaimResult] | None = None
        for pi, p in enumerate(proposals):
            if ci not in meets[pi]:
                continue
            r = ClaimResult(
                index=ci,
                key=bool(c.get("key")),
                phrase=c["phrase"],
                located=places[ci] is not None,
                found=True,
                claimant_ok=claimant_agrees(p, c["claimant"]),
                relays_ok=relays_agree(p, c.get("relay") or []),
                quantities_ok=quantities_agree(p, c.get("quantities") or []),
                proposal=p,
            )
            points = r.claimant_ok + r.relays_ok + bool(r.quantities_ok)
            if best is None or points > best[0]:
                best = (points, r)
        results.append(
            best[1]
            if best is not None
            else ClaimResult(
                ci,
                bool(c.get("key")),
                c["phrase"],
                places[ci] is not None,
                False,
                False,
                False,
                None if not c.get("quantities") else False,
                None,
            )
        )
    matched = [bool(m) for m in meets]
    unmatched = [p for p, m in zip(proposals, matched, strict=True) if not m]
    return Scorecard(results, proposals, matched, unmatched)
