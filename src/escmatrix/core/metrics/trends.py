"""Over time: each headline number against the window before, and the window slice by slice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from escmatrix.core.metrics.doc import Doc, Instant
from escmatrix.core.metrics.durations import Measured
from escmatrix.core.metrics.summary import DurationStats, Summary, breached, duration_stats
from escmatrix.core.metrics.windows import Window

Unit = Literal["seconds", "ratio", "count", "score"]


class Trend(Doc):
    metric: str
    unit: Unit
    current: float | None
    previous: float | None
    change: float | None
    better: bool | None


TREND_METRICS: tuple[tuple[str, Unit, bool], ...] = (
    # (name, unit, higher is better)
    ("issues", "count", False),
    ("time to aid (median)", "seconds", False),
    ("time to aid (p90)", "seconds", False),
    ("time to resolution (median)", "seconds", False),
    ("time to resolution (p90)", "seconds", False),
    ("first response attainment", "ratio", True),
    ("resolution attainment", "ratio", True),
    ("escalations per issue", "count", False),
    ("handoffs per issue", "count", False),
    ("reopen rate", "ratio", False),
    ("customer satisfaction", "score", True),
    ("partner satisfaction", "score", True),
)


def _headline_value(s: Summary, metric: str) -> float | None:
    sla = {a.clock: a.attainment for a in s.sla}
    return {
        "issues": float(s.issues),
        "time to aid (median)": s.time_to_aid.median,
        "time to aid (p90)": s.time_to_aid.p90,
        "time to resolution (median)": s.time_to_resolution.median,
        "time to resolution (p90)": s.time_to_resolution.p90,
        "first response attainment": sla.get("first response"),
        "resolution attainment": sla.get("resolution"),
        "escalations per issue": s.escalations_per_issue,
        "handoffs per issue": s.handoffs_per_issue,
        "reopen rate": s.reopen_rate,
        "customer satisfaction": s.customer_satisfaction.mean,
        "partner satisfaction": s.partner_satisfaction.mean,
    }[metric]


def trends(current: Summary, previous: Summary) -> list[Trend]:
    rows = []
    for metric, unit, higher_better in TREND_METRICS:
        now_v, before = _headline_value(current, metric), _headline_value(previous, metric)
        change = now_v - before if now_v is not None and before is not None else None
        better = None if not change or metric == "issues" else (change > 0) == higher_better
        rows.append(
            Trend(
                metric=metric,
                unit=unit,
                current=now_v,
                previous=before,
                change=change,
                better=better,
            )
        )
    return rows


class Period(Doc):
    """One slice of the window (by the day the issues opened) for charts over time."""

    start: Instant
    end: Instant
    opened: int
    resolved: int
    breached_issues: int
    time_to_aid: DurationStats
    time_to_resolution: DurationStats


def bucket_length(window: Window) -> timedelta:
    days = window.length.days
    if days <= 14:
        return timedelta(days=1)
    if days <= 183:
        return timedelta(days=7)
    return timedelta(days=28)


def series(measured: Sequence[Measured], window: Window, at: datetime) -> list[Period]:
    """Per day, week or four weeks of the window (up to `at`): the cohort opened in that slice."""
    step = bucket_length(window)
    buckets: dict[int, list[Measured]] = defaultdict(list)
    for m in measured:
        buckets[(m.state.opened_at - window.start) // step].append(m)
    out = []
    start, index = window.start, 0
    last = min(window.end, at)
    while start < last:
        end = min(start + step, window.end)
        items = buckets.get(index, [])
        index += 1
        out.append(
            Period(
                start=start,
                end=end,
                opened=len(items),
                resolved=sum(1 for m in items if not m.is_open),
                breached_issues=sum(1 for m in items if breached(m)),
                time_to_aid=duration_stats(
                    m.time_to_aid for m in items if m.time_to_aid is not None
                ),
                time_to_resolution=duration_stats(
                    m.time_to_resolution for m in items if m.time_to_resolution is not None
                ),
            )
        )
        start = end
    return out
