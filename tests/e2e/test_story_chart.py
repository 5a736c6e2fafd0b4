"""The dashboard's chart in a browser: the demo story on its own days (January 2022, not the
last month), then other days through the range picker, and a refused range."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from claims.demo import story as demo
from claims.engine.vocabulary import Status
from sources.models import Source
from tests.conftest import demo_claim
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import make_evidence, make_report, record_status_change

pytestmark = pytest.mark.django_db(transaction=True)

FACT_CHECKER = next(u for u in demo.USERS if u.role == "fact-checker")


def _news(quote: str, day: int, to: str) -> None:
    """A report of ``day`` January 2022, fed in today, that moves a demo claim: the change is
    made now and happened in the story on that day (as claims.pipeline.assess.story_time
    places it)."""
    wire = Source.objects.get(name="Reuters")
    claim = demo_claim(quote)
    published = timezone.make_aware(datetime.combine(date(2022, 1, day), time(12)))
    report = make_report(title=f"Almaty, {day} January", publisher=wire, published_at=published)
    make_evidence(claim=claim, report=report, origin=wire)
    record_status_change(claim, to, at=timezone.now(), story_at=published)


def _bars(page) -> list[tuple[str, int]]:
    return [
        (g.get_attribute("data-day"), int(g.get_attribute("data-total")))
        for g in page.locator("svg.chart g.bar").all()
    ]


def test_the_chart_runs_over_the_storys_days_and_the_picker_narrows_them(
    page, live_server, demo_story
):
    total = len(demo.CLAIMS)
    _news("Dozens of assailants were eliminated", 7, Status.CORROBORATED)
    _news("About 2,000 people were detained in Almaty", 8, Status.REFUTED)
    _news("Dozens of assailants were eliminated", 10, Status.DISPUTED)
    base = live_server.url
    sign_in(page, base, FACT_CHECKER.username, FACT_CHECKER.password)

    page.goto(f"{base}/")
    assert _bars(page) == [(f"2022-01-{d:02d}", total) for d in range(6, 11)]
    # Coloured segments on the story's days, not a month of grey bars.
    assert page.locator('g.bar[data-day="2022-01-07"] rect[data-status="corroborated"]').count() == 1
    assert page.locator('g.bar[data-day="2022-01-10"] rect[data-status="disputed"]').count() == 1
    assert page.locator('g.bar[data-day="2022-01-10"] rect[data-status="refuted"]').count() == 1
    assert page.locator("#id_start").input_value() == "2022-01-06"
    assert page.locator("#id_end").input_value() == "2022-01-10"
    assert "06 Jan 2022 to 10 Jan 2022" in page.locator("svg.chart").inner_html()
    screenshot(page, "dashboard-story-days")

    page.locator("#id_start").fill("2022-01-08")
    page.locator("#id_end").fill("2022-01-09")
    page.get_by_role("button", name="Show these days").click()
    page.wait_for_url("**/?start=2022-01-08&end=2022-01-09")
    assert _bars(page) == [("2022-01-08", total), ("2022-01-09", total)]
    assert page.locator('g.bar[data-day="2022-01-08"] rect[data-status="refuted"]').count() == 1
    screenshot(page, "dashboard-story-days-picked")

    page.locator("#id_start").fill("2022-01-09")
    page.locator("#id_end").fill("2022-01-07")
    page.get_by_role("button", name="Show these days").click()
    page.wait_for_load_state("networkidle")
    alert = page.get_by_role("alert")
    assert "The end (2022-01-07) is before the start (2022-01-09)" in alert.inner_text()
    assert len(_bars(page)) == 5  # the story's days stay
    screenshot(page, "dashboard-story-days-refused")

    page.get_by_role("link", name="The story's days").click()
    page.wait_for_load_state("networkidle")
    assert len(_bars(page)) == 5
