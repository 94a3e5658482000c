"""On-call schedules a routing rule sends issues to: some layer names someone at every hour of
a week (`schedule-gap`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

from escmatrix.core.lint.findings import Finding
from escmatrix.core.matrix import Matrix
from escmatrix.core.oncall import who_is_on_call

_SLOT = timedelta(minutes=30)


def lint_schedule_gaps(m: Matrix, now: datetime) -> Iterator[Finding]:
    """The week from `now`'s Monday, every half hour (at its middle), for each routed schedule."""
    day = now.astimezone(UTC).date()
    monday = datetime.combine(day - timedelta(days=day.weekday()), time(0), tzinfo=UTC)
    slots = [monday + _SLOT * k for k in range(7 * 48)]
    routed = {rule.schedule for rule in m.rules if rule.schedule is not None}
    for i, schedule in enumerate(m.schedules.values()):
        if schedule.id not in routed:
            continue
        empty = [s for s in slots if who_is_on_call(schedule, s + _SLOT / 2).person is None]
        if not empty:
            continue
        shown = ", ".join(f"{a:%a %H:%M}–{b:%H:%M}" for a, b in _runs(empty)[:6])
        more = "" if len(_runs(empty)) <= 6 else f" and {len(_runs(empty)) - 6} more"
        yield Finding(
            "schedule-gap",
            "schedules",
            ("schedules", i, "layers"),
            f"schedule {schedule.id!r} has nobody on call {shown} UTC{more}, "
            "and a routing rule sends issues to it",
            "add a layer without `hours` underneath (a 24x7 base rotation), or widen a layer's hours",
        )


def _runs(empty: list[datetime]) -> list[tuple[datetime, datetime]]:
    """Consecutive empty slots joined into (start, end) stretches."""
    runs: list[tuple[datetime, datetime]] = []
    for slot in empty:
        if runs and runs[-1][1] == slot:
            runs[-1] = (runs[-1][0], slot + _SLOT)
        else:
            runs.append((slot, slot + _SLOT))
    return runs
