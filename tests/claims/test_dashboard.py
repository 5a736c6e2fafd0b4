from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.charts import Series, stacked_bar_svg
from claims.engine.vocabulary import Status
from claims.models import Attribution, Claim, Rating, StatusChange, Verdict, WorkerHeartbeat
from claims.selectors.dashboard import CHART_MAX_DAYS, chart_days
from claims.services.review import verdict_publish
from tests.conftest import demo_claim
from tests.factories import (
    make_claim,
    make_evidence,
    make_report,
    make_source,
    record_status_change,
)

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
ASSAILANTS = "Dozens of assailants were eliminated"
DETAINED = "About 2,000 people were detained in Almaty"
TOLL = "the official death toll stood at 13 security officers"


def at_noon(days_ago: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(12)))




def bars(response) -> dict[str, dict[str, int]]:
    """day -> {status: count, "total": n} from the chart in the page."""
    svg = ET.fromstring(str(response.context["chart_svg"]))
    result: dict[str, dict[str, int]] = {}
    for group in svg.iter(f"{SVG}g"):
        if group.get("class") != "bar":
            continue
        counts = {"total": int(group.get("data-total", ""))}
        for rect in group.iter(f"{SVG}rect"):
            counts[rect.get("data-status", "")] = int(rect.get("data-count", ""))
        result[group.get("data-day", "")] = counts
    return result


def status_counts(response) -> dict[str, int]:
    return {row.status: row.count for row in response.context["totals"].by_status}


# --- access ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["fact_checker", "editor", "admin_user"])
def test_dashboard_counts_for_each_role(client, request, role, demo_story):
    user = request.getfixturevalue(role)
    total = Claim.objects.count()
    an_hour_ago = timezone.now() - timedelta(hours=1)
    record_status_change(demo_claim(ASSAILANTS), Status.DISPUTED, at=an_hour_ago, credibility=4)
    record_status_change(demo_claim(DETAINED), Status.CORROBORATED, at=an_hour_ago, credibility=2)
    record_status_change(demo_claim(TOLL), Status.REFUTED, at=an_hour_ago, credibility=5)
    client.force_login(user)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert status_counts(response) == {
        "unverified": total - 3,
        "corroborated": 1,
        "disputed": 1,
        "refuted": 1,
    }
    assert response.context["totals"].total == total
    html = response.content.decode()
    assert html.count("<h1>") == 1
    for status in Status.values():
        assert f'class="st st-{status}"' in html
    assert response.context["recent_total"] == 3
    # Review links only for those who may work the queue (when that page is installed).
    if role == "fact_checker":
        assert response.context["review_url"] is None


def test_signed_out_visitor_is_sent_to_sign_in(client, roles):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_user_without_view_claim_is_refused(client, no_role_user):
    client.force_login(no_role_user)
    assert client.get(reverse("dashboard")).status_code == 403


# --- the chart ---------------------------------------------------------------------------


def test_chart_has_a_bar_per_day_with_end_of_day_totals(client, fact_checker, demo_story):
    total = Claim.objects.count()
    assailants, detained, toll = demo_claim(ASSAILANTS), demo_claim(DETAINED), demo_claim(TOLL)
    # Before the chart's window: the toll claim starts the window corroborated.
    record_status_change(toll, Status.CORROBORATED, at=at_noon(40))
    record_status_change(assailants, Status.CORROBORATED, at=at_noon(2))
    record_status_change(detained, Status.REFUTED, at=at_noon(1))
    record_status_change(assailants, Status.DISPUTED, at=at_noon(1) + timedelta(hours=1))
    client.force_login(fact_checker)

    chart = bars(client.get(reverse("dashboard")))

    # The demo claims were made in January 2022: the chart is capped at 31 days up to today.
    today = timezone.localdate()
    assert len(chart) == CHART_MAX_DAYS
    assert list(chart) == [
        (today - timedelta(days=CHART_MAX_DAYS - 1 - i)).isoformat() for i in range(CHART_MAX_DAYS)
    ]
    assert all(day["total"] == total for day in chart.values())
    day = lambda n: chart[(today - timedelta(days=n)).isoformat()]  # noqa: E731
    assert day(3) == {"total": total, "unverified": total - 1, "corroborated": 1}
    assert day(2) == {"total": total, "unverified": total - 2, "corroborated": 2}
    assert day(1) == {
        "total": total,
        "unverified": total - 3,
        "corroborated": 1,
        "disputed": 1,
        "refuted": 1,
    }
    assert day(0) == day(1)


def test_chart_starts_with_the_first_claim_and_counts_each_from_its_day(client, fact_checker):
    early, late = make_claim(), make_claim()
    Claim.objects.filter(pk=early.pk).update(created_at=at_noon(3))
    record_status_change(early, Status.CORROBORATED, at=at_noon(1))
    client.force_login(fact_checker)

    chart = bars(client.get(reverse("dashboard")))

    assert [v["total"] for v in chart.values()] == [1, 1, 1, 2]
    assert [v.get("corroborated", 0) for v in chart.values()] == [0, 0, 1, 1]
    assert late.pk  # logged today: only the last bar counts it


def test_chart_svg_is_accessible_and_escapes_text():
    days = [date(2022, 1, 5), date(2022, 1, 6)]
    svg = stacked_bar_svg(
        days=days,
        counts={days[0]: {"a": 2}, days[1]: {"a": 1, "b": 3}},
        series=[Series("a", "A <x>", "#000"), Series("b", "B", "#fff")],
        title="Claims & co",
    )
    root = ET.fromstring(svg)  # well-formed, so nothing leaked unescaped
    assert root.get("role") == "img"
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert titles[0] == "Claims & co"
    assert "06 Jan 2022: 4 claims" in titles
    assert "A <x>" in [t.text for t in root.iter(f"{SVG}text")]  # legend
    assert "05 Jan" in [t.text for t in root.iter(f"{SVG}text")]  # x axis


def test_chart_days_end_at_the_last_activity_of_an_old_story():
    today = date(2024, 6, 1)
    born = timezone.make_aware(datetime(2022, 1, 6, 10))
    last = timezone.make_aware(datetime(2022, 1, 9, 10))
    assert chart_days(first_born=born, last_activity=last, today=today) == [
        date(2022, 1, 6),
        date(2022, 1, 7),
        date(2022, 1, 8),
        date(2022, 1, 9),
    ]
    recent = timezone.make_aware(datetime(2024, 5, 25, 10))
    days = chart_days(first_born=born, last_activity=recent, today=today)
    assert len(days) == CHART_MAX_DAYS and days[-1] == today
    assert chart_days(first_born=None, last_activity=None, today=today) == []


# --- recent changes and the review queue ----------------------------------------------------


def test_recent_changes_show_from_to_and_when(client, editor, demo_story):
    record_status_change(demo_claim(ASSAILANTS), Status.CORROBORATED, at=at_noon(3))
    record_status_change(demo_claim(DETAINED), Status.REFUTED, at=timezone.now() - timedelta(hours=2))
    client.force_login(editor)

    response = client.get(reverse("dashboard"))

    recent = response.context["recent"]
    assert [(c.claim.quote, c.from_status, c.to_status) for c, _url in recent] == [
        (DETAINED, "unverified", "refuted")
    ]
    html = response.content.decode().replace("\xa0", " ")  # timesince joins with nbsp
    assert "2 hours ago" in html
    assert re.search(
        r'st-unverified">Unverified</span>\s*<span aria-label="to">→</span>\s*<span class="st st-refuted">',
        html,
    )


def test_an_explanation_only_change_is_kept_but_not_shown_as_a_status_change(
    client, editor, demo_story
):
    claim = demo_claim(ASSAILANTS)
    record_status_change(claim, Status.UNVERIFIED, at=timezone.now() - timedelta(hours=1))
    client.force_login(editor)

    response = client.get(reverse("dashboard"))

    kept = StatusChange.objects.filter(claim=claim, from_status="unverified")
    assert kept.filter(to_status="unverified").exists()
    assert response.context["recent"] == []


def test_review_queue_counts_claims_changed_since_their_last_verdict(client, editor, other_editor):
    rating = Rating.objects.first()
    untouched = make_claim()
    changed_no_verdict = make_claim()
    record_status_change(changed_no_verdict, Status.CORROBORATED, at=at_noon(1))
    reviewed = make_claim()
    record_status_change(reviewed, Status.REFUTED, at=at_noon(2))
    verdict_publish(claim=reviewed, editor=other_editor, rating=rating, rationale="ok")
    moved_after_verdict = make_claim()
    record_status_change(moved_after_verdict, Status.REFUTED, at=at_noon(3))
    verdict_publish(claim=moved_after_verdict, editor=other_editor, rating=rating, rationale="ok")
    record_status_change(moved_after_verdict, Status.DISPUTED, at=at_noon(4))
    assert untouched.pk
    client.force_login(editor)

    response = client.get(reverse("dashboard"))

    assert response.context["review_queue_size"] == 2
    assert 'data-review-queue="2"' in response.content.decode()


# --- pipeline health -------------------------------------------------------------------------


def test_failed_reports_link_to_their_page_and_waiting_counts(client, fact_checker, roles):
    failed = make_report(title="Broken feed item", state="failed", error="parser exploded")
    make_report(state="received")
    make_report(state="received")
    make_report(state="processing")
    make_report(state="processed")
    client.force_login(fact_checker)

    response = client.get(reverse("dashboard"))

    health = response.context["health"]
    assert (health.received, health.processing, health.failed) == (2, 1, 1)
    html = response.content.decode()
    assert f'href="{reverse("report-detail", args=[failed.pk])}"' in html
    assert "parser exploded" in html
    assert 'data-waiting="3"' in html


def test_heartbeat_age_and_staleness(client, fact_checker, roles):
    client.force_login(fact_checker)
    html = client.get(reverse("dashboard")).content.decode()
    assert "no worker has reported yet" in html and "heartbeat bad stale" in html

    heartbeat = WorkerHeartbeat.objects.create(
        hostname="celery@box", last_seen=timezone.now() - timedelta(seconds=30)
    )
    html = client.get(reverse("dashboard")).content.decode()
    assert re.search(r"last heartbeat 3\d s ago", html)
    assert "heartbeat ok" in html and "celery@box" in html

    WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(
        last_seen=timezone.now() - timedelta(minutes=5)
    )
    html = client.get(reverse("dashboard")).content.decode()
    assert "last heartbeat 5 min ago" in html
    assert "heartbeat bad stale" in html and "over 2 minutes" in html


# --- query ceiling -----------------------------------------------------------------------


def test_dashboard_queries_do_not_grow_with_data(
    client, editor, other_editor, demo_story, django_assert_max_num_queries
):
    rating = Rating.objects.first()
    sources = [make_source() for _ in range(3)]
    for i in range(60):
        claim = make_claim(claimant=sources[i % 3])
        Claim.objects.filter(pk=claim.pk).update(created_at=at_noon(i % 20))
        for position, source in enumerate(sources):
            Attribution.objects.create(claim=claim, position=position, source=source)
        for _ in range(2):
            make_evidence(claim=claim)
        record_status_change(claim, Status.CORROBORATED, at=at_noon(i % 10 + 2))
        if i % 2:
            record_status_change(claim, Status.DISPUTED, at=timezone.now() - timedelta(hours=1))
        if i % 3 == 0:
            Verdict.objects.create(
                claim=claim,
                rating=rating,
                rationale="r",
                editor=other_editor,
                status_at_review="corroborated",
            )
    for _ in range(30):
        make_report(state="failed", error="boom")
    for i in range(5):
        WorkerHeartbeat.objects.create(hostname=f"w{i}")
    client.force_login(editor)

    with django_assert_max_num_queries(16):
        response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert status_counts(response)["disputed"] == 30
    assert len(response.context["recent"]) == 25 and response.context["recent_total"] == 30
