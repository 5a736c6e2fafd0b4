"""Reads for the claim page: the claim with its chain, evidence grouped by independent origin,
status history and latest verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet

from claims.engine.quantities import Range
from claims.engine.vocabulary import Stance
from claims.models import (
    Assignment,
    Attribution,
    Claim,
    Evidence,
    Quantity,
    StatusChange,
    Verdict,
)
from sources.models import Report, Source
from sources.selectors import source_tops

REPORT_SEARCH_LIMIT = 15


def claim_for_page() -> QuerySet[Claim]:
    return Claim.objects.select_related(
        "claimant", "first_report", "first_report__publisher", "created_by", "assignee"
    ).prefetch_related(
        Prefetch("attributions", queryset=Attribution.objects.select_related("source")),
        Prefetch("quantities", queryset=Quantity.objects.order_by("id")),
    )


def claim_status_only() -> QuerySet[Claim]:
    """What the polled status panel needs, and nothing it would not show."""
    return Claim.objects.only(
        "id", "status", "credibility", "explanation", "status_changed_at", "claimant_id"
    )


@dataclass(frozen=True)
class QuantityRow:
    quantity: Quantity
    range_text: str


def claim_quantities(claim: Claim) -> list[QuantityRow]:
    """The claim's quantities with their range written out ("1,800 to 2,200" with an en dash, "24+")."""
    rows = []
    for q in claim.quantities.all():
        high = math.inf if q.high is None else q.high
        text = str(Range(q.low, high)) if q.low <= high else f"{q.low:g}\u2013{high:g}"
        rows.append(QuantityRow(q, text))
    return rows


@dataclass
class StanceBucket:
    stance: str
    label: str
    rows: list[Evidence] = field(default_factory=list)


@dataclass
class OriginGroup:
    """Evidence whose origins roll up to one top organisation: one voice, however many
    outlets repeat it."""

    top: Source
    echo: bool
    buckets: list[StanceBucket]

    @property
    def count(self) -> int:
        return sum(len(b.rows) for b in self.buckets)


@dataclass
class EvidenceView:
    groups: list[OriginGroup]
    rejected: list[Evidence]

    @property
    def independent_count(self) -> int:
        return sum(1 for g in self.groups if not g.echo)


def claim_evidence(claim: Claim) -> EvidenceView:
    rows = list(
        Evidence.objects.filter(claim=claim)
        .select_related("report", "report__publisher", "origin", "confirmed_by")
        .order_by("-confidence", "-id")
    )
    source_ids = {e.origin_id for e in rows}
    if claim.claimant_id:
        source_ids.add(claim.claimant_id)
    tops = source_tops(source_ids)
    claimant_top = tops.get(claim.claimant_id) if claim.claimant_id else None
    by_top: dict[int, OriginGroup] = {}
    rejected: list[Evidence] = []
    for row in rows:
        if row.rejected:
            rejected.append(row)
            continue
        top = tops.get(row.origin_id, row.origin)
        group = by_top.get(top.pk)
        if group is None:
            group = OriginGroup(
                top=top,
                echo=claimant_top is not None and claimant_top.pk == top.pk,
                buckets=[StanceBucket(value, label) for value, label in Stance.evidence_choices()],
            )
            by_top[top.pk] = group
        for bucket in group.buckets:
            if bucket.stance == row.stance:
                bucket.rows.append(row)
    # The claimant's own side first, so the reader sees the echo before the independent voices.
    groups = sorted(by_top.values(), key=lambda g: (not g.echo, g.top.name.lower()))
    return EvidenceView(groups=groups, rejected=rejected)


def claim_evidence_version(claim_id: int) -> str:
    """What the evidence list looked like, in one short string: its row count and the latest
    change to any row. A new, relabelled, rejected or dropped link moves it."""
    seen = Evidence.objects.filter(claim_id=claim_id).aggregate(
        rows=Count("id"), latest=Max("updated_at")
    )
    latest = seen["latest"]
    return f"{seen['rows']}-{int(latest.timestamp() * 1_000_000) if latest else 0}"


def claim_timeline(claim: Claim) -> list[StatusChange]:
    return list(
        StatusChange.objects.filter(claim=claim)
        .select_related("changed_by")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class AuditEntry:
    """One thing a person did to the claim: a verdict, an assignment, an evidence label or
    rejection, an edit of the attribution chain."""

    at: datetime
    who: str
    action: str
    detail: str


def claim_audit_trail(claim: Claim) -> list[AuditEntry]:
    """The desk's actions on the claim, newest first: verdicts (never rewritten; each ruling is
    its own), assignments (claims.models.Assignment), and the revisions kept of evidence
    labels, rejections and attribution edits (claims.models, `history`). The engine's status
    changes are the status history."""
    entries = [
        AuditEntry(
            v.created_at,
            v.editor.username if v.editor else "an editor",
            f"published the verdict “{v.rating}”",
            v.rationale,
        )
        for v in Verdict.objects.filter(claim=claim).select_related("rating", "editor")
    ]
    entries += [
        AuditEntry(
            a.created_at,
            a.assigned_by.username,
            f"assigned the claim to {a.assignee.username}" if a.assignee else "unassigned the claim",
            "",
        )
        for a in Assignment.objects.filter(claim=claim).select_related("assignee", "assigned_by")
    ]
    revisions = (
        Evidence.history.filter(claim_id=claim.pk, history_user__isnull=False)
        .select_related("history_user", "report")
        .order_by("history_date", "history_id")
    )
    for rev in revisions:
        title = rev.report.title if rev.report else f"report {rev.report_id}"
        if rev.rejected:
            action = "rejected the link to"
        elif rev.history_type == "+":
            action = f"attached as {rev.get_stance_display().lower()}"
        else:
            action = f"labelled as {rev.get_stance_display().lower()}"
        entries.append(AuditEntry(rev.history_date, rev.history_user.username, action, title))
    # An edit of the chain removes its hops and adds the new ones in one transaction: one entry
    # per (user, second), with the chain it left.
    chains: dict[tuple[str, datetime], list[Any]] = {}
    for rev in (
        Attribution.history.filter(claim_id=claim.pk, history_user__isnull=False)
        .select_related("history_user", "source")
        .order_by("history_date", "position")
    ):
        key = (rev.history_user.username, rev.history_date.replace(microsecond=0))
        chains.setdefault(key, []).append(rev)
    for (who, at), revs in chains.items():
        added = sorted((r for r in revs if r.history_type == "+"), key=lambda r: r.position)
        chain = " → ".join(r.source.name for r in added) or "(no hops)"
        entries.append(AuditEntry(at, who, "edited the attribution chain", chain))
    return sorted(entries, key=lambda e: e.at, reverse=True)


def claim_latest_verdict(claim: Claim) -> Verdict | None:
    return (
        Verdict.objects.filter(claim=claim)
        .select_related("rating", "editor")
        .order_by("-created_at", "-id")
        .first()
    )


def evidence_of_claim(*, claim: Claim, evidence_id: int) -> Evidence | None:
    return Evidence.objects.filter(claim=claim, pk=evidence_id).select_related("report").first()


def report_search(*, text: str, limit: int = REPORT_SEARCH_LIMIT) -> list[Report]:
    """Reports whose title contains the words, newest first; a number also finds the id."""
    # NUL cannot be stored or searched in PostgreSQL text; no title contains one.
    text = text.replace("\x00", "").strip().lstrip("#").strip()
    if not text:
        return []
    condition = Q(title__icontains=text)
    if text.isdigit() and len(text) <= 18:  # beyond that, no bigint id
        condition |= Q(pk=int(text))
    return list(
        Report.objects.filter(condition)
        .select_related("publisher")
        .order_by(F("published_at").desc(nulls_last=True), "-id")[:limit]
    )
