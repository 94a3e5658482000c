"""24x7 coverage: someone who can hold a 24x7 tier works at every hour of the day
(`coverage-gap`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from escmatrix.core.lint.findings import Finding
from escmatrix.core.lint.lookups import matrix_file, owner_pool
from escmatrix.core.matrix import LadderFile, Matrix

_DEFAULT_HOURS = "09:00-17:00"
_SLOT = timedelta(minutes=30)


def _hours(text: str | None) -> tuple[time, time | None]:
    start, end = (text or _DEFAULT_HOURS).split("-")
    return time.fromisoformat(start), None if end == "24:00" else time.fromisoformat(end)


def _working(local: time, hours: tuple[time, time | None]) -> bool:
    start, end = hours
    if end is None:
        return local >= start
    if start <= end:
        return start <= local < end
    return local >= start or local < end  # overnight, e.g. 22:00-06:00


def _tier_pool(m: Matrix, held_by: str) -> set[str]:
    owners = owner_pool(m)
    if held_by == "owner":
        return owners
    teams = {m.people[p].team for p in owners}
    return {getattr(m.teams[t], held_by) for t in teams if t in m.teams} & set(m.people)


def lint_coverage(m: Matrix, now: datetime) -> Iterator[Finding]:
    day = datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)
    slots = [day + _SLOT * k for k in range(48)]
    for i, tier in enumerate(matrix_file(m, "ladder", LadderFile).tiers):
        if tier.coverage != "24x7":
            continue
        pool = sorted(_tier_pool(m, tier.held_by))
        covered = [False] * len(slots)
        for person_id in pool:
            person = m.people[person_id]
            zone, hours = ZoneInfo(person.timezone), _hours(person.working_hours)
            for k, slot in enumerate(slots):
                covered[k] = covered[k] or _working(
                    (slot + _SLOT / 2).astimezone(zone).time(), hours
                )
        if all(covered):
            continue
        if any(covered):
            shown = ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in _runs(slots, covered)) + " UTC"
        else:
            shown = "at any hour"
        zones = sorted({m.people[p].timezone for p in pool})
        yield Finding(
            "coverage-gap",
            "ladder",
            ("tiers", i, "coverage"),
            f"tier {tier.id!r} is 24x7 but nobody who can hold it works {shown} "
            f"({len(pool)} people, in {', '.join(zones) or 'no timezone'})",
            "add someone in another timezone, set working_hours for an on-call person, or "
            "make the tier `coverage: business`",
        )


def _runs(slots: list[datetime], covered: list[bool]) -> Iterable[tuple[datetime, datetime]]:
    """Uncovered stretches as (start, end), joined across midnight; some slot is covered."""
    first = covered.index(True)
    order = [*range(first, len(slots)), *range(first)]
    start: int | None = None
    for k in [*order, first]:
        if not covered[k] and start is None:
            start = k
        elif covered[k] and start is not None:
            yield slots[start], slots[k]
            start = None
