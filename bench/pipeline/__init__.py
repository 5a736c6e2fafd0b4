"""Benchmark the corroboration pipeline on PostgreSQL, Redis and one real Celery worker
(``manage.py bench_pipeline``, ``make bench``).

Phases (numbers as in docs/benchmarks.md):
  1. setup: wipe the bench database's workbench data, load the demo sources, bulk-create
     synthetic open claims made by a few hundred official sources;
  2. no-op yardstick: the broker and worker's own ceiling (``bench.tasks.noop``);
  3. pipeline throughput: reports POSTed through the real API view, each corroborating one
     claim, until the last target claim has its StatusChange;
  4. latency at half that throughput, paced for about a minute;
  5. per-report processing time in-process at 1k, 10k and 100k claims;
  6. worker peak memory (VmHWM) at 100k claims.

The claim base grows in one direction only (1k, then N, then 100k), so no level is rebuilt.

Modules: ``synthetic`` (the seeded word lists, claims and reports), ``data`` (the bench
database: wipe, sources, claims, targets), ``traffic`` (POSTing reports, waiting for status
changes), ``measure`` (percentiles, CPU and memory from /proc), ``environment`` (where a run
may happen and what it records about the machine), ``phases`` (the run itself) and ``report``
(the JSON and the summary table).
"""
