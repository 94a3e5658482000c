"""A finished issue's measurement, kept from one report to the next.

An issue that is resolved or closed, was acknowledged, has no pause open and every override
reconciled measures the same at any time after its last event: its clocks stopped, and it is
active nowhere after. Its `Final` record is that measurement, with the follow-ups its debriefs
set; the local cache keeps one per issue folder (`store.cache.IssueCache.per_issue`), so a report
reads it back instead of parsing, folding and measuring the issue again. Times the report looks
at before the issue's last event are measured from the events, as ever (`Final.settles`), and so
is an issue with a time not in UTC (`_times`).

An issue not finished (still active, say) measures differently at every time, but from the same
inputs at any time after its last event: its fold and the moves of its events (`Unfinished`), so
the report measures it at such a time without its events.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from escmatrix.core import events as ev
from escmatrix.core.issue import IssueState, fold
from escmatrix.core.matrix import Matrix
from escmatrix.core.metrics.durations import (
    Facts,
    Handoff,
    Measured,
    MeasuredState,
    Moves,
    measure_moves,
    moves_of,
)
from escmatrix.core.metrics.follow_ups import FollowUp, follow_up_items
from escmatrix.core.metrics.windows import Window
from escmatrix.core.sla import Clock

ZERO = timedelta(0)


class Final(NamedTuple):
    """`Measured` at any time from `last` on, less the time, plus the debriefs' follow-ups.

    Its fields repeat `Measured`'s, in order, rather than hold one: an array of plain values is
    what MessagePack reads back fastest (a test keeps the two in step). It keeps the issue's
    `Facts` too: reading them back costs a third of working them out again, for every issue of
    the report's two windows."""

    last: datetime  # the issue's last event
    state: MeasuredState
    team: str
    path: str
    time_to_aid: timedelta | None
    time_to_resolution: timedelta | None
    age: timedelta
    tier_dwell: dict[str, timedelta]
    owner_dwell: dict[str, timedelta]
    waits: dict[str, timedelta]
    handoffs: list[Handoff]
    clocks: list[Clock]
    ever_resolved: bool
    follow_ups: list[FollowUp]
    facts: Facts

    def measured(self, at: datetime) -> Measured:
        """The issue as it stood at `at`, any time from `last` on."""
        measured = Measured(
            self.state,
            at,
            self.team,
            self.path,
            self.time_to_aid,
            self.time_to_resolution,
            self.age,
            self.tier_dwell,
            self.owner_dwell,
            self.waits,
            self.handoffs,
            self.clocks,
            self.ever_resolved,
        )
        measured.__dict__["facts"] = self.facts  # what the cached property would work out
        return measured

    def settles(self, horizon: Horizon) -> bool:
        """Whether every time a report measures this issue at comes after its last event: then
        the report needs none of its events."""
        return self.last <= horizon.limit(self.state.opened_at)


class Unfinished(NamedTuple):
    """An issue `final` keeps no record of, as it measures at any time from `last`, its last
    event, on: its fold and its events' moves (its clocks and durations still run, so they are
    measured at each time), its debriefs' follow-ups, and whether it matters then (`matters_now`)."""

    last: datetime
    state: IssueState
    moves: Moves
    follow_ups: list[FollowUp]
    matters: bool

    def measured(self, matrix: Matrix, at: datetime) -> Measured:
        """The issue as it stood at `at`, any time from `last` on."""
        return measure_moves(matrix, self.state, self.moves, at)

    def settles(self, horizon: Horizon) -> bool:
        """As `Final.settles`."""
        return self.last <= horizon.limit(self.state.opened_at)


def unfinished(issue_id: str, events: Sequence[ev.EventBase]) -> Unfinished | None:
    """What measures the issue at any time from its last event on; None if not opened."""
    if not events or not isinstance(events[0], ev.Opened):
        return None
    cut = list(events)
    last = max(e.at for e in cut)
    return Unfinished(
        last,
        fold(issue_id, cut),
        moves_of(issue_id, cut),
        follow_up_items(cut, last),
        matters_now(cut, last),
    )


def matters_now(events: Sequence[ev.EventBase], at: datetime) -> bool:
    """Active at `at`, or holding an override not yet reconciled (a scan, without a fold)."""
    active = flagged = False
    for e in events:
        if e.at > at:
            continue
        if isinstance(e, ev.Opened | ev.Reopened):
            active = True
        elif isinstance(e, ev.Resolved | ev.Closed):
            active = False
        elif isinstance(e, ev.Overridden):
            flagged = True
        elif isinstance(e, ev.Reconciled):
            flagged = False
    return active or flagged


class Horizon(NamedTuple):
    """The times a report measures issues at: each at `now`, those opened in its window also at
    `at`, those opened in the window before it also at `start` (where that window ends)."""

    start: datetime
    end: datetime
    at: datetime  # min(end, now)
    before: datetime  # the previous window's start
    now: datetime

    @classmethod
    def of(cls, window: Window, now: datetime) -> Horizon:
        return cls(window.start, window.end, min(window.end, now), window.previous().start, now)

    def limit(self, opened: datetime) -> datetime:
        """The earliest time an issue opened at `opened` is measured at."""
        if self.start <= opened < self.end:
            return self.at
        if self.before <= opened < self.start:
            return min(self.start, self.now)
        return self.now


def final(matrix: Matrix, issue_id: str, events: Sequence[ev.EventBase]) -> Final | None:
    """The issue's final record, or None while it may still measure differently later."""
    running = unfinished(issue_id, events)
    return None if running is None else _final(matrix, running)


def record_of(
    matrix: Matrix, issue_id: str, events: Sequence[ev.EventBase]
) -> Final | Unfinished | None:
    """The issue's final record, else what measures it from its last event on (its events folded
    once for either); None if it was not opened."""
    running = unfinished(issue_id, events)
    if running is None:
        return None
    done = _final(matrix, running)
    return done if done is not None else running


def _final(matrix: Matrix, running: Unfinished) -> Final | None:
    """The final record of the issue `running` measures, if it is finished."""
    state = running.state
    if (
        state.is_active
        or state.first_acknowledged_at is None
        or state.flagged
        or any(p.end is None for p in state.pauses)
    ):
        return None
    m = running.measured(matrix, running.last)
    record = Final(
        running.last,
        m.state,
        m.team,
        m.path,
        m.time_to_aid,
        m.time_to_resolution,
        m.age,
        m.tier_dwell,
        m.owner_dwell,
        m.waits,
        m.handoffs,
        [_plain(c) for c in m.clocks],
        m.ever_resolved,
        running.follow_ups,
        m.facts,
    )
    return record if all(t.utcoffset() == ZERO for t in _times(record)) else None


def _times(record: Final) -> Iterator[datetime]:
    """Every time in the record: a record is kept in MessagePack, whose times keep the instant but
    not the offset, so an issue with a time written at another offset (`+02:00`, by hand) is
    measured from its events each time instead, to print as written."""
    yield record.last
    yield record.state.opened_at
    yield from (h.at for h in record.handoffs)
    for c in record.clocks:
        yield from (c.started, c.due, *([c.stopped_at] if c.stopped_at else []))
    yield from (f.done_at for f in record.follow_ups if f.done_at is not None)


def _plain(clock: Clock) -> Clock:
    """The clock with its target as a plain length (as written, `3bd`, only `show` prints)."""
    t = clock.target
    return Clock(
        clock.name,
        timedelta(t.days, t.seconds, t.microseconds),
        clock.started,
        clock.due,
        clock.state,
        clock.elapsed,
        clock.remaining,
        clock.hours,
        clock.stopped_at,
    )
