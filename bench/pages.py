"""Render-time benchmark of the desk's pages at newsroom-archive scale (``manage.py bench_pages``).

Fills a dedicated PostgreSQL database with N claims (default 100,000) and M evidence rows
(default 1,000,000) once, then renders each page in-process through Django's test client (the
whole middleware, view, selector and template stack; no network) and reports p50/p95 and the
SQL query count per page. Figures go to var/bench/pages.json and docs/benchmarks.md.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import CommandError, OutputWrapper
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from claims.engine.vocabulary import Status
from claims.models import Claim, Evidence, StatusChange
from claims.roles import EDITOR, FACT_CHECKER, sync_role_groups
from sources.models import Report, Source
from sources.text import content_hash

WORDS = [
    "police",
    "troops",
    "protesters",
    "ministry",
    "airport",
    "square",
    "border",
    "officials",
    "convoy",
    "curfew",
    "internet",
    "fuel",
    "prices",
    "gas",
    "detained",
    "killed",
    "injured",
    "wounded",
    "arrested",
    "seized",
    "buildings",
    "streets",
    "city",
    "region",
    "president",
    "government",
    "statement",
    "spokesman",
    "witnesses",
    "reporters",
    "video",
    "footage",
    "crowd",
    "night",
    "morning",
    "checkpoint",
    "hospital",
    "tanks",
    "helicopters",
    "shots",
    "clashes",
    "strike",
    "rally",
    "march",
]
PLACES = [
    "Almaty",
    "Astana",
    "Shymkent",
    "Aktau",
    "Zhanaozen",
    "Taraz",
    "Karaganda",
    "Aktobe",
    "Atyrau",
    "Kyzylorda",
]
STATUSES = [s.value for s in Status]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- data -----------------------------------------------------------------------------


def ensure_data(out: OutputWrapper, rng: random.Random, n_claims: int, n_evidence: int) -> None:
    """Fill the database with ``n_claims`` claims and ``n_evidence`` evidence rows, unless it
    already holds that many (then it is reused as it is)."""
    have_claims, have_evidence = Claim.objects.count(), Evidence.objects.count()
    if have_claims >= n_claims and have_evidence >= n_evidence:
        out.write(f"reusing {have_claims:,} claims and {have_evidence:,} evidence rows")
        return
    out.write("wiping and generating bench data (runs once per database) ...")
    with transaction.atomic():
        Evidence.objects.all().delete()
        with (
            connection.cursor() as cursor
        ):  # the history is append-only by design; a bench DB is not history
            cursor.execute(
                "TRUNCATE claims_statuschange, claims_verdict, claims_attribution, claims_quantity"
            )
        Claim.objects.all().delete()
        Report.objects.all().delete()
        Source.objects.filter(name__startswith="Bench ").delete()
    tops = [
        Source.objects.create(name=f"Bench Government {i}", kind="government_body", grade="C")
        for i in range(10)
    ]
    sources = [
        Source(
            name=f"Bench Source {i}",
            kind=rng.choice(["official", "news_agency", "newspaper"]),
            grade=rng.choice("ABCDEF"),
            parent=rng.choice(tops) if i % 3 == 0 else None,
        )
        for i in range(500)
    ]
    Source.objects.bulk_create(sources, batch_size=1000)
    sources = list(Source.objects.filter(name__startswith="Bench Source "))
    n_reports = max(1, n_evidence // max(1, n_claims // 10))
    reports = []
    for i in range(n_reports):
        body = f"Bench report {i}: " + " ".join(rng.choice(WORDS) for _ in range(60))
        reports.append(
            Report(
                title=f"Bench report {i}",
                body=body,
                content_hash=content_hash(body),
                publisher=rng.choice(sources),
                state="processed",
                published_at=timezone.now() - timedelta(days=rng.randint(0, 20)),
            )
        )
    Report.objects.bulk_create(reports, batch_size=2000)
    report_ids = list(
        Report.objects.filter(title__startswith="Bench report").values_list("id", flat=True)
    )
    now = timezone.now()
    batch: list[Claim] = []
    for i in range(n_claims):
        words = " ".join(rng.choice(WORDS) for _ in range(8))
        batch.append(
            Claim(
                text=f"{rng.randint(2, 3000)} {words} in {rng.choice(PLACES)} (bench {i})",
                claimant=rng.choice(sources),
                event=f"event-{i % 40}",
                status=rng.choice(STATUSES),
                credibility=rng.randint(1, 6),
                status_changed_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 20)),
            )
        )
        if len(batch) == 5000:
            Claim.objects.bulk_create(batch)
            batch = []
    Claim.objects.bulk_create(batch)
    claim_ids = list(Claim.objects.values_list("id", flat=True))
    per_claim = max(1, n_evidence // len(claim_ids))
    rows: list[Evidence] = []
    made = 0
    for claim_id in claim_ids:
        for report_id in rng.sample(report_ids, min(per_claim, len(report_ids))):
            rows.append(
                Evidence(
                    claim_id=claim_id,
                    report_id=report_id,
                    origin=rng.choice(sources),
                    stance=rng.choice(["supports", "contradicts", "discusses"]),
                    confidence=0.8,
                    sentence="Bench sentence " + rng.choice(WORDS),
                )
            )
        if len(rows) >= 20_000:
            Evidence.objects.bulk_create(rows)
            made += len(rows)
            rows = []
            out.write(f"  evidence {made:,}", ending="\r")
    Evidence.objects.bulk_create(rows)
    changes = [
        StatusChange(
            claim_id=claim_id,
            from_status="unverified",
            to_status=rng.choice(STATUSES),
            from_credibility=6,
            to_credibility=rng.randint(1, 6),
            explanation="bench",
            worker="bench",
            created_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 20)),
        )
        for claim_id in rng.sample(claim_ids, min(50_000, len(claim_ids)))
    ]
    StatusChange.objects.bulk_create(changes, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- measurement ----------------------------------------------------------------------


def _client(username: str, role: str) -> Client:
    from django.apps import apps

    sync_role_groups(apps)
    user, _ = User.objects.get_or_create(username=username)
    user.groups.add(Group.objects.get(name=role))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def measure(out: OutputWrapper, rng: random.Random, samples: int) -> dict[str, Any]:
    """Render each page ``samples`` times; p50/p95/max ms and the SQL query count per page."""
    fact_checker = _client("bench-fc", FACT_CHECKER)
    editor = _client("bench-editor", EDITOR)
    claim_ids = list(
        Claim.objects.values_list("id", flat=True)[:: max(1, Claim.objects.count() // 500)]
    )
    source_ids = list(
        Source.objects.filter(name__startswith="Bench Source ").values_list("id", flat=True)
    )

    def url(name: str, *args: Any, query: str = "") -> str | None:
        try:
            return reverse(name, args=args) + query
        except NoReverseMatch:
            return None

    pages: list[tuple[str, Client, Any]] = [
        ("claims list", fact_checker, lambda: url("claim-list")),
        (
            "claims list: search",
            fact_checker,
            lambda: url("claim-list", query=f"?q={rng.choice(WORDS)}"),
        ),
        (
            "claims list: filters",
            fact_checker,
            lambda: url(
                "claim-list",
                query=f"?status={rng.choice(STATUSES)}&credibility={rng.randint(1, 6)}",
            ),
        ),
        ("claims list: page 50", fact_checker, lambda: url("claim-list", query="?page=50")),
        ("claim page", fact_checker, lambda: url("claim-detail", rng.choice(claim_ids))),
        ("dashboard", fact_checker, lambda: url("dashboard")),
        ("review queue", editor, lambda: url("review-queue")),
        ("source page", fact_checker, lambda: url("source-detail", rng.choice(source_ids))),
    ]
    results = []
    for name, client, make_url in pages:
        if make_url() is None:
            out.write(f"skipping {name}: route not installed")
            continue
        for _ in range(3):  # warm caches and connections
            client.get(make_url())
        timings: list[float] = []
        queries = 0
        for _ in range(samples):
            target = make_url()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(target)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise CommandError(f"{name}: {target} answered {response.status_code}")
            timings.append(elapsed)
            queries = max(queries, len(captured.captured_queries))
        results.append(
            {
                "page": name,
                "samples": samples,
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(percentile(timings, 0.95), 1),
                "max_ms": round(max(timings), 1),
                "queries": queries,
            }
        )
    return {
        "claims": Claim.objects.count(),
        "evidence": Evidence.objects.count(),
        "pages": results,
    }
