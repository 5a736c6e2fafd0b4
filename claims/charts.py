"""Server-side SVG charts and the day arithmetic behind them: pure Python, no Django, so the
page needs no JavaScript to draw them and the numbers can be tested without a database.

Every piece of text is escaped here, which is what lets the view mark the result safe.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

# The widest span the chart draws: a year of a long-running story, a bar a pixel or two wide.
MAX_CHART_DAYS = 366
# A story of a day or two would otherwise draw bars hundreds of pixels wide.
MAX_BAR_WIDTH = 48.0


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str


def _nice_ceiling(value: int) -> int:
    """A round axis maximum at or above ``value`` (… 8, 10, 12, 15, 20, 25, 30, 40, …), close
    enough that the tallest bar fills most of the height."""
    if value <= 0:
        return 1
    base = 1
    while True:
        for tenths in (10, 12, 15, 20, 25, 30, 40, 50, 60, 80):
            if (base * tenths) % 10 == 0 and base * tenths // 10 >= value:
                return base * tenths // 10
        base *= 10


def _ticks(top: int) -> list[int]:
    """Up to five evenly spaced whole-number ticks from 0 to ``top``."""
    for parts in (5, 4, 3, 2, 1):
        if top % parts == 0:
            return [top * i // parts for i in range(parts + 1)]
    return [0, top]


def days_between(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end``, both included; none when ``end`` is before."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def story_days(
    *, first: date | None, last: date | None, max_days: int = MAX_CHART_DAYS
) -> list[date]:
    """The chart's default days: the story's own, from the day its first claim was made to its
    latest activity. A story longer than ``max_days`` shows its last ``max_days`` days, where
    the news is; no first day (no claims) gives no days."""
    if first is None:
        return []
    end = last if last is not None and last >= first else first
    return days_between(max(first, end - timedelta(days=max_days - 1)), end)


def end_of_day_counts(
    *,
    days: Sequence[date],
    entered: Iterable[tuple[date, str, int]],
    moves: Iterable[tuple[date, date, str, str, int]],
) -> dict[date, dict[str, int]]:
    """How many claims were in each status at the end of each of ``days`` (consecutive).

    ``entered``: (day a claim entered the story, its status now, how many such claims).
    ``moves``: (day of a status change, the day its claim entered, from, to, how many), for
    every change after the first day at least. A claim counts from the day it entered, in its
    status now with every later change undone: a change on day C of a claim that entered on
    day B turns ``to`` back into ``from`` on the days from B to C - 1. Claims that entered
    before the first day count from the first day; those that entered after the last, never.

    One sweep over the days with a running tally, so a year of days costs no more than the
    grouped rows it folds.
    """
    if not days:
        return {}
    start, end = days[0], days[-1]
    delta: dict[date, Counter[str]] = {}

    def add(day: date, status: str, n: int) -> None:
        delta.setdefault(day, Counter())[status] += n

    for born, status, n in entered:
        if born <= end:
            add(max(born, start), status, n)
    for changed, born, from_status, to_status, n in moves:
        first_undone = max(born, start)
        if born > end or changed <= first_undone:
            continue  # the change came before any day it could undo
        add(first_undone, to_status, -n)
        add(first_undone, from_status, n)
        if changed <= end:
            add(changed, to_status, n)
            add(changed, from_status, -n)
    tally: Counter[str] = Counter()
    counts: dict[date, dict[str, int]] = {}
    for day in days:
        tally.update(delta.get(day, Counter()))
        counts[day] = {status: n for status, n in tally.items() if n > 0}
    return counts


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _axis_title(days: Sequence[date]) -> str:
    if not days:
        return "Day (status at the end of each day)"
    if days[0] == days[-1]:
        return f"{days[0]:%d %b %Y} (status at the end of the day)"
    return f"{days[0]:%d %b %Y} to {days[-1]:%d %b %Y} (status at the end of each day)"


def stacked_bar_svg(
    *,
    days: Sequence[date],
    counts: Mapping[date, Mapping[str, int]],
    series: Sequence[Series],
    title: str,
    width: int = 720,
    height: int = 260,
) -> str:
    """A stacked bar per day (bottom to top in ``series`` order), with axes, a legend and
    <title> elements so screen readers and hover both get the numbers."""
    totals = [sum(counts.get(day, {}).get(s.key, 0) for s in series) for day in days]
    y_max = _nice_ceiling(max(totals, default=0))
    # Room for the widest tick label beside the rotated axis title.
    left, right, top, bottom = 30 + 7 * len(str(y_max)), 12, 14, 62
    plot_w = width - left - right
    plot_h = height - top - bottom
    slot = plot_w / max(len(days), 1)
    bar_w = min(max(slot * 0.7, 1.0), MAX_BAR_WIDTH)

    def y_of(value: float) -> float:
        return top + plot_h - plot_h * value / y_max

    summary = (
        f"{title}: {len(days)} days from {days[0]:%d %b %Y} to {days[-1]:%d %b %Y}"
        if days
        else f"{title}: no claims yet"
    )
    out: list[str] = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(summary)}</desc>',
    ]
    # Grid lines and y-axis labels.
    for tick in _ticks(y_max):
        y = y_of(tick)
        out.append(
            f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="#d9dde3" stroke-width="1"/>'
        )
        out.append(
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="#5b6473">{tick}</text>'
        )
    out.append(
        f'<text class="axis-title" x="12" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
        f'font-size="11" fill="#5b6473" transform="rotate(-90 12 {top + plot_h / 2:.1f})">Claims</text>'
    )
    # Label every day when they fit, else every n-th, so dates never overlap; the year is in
    # the axis title below.
    label_every = max(1, round(len(days) / 12))
    for index, day in enumerate(days):
        x = left + slot * index + (slot - bar_w) / 2
        day_counts = counts.get(day, {})
        total = totals[index]
        day_label = f"{day:%d %b %Y}: {_plural(total, 'claim')}"
        out.append(
            f'<g class="bar" data-day="{day.isoformat()}" data-total="{total}">'
            f"<title>{escape(day_label)}</title>"
        )
        base = 0
        for s in series:
            value = day_counts.get(s.key, 0)
            if value <= 0:
                continue
            y_top = y_of(base + value)
            out.append(
                f'<rect class="seg seg-{escape(s.key)}" data-status="{escape(s.key)}" '
                f'data-count="{value}" x="{x:.1f}" y="{y_top:.1f}" width="{bar_w:.1f}" '
                f'height="{y_of(base) - y_top:.1f}" fill="{escape(s.colour)}">'
                f"<title>{escape(f'{day:%d %b}: {value} {s.label.lower()}')}</title></rect>"
            )
            base += value
        out.append("</g>")
        if index % label_every == 0 or index == len(days) - 1:
            cx = x + bar_w / 2
            out.append(
                f'<text class="day" x="{cx:.1f}" y="{top + plot_h + 14}" text-anchor="middle" '
                f'font-size="11" fill="#5b6473">{day:%d %b}</text>'
            )
    out.append(
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
        f'y2="{top + plot_h}" stroke="#5b6473" stroke-width="1"/>'
    )
    out.append(
        f'<text class="axis-title" x="{left + plot_w / 2:.1f}" y="{top + plot_h + 30}" '
        f'text-anchor="middle" font-size="11" fill="#5b6473">{escape(_axis_title(days))}</text>'
    )
    # Legend along the bottom, in stacking order.
    legend_x = float(left)
    legend_y = height - 12
    out.append('<g class="legend">')
    for s in series:
        out.append(
            f'<rect x="{legend_x:.1f}" y="{legend_y - 9}" width="10" height="10" '
            f'fill="{escape(s.colour)}"/>'
            f'<text x="{legend_x + 14:.1f}" y="{legend_y}" font-size="11" fill="#1d2433">'
            f"{escape(s.label)}</text>"
        )
        legend_x += 24 + 7 * len(s.label)
    out.append("</g></svg>")
    return "".join(out)
