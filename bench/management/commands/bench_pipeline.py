"""``manage.py bench_pipeline``: the pipeline benchmark (see bench/pipeline/__init__.py)."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.pipeline import environment
from bench.pipeline.phases import LATENCY_SECONDS, WORKER_CONCURRENCY, PipelineBench
from bench.pipeline.report import print_table, write_results


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


class Command(BaseCommand):
    help = (
        "Benchmark the pipeline (PostgreSQL + Redis + one prefork worker, concurrency 2): "
        "no-op task rate, report throughput, latency at half load, per-report time at 1k/10k/"
        "100k claims and worker peak memory. Wipes the workbench data of the bench database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--claims", type=int, default=10_000, help="Claims for phases 2-4.")
        parser.add_argument(
            "--reports", type=int, default=3_000, help="Reports for the throughput run."
        )
        parser.add_argument(
            "--noop", type=int, default=3_000, help="No-op tasks for the yardstick."
        )
        parser.add_argument(
            "--scale-reports", type=int, default=200, help="Reports per claim level (phase 5)."
        )
        parser.add_argument(
            "--memory-reports",
            type=int,
            default=300,
            help="Reports through the fresh worker (phase 6).",
        )
        parser.add_argument("--latency-seconds", type=float, default=LATENCY_SECONDS)
        parser.add_argument("--skip-scale", action="store_true", help="Skip phases 5 and 6.")
        parser.add_argument(
            "--profile",
            type=int,
            default=0,
            metavar="N",
            help="Instead of phases 2-6: POST N reports and process and assess them in this "
            "process under cProfile; writes profile.txt beside --out.",
        )
        parser.add_argument(
            "--concurrency",
            type=int,
            default=WORKER_CONCURRENCY,
            help="Pool processes of the one worker.",
        )
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument(
            "--out",
            type=Path,
            default=settings.VAR_DIR / "bench" / "pipeline.json",
            help="Where to write the figures as JSON.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        environment.check_environment()
        environment.take_bench_lock()
        environment.refuse_foreign_workers()  # before the wipe, so a refused run changes nothing
        for name in ("claims", "reports", "noop", "scale_reports", "memory_reports", "concurrency"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1.")
        bench = PipelineBench(options, self._say)
        # The worker lives in its own session, so a plain SIGTERM (a timeout, a CI cancel)
        # would orphan it; turned into SystemExit, it unwinds through the finally below.
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            bench.run()
            bench.results["complete"] = True
        finally:
            signal.signal(signal.SIGTERM, previous)
            bench.stop_worker()
            environment.release_bench_lock()
            write_results(bench.results, bench.out_path, self._say)
        print_table(bench.results, self._say)

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
