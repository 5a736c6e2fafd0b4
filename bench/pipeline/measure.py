"""What the bench measures with: percentiles, and CPU time and peak memory read from /proc."""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000.0 for s in seconds]
    return {
        "mean": round(statistics.fmean(ms), 2),
        "p50": round(percentile(ms, 50), 2),
        "p95": round(percentile(ms, 95), 2),
        "max": round(max(ms), 2),
    }


def read_vm_hwm_kb(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def child_pids(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with suppress(OSError):
            children += [int(child) for child in task.read_text().split()]
    return sorted(set(children))


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of one process, from /proc (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pids_named(name: str) -> list[int]:
    found: list[int] = []
    for stat in Path("/proc").glob("[0-9]*/comm"):
        with suppress(OSError):
            if stat.read_text().strip() == name:
                found.append(int(stat.parent.name))
    return found


class CpuMeter:
    """CPU seconds spent by each part of the pipeline between two readings: this process (the
    API side), the worker (main process and pool children), PostgreSQL and Redis. On a shared
    machine wall-clock throughput moves with whatever else runs; CPU per report does not."""

    def __init__(self, worker_pid: int) -> None:
        self.worker_pid = worker_pid
        self.start = self._read()

    def _read(self) -> dict[str, float]:
        return {
            "api (bench process)": process_cpu_seconds(os.getpid()),
            "worker": sum(
                process_cpu_seconds(pid) for pid in [self.worker_pid, *child_pids(self.worker_pid)]
            ),
            "postgresql": sum(process_cpu_seconds(pid) for pid in pids_named("postgres")),
            "redis": sum(process_cpu_seconds(pid) for pid in pids_named("redis-server")),
        }

    def per_item_ms(self, items: int) -> dict[str, float]:
        end = self._read()
        spent = {part: max(0.0, end[part] - self.start[part]) for part in end}
        spent["total"] = sum(spent.values())
        return {part: round(1000.0 * seconds / items, 2) for part, seconds in spent.items()}


def peak_memory_kb(pid: int) -> dict[str, int | None]:
    """VmHWM (peak resident set) of a worker's main process and of each pool child."""
    peaks: dict[str, int | None] = {f"main {pid}": read_vm_hwm_kb(pid)}
    for child in child_pids(pid):
        peaks[f"child {child}"] = read_vm_hwm_kb(child)
    return peaks
