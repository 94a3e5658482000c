"""Coverage gaps: who is working at a moment, and which clocks run unwatched. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from escmatrix.core.drill.result import Gap
from escmatrix.core.issue import IssueState
from escmatrix.core.matrix import ALWAYS, Matrix
from escmatrix.core.oncall import who_is_on_call

DEFAULT_HOURS = "09:00-17:00"


def _hours(text: str | None) -> tuple[time, time | None]:
    start, end = (text or DEFAULT_HOURS).split("-")
    return time.fromisoformat(start), None if end == "24:00" else time.fromisoformat(end)


def working(matrix: Matrix, person_id: str, at: datetime) -> bool:
    """Within the person's working hours (local; 09:00-17:00 unless set), or on call on some
    schedule then, and not out of office."""
    person = matrix.people.get(person_id)
    if person is None or person.is_away(at):
        return False
    if any(who_is_on_call(s, at).person == person_id for s in matrix.schedules.values()):
        return True
    local = at.astimezone(ZoneInfo(person.timezone)).time()
    start, end = _hours(person.working_hours)
    if end is None:
        return local >= start
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def clocks_running(matrix: Matrix, state: IssueState, at: datetime) -> bool:
    """Whether the issue's SLA clocks count at this moment (24x7, or inside its calendar)."""
    from escmatrix.core.sla import targets_for, work_clock

    if state.severity not in matrix.severities:
        return True
    calendar = targets_for(matrix, state.severity, state.customer, state.partner).calendar
    if calendar == ALWAYS or calendar not in matrix.calendars:
        return True
    return work_clock(matrix, calendar).elapsed(at, at + timedelta(minutes=1)) > timedelta(0)


def engagement_gaps(matrix: Matrix, name: str, state: IssueState, at: datetime) -> Iterator[Gap]:
    """The person just engaged cannot be reached now: out of office, or outside their hours
    while the issue's clocks run."""
    person = matrix.people.get(state.engaged)
    if person is None:
        return
    if person.is_away(at):
        yield Gap(at, name, "away", f"tier {state.tier}: {person.id} is engaged but out of office")
        return
    if not working(matrix, person.id, at) and clocks_running(matrix, state, at):
        local = at.astimezone(ZoneInfo(person.timezone))
        hours = person.working_hours or DEFAULT_HOURS
        yield Gap(
            at,
            name,
            "off-hours",
            f"tier {state.tier}: {person.id} is engaged at {local:%a %H:%M} {person.timezone}, "
            f"outside working hours {hours}, while the clocks run",
        )


def category_gaps(matrix: Matrix, category: str, at: datetime, name: str | None) -> Iterator[Gap]:
    """A category whose primary owner and every backup are out of office."""
    cat = matrix.categories.get(category)
    if cat is None:
        return
    owners = [matrix.people.get(p) for p in (cat.primary, *cat.backups)]
    if all(p is not None and p.is_away(at) for p in owners):
        yield Gap(
            at,
            name,
            "backups-away",
            f"category {category}: the primary {cat.primary} and every backup "
            f"({', '.join(cat.backups)}) are out of office",
        )


_SKIPPED = re.compile(r"(\S+) skipped: (\S+) is out of office")


def skipped_tiers(reason: str) -> list[str]:
    """Tiers an escalation skipped because their holder was away (from its recorded reason)."""
    return [
        f"tier {tier} skipped: {who} is out of office" for tier, who in _SKIPPED.findall(reason)
    ]
