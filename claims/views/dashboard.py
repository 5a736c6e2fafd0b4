"""The dashboard: where the story stands, what just moved, and whether the pipeline is alive."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from claims.charts import MAX_CHART_DAYS, Series, days_between, stacked_bar_svg, story_days
from claims.engine.vocabulary import Status
from claims.forms.dashboard import ChartRangeForm
from claims.permissions import CLAIM_VIEW, required
from claims.selectors.assignment import assigned_open_claims
from claims.selectors.dashboard import (
    claim_totals,
    pipeline_health,
    recently_changed,
    status_history,
    story_bounds,
)
from claims.selectors.review import review_queue_size

# The badge colours of app.css, so the chart and the badges read the same.
STATUS_COLOURS = {
    Status.UNVERIFIED: "#6b7280",
    Status.CORROBORATED: "#1e7b3c",
    Status.DISPUTED: "#a86200",
    Status.REFUTED: "#b3261e",
}
CHART_SERIES = [Series(key=s.value, label=str(s.label), colour=STATUS_COLOURS[s]) for s in Status]


def age_text(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    if seconds < 90:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 90:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min"
    return f"{hours // 24} days"


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None  # that screen is not installed in this deployment


@login_required
@permission_required(required(CLAIM_VIEW), raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    totals = claim_totals()
    story_first, story_last = story_bounds(totals, now=now)
    story = story_days(first=story_first, last=story_last)
    # The story's own days unless the reader picked a range; a bad range keeps the story's
    # days and shows its errors in the picker.
    range_form = ChartRangeForm(
        request.GET if {"start", "end"} & set(request.GET) else None,
        initial={"start": story[0], "end": story[-1]} if story else None,
        story_first=story_first,
        story_last=story_last,
    )
    chosen = range_form.chosen()
    days = days_between(*chosen) if chosen else story
    history = status_history(days=days)
    recent, recent_total = recently_changed(now=now)
    # login_required: the user is signed in and has an id.
    mine, mine_total = assigned_open_claims(user_id=int(request.user.pk or 0))
    health = None
    if request.user.has_perm("sources.view_report"):
        health = pipeline_health(now=now)
    context = {
        "totals": totals,
        "history": history,
        "chart_rows": [
            (day, [history.counts[day].get(s.key, 0) for s in CHART_SERIES]) for day in days
        ],
        "chart_series": CHART_SERIES,
        "range_form": range_form,
        "range_chosen": chosen is not None,
        "story_first": story_first,
        "story_last": story_last,
        "max_chart_days": MAX_CHART_DAYS,
        # charts.py escapes every piece of text it writes; nothing here comes from users.
        "chart_svg": mark_safe(
            stacked_bar_svg(
                days=days,
                counts=history.counts,
                series=CHART_SERIES,
                title="Claims by status, end of each day",
            )
        ),
        "recent": [(change, change.claim.get_absolute_url()) for change in recent],
        "recent_total": recent_total,
        "mine": [(claim, claim.get_absolute_url()) for claim in mine],
        "mine_total": mine_total,
        "review_queue_size": review_queue_size(),
        "review_url": _url_or_none("review-queue")
        if request.user.has_perm("claims.review_claim")
        else None,
        "claim_list_url": _url_or_none("claim-list"),
        "health": health,
        "heartbeat_age": age_text(health.last_heartbeat.age)
        if health and health.last_heartbeat
        else None,
        "waiting_age": age_text(now - health.oldest_waiting)
        if health and health.oldest_waiting
        else None,
        "now": now,
    }
    return render(request, "claims/dashboard.html", context)
