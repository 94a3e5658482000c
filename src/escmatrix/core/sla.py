"""SLA clocks: targets per severity (contracts win), measured in 24x7 or business time, less pauses.

A change of severity mid-issue re-computes every target from the new severity while keeping the
elapsed time: clocks always run from when the issue opened (first response, resolution), from the
last update (update cadence) or from when the current tier was entered (tier response), and are
measured against the targets of the issue's current severity and contracts. A change of owner
does not restart any clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

import msgspec

from escmatrix.core.calendar import ALWAYS, FOREVER, Interval, WorkClock
from escmatrix.core.durations import TargetTime

if TYPE_CHECKING:  # clocks measured from the local cache (`list`, `show`) need no matrix models
    from escmatrix.core.clock_facts import ClockMatrix
    from escmatrix.core.issue import IssueState

ClockState = Literal["running", "paused", "met", "breached", "at risk"]
AT_RISK_SHARE = 0.75


class Targets(msgspec.Struct, frozen=True):
    first_response: timedelta
    update_every: timedelta
    resolution: timedelta
    calendar: str
    source: str


def targets_for(
    matrix: ClockMatrix, severity: str, customer: str | None, partner: str | None
) -> Targets:
    """Severity defaults, with a customer's then a partner's contract winning where it sets one."""
    sev = matrix.severities[severity]
    first, update, resolution, calendar = (
        sev.first_response,
        sev.update_every,
        sev.resolution,
        sev.calendar,
    )
    sources: list[str] = []
    for kind, account in (
        ("customer", matrix.customers.get(customer or "")),
        ("partner", matrix.partners.get(partner or "")),
    ):
        contract = account.targets.get(severity) if account else None
        if account is None or contract is None:
            continue
        first = contract.first_response or first
        update = contract.update_every or update
        resolution = contract.resolution or resolution
        calendar = contract.calendar or calendar
        sources.append(f"{kind} {account.id} contract")
    working = matrix.calendars.get(calendar)
    if working is not None:  # working days (`3bd`) count the working day of this calendar
        day = working.working_day
        first, update, resolution = (
            t.on_calendar(day) if isinstance(t, TargetTime) else t
            for t in (first, update, resolution)
        )
    return Targets(
        first, update, resolution, calendar, " + ".join(sources) or f"{severity} default"
    )


def work_clock(matrix: ClockMatrix, calendar: str) -> WorkClock:
    return WorkClock(None if calendar == ALWAYS else matrix.calendars[calendar])


class Clock(msgspec.Struct, frozen=True, array_like=True):
    name: str
    target: timedelta
    started: datetime
    due: datetime
    state: ClockState
    elapsed: timedelta
    remaining: timedelta
    hours: str
    stopped_at: datetime | None = None

    @property
    def share(self) -> float:
        return self.elapsed / self.target if self.target else 1.0


def measure(
    name: str,
    target: timedelta,
    started: datetime,
    stopped: datetime | None,
    clock: WorkClock,
    pauses: list[Interval],
    now: datetime,
) -> Clock:
    """One clock: elapsed working time since `started` (until `stopped` or now) against `target`."""
    end = stopped or now
    elapsed = clock.elapsed(started, end, pauses)
    due = clock.add(started, target, pauses, open_pause_until=now)
    remaining = target - elapsed
    paused_now = any(p_end is None for _, p_end in pauses)
    state: ClockState
    if stopped is not None:
        state = "met" if elapsed <= target else "breached"
    elif elapsed > target or (elapsed == target and due <= now):
        state = "breached"
    elif paused_now:
        state = "paused"
    elif elapsed >= target * AT_RISK_SHARE:
        state = "at risk"
    else:
        state = "running"
    return Clock(name, target, started, due, state, elapsed, remaining, clock.label, stopped)


def pauses_of(issue: IssueState) -> list[Interval]:
    return issue.stopped_intervals()


def clocks(matrix: ClockMatrix, issue: IssueState, now: datetime) -> list[Clock]:
    """First response, next update, resolution and current-tier clocks for an issue."""
    if issue.severity not in matrix.severities:
        return []
    targets = targets_for(matrix, issue.severity, issue.customer, issue.partner)
    if targets.calendar != ALWAYS and targets.calendar not in matrix.calendars:
        return []
    clock = work_clock(matrix, targets.calendar)
    pauses = pauses_of(issue)
    done = issue.resolved_at or issue.closed_at
    out = [
        measure(
            "first response",
            targets.first_response,
            issue.opened_at,
            issue.first_acknowledged_at,
            clock,
            pauses,
            now,
        ),
        measure("resolution", targets.resolution, issue.opened_at, done, clock, pauses, now),
    ]
    if issue.is_active:
        since = max(
            t for t in (issue.last_update_at, issue.first_acknowledged_at, issue.opened_at) if t
        )
        out.insert(1, measure("next update", targets.update_every, since, None, clock, pauses, now))
        tier_clock = tier_response(matrix, issue, now, targets)
        if tier_clock is not None:
            out.append(tier_clock)
    return out


def tier_response(
    matrix: ClockMatrix, issue: IssueState, now: datetime, targets: Targets | None = None
) -> Clock | None:
    """The current tier's response clock: from entering the tier until acknowledged there
    (`targets`: the issue's, when the caller has them already)."""
    try:
        tier = matrix.tier(issue.tier)
    except KeyError:
        return None
    targets = targets or targets_for(matrix, issue.severity, issue.customer, issue.partner)
    acked = (
        issue.acknowledged_at
        if issue.acknowledged_at and issue.acknowledged_at >= issue.tier_since
        else None
    )
    return measure(
        f"tier {tier.id} response",
        tier.response_time,
        issue.tier_since,
        acked,
        work_clock(matrix, targets.calendar),
        pauses_of(issue),
        now,
    )


def due_after(matrix: ClockMatrix, calendar: str, start: datetime, amount: timedelta) -> datetime:
    """When `amount` of working time has passed from `start` on the given calendar."""
    due = work_clock(matrix, calendar).add(start, amount)
    return due if due < FOREVER else start + amount
