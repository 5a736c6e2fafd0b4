"""The run's figures: the JSON file (every key a reader of docs/benchmarks.md looks up) and the
summary table printed at the end."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils import timezone


def write_results(results: dict[str, Any], out_path: Path, say: Callable[[str], None]) -> None:
    results["finished_at"] = timezone.now().isoformat()
    scale = results.get("scale", {})
    if "10000" in scale and "100000" in scale:
        results["scale_ratio_100k_to_10k"] = round(
            scale["100000"]["total_ms"]["mean"] / scale["10000"]["total_ms"]["mean"], 2
        )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    say(f"Wrote {out_path}")


def table_rows(r: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(figure, measured, target) for each figure the run produced."""
    rows: list[tuple[str, str, str]] = []
    noop, thr, lat = r.get("noop"), r.get("throughput"), r.get("latency")
    if noop:
        rows.append(("2 no-op tasks/s (yardstick)", f"{noop['tasks_per_second']}", "-"))
    if thr:
        rows.append(
            (
                f"3 pipeline reports/s ({thr['reports']:,} reports, {thr['claims_in_db']:,} claims)",
                f"{thr['reports_per_second']}",
                ">= 50",
            )
        )
        rows.append(("3 ratio pipeline / no-op", f"{thr['ratio_to_noop']}", "-"))
    if lat:
        rows.append(
            (
                f"4 latency at {lat['target_rate']}/s: p50 / p95 / max (s)",
                f"{lat['p50_s']} / {lat['p95_s']} / {lat['max_s']}",
                "p95 <= 2",
            )
        )
    scale = r.get("scale", {})
    for level, figures in scale.items():
        total = figures["total_ms"]
        rows.append(
            (
                f"5 per-report ms at {int(level):,} claims: mean / p50 / p95",
                f"{total['mean']} / {total['p50']} / {total['p95']}",
                "",
            )
        )
    if "scale_ratio_100k_to_10k" in r:
        rows.append(("5 ratio 100k / 10k (mean)", f"{r['scale_ratio_100k_to_10k']}", "<= 2"))
    memory = r.get("memory")
    if memory:
        for proc, kb in memory["vm_hwm_kb"].items():
            rows.append(
                (f"6 worker VmHWM {proc} (MB)", f"{kb / 1024:.1f}" if kb else "?", "<= 1024")
            )
    return rows


def print_table(results: dict[str, Any], say: Callable[[str], None]) -> None:
    rows = table_rows(results)
    width = max((len(row[0]) for row in rows), default=10)
    say("")
    say(f"{'figure':<{width}}  {'measured':>22}  target")
    say("-" * (width + 34))
    for name, value, target in rows:
        say(f"{name:<{width}}  {value:>22}  {target}")
