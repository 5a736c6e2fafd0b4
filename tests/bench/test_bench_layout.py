"""The benchmarks live in the `bench` app, outside the product apps."""

from django.core.management import get_commands

from bench.pipeline.measure import percentile, summary_ms
from bench.pipeline.synthetic import SyntheticStory


def test_the_bench_commands_and_task_belong_to_the_bench_app():
    from factcheck.celery import app

    commands = get_commands()
    for name in ("bench_pipeline", "bench_pages", "bench_retrieval"):
        assert commands[name] == "bench"
    app.loader.import_default_modules()
    assert "bench.tasks.noop" in app.tasks
    assert not any(name.startswith("claims.tasks.bench") for name in app.tasks)


def test_the_synthetic_story_is_the_same_for_a_seed():
    one, two = SyntheticStory(7), SyntheticStory(7)
    claims = [one.claim() for _ in range(20)]
    assert claims == [two.claim() for _ in range(20)]
    assert len({claim.text() for claim in claims}) == 20
    assert one.report_body(claims[0], "Caspian Wire") == two.report_body(claims[0], "Caspian Wire")


def test_percentiles_are_nearest_rank():
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 95) == 5.0
    assert summary_ms([0.001, 0.002, 0.003]) == {"mean": 2.0, "p50": 2.0, "p95": 3.0, "max": 3.0}
