"""Whether a person is at work at a moment: inside their local working hours, not out of office.

Routing prefers people at work; the words say where each one is ("lena 03:10 Europe/Berlin").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from escmatrix.core.oncall import in_hours

if TYPE_CHECKING:  # a person of the validated matrix or of its plain copy
    from escmatrix.core.route_facts import Resident as Person

DEFAULT_HOURS = "09:00-17:00"


def at_work(person: Person, at: datetime) -> bool:
    """Inside the person's local working hours (09:00-17:00 unless set) and not away."""
    if person.is_away(at):
        return False
    return in_hours(person.working_hours or DEFAULT_HOURS, at.astimezone(ZoneInfo(person.timezone)))


def local_time(person: Person, at: datetime) -> str:
    """'lena 03:10 Europe/Berlin': where someone's clock stands at `at`."""
    return f"{person.id} {at.astimezone(ZoneInfo(person.timezone)):%H:%M} {person.timezone}"


def prefer_at_work(people: Mapping[str, Person], candidates: list[str], at: datetime) -> list[str]:
    """The candidates at work now, in order; all of them when nobody is."""
    working = [p for p in candidates if p in people and at_work(people[p], at)]
    return working or list(candidates)


def at_work_note(
    people: Mapping[str, Person], skipped: list[str], chosen: str, at: datetime
) -> str:
    """Why `chosen` won over `skipped`: they are outside working hours, `chosen` is at work."""
    if not skipped or chosen not in people:
        return ""
    outside = ", ".join(local_time(people[p], at) for p in skipped if p in people)
    return f"; {outside} outside working hours, {local_time(people[chosen], at)} at work"
