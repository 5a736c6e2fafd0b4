"""The pipeline bench's phases (numbers as in docs/benchmarks.md and bench/pipeline/__init__):
the order they run in, the one worker they share, and the figures each adds to the results."""

from __future__ import annotations

import os
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from django.core.management.base import CommandError
from django.utils import timezone

from bench.pipeline import environment
from bench.pipeline.data import BenchData, refresh_statistics
from bench.pipeline.measure import CpuMeter, peak_memory_kb, percentile, summary_ms
from bench.pipeline.synthetic import SyntheticStory
from bench.pipeline.traffic import (
    STALL_SECONDS,
    Posted,
    Traffic,
    first_after,
    outcome,
    unfinished,
)
from claims.demo.loader import demo_load
from claims.engine.vocabulary import Status
from claims.models import Claim
from factcheck.worker import STANDALONE_ARGS, CeleryWorker, WorkerStartError, purge_queues
from sources.services import report_ingest

SCALE_LEVELS = (1_000, 10_000, 100_000)
WORKER_CONCURRENCY = 2
WARMUP_REPORTS = 20
SCALE_WARMUP_REPORTS = 5
LATENCY_SECONDS = 60.0
RECORDED_OPTIONS = {
    "claims",
    "reports",
    "noop",
    "scale_reports",
    "memory_reports",
    "latency_seconds",
    "skip_scale",
    "seed",
    "concurrency",
    "out",
}


class PipelineBench:
    """One run: ``run()`` fills ``results``; ``stop_worker()`` ends a worker left running."""

    def __init__(self, options: dict[str, Any], say: Callable[[str], None]) -> None:
        self.options = options
        self.say = say
        self.concurrency: int = options["concurrency"]
        self.out_path: Path = options["out"]
        self.log_dir = self.out_path.parent
        self.data = BenchData(SyntheticStory(options["seed"]))
        self.worker: CeleryWorker | None = None
        self.results: dict[str, Any] = {
            "started_at": timezone.now().isoformat(),
            "complete": False,
            "machine": environment.machine(),
            "options": {
                k: (str(v) if isinstance(v, Path) else v)
                for k, v in options.items()
                if k in RECORDED_OPTIONS
            },
        }

    def run(self) -> None:
        options = self.options
        n_claims: int = options["claims"]
        skip_scale: bool = options["skip_scale"]
        self.say("Phase 1: wiping bench data, loading demo sources and synthetic sources")
        started = time.perf_counter()
        self.data.wipe()
        demo_load()
        self.results["sources"] = self.data.create_sources()
        self.traffic = Traffic(self.say)
        self.results["setup"] = {"seconds": 0.0, "claim_growth": []}
        levels = [n_claims] if skip_scale else sorted({n_claims, *SCALE_LEVELS})
        for level in levels:
            growth = self.data.grow_claims(level, self.say)
            if growth is not None:
                self.results["setup"]["claim_growth"].append(growth)
            # Phase 5 first at each level: it should meet claims as fresh as at the other
            # levels, not ones that thousands of throughput reports have just piled evidence on.
            if not skip_scale and level in SCALE_LEVELS:
                self.phase_scale(level, options["scale_reports"])
            if level == n_claims:
                self.results["setup"]["seconds"] = round(time.perf_counter() - started, 1)
                if options["profile"]:
                    self.profile(options["profile"])
                    return
                self.phases_with_worker()
            if not skip_scale and level == max(SCALE_LEVELS):
                self.phase_memory(options["memory_reports"])

    # --- the worker -------------------------------------------------------------------------

    @contextmanager
    def running_worker(self, name: str) -> Iterator[CeleryWorker]:
        """The one worker of a phase (prefork, ``--concurrency``), on queues purged first."""
        environment.refuse_foreign_workers()
        purge_queues()
        log_path = self.log_dir / f"worker-{name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.write_bytes(b"")
        worker = CeleryWorker(
            env=environment.worker_env(),
            log_path=log_path,
            concurrency=self.concurrency,
            hostname=f"bench-{name}-{os.getpid()}@%h",
            extra_args=STANDALONE_ARGS,
        )
        self.worker = worker
        worker.start()
        try:
            worker.wait_until_ready(timeout=120)
        except WorkerStartError as exc:
            raise CommandError(
                f"the worker did not start; its log ({log_path}):\n{worker.log_tail(4000)}"
            ) from exc
        try:
            yield worker
        finally:
            self.stop_worker()

    def stop_worker(self) -> None:
        if self.worker is not None:
            # SIGTERM is Celery's warm shutdown: running tasks finish, nothing is lost.
            self.worker.stop(timeout=60)
            self.worker = None

    def _posted_and_changed(
        self, count: int, pace: Callable[[int], None] | None = None
    ) -> tuple[list[int], list[Posted], dict[int, datetime]]:
        targets = self.data.pick_targets(count)
        posted = self.traffic.post_all(targets, self.data.payload, pace)
        return targets, posted, self.traffic.wait_for_changes(targets)

    # --- profile (instead of phases 2-6) ----------------------------------------------------

    def profile(self, count: int) -> None:
        """Where a report's CPU goes, without a worker: the POST through the API (it stores the
        report and publishes `process_report`, which no worker consumes; the queues are purged
        after), `report_link` and `claims_status_update` of the touched claims, under cProfile."""
        import cProfile
        import pstats

        from claims.pipeline.assess import claims_status_update
        from claims.pipeline.index import current_index
        from claims.pipeline.linking import report_link

        self.say(f"Profile: {count} reports in-process at {Claim.objects.count():,} claims")
        purge_queues()
        refresh_statistics()
        current_index()
        targets = self.data.pick_targets(2 * count + SCALE_WARMUP_REPORTS)
        payloads = [self.data.payload(claim_id) for claim_id in targets]
        spent = {"post": 0.0, "report_link": 0.0, "claims_status_update": 0.0}

        def one(payload: dict[str, str]) -> None:
            # CPU time of this process only; PostgreSQL's share is not in it.
            t0 = time.process_time()
            report_id = self.traffic.post(payload)
            t1 = time.process_time()
            touched = report_link(report_id=report_id)
            t2 = time.process_time()
            claims_status_update(
                claim_ids=touched, worker="bench_pipeline profile", report_id=report_id
            )
            t3 = time.process_time()
            spent["post"] += t1 - t0
            spent["report_link"] += t2 - t1
            spent["claims_status_update"] += t3 - t2

        for payload in payloads[:SCALE_WARMUP_REPORTS]:
            one(payload)
        spent = dict.fromkeys(spent, 0.0)
        for payload in payloads[SCALE_WARMUP_REPORTS : SCALE_WARMUP_REPORTS + count]:
            one(payload)
        plain = {stage: round(1000 * seconds / count, 2) for stage, seconds in spent.items()}
        self.say(
            "  CPU ms a report, no profiler: " + ", ".join(f"{k} {v}" for k, v in plain.items())
        )
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for payload in payloads[SCALE_WARMUP_REPORTS + count :]:
            one(payload)
        profiler.disable()
        elapsed = time.perf_counter() - started
        out = self.log_dir / "profile.txt"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(self.log_dir / "profile.pstats")  # for pstats / snakeviz
        with out.open("w") as handle:
            handle.write(f"CPU ms a report without the profiler: {plain}\n")
            handle.write(f"{count} reports, {1000 * elapsed / count:.2f} ms each under cProfile\n")
            stats = pstats.Stats(profiler, stream=handle)
            stats.sort_stats("cumulative").print_stats(80)
            stats.sort_stats("tottime").print_stats(40)
        purge_queues()
        self.say(f"  {1000 * elapsed / count:.2f} ms a report under cProfile; see {out}")

    # --- phases 2-4 -----------------------------------------------------------------------

    def phases_with_worker(self) -> None:
        with self.running_worker("throughput") as worker:
            self.phase_noop(self.options["noop"])
            self.say(f"  warm-up: {WARMUP_REPORTS} reports so both pool children load the index")
            self._posted_and_changed(WARMUP_REPORTS)
            self.phase_throughput(self.options["reports"])
            self.phase_latency(self.options["latency_seconds"])
            self.results["worker_after_throughput_kb"] = peak_memory_kb(worker.pid)

    def phase_noop(self, count: int) -> None:
        from bench.tasks import noop

        self.say(f"Phase 2: no-op yardstick, {count:,} tasks")
        purge_queues()
        broker = environment.broker_redis()
        key = f"bench:noop:{uuid.uuid4().hex}"
        assert self.worker is not None
        meter = CpuMeter(self.worker.pid)
        started = time.perf_counter()
        for _ in range(count):
            noop.delay(key)
        sent = time.perf_counter()
        deadline = sent + STALL_SECONDS + count / 10
        done = 0
        while time.perf_counter() < deadline:
            done = int(cast(bytes | None, broker.get(key)) or 0)
            if done >= count:
                break
            time.sleep(0.02)
        finished = time.perf_counter()
        cpu_ms = meter.per_item_ms(count)
        broker.delete(key)
        if done < count:
            raise CommandError(
                f"only {done} of {count} no-op tasks ran; see {self.log_dir}/worker-throughput.log"
            )
        self.results["noop"] = {
            "tasks": count,
            "send_seconds": round(sent - started, 2),
            "seconds": round(finished - started, 2),
            "tasks_per_second": round(count / (finished - started), 1),
            "cpu_ms_per_task": cpu_ms,
        }
        self.say(f"  {self.results['noop']['tasks_per_second']} tasks/s")
        self.say("  CPU per task: " + ", ".join(f"{part} {ms} ms" for part, ms in cpu_ms.items()))

    def phase_throughput(self, count: int) -> None:
        self.say(f"Phase 3: throughput, {count:,} reports POSTed as fast as possible")
        purge_queues()
        refresh_statistics()
        targets = self.data.pick_targets(count)
        assert self.worker is not None
        meter = CpuMeter(self.worker.pid)
        posted = self.traffic.post_all(targets, self.data.payload)
        posting_done = timezone.now()
        first = self.traffic.wait_for_changes(targets)
        # Includes the bench's polling for status changes (a few queries a second).
        cpu_ms = meter.per_item_ms(count)
        start = posted[0].posted_at
        if not first:
            raise CommandError("no target claim changed status: the pipeline is not working")
        end = max(first.values())
        seconds = (end - start).total_seconds()
        throughput = len(first) / seconds
        noop = self.results["noop"]["tasks_per_second"]
        self.results["throughput"] = {
            "reports": count,
            "claims_in_db": Claim.objects.count(),
            "post_seconds": round((posting_done - start).total_seconds(), 2),
            "posts_per_second": round(count / (posting_done - start).total_seconds(), 1),
            "seconds_to_last_status_change": round(seconds, 2),
            "reports_per_second": round(throughput, 1),
            "ratio_to_noop": round(throughput / noop, 3),
            # Every report processed; targets another report contradicted first (see
            # Traffic.wait_for_changes) show in target_statuses and are not in reports_per_second.
            "complete": not unfinished(),
            "targets_corroborated_in_time": len(first),
            "cpu_ms_per_report": cpu_ms,
            **outcome(posted, first),
        }
        self.say(
            f"  {throughput:.1f} reports/s ({len(first)}/{count} targets changed in {seconds:.1f}s)"
        )
        self.say("  CPU per report: " + ", ".join(f"{part} {ms} ms" for part, ms in cpu_ms.items()))

    def phase_latency(self, duration: float) -> None:
        throughput = self.results["throughput"]["reports_per_second"]
        rate = throughput / 2.0
        count = max(1, round(rate * duration))
        self.say(f"Phase 4: latency, {count:,} reports paced at {rate:.1f}/s (~{duration:.0f}s)")
        purge_queues()
        refresh_statistics()
        targets = self.data.pick_targets(count)
        started = time.monotonic()

        def pace(i: int) -> None:
            delay = started + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)

        posted = self.traffic.post_all(targets, self.data.payload, pace)
        elapsed = time.monotonic() - started
        first = self.traffic.wait_for_changes(targets)
        # A target that a similar report corroborated before its own was even posted says
        # nothing about latency: count it, leave it out.
        posted_at = {p.claim_id: p.posted_at for p in posted}
        pre_empted = [c for c, at in first.items() if at < posted_at[c]]
        latencies = [
            (at - posted_at[c]).total_seconds() for c, at in first_after(targets, posted_at).items()
        ]
        if not latencies:
            raise CommandError("no target claim changed status during the latency run")
        self.results["latency"] = {
            "target_rate": round(rate, 2),
            "achieved_rate": round(count / elapsed, 2) if elapsed > 0 else None,
            "reports": count,
            "measured": len(latencies),
            "pre_empted_by_similar_reports": len(pre_empted),
            "p50_s": round(percentile(latencies, 50), 3),
            "p95_s": round(percentile(latencies, 95), 3),
            "max_s": round(max(latencies), 3),
            "min_s": round(min(latencies), 3),
            **outcome(posted, first),
        }
        lat = self.results["latency"]
        self.say(f"  p50 {lat['p50_s']}s  p95 {lat['p95_s']}s  max {lat['max_s']}s")

    # --- phase 5 --------------------------------------------------------------------------

    def phase_scale(self, level: int, count: int) -> None:
        from claims.pipeline.assess import claims_status_update
        from claims.pipeline.index import current_index
        from claims.pipeline.linking import report_link

        claims = Claim.objects.count()
        self.say(f"Phase 5: in-process report time at {claims:,} claims, {count} reports")
        refresh_statistics()
        started = time.perf_counter()
        index = current_index()
        sync_seconds = time.perf_counter() - started

        def one(claim_id: int) -> tuple[float, float, int]:
            payload = self.data.payload(claim_id)
            report = report_ingest(
                title=payload["title"],
                body=payload["body"],
                publisher=self.data.outlet_rows[payload["publisher"]],
                published_at=timezone.now(),
            ).report
            t0 = time.perf_counter()
            touched = report_link(report_id=report.pk)
            t1 = time.perf_counter()
            claims_status_update(
                claim_ids=touched, worker="bench_pipeline in-process", report_id=report.pk
            )
            return t1 - t0, time.perf_counter() - t1, len(touched)

        for claim_id in self.data.pick_targets(SCALE_WARMUP_REPORTS):
            one(claim_id)
        process_s: list[float] = []
        assess_s: list[float] = []
        touched_counts: list[int] = []
        targets = self.data.pick_targets(count)
        for claim_id in targets:
            p, a, t = one(claim_id)
            process_s.append(p)
            assess_s.append(a)
            touched_counts.append(t)
        corroborated = Claim.objects.filter(pk__in=targets, status=Status.CORROBORATED).count()
        self.results.setdefault("scale", {})[str(level)] = {
            "claims_in_db": claims,
            "indexed_claims": len(index),
            "index_load_seconds": round(sync_seconds, 2),
            "reports": count,
            "total_ms": summary_ms([p + a for p, a in zip(process_s, assess_s, strict=True)]),
            "report_process_ms": summary_ms(process_s),
            "claim_assess_ms": summary_ms(assess_s),
            "claims_touched_per_report": round(statistics.fmean(touched_counts), 2),
            "claim_assess_ms_per_claim": round(
                1000.0 * sum(assess_s) / max(1, sum(touched_counts)), 2
            ),
            "targets_corroborated": corroborated,
        }
        total = self.results["scale"][str(level)]["total_ms"]
        self.say(f"  mean {total['mean']} ms  p50 {total['p50']} ms  p95 {total['p95']} ms")

    # --- phase 6 --------------------------------------------------------------------------

    def phase_memory(self, count: int) -> None:
        claims = Claim.objects.count()
        self.say(f"Phase 6: fresh worker at {claims:,} claims, {count} reports, then VmHWM")
        refresh_statistics()
        with self.running_worker("memory") as worker:
            _, posted, first = self._posted_and_changed(count)
            peaks = peak_memory_kb(worker.pid)
        start = posted[0].posted_at
        seconds = (max(first.values()) - start).total_seconds() if first else None
        known = [kb for kb in peaks.values() if kb is not None]
        self.results["memory"] = {
            "claims_in_db": claims,
            "reports": count,
            "vm_hwm_kb": peaks,
            "max_vm_hwm_mb": round(max(known) / 1024, 1) if known else None,
            "cold_reports_per_second": round(len(first) / seconds, 1) if seconds else None,
            **outcome(posted, first),
        }
        self.say(f"  max VmHWM {self.results['memory']['max_vm_hwm_mb']} MB")
