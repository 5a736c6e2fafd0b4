"""Render-time benchmark of the desk's pages at newsroom-archive scale (``manage.py bench_pages``).

Fills a dedicated PostgreSQL database with N claims (default 100,000), M evidence rows
(default 1,000,000) and verdicts on a fifth of the claims once, then renders each page
in-process through Django's test client (the whole middleware, view, selector and template
stack; no network) and asks each API list for its first page with a token, and reports p50/p95
and the SQL query count per page. Figures go to var/bench/pages.json and docs/benchmarks.md.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import CommandError, OutputWrapper
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims.engine.vocabulary import Status
from claims.models import Claim, Evidence, Rating, StatusChange, Verdict
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
    # A report for every ten claims: each then carries n_evidence / n_reports evidence rows
    # (100 at the defaults), where a lone report carrying thousands would be no newsroom's.
    n_reports = max(1, n_claims // 10)
    have_claims, have_evidence = Claim.objects.count(), Evidence.objects.count()
    have_reports = Report.objects.filter(title__startswith="Bench report").count()
    if have_claims >= n_claims and have_evidence >= n_evidence and have_reports >= n_reports:
        out.write(
            f"reusing {have_claims:,} claims, {have_evidence:,} evidence rows and "
            f"{have_reports:,} reports"
        )
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
    # A claim whose status the workers changed awaits an editor's review, as claims_status_update
    # leaves it: the review queue then has the claims to list that a busy desk's would.
    Claim.objects.filter(pk__in=[change.claim_id for change in changes]).update(
        awaiting_review=True
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def ensure_verdicts(out: OutputWrapper, rng: random.Random) -> None:
    """Verdicts on a fifth of the claims (a tenth of those re-rated later, a few drafts left
    unpublished), unless the database holds verdicts already. Kept apart from `ensure_data` so
    a database filled before verdicts were benchmarked gains them without being refilled."""
    if Verdict.objects.exists():
        out.write(f"reusing {Verdict.objects.count():,} verdicts")
        return
    out.write("generating bench verdicts ...")
    editor, _ = User.objects.get_or_create(username="bench-verdict-editor")
    ratings = list(Rating.objects.all())
    claim_ids = list(Claim.objects.values_list("id", flat=True))
    now = timezone.now()
    rows: list[Verdict] = []
    for claim_id in rng.sample(claim_ids, len(claim_ids) // 5):
        published = now - timedelta(minutes=rng.randint(60, 60 * 24 * 20))
        times = [published]
        if rng.random() < 0.1:  # re-rated: an older verdict stays in the claim's history
            times.insert(0, published - timedelta(minutes=rng.randint(60, 60 * 24 * 5)))
        for at in times:
            rows.append(
                Verdict(
                    claim_id=claim_id,
                    rating=rng.choice(ratings),
                    rationale="Bench rationale: " + " ".join(rng.choice(WORDS) for _ in range(30)),
                    editor=editor,
                    status_at_review=rng.choice(STATUSES),
                    # a draft in twenty: editors see it in the list, nobody else does
                    published_at=None if rng.random() < 0.05 else at,
                )
            )
    Verdict.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        # created_at is set on insert (auto_now_add): spread it like the publication times.
        cursor.execute(
            "UPDATE claims_verdict SET created_at = COALESCE(published_at, now()) "
            "- random() * interval '2 hours'"
        )
        cursor.execute("ANALYZE claims_verdict")
    out.write(f"  verdicts {len(rows):,}")


# --- measurement ----------------------------------------------------------------------


def _client(username: str, role: str) -> Client:
    from django.apps import apps

    sync_role_groups(apps)
    user, _ = User.objects.get_or_create(username=username)
    user.groups.add(Group.objects.get(name=role))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    # Editors pass a second factor before the desk lets them in: the session is marked as
    # having given one, as django_otp marks it after a code.
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


_next_pages: dict[str, str] = {}


def _next_page(client: Client, first: str | None) -> str | None:
    """The first page's `next` link (one cursor, asked once per list)."""
    if first is None:
        return None
    if first not in _next_pages:
        _next_pages[first] = client.get(first).json()["next"]
    return _next_pages[first]


def _token_client(username: str, role: str) -> Client:
    """A client that calls the API as an integration does: a token, no session."""
    from django.apps import apps
    from rest_framework.authtoken.models import Token

    sync_role_groups(apps)
    user, _ = User.objects.get_or_create(username=username)
    user.groups.add(Group.objects.get(name=role))
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token.key}")


def measure(out: OutputWrapper, rng: random.Random, samples: int) -> dict[str, Any]:
    """Render each page ``samples`` times; p50/p95/max ms and the SQL query count per page."""
    # The API's rate limits would answer 429 to a benchmark's burst; this process lifts them.
    settings.API_THROTTLE_RATES = {scope: None for scope in settings.API_THROTTLE_RATES}
    fact_checker = _client("bench-fc", FACT_CHECKER)
    editor = _client("bench-editor", EDITOR)
    fact_checker_api = _token_client("bench-api-fc", FACT_CHECKER)
    editor_api = _token_client("bench-api-editor", EDITOR)
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
        # The API's lists, first page (50 rows) with a token, then a page further on by cursor.
        ("API claims", fact_checker_api, lambda: url("api-claim-list")),
        (
            "API claims: search",
            fact_checker_api,
            lambda: url("api-claim-list", query=f"?search={rng.choice(WORDS)}"),
        ),
        (
            "API claims: filters",
            fact_checker_api,
            lambda: url(
                "api-claim-list",
                query=f"?status={rng.choice(STATUSES)}&credibility={rng.randint(1, 6)}",
            ),
        ),
        (
            "API claims: next page",
            fact_checker_api,
            lambda: _next_page(fact_checker_api, url("api-claim-list")),
        ),
        (
            "API claim (evidence)",
            fact_checker_api,
            lambda: url("api-claim-detail", rng.choice(claim_ids)),
        ),
        ("API sources", fact_checker_api, lambda: url("api-source-list")),
        ("API reports", fact_checker_api, lambda: url("api-report-list")),
        ("API verdicts", fact_checker_api, lambda: url("api-verdict-list")),
        ("API verdicts: with drafts", editor_api, lambda: url("api-verdict-list")),
        (
            "API verdicts: next page",
            fact_checker_api,
            lambda: _next_page(fact_checker_api, url("api-verdict-list")),
        ),
    ]
    # The server's workers run with the loaded application frozen out of the garbage
    # collector's reach (factcheck/gunicorn_conf.py, pre_fork); measured in-process, the same
    # objects are frozen here so a full collection costs what it costs a worker.
    gc.collect()
    gc.freeze()
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
