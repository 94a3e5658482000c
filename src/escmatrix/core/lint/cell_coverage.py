"""Coverage of the matrix as it runs (`coverage-gap`, per cell): for every hour of a typical week
and every category x severity whose clocks run 24x7, the person routing engages on the starting
tier (or the issue's owner), and the holder of every 24x7 tier above, must be at work or on
call.

Routing is run at the middle of each hour of the week of `now` (schedules, working hours and
`when: {working_hours}` branches resolved, absences left out: the week is a typical one). A
person counts as available inside their working hours or while a schedule names them. Cells a
team accepts to leave uncovered are listed in governance.yaml's `accepted_gaps` with a reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from escmatrix.core.lint.findings import Finding
from escmatrix.core.lint.lookups import matrix_file
from escmatrix.core.matrix import ALWAYS, Matrix, PeopleFile
from escmatrix.core.oncall import in_hours, who_is_on_call
from escmatrix.core.presence import DEFAULT_HOURS
from escmatrix.core.routing import IssueFacts, route

_HOUR = timedelta(hours=1)
_SHOWN = 4


def _week(now: datetime) -> list[datetime]:
    day = now.astimezone(UTC).date()
    monday = datetime.combine(day - timedelta(days=day.weekday()), time(0), tzinfo=UTC)
    return [monday + _HOUR * k for k in range(7 * 24)]


def _available(m: Matrix, on_call: set[str], person_id: str, at: datetime) -> bool:
    person = m.people.get(person_id)
    if person is None:
        return False
    if person_id in on_call:
        return True
    local = at.astimezone(ZoneInfo(person.timezone))
    return in_hours(person.working_hours or DEFAULT_HOURS, local)


def _accepted(m: Matrix) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for gap in m.governance.accepted_gaps:
        found.setdefault(gap.category, set()).update(gap.severities or m.severities)
    return found


def _typical(m: Matrix) -> Matrix:
    """The matrix without anyone's time out of office: a typical week, not this one."""
    people = matrix_file(m, "people", PeopleFile)
    if not any(p.out_of_office for p in people.people):
        return m
    quiet = [p.model_copy(update={"out_of_office": []}) for p in people.people]
    return Matrix.assemble({**m.files, "people": people.model_copy(update={"people": quiet})})


@dataclass(frozen=True)
class CellGap:
    """A category x severity whose engaged person on `tier` is unavailable at `missing` hours."""

    index: int  # the category's place in categories.yaml
    category: str
    severity: str
    tier: str
    missing: list[tuple[datetime, str]]  # (hour, who was engaged)


def cell_gaps(found: Matrix, now: datetime) -> Iterator[CellGap]:
    """Every uncovered cell of the typical week of `now`, less governance's accepted gaps."""
    m = _typical(found)
    slots = _week(now)
    middles = [s + _HOUR / 2 for s in slots]
    on_call = [
        {p for p in (who_is_on_call(s, at).person for s in m.schedules.values()) if p}
        for at in middles
    ]
    accepted = _accepted(m)
    always = [s.id for s in m.severities.values() if s.calendar == ALWAYS]
    for i, category in enumerate(m.categories.values()):
        for severity in always:
            if severity in accepted.get(category.id, ()):
                continue
            empty: dict[str, list[tuple[datetime, str]]] = {}  # tier -> (slot, who)
            for k, at in enumerate(middles):
                d = route(m, IssueFacts(category=category.id, severity=severity), at)
                first = d.engaged if _available(m, on_call[k], d.engaged, at) else d.owner
                engaged = [(d.tier, first)]  # the owner works it when the one engaged cannot
                start = m.tier_index(d.tier)
                engaged += [
                    (t.id, m.holder(t, d.owner, at))
                    for t in m.tiers[start + 1 :]
                    if t.coverage == "24x7"
                ]
                for tier, who in engaged:
                    if not _available(m, on_call[k], who, at):
                        empty.setdefault(tier, []).append((slots[k], who))
            for tier, missing in empty.items():
                yield CellGap(i, category.id, severity, tier, missing)


def lint_cell_coverage(found: Matrix, now: datetime) -> Iterator[Finding]:
    for gap in cell_gaps(found, now):
        yield _finding(gap.index, gap.category, gap.severity, gap.tier, gap.missing)


def _finding(
    i: int, category: str, severity: str, tier: str, missing: list[tuple[datetime, str]]
) -> Finding:
    runs: list[tuple[datetime, datetime]] = []
    for slot, _ in missing:
        if runs and runs[-1][1] == slot:
            runs[-1] = (runs[-1][0], slot + _HOUR)
        else:
            runs.append((slot, slot + _HOUR))
    shown = ", ".join(f"{a:%a %H:%M}–{b:%a %H:%M}" for a, b in runs[:_SHOWN])
    more = f" and {len(runs) - _SHOWN} more" if len(runs) > _SHOWN else ""
    people = sorted({w for _, w in missing})
    who = ", ".join(people)
    verb = "is" if len(people) == 1 else "are"
    whom = "the one it engages" if len(people) == 1 else "whom it engages"
    return Finding(
        "coverage-gap",
        "categories",
        ("categories", i),
        f"{category} {severity} at tier {tier} runs 24x7 but {who} ({whom} then) {verb} "
        f"neither at work nor on call {shown} UTC{more} ({len(missing)} hours a week)",
        "route those hours to an on-call schedule (a rule with `schedule:`, or "
        "`when: {outside_working_hours: CAL}`), give the severity a business-hours calendar, "
        "or list the cell in governance.yaml `accepted_gaps` with a reason",
    )
