"""The whole report: a window's cohort measured at one time; `build_report` joins the parts."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Literal

from msgspec.structs import replace

from escmatrix.core import events as ev
from escmatrix.core.friction import FrictionNote
from escmatrix.core.issue import IssueState, fold
from escmatrix.core.matrix import Matrix
from escmatrix.core.metrics.breakdowns import GroupRow, PathStats, Wait, groups, paths, waits
from escmatrix.core.metrics.current_status import TOP, CurrentStatus, current_status
from escmatrix.core.metrics.doc import Doc, Instant
from escmatrix.core.metrics.durations import Measured, measure_state
from escmatrix.core.metrics.final import Final, Unfinished, matters_now
from escmatrix.core.metrics.follow_ups import FollowUps, follow_up_items, follow_ups
from escmatrix.core.metrics.review_lists import (
    ClockRow,
    FrictionGroup,
    HandoffFlow,
    OverrideRow,
    StaleEntry,
    clock_rows,
    friction_groups,
    handoff_flows,
    overrides_to_reconcile,
    stale_entries,
)
from escmatrix.core.metrics.suggestions import Suggestion, suggestions
from escmatrix.core.metrics.summary import Summary, summarize
from escmatrix.core.metrics.trends import Period, Trend, series, trends
from escmatrix.core.metrics.windows import Window


class ReviewInfo(Doc):
    period_days: int
    last_reviewed: date
    due: date
    overdue: bool
    owners: list[str]


class Report(Doc, kw_only=True):
    """Everything `escmatrix report` shows, in every format. Durations are in seconds."""

    version: Literal[1] = 1
    generated_at: Instant
    evaluated_at: Instant
    window: Window
    previous_window: Window
    headline: Summary
    previous: Summary
    trends: list[Trend]
    groups: list[GroupRow]
    tier_dwell: list[Wait]
    bottlenecks: list[Wait]
    slowest_paths: list[PathStats]
    series: list[Period]
    breaches: list[ClockRow]
    overrides_to_reconcile: list[OverrideRow]
    handoff_flows: list[HandoffFlow]
    friction: list[FrictionGroup]
    stale_entries: list[StaleEntry]
    suggestions: list[Suggestion]
    review: ReviewInfo
    current: CurrentStatus
    follow_ups: FollowUps


TICK = timedelta(microseconds=1)  # the smallest step between two times
# An issue's events, or its record where that settles the report (`Final.settles`).
Source = Sequence[ev.EventBase] | Final | Unfinished
IssueSource = tuple[str, Source]


class Measurer:
    """measure_issue with a memo, so an issue measured twice at the same time costs once, and
    each cut of an issue's events is folded once (`states_at` folds at now what the window's
    cohort measured at now)."""

    def __init__(self, matrix: Matrix) -> None:
        self.matrix = matrix
        self.memo: dict[tuple[str, datetime], Measured | None] = {}
        self.finished: dict[tuple[str, int], Measured] = {}
        self.folds: dict[tuple[str, int], IssueState] = {}

    def fold(self, issue_id: str, cut: list[ev.EventBase]) -> IssueState:
        """The fold of `cut`, the issue's events up to some time: a later time's cut holds every
        event of an earlier one's, so the length tells cuts apart."""
        key = (issue_id, len(cut))
        state = self.folds.get(key)
        if state is None:
            state = self.folds[key] = fold(issue_id, cut)
        return state

    def __call__(self, issue_id: str, source: Source, at: datetime) -> Measured | None:
        if isinstance(source, Final):
            return source.measured(at)
        key = (issue_id, at)
        if key in self.memo:
            return self.memo[key]
        if isinstance(source, Unfinished):
            measured: Measured | None = source.measured(self.matrix, at)
            self.memo[key] = measured
            return measured
        # A finished, acknowledged issue measures the same at any later time: its clocks stopped.
        cut = [e for e in source if e.at <= at]
        seen = (issue_id, len(cut))
        done = self.finished.get(seen)
        if done:
            measured = replace(done, at=at)
        elif cut and isinstance(cut[0], ev.Opened):
            measured = measure_state(self.matrix, self.fold(issue_id, cut), cut, at)
        else:
            measured = None  # not opened by then
        if measured and not measured.is_open and measured.time_to_aid is not None:
            self.finished[seen] = measured
        self.memo[key] = measured
        return measured


def _opened(source: Source) -> datetime | None:
    if isinstance(source, Final | Unfinished):
        return source.state.opened_at
    return source[0].at if source else None


# when the issue opened, its place among the issues given, the issue, its source
Opening = tuple[datetime, int, str, Source]


def openings(issues: Iterable[IssueSource]) -> list[Opening]:
    """Each issue with the time it opened, in that order (those never opened left out), so each
    window's cohort is a slice."""
    found = [(at, n, i, s) for n, (i, s) in enumerate(issues) if (at := _opened(s)) is not None]
    found.sort(key=lambda row: row[:2])
    return found


def cohort(
    opened: list[Opening], window: Window, at: datetime, measure: Measurer
) -> list[Measured]:
    """Issues opened in `window` (and by `at`), each measured as it stood at `at`, in the order
    they were given."""
    first = bisect_left(opened, window.start, key=lambda row: row[0])
    last = bisect_left(opened, min(window.end, at + TICK), key=lambda row: row[0])
    out = []
    for _, _, issue_id, source in sorted(opened[first:last], key=lambda row: row[1]):
        measured = measure(issue_id, source, at)
        if measured is not None:
            out.append(measured)
    return out


def states_at(
    issues: Iterable[IssueSource], at: datetime, measure: Measurer
) -> list[tuple[IssueSource, IssueState]]:
    """Issues active at `at` or with an override to reconcile, folded from events up to `at`
    (a final record settles that an issue is neither; an unfinished one says which it is)."""
    out: list[tuple[IssueSource, IssueState]] = []
    for issue_id, events in issues:
        if isinstance(events, Final):
            continue
        if isinstance(events, Unfinished):  # settled: `at` (now) is after its last event
            if events.matters:
                out.append(((issue_id, events), events.state))
            continue
        cut = [e for e in events if e.at <= at]
        if not cut or not isinstance(cut[0], ev.Opened) or not matters_now(cut, at):
            continue  # not opened by then (an event dated before the opening is not a start)
        out.append(((issue_id, events), measure.fold(issue_id, cut)))
    return out


def build_report(
    matrix: Matrix,
    issues: Sequence[IssueSource],
    window: Window,
    now: datetime,
    friction: Iterable[tuple[str, FrictionNote]] = (),
    changed: Mapping[tuple[str, str], datetime] | None = None,
    measure: Measurer | None = None,
) -> Report:
    """The whole report: the window evaluated at min(end, now), the one before it, and now.
    Each issue comes as its events, or as its final record where that settles the report;
    `measure` keeps every issue measured (the caller's, to keep them past the report)."""
    at = min(window.end, now)
    previous_window = window.previous()
    measure = measure or Measurer(matrix)
    opened = openings(issues)
    measured = cohort(opened, window, at, measure)
    before = cohort(opened, previous_window, previous_window.end, measure)
    everyone_now = states_at(issues, now, measure)
    active_now = [
        m
        for (issue_id, events), state in everyone_now
        if state.is_active and (m := measure(issue_id, events, now)) is not None
    ]
    headline = summarize(measured)
    previous = summarize(before)
    rows = groups(measured)
    tier_waits = waits(measured, "tier")
    bottlenecks = [
        *waits(measured, "owner")[:TOP],
        *tier_waits[:TOP],
        *waits(measured, "dependency")[:TOP],
    ]
    order = {t.id: i for i, t in enumerate(matrix.tiers)}
    tier_dwell = sorted(tier_waits, key=lambda w: (order.get(w.name, 99), w.name))
    friction_rows = friction_groups(friction, window, at)
    stale = stale_entries(matrix, changed or {}, at)
    review = matrix.governance.review
    due = review.last_reviewed + review.period
    return Report(
        generated_at=now,
        evaluated_at=at,
        window=window,
        previous_window=previous_window,
        headline=headline,
        previous=previous,
        trends=trends(headline, previous),
        groups=rows,
        tier_dwell=tier_dwell,
        bottlenecks=bottlenecks,
        slowest_paths=paths(measured),
        series=series(measured, window, at),
        breaches=clock_rows(measured, {"breached"}),
        overrides_to_reconcile=overrides_to_reconcile((s for _, s in everyone_now), matrix, now),
        handoff_flows=handoff_flows(measured),
        friction=friction_rows,
        stale_entries=stale,
        suggestions=suggestions(matrix, measured, rows, bottlenecks, friction_rows, stale, at),
        review=ReviewInfo(
            period_days=review.period.days,
            last_reviewed=review.last_reviewed,
            due=due,
            overdue=due < at.date(),
            owners=list(review.owners),
        ),
        current=current_status(matrix, active_now, now),
        follow_ups=follow_ups(
            (
                (
                    issue_id,
                    s.follow_ups if isinstance(s, Final | Unfinished) else follow_up_items(s, now),
                )
                for issue_id, s in issues
            ),
            window.start,
            window.end,
            now,
        ),
    )
