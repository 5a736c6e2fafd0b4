"""Reads for the dashboard. Every function runs a fixed number of queries, whatever the data
size: counting and grouping happen in SQL, Python only folds a few dozen grouped rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from claims.charts import end_of_day_counts
from claims.engine.vocabulary import Status
from claims.models import Claim, Evidence, StatusChange, WorkerHeartbeat
from sources.models import Report

RECENT_WINDOW = timedelta(hours=24)
HEARTBEAT_STALE_AFTER = timedelta(minutes=2)


# --- status counts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class ClaimTotals:
    by_status: list[StatusCount]
    total: int
    first_born: datetime | None
    last_born: datetime | None


def _born(prefix: str = "") -> Case:
    """When a claim entered the story: the earlier of when it was made and when it was logged
    (a claim logged today from last week's report has been around since last week). Made_at
    is the story's clock; created_at is only the row's."""
    made, created = f"{prefix}made_at", f"{prefix}created_at"
    return Case(
        When(**{f"{made}__lt": F(created)}, then=F(made)),
        default=F(created),
        output_field=DateTimeField(),
    )


def claim_totals() -> ClaimTotals:
    """Counts per status plus the bounds the chart needs, in one pass over claims."""
    statuses = Status.values()
    row = Claim.objects.aggregate(
        total=Count("id"),
        first_born=Min(_born()),
        last_born=Max(_born()),
        **{f"n_{s}": Count("id", filter=Q(status=s)) for s in statuses},
    )
    return ClaimTotals(
        by_status=[
            StatusCount(status=s, label=Status(s).label, count=row[f"n_{s}"] or 0)
            for s in statuses
        ],
        total=row["total"] or 0,
        first_born=row["first_born"],
        last_born=row["last_born"],
    )


# --- the status-over-time chart ----------------------------------------------------------------


@dataclass(frozen=True)
class StatusHistory:
    days: list[date]
    # day -> status -> number of claims in that status at the end of the day
    counts: dict[date, dict[str, int]] = field(default_factory=dict)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def story_bounds(totals: ClaimTotals, *, now: datetime) -> tuple[date | None, date | None]:
    """The story's first and latest day: from the first claim made to the latest of the last
    claim made and the latest news linked to a claim (a report's publication), never after
    today."""
    if totals.first_born is None:
        return None, None
    # Newest report first, stopping at the first one linked to a claim: a probe of the
    # evidence's report index per report read, rather than a pass over every evidence row.
    latest_news: datetime | None = (
        Report.objects.filter(published_at__isnull=False, published_at__lte=now)
        .filter(Exists(Evidence.objects.filter(report_id=OuterRef("pk"))))
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    moments = [m for m in (totals.last_born, latest_news) if m is not None]
    last = min(max(moments), now) if moments else now
    return _local_day(totals.first_born), _local_day(last)


def status_history(*, days: list[date]) -> StatusHistory:
    """How many claims were in each status at the end of each day of the story, rebuilt from
    the status history: a claim's status at a moment is the to_status of its last change before
    it, else unverified from the day it entered the story. Days are the story's: a claim enters
    when it was made, a change counts on the day of the news behind it (StatusChange.story_at).

    Worked backwards from now, in two grouped queries whatever the number of claims or
    changes: claims by (day they entered, status now), and the changes since the first day by
    (day, claim's entry day, from, to); claims.charts.end_of_day_counts folds them. The status
    at the end of a day is the status now with every later change undone. This rests on the
    invariant claim_status_update keeps (a claim's status and its StatusChange are written
    together under the row lock, so each change's from_status is the previous change's
    to_status); it spares a per-claim look-up of the history before the window, which at 100k
    claims is what makes a dashboard slow.
    """
    if not days:
        return StatusHistory(days=[])
    tz = timezone.get_current_timezone()

    claims_now = (
        Claim.objects.annotate(born_day=TruncDate(_born(), tzinfo=tz))
        .values_list("born_day", "status")
        .annotate(n=Count("id"))
        .order_by()  # the model's default ordering would otherwise split the groups
    )
    # No upper bound: a change after the last day shown must still be undone. A change's story
    # time is never after it was made, so the changes made before the first day (outside this
    # index range) cannot fall inside the chart.
    changes = (
        StatusChange.objects.filter(created_at__gte=_day_start(days[0]))
        .exclude(from_status=F("to_status"))
        .annotate(
            # When in the story each change happened (claims.pipeline.assess.story_time); a
            # change recorded without it counts when it was made.
            day=TruncDate(Coalesce("story_at", "created_at"), tzinfo=tz),
            born_day=TruncDate(_born("claim__"), tzinfo=tz),
        )
        .values_list("day", "born_day", "from_status", "to_status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = end_of_day_counts(
        days=days,
        entered=[(born, status, n) for born, status, n in claims_now if born is not None],
        moves=[
            (day, born, from_status, to_status, n)
            for day, born, from_status, to_status, n in changes
            if day is not None and born is not None
        ],
    )
    return StatusHistory(days=days, counts=counts)


# --- recent changes and the review queue -----------------------------------------------------


@dataclass(frozen=True)
class RecentChange:
    claim: Claim
    from_status: str
    to_status: str
    from_credibility: int
    to_credibility: int
    at: datetime

    @property
    def from_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return _status_label(self.to_status)

    @property
    def status_moved(self) -> bool:
        return self.from_status != self.to_status


def _status_label(value: str) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return value


def recently_changed(*, now: datetime, limit: int = 25) -> tuple[list[RecentChange], int]:
    """Claims whose status or credibility changed in the last 24 hours, newest first, each once
    with its latest change; and how many such claims there are in all."""
    since = now - RECENT_WINDOW
    # A re-worded explanation is recorded as a StatusChange (the timeline keeps it) but is not
    # a change of status or credibility, so it is not news on the dashboard.
    moved = StatusChange.objects.filter(created_at__gte=since).exclude(
        from_status=F("to_status"), from_credibility=F("to_credibility")
    )
    # Walks StatusChange.created_at's index from the newest end and stops early; a claim
    # that changed several times shows once, so read a few more rows than will be shown.
    latest = (
        moved
        .select_related("claim__claimant")
        .only(
            "claim_id",
            "from_status",
            "to_status",
            "from_credibility",
            "to_credibility",
            "created_at",
            "claim__id",
            "claim__text",
            "claim__quote",
            "claim__claimant__name",
        )
        .order_by("-created_at", "-id")[: limit * 4]
    )
    rows: list[RecentChange] = []
    seen: set[int] = set()
    for change in latest:
        if change.claim_id in seen:
            continue
        seen.add(change.claim_id)
        rows.append(
            RecentChange(
                claim=change.claim,
                from_status=change.from_status,
                to_status=change.to_status,
                from_credibility=change.from_credibility,
                to_credibility=change.to_credibility,
                at=change.created_at,
            )
        )
        if len(rows) == limit:
            break
    if len(rows) < limit:
        return rows, len(rows)
    total = (
        moved.values("claim_id")
        .distinct()
        .order_by()
        .count()
    )
    return rows, total


# --- pipeline health -----------------------------------------------------------------------


@dataclass(frozen=True)
class Heartbeat:
    hostname: str
    last_seen: datetime
    age: timedelta

    @property
    def stale(self) -> bool:
        return self.age > HEARTBEAT_STALE_AFTER


@dataclass(frozen=True)
class PipelineHealth:
    received: int
    processing: int
    failed: int
    oldest_waiting: datetime | None
    failed_reports: list[Report]
    heartbeats: list[Heartbeat]

    @property
    def waiting(self) -> int:
        return self.received + self.processing

    @property
    def last_heartbeat(self) -> Heartbeat | None:
        return self.heartbeats[0] if self.heartbeats else None

    @property
    def worker_stale(self) -> bool:
        last = self.last_heartbeat
        return last is None or last.stale


def pipeline_health(*, now: datetime, failed_limit: int = 20) -> PipelineHealth:
    # Grouping only the unfinished states lets report_state_idx skip the processed bulk.
    counts: dict[str, int] = {}
    waiting_since: list[datetime] = []
    for state, n, oldest in (
        Report.objects.filter(
            state__in=[Report.State.RECEIVED, Report.State.PROCESSING, Report.State.FAILED]
        )
        .values("state")
        .annotate(n=Count("id"), oldest=Min("state_changed_at"))
        .order_by()
        .values_list("state", "n", "oldest")
    ):
        counts[state] = n
        if state != Report.State.FAILED and oldest is not None:
            waiting_since.append(oldest)
    failed = list(
        Report.objects.filter(state=Report.State.FAILED)
        .select_related("publisher")
        .only("id", "title", "error", "state_changed_at", "publisher__name")
        .order_by("-state_changed_at", "-id")[:failed_limit]
    )
    heartbeats = [
        Heartbeat(
            hostname=hb.hostname, last_seen=hb.last_seen, age=max(now - hb.last_seen, timedelta())
        )
        for hb in WorkerHeartbeat.objects.order_by("-last_seen")[:5]
    ]
    return PipelineHealth(
        received=counts.get(Report.State.RECEIVED, 0),
        processing=counts.get(Report.State.PROCESSING, 0),
        failed=counts.get(Report.State.FAILED, 0),
        oldest_waiting=min(waiting_since) if waiting_since else None,
        failed_reports=failed,
        heartbeats=heartbeats,
    )
