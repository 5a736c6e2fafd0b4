from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.charts import (
    MAX_CHART_DAYS,
    Series,
    days_between,
    end_of_day_counts,
    stacked_bar_svg,
    story_days,
)
from claims.demo import story as demo
from claims.engine.vocabulary import Status
from claims.forms.dashboard import ChartRangeForm
from claims.models import (
    Attribution,
    Claim,
    Evidence,
    Rating,
    StatusChange,
    Verdict,
    WorkerHeartbeat,
)
from claims.pipeline.assess import claim_status_update, story_time
from claims.services.review import verdict_publish
from sources.models import Source
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

STORY_DAY = date(2022, 1, 6)  # the demo report's day (22:20 in Almaty, 18:20 UTC)


def _noon(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _news(claim, published: date, *, hour: int = 12):
    """A report published on ``published`` and linked to ``claim`` now, as the workers would
    link a report fed in today about the story's days."""
    wire = Source.objects.get(name="Reuters")
    report = make_report(publisher=wire, published_at=_noon(published, hour))
    return make_evidence(claim=claim, report=report, origin=wire)


def test_the_demo_story_is_charted_on_its_own_day_not_the_last_month(client, fact_checker, demo_story):
    client.force_login(fact_checker)

    response = client.get(reverse("dashboard"))

    # Loaded today, made on 6 January 2022: one bar, on the story's day.
    assert bars(response) == {
        STORY_DAY.isoformat(): {"total": len(demo.CLAIMS), "unverified": len(demo.CLAIMS)}
    }
    html = response.content.decode()
    assert "06 Jan 2022 (status at the end of the day)" in str(response.context["chart_svg"])
    assert 'value="2022-01-06"' in html  # the picker starts on the story's days


def test_changes_count_on_the_day_of_the_news_behind_them(client, fact_checker, demo_story):
    """Changes made today on news of 7 and 9 January: the chart runs to the 9th, and each
    change shows on the day of its news (StatusChange.story_at), not today."""
    total = len(demo.CLAIMS)
    assailants, detained = demo_claim(ASSAILANTS), demo_claim(DETAINED)
    now = timezone.now()
    _news(assailants, date(2022, 1, 7))
    record_status_change(
        assailants, Status.CORROBORATED, at=now, story_at=_noon(date(2022, 1, 7))
    )
    _news(detained, date(2022, 1, 9))
    record_status_change(detained, Status.REFUTED, at=now, story_at=_noon(date(2022, 1, 9)))
    _news(assailants, date(2022, 1, 9), hour=15)
    record_status_change(
        assailants, Status.DISPUTED, at=now, story_at=_noon(date(2022, 1, 9), 15)
    )
    client.force_login(fact_checker)

    chart = bars(client.get(reverse("dashboard")))

    assert chart == {
        "2022-01-06": {"total": total, "unverified": total},
        "2022-01-07": {"total": total, "unverified": total - 1, "corroborated": 1},
        "2022-01-08": {"total": total, "unverified": total - 1, "corroborated": 1},
        "2022-01-09": {"total": total, "unverified": total - 2, "disputed": 1, "refuted": 1},
    }


def test_the_workers_place_a_change_on_the_day_of_its_news(client, fact_checker, demo_story):
    """Through the real assessment: a report of 8 January fed in today moves a demo claim, and
    the chart shows the move on the 8th."""
    total = len(demo.CLAIMS)
    claim = demo_claim(TOLL)
    _news(claim, date(2022, 1, 8))

    change = claim_status_update(claim_id=claim.pk, worker="test")

    assert change is not None and change.story_at == _noon(date(2022, 1, 8))
    claim.refresh_from_db()
    client.force_login(fact_checker)
    chart = bars(client.get(reverse("dashboard")))
    assert list(chart) == ["2022-01-06", "2022-01-07", "2022-01-08"]
    assert chart["2022-01-07"] == {"total": total, "unverified": total}
    after = Counter({"unverified": total - 1, claim.status: 1})
    assert chart["2022-01-08"] == {"total": total, **after}


def test_story_time_of_a_change(demo_story):
    claim = Claim.objects.get(quote=TOLL)
    born = claim.made_at  # 6 January 2022, 18:20 UTC; logged today
    now = timezone.now()

    def at(*days: date) -> datetime:
        return story_time(claim=claim, news=[_noon(day) for day in days], now=now)

    assert at() == now  # no dated news: when it happened
    assert at(date(2022, 1, 9), date(2022, 1, 7)) == _noon(date(2022, 1, 9))
    assert at(date(2022, 1, 2)) == born  # earlier news: from the claim's own day
    assert at(date(2030, 1, 1)) == now  # a date in the future is a typo, not the story


def test_a_rejected_link_still_dates_the_change(demo_story, fact_checker):
    """The desk rejecting the only report of the 8th sends the claim back to unverified on
    the 8th, not before the change the report made."""
    claim = demo_claim(TOLL)
    evidence = _news(claim, date(2022, 1, 8))
    first = claim_status_update(claim_id=claim.pk, worker="test")
    Evidence.objects.filter(pk=evidence.pk).update(rejected=True)

    second = claim_status_update(claim_id=claim.pk, worker="test")

    assert first is not None and second is not None
    assert first.story_at == second.story_at == _noon(date(2022, 1, 8))


def test_the_range_picker_shows_the_days_asked_for(client, fact_checker, demo_story):
    total = Claim.objects.count()
    assailants, detained, toll = demo_claim(ASSAILANTS), demo_claim(DETAINED), demo_claim(TOLL)
    # Changes that happened in the story when they were made (a story followed live).
    record_status_change(toll, Status.CORROBORATED, at=at_noon(40))
    record_status_change(assailants, Status.CORROBORATED, at=at_noon(2))
    record_status_change(detained, Status.REFUTED, at=at_noon(1))
    record_status_change(assailants, Status.DISPUTED, at=at_noon(1) + timedelta(hours=1))
    today = timezone.localdate()
    client.force_login(fact_checker)

    response = client.get(
        reverse("dashboard"),
        {"start": (today - timedelta(days=3)).isoformat(), "end": today.isoformat()},
    )

    chart = bars(response)
    assert list(chart) == [(today - timedelta(days=3 - i)).isoformat() for i in range(4)]
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
    assert "The story's days</a>" in response.content.decode()


def test_one_end_of_the_range_is_enough(client, fact_checker, demo_story):
    client.force_login(fact_checker)
    response = client.get(reverse("dashboard"), {"start": "2022-01-04", "end": ""})
    # From the 4th to the story's latest day; nobody had made a claim on the 4th and 5th.
    assert bars(response) == {
        "2022-01-04": {"total": 0},
        "2022-01-05": {"total": 0},
        "2022-01-06": {"total": len(demo.CLAIMS), "unverified": len(demo.CLAIMS)},
    }


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"start": "6 January", "end": "2022-01-09"}, "Enter a date as YYYY-MM-DD."),
        ({"start": "2022-02-30", "end": "2022-03-01"}, "Enter a date as YYYY-MM-DD."),
        ({"start": "2022-01-09", "end": "2022-01-06"}, "The end (2022-01-06) is before the start (2022-01-09)"),
        ({"start": "2022-01-01", "end": "2023-12-31"}, "That is 730 days; the chart shows at most 366."),
        ({"start": "0001-01-01", "end": "0001-01-02"}, "Choose a date between 1900 and 2999."),
    ],
)
def test_a_bad_range_is_refused_with_a_message_and_the_story_days_stay(
    client, fact_checker, demo_story, query, error
):
    client.force_login(fact_checker)

    response = client.get(reverse("dashboard"), query)

    assert response.status_code == 200
    assert error in response.content.decode().replace("&#x27;", "'")
    assert list(bars(response)) == [STORY_DAY.isoformat()]


def test_range_form_fills_a_missing_end_from_the_story():
    form = ChartRangeForm(
        {"start": "", "end": "2022-01-08"}, story_first=STORY_DAY, story_last=date(2022, 1, 9)
    )
    assert form.chosen() == (STORY_DAY, date(2022, 1, 8))
    assert ChartRangeForm({"start": "", "end": ""}).chosen() is None
    assert ChartRangeForm().chosen() is None
    longest = ChartRangeForm({"start": "2024-01-01", "end": "2024-12-31"})  # a leap year
    assert longest.chosen() == (date(2024, 1, 1), date(2024, 12, 31))


def test_story_days_run_from_the_first_claim_to_the_latest_news():
    assert story_days(first=None, last=None) == []
    assert story_days(first=STORY_DAY, last=None) == [STORY_DAY]
    assert story_days(first=STORY_DAY, last=STORY_DAY) == [STORY_DAY]
    assert story_days(first=STORY_DAY, last=date(2022, 1, 8)) == days_between(
        STORY_DAY, date(2022, 1, 8)
    )
    # A story longer than the chart shows its latest days.
    long = story_days(first=date(2020, 1, 1), last=date(2022, 1, 8))
    assert len(long) == MAX_CHART_DAYS and long[-1] == date(2022, 1, 8)


def test_end_of_day_counts_folds_entries_and_undoes_later_changes():
    d = [date(2022, 1, 6) + timedelta(days=i) for i in range(4)]  # 6th to 9th
    assert end_of_day_counts(days=[], entered=[(d[0], "refuted", 1)], moves=[]) == {}
    assert end_of_day_counts(days=d[:1], entered=[], moves=[]) == {d[0]: {}}
    counts = end_of_day_counts(
        days=d,
        entered=[
            # before the first day, counted from it: two still unverified, one disputed now
            (date(2022, 1, 1), "unverified", 2),
            (date(2022, 1, 1), "disputed", 1),
            (d[1], "refuted", 1),
            (date(2022, 2, 1), "corroborated", 5),  # after the last day: never
        ],
        moves=[
            # one of the three moved to corroborated on the 8th, then disputed on the 20th
            (d[2], date(2022, 1, 1), "unverified", "corroborated", 1),
            (date(2022, 1, 20), date(2022, 1, 1), "corroborated", "disputed", 1),
            # the late claim: unverified on the day it entered, refuted on the 9th
            (d[3], d[1], "unverified", "refuted", 1),
            # changes of the February claim are not seen
            (date(2022, 2, 2), date(2022, 2, 1), "unverified", "corroborated", 5),
        ],
    )
    # "Now": 2 unverified, 1 disputed (was corroborated on the 8th), 1 refuted, 5 later ones.
    assert counts == {
        d[0]: {"unverified": 3},
        d[1]: {"unverified": 4},
        d[2]: {"unverified": 3, "corroborated": 1},
        d[3]: {"unverified": 2, "corroborated": 1, "refuted": 1},
    }
    # One day only.
    assert end_of_day_counts(days=[d[3]], entered=[(d[0], "refuted", 2)], moves=[]) == {
        d[3]: {"refuted": 2}
    }


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
