"""Benchmarks of the workbench, kept out of the product apps: the pipeline bench
(``manage.py bench_pipeline``, package ``bench.pipeline``), page render times
(``manage.py bench_pages``, ``bench.pages``) and the claim index (``manage.py bench_retrieval``).
Figures and how to read them: docs/benchmarks.md."""
