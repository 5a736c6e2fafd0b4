"""Time the workers' claim index: top-20 search at 10k and 100k claims, and add/remove cost.

Claims are the CLEF 2020 task 2 verified claims (vclaim + title); beyond the 10,375 real ones,
synthetic claims pair one claim's statement with another's title, which keeps the vocabulary
and term statistics realistic. Queries are the CLEF dev tweets, cleaned up as the evaluation
does, and their first sentences (report sentences are shorter than tweets). One process, one
thread: run it as ``nice -n 19 taskset -c 1 python manage.py bench_retrieval``.
"""

from __future__ import annotations

import gc
import re
import statistics
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.engine.datasets import clef
from claims.engine.retrieval.index import ClaimIndex
from claims.pipeline.index import index_for_measurement

CLEF_DIR = Path(settings.BASE_DIR).parent / "shared/datasets/clef2020-task2"


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {1000 * statistics.median(ordered):7.3f} ms  p95 {1000 * p95:7.3f} ms"


class Command(BaseCommand):
    help = "Benchmark ClaimIndex search and add/remove at 10k and 100k claims."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clef-dir", default=str(CLEF_DIR))
        parser.add_argument("--sizes", default="10000,100000")
        parser.add_argument("--queries", type=int, default=197)
        parser.add_argument("--bm25-only", action="store_true")
        parser.add_argument("--no-rerank", action="store_true", help="leave the reranker out")

    def handle(self, *args: Any, **options: Any) -> None:
        base = Path(options["clef_dir"])
        try:
            claims = clef.read_claims(base / "verified_claims.docs.tsv")
            tweets = clef.read_queries(base / "dev" / "tweets.queries.tsv")
        except (OSError, clef.FormatError) as exc:
            raise CommandError(f"cannot read the CLEF files under {base}: {exc}") from exc
        sizes = sorted(int(size) for size in options["sizes"].split(","))
        texts = [clef.normalize_tweet(t, keep_mentions=True) for _, t in tweets]
        texts = texts[: options["queries"]]
        sentences = [re.split(r"(?<=[.!?])\s+", t)[0] for t in texts]

        def claim_text(i: int) -> str:
            if i < len(claims):
                return claims[i].text
            j = (i * 7919) % len(claims)
            return f"{claims[i % len(claims)].vclaim} {claims[j].title}"

        index, mode = index_for_measurement(
            bm25_only=options["bm25_only"], rerank=not options["no_rerank"]
        )
        self.stdout.write(f"mode: {mode}")
        added = 0
        for size in sizes:
            started = time.perf_counter()
            while added < size:
                index.add(added, claim_text(added))
                added += 1
            elapsed = time.perf_counter() - started
            gc.collect()
            self.stdout.write(
                f"\n== {size} claims (bulk add: {1e6 * elapsed / max(1, size):.0f} us/claim)"
            )
            for label, queries in (("tweets", texts), ("first sentences", sentences)):
                for min_coverage in (0.0, 0.15):
                    times = self._time(index, queries, min_coverage)
                    self.stdout.write(
                        f"  search k=20 {label:15s} min_coverage={min_coverage:.2f}: "
                        f"{_percentiles(times)}"
                    )
            new_ids = range(10_000_000, 10_000_500)
            add_times = []
            for n, claim_id in enumerate(new_ids):
                text = claim_text((n * 104729) % size)
                t0 = time.perf_counter()
                index.add(claim_id, text)
                add_times.append(time.perf_counter() - t0)
            remove_times = []
            for claim_id in new_ids:
                t0 = time.perf_counter()
                index.remove(claim_id)
                remove_times.append(time.perf_counter() - t0)
            self.stdout.write(f"  incremental add():    {_percentiles(add_times)}")
            self.stdout.write(f"  incremental remove(): {_percentiles(remove_times)}")

    @staticmethod
    def _time(index: ClaimIndex, queries: list[str], min_coverage: float) -> list[float]:
        for query in queries[:10]:  # warm caches
            index.search(query, 20, min_coverage)
        times = []
        for query in queries:
            t0 = time.perf_counter()
            index.search(query, 20, min_coverage)
            times.append(time.perf_counter() - t0)
        return times
