"""``manage.py bench_pages``: page render times at newsroom-archive scale (see bench/pages.py)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench.pages import ensure_data, ensure_verdicts, measure
from claims.models import Claim, Evidence


class Command(BaseCommand):
    help = "Benchmark page render times at 100k claims and 1M evidence rows (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--claims", type=int, default=100_000)
        parser.add_argument("--evidence", type=int, default=1_000_000)
        parser.add_argument("--samples", type=int, default=60, help="renders per page")
        parser.add_argument(
            "--out", type=Path, default=Path(settings.VAR_DIR) / "bench" / "pages.json"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql" or "bench" not in connection.settings_dict["NAME"]:
            raise CommandError(
                "Run against a dedicated PostgreSQL database whose name contains 'bench'."
            )
        rng = random.Random(20220106)
        ensure_data(self.stdout, rng, options["claims"], options["evidence"])
        ensure_verdicts(self.stdout, rng)
        results = measure(self.stdout, rng, options["samples"])
        options["out"].parent.mkdir(parents=True, exist_ok=True)
        options["out"].write_text(json.dumps(results, indent=2))
        self.stdout.write(
            f"\nclaims={Claim.objects.count():,} evidence={Evidence.objects.count():,}"
        )
        self.stdout.write(f"{'page':<34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
        for row in results["pages"]:
            self.stdout.write(
                f"{row['page']:<34} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} "
                f"{row['max_ms']:>8.1f} {row['queries']:>8}"
            )
        self.stdout.write(f"written to {options['out']}")
