"""An active issue's next deadline, for `list`: which clock comes due first and how it stands.

`list` shows it for every active issue, so it is worked out in two steps: `plan` reads the matrix
once per version of an issue (the targets, the calendar, when each running clock comes due and
when it is at risk), and `planned_deadline` finishes the answer at any moment from the plan alone,
with no matrix model; the local cache keeps the plans. Due times move only while a pause is open
(the clock stands still): then a clock comes due the rest of its target from now, counted on the
plan's calendar. `next_deadline` is the same answer in one step, straight from the matrix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from escmatrix.core.calendar import ALWAYS, Interval, WorkClock, WorkingCalendar
from escmatrix.core.sla import AT_RISK_SHARE, clocks, measure, pauses_of, work_clock

if TYPE_CHECKING:
    from escmatrix.core.clock_facts import ClockMatrix
    from escmatrix.core.issue import IssueState
    from escmatrix.core.matrix import Matrix

SHORT_NAME = {"first response": "response", "next update": "update", "resolution": "resolution"}


class Deadline(NamedTuple):
    """The clock of an issue that comes due first (breached ones are past due, so they lead)."""

    clock: str  # "response", "update", "resolution" or "tier <id>"
    due: datetime
    state: str  # the worst state of the issue's running clocks: breached, at risk, running, paused
    waiting_on: str | None  # "customer" or "partner" while paused

    def sort_key(self) -> tuple[int, datetime]:
        """Paused issues after every running one (their clocks stand still), soonest due first."""
        return (1 if self.state == "paused" else 0, self.due)

    def relative(self, now: datetime) -> str:
        """'in 1h30m', '25m ago', '3d4h ago', or 'paused (customer)'."""
        if self.state == "paused":
            return f"paused ({self.waiting_on or 'waiting'})"
        if self.due >= now:
            return f"in {coarse(self.due - now)}"
        return f"{coarse(now - self.due)} ago"

    def label(self, now: datetime) -> str:
        """The relative time and the clock: 'in 45m update', '2h ago resolution'."""
        text = self.relative(now)
        return text if self.state == "paused" else f"{text} {self.clock}"


def coarse(delta: timedelta) -> str:
    """A duration to the two largest units a person reads at a glance: 3d4h, 2h15m, 40m (the
    first two units `format_duration` writes)."""
    from escmatrix.core.durations import duration_units

    units = duration_units(delta) or ["0m"]
    return f"-{units[0]}" if delta < timedelta(0) else "".join(units[:2])


def next_deadline(matrix: Matrix, issue: IssueState, now: datetime) -> Deadline | None:
    """None for an issue that is not active or whose clocks cannot be measured."""
    if not issue.is_active:
        return None
    running = [c for c in clocks(matrix, issue, now) if c.stopped_at is None]
    return first_due(((c.name, c.due, c.state) for c in running), waiting_on(issue))


Mark = tuple[str, datetime, str]  # a running clock's name, due time and state


def first_due(running: Iterable[Mark], waiting: str | None) -> Deadline | None:
    """The deadline of the running clocks given as (name, due, state); None when none runs."""
    marks = list(running)
    if not marks:
        return None
    name, due, _ = min(marks, key=lambda m: (m[1], m[0]))
    states = {state for _, _, state in marks}
    worst = next((s for s in ("breached", "at risk", "paused") if s in states), "running")
    short = SHORT_NAME.get(name) or name.removesuffix(" response")
    return Deadline(short, due, worst, waiting)


def waiting_on(issue: IssueState) -> str | None:
    """Whom the issue waits on while a pause is open."""
    return next((p.waiting_on for p in reversed(issue.pauses) if p.end is None), None)


class PlannedClock(NamedTuple):
    """A running clock: its target, and when it comes due and is at risk if no pause is open."""

    name: str
    target: timedelta
    started: datetime
    due: datetime
    at_risk: datetime
    frozen: timedelta | None  # while one pause is open: the working time counted before it


class ClockPlan(NamedTuple):
    """What an active issue's next deadline follows from, at any moment, without the matrix."""

    calendar: str  # the calendar every clock of the issue counts on (ALWAYS: 24x7)
    pauses: list[Interval]
    waiting_on: str | None
    clocks: list[PlannedClock]
    settled: datetime | None  # the last start or end of a pause: from then on only one is open


def plan(matrix: ClockMatrix, issue: IssueState) -> ClockPlan | None:
    """The issue's running clocks as `planned_deadline` needs them; None when not active. The
    matrix, or its plain copy for clocks (`ClockFacts`): the same plan either way."""
    if not issue.is_active:
        return None
    from escmatrix.core.sla import targets_for

    pauses = pauses_of(issue)
    open_starts = [start for start, end in pauses if end is None]
    settled = max(t for interval in pauses for t in interval if t) if pauses else None
    running = [c for c in clocks(matrix, issue, issue.opened_at) if c.stopped_at is None]
    if not running:
        return ClockPlan(ALWAYS, pauses, waiting_on(issue), [], settled)
    calendar = targets_for(matrix, issue.severity, issue.customer, issue.partner).calendar
    clock = work_clock(matrix, calendar)
    planned = [
        PlannedClock(
            c.name,
            timedelta(c.target.days, c.target.seconds, c.target.microseconds),  # as plain data
            c.started,
            clock.add(c.started, c.target, pauses),
            clock.add(c.started, c.target * AT_RISK_SHARE, pauses),
            clock.elapsed(c.started, open_starts[0], pauses) if len(open_starts) == 1 else None,
        )
        for c in running
    ]
    return ClockPlan(calendar, pauses, waiting_on(issue), planned, settled)


def planned_deadline(
    planned: ClockPlan, now: datetime, calendars: Mapping[str, WorkingCalendar]
) -> Deadline | None:
    """`next_deadline` at `now`, from the issue's plan and the matrix's calendars alone."""
    if not any(end is None for _, end in planned.pauses):
        # with every pause closed a clock's elapsed time grows with now: it is at risk from when
        # 75% of its target has passed, breached from when all of it has (a zero target is at
        # risk from the start)
        marks = [
            (
                c.name,
                c.due,
                "breached"
                if now >= c.due
                else "at risk"
                if now >= c.at_risk or not c.target
                else "running",
            )
            for c in planned.clocks
        ]
        return first_due(marks, planned.waiting_on)
    clock = WorkClock(None if planned.calendar == ALWAYS else calendars[planned.calendar])
    return first_due((_paused(c, planned, clock, now) for c in planned.clocks), planned.waiting_on)


def _paused(c: PlannedClock, planned: ClockPlan, clock: WorkClock, now: datetime) -> Mark:
    """A clock of an issue paused now: past every pause bound its elapsed time stands at what
    was counted before the pause, and it comes due that much working time from now (or when it
    did, if it had run out); otherwise it is measured again."""
    settled = planned.settled
    if c.frozen is None or not c.target or settled is None or now < max(settled, c.started):
        m = measure(c.name, c.target, c.started, None, clock, planned.pauses, now)
        return m.name, m.due, m.state
    due = c.due if c.frozen >= c.target else clock.add(now, c.target - c.frozen)
    breached = c.frozen > c.target or (c.frozen == c.target and due <= now)
    return c.name, due, "breached" if breached else "paused"


def due_within(deadline: Deadline | None, now: datetime, window: timedelta) -> bool:
    """Due (or overdue) within `window` of now; a paused issue is due on nothing."""
    return deadline is not None and deadline.state != "paused" and deadline.due <= now + window
