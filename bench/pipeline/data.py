"""The bench database's contents: the wipe, the synthetic sources and claims (grown level by
level, never rebuilt), and the choice of target claims and of the reports aimed at them.

Every random draw comes from the one seeded ``SyntheticStory`` generator, in a fixed order, so
a seed gives the same data and the same reports run after run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from bench.pipeline.synthetic import (
    CLAIMANT_GRADES,
    EVENTS,
    OFFICIAL_BODIES,
    OFFICIAL_SOURCE_COUNT,
    OUTLETS,
    PLACES,
    TOP_ORGANISATIONS,
    SyntheticClaim,
    SyntheticStory,
)
from claims.demo import story as demo
from claims.engine.vocabulary import Status
from claims.models import Attribution, Claim, Evidence, Quantity, StatusChange, Verdict
from factcheck.worker import purge_queues
from sources.models import Report, Source

BENCH_EVENT = "bench-synthetic"
INSERT_BATCH = 2_000
# Synthetic claims stand for weeks of desk work, so their timestamps are spread out (see
# BenchData.backdate_claims): this far apart, newest last.
CLAIM_SPACING = timedelta(seconds=15)


def refresh_statistics(*, vacuum: bool = False) -> None:
    """Bring planner statistics (and, after a bulk load, the heap) to where autovacuum keeps
    them on a normal server. Without them the planner guesses, e.g. seq-scanning the claims
    table for the worker's per-report index sync (slow at 100k claims), which times a
    missing ANALYZE rather than the pipeline. Some servers run with autovacuum off (the JSON
    records which), so the bench does it itself."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


class BenchData:
    def __init__(self, story: SyntheticStory) -> None:
        self.story = story
        self.parts: dict[int, SyntheticClaim] = {}
        self.used: set[int] = set()
        self.claimant_ids: list[int] = []
        self.outlets: list[str] = []
        self.outlet_rows: dict[str, Source] = {}

    def wipe(self) -> None:
        tables = [
            model._meta.db_table
            for model in (StatusChange, Evidence, Verdict, Quantity, Attribution, Claim, Report)
        ]
        demo_names = [spec.name for spec in demo.SOURCES]
        with transaction.atomic():
            with connection.cursor() as cursor:
                # TRUNCATE, not delete(): status history is append-only in the ORM, and 100k
                # claims would take minutes through the deletion collector. CASCADE reaches
                # only tables that point at these, all workbench data in a bench database.
                quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
                cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
            doomed = Source.objects.exclude(name__in=demo_names)
            doomed.update(parent=None)  # parent is PROTECT; unhook before deleting
            doomed.delete()
        purge_queues()

    def create_sources(self) -> dict[str, Any]:
        """The claimants and the outlets; returns the figures the JSON records."""
        rng = self.story.rng
        # The demo loads the outlet registry, which already names some of these governments.
        tops = [
            Source.objects.update_or_create(
                name=name,
                defaults={"kind": Source.Kind.GOVERNMENT_BODY, "country": country, "grade": grade},
            )[0]
            for name, country, grade in TOP_ORGANISATIONS
        ]
        names = [f"{place} {body}" for body in OFFICIAL_BODIES for place in PLACES]
        officials = Source.objects.bulk_create(
            Source(
                name=name[:1].upper() + name[1:],
                kind=Source.Kind.GOVERNMENT_BODY,
                country=(top := tops[i % len(tops)]).country,
                grade=rng.choice(CLAIMANT_GRADES),
                parent=top,
            )
            for i, name in enumerate(names[:OFFICIAL_SOURCE_COUNT])
        )
        self.claimant_ids = [source.pk for source in officials]
        outlets = Source.objects.bulk_create(
            Source(name=name, kind=kind, grade=grade, country=country)
            for name, kind, grade, country in OUTLETS
        )
        self.outlets = [source.name for source in outlets]
        self.outlet_rows = {source.name: source for source in outlets}
        return {
            "top_organisations": len(tops),
            "official_claimants": len(officials),
            "outlets": {name: grade for name, _, grade, _ in OUTLETS},
            "total_sources": Source.objects.count(),
        }

    def grow_claims(self, total: int, say: Callable[[str], None]) -> dict[str, Any] | None:
        """Add synthetic claims up to ``total``; returns the growth figures (None: none added)."""
        have = Claim.objects.count()
        need = total - have
        if need <= 0:
            return None
        say(f"  adding {need:,} synthetic claims ({have:,} -> {total:,})")
        started = time.perf_counter()
        rng = self.story.rng
        made_at = timezone.now() - timedelta(days=1)
        for offset in range(0, need, INSERT_BATCH):
            specs = [self.story.claim() for _ in range(min(INSERT_BATCH, need - offset))]
            rows = Claim.objects.bulk_create(
                Claim(
                    text=spec.text(),
                    claimant_id=rng.choice(self.claimant_ids),
                    event=BENCH_EVENT,
                    made_at=made_at,
                )
                for spec in specs
            )
            for row, spec in zip(rows, specs, strict=True):
                self.parts[row.pk] = spec
        self.backdate_claims()
        refresh_statistics(vacuum=True)
        seconds = time.perf_counter() - started
        return {
            "to": total,
            "added": need,
            "seconds": round(seconds, 1),
            "claims_per_second": round(need / seconds),
        }

    def backdate_claims(self) -> None:
        """Spread claim timestamps over the past, one every CLAIM_SPACING, newest last.

        A bulk insert stamps every row within a few seconds, and a worker's index sync looks
        back SYNC_OVERLAP from the newest claim it has seen: left as inserted, the whole load
        would sit in that window and the bench would time the after-effects of its own bulk
        load, not the steady state of a desk whose claims were logged over weeks.
        """
        table = connection.ops.quote_name(Claim._meta.db_table)
        now, spacing = timezone.now(), CLAIM_SPACING.total_seconds()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET created_at = %s - (m.top - {table}.id) * %s * interval '1 second', "
                f"updated_at = %s - (m.top - {table}.id) * %s * interval '1 second' "
                f"FROM (SELECT max(id) AS top FROM {table}) AS m",
                [now, spacing, now, spacing],
            )
        # The bench process's own index must see the new stamps; a worker started later
        # loads everything anyway.
        from claims.pipeline.index import reset_index

        reset_index()

    def pick_targets(self, count: int) -> list[int]:
        """Target claims never targeted before and still unverified. Reports aimed elsewhere
        may have left "discusses" evidence on them (similar claims), which is fine: the
        measured event is the claim turning corroborated."""
        changed = set(
            Claim.objects.filter(event=BENCH_EVENT)
            .exclude(status=Status.UNVERIFIED)
            .values_list("id", flat=True)
        )
        free = sorted(set(self.parts) - self.used - changed)
        if len(free) < count:
            raise CommandError(
                f"only {len(free)} untouched claims left for {count} reports; raise --claims"
            )
        picked = self.story.rng.sample(free, count)
        self.used.update(picked)
        return picked

    def payload(self, claim_id: int) -> dict[str, str]:
        """The API payload of a report that corroborates ``claim_id``."""
        outlet = self.story.rng.choice(self.outlets)
        spec = self.parts[claim_id]
        kind = EVENTS[spec.event]
        return {
            "title": f"{PLACES[spec.place]}: {kind.actor.lower()} and {kind.objects[spec.obj]}",
            "body": self.story.report_body(spec, outlet),
            "publisher": outlet,
            "published_at": timezone.now().isoformat(),
        }
