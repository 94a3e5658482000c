"""Who holds a schedule at a moment, and why; the handoffs in a window. Pure: time is passed in.

Handoffs happen at the layer's local wall-clock time (zoneinfo), so a 09:00 Berlin handoff stays
at 09:00 Berlin across a DST change. Day-based lengths count local calendar days; hour-based
lengths (`12h`) count elapsed hours from the first handoff.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # what a schedule is read through: the matrix's models and the plain copies
    # (`core.ladder_facts`) both are one

    class Layer(Protocol):
        @property
        def id(self) -> str: ...
        @property
        def rotation(self) -> Sequence[str]: ...
        @property
        def timezone(self) -> str: ...
        @property
        def handoff(self) -> str: ...
        @property
        def length(self) -> str: ...
        @property
        def starts(self) -> date: ...
        @property
        def hours(self) -> str | None: ...

    class ScheduleOverride(Protocol):
        @property
        def person(self) -> str: ...
        @property
        def starts(self) -> datetime: ...
        @property
        def until(self) -> datetime: ...
        @property
        def note(self) -> str | None: ...

    class OnCallSchedule(Protocol):
        @property
        def id(self) -> str: ...
        @property
        def layers(self) -> Sequence[Layer]: ...
        @property
        def overrides(self) -> Sequence[ScheduleOverride]: ...


@dataclass(frozen=True)
class OnCall:
    """The holder of a schedule at a moment (None: nobody), with the reason in words."""

    schedule: str
    person: str | None
    why: str
    layer: str | None = None


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(23, 59, 59, 999999) if hours == "24" else time(int(hours), int(minutes))


def _length(layer: Layer) -> tuple[int, int]:
    """(days, hours) of one shift."""
    if layer.length == "daily":
        return 1, 0
    if layer.length == "weekly":
        return 7, 0
    count = int(layer.length[:-1])
    return (count, 0) if layer.length.endswith("d") else (0, count)


def in_hours(window: str | None, local: datetime) -> bool:
    """Whether the local time falls in 'HH:MM-HH:MM' (overnight windows wrap); None: always."""
    if window is None:
        return True
    start_text, end_text = window.split("-")
    start, end, now = _clock(start_text), _clock(end_text), local.time().replace(tzinfo=None)
    if start <= end:
        return start <= now < end
    return now >= start or now < end


def _shift(layer: Layer, at: datetime) -> tuple[int, datetime]:
    """The shift number at `at` (0 = the first, from `starts`) and when that shift began."""
    zone = ZoneInfo(layer.timezone)
    handoff = _clock(layer.handoff)
    days, hours = _length(layer)
    local = at.astimezone(zone)
    if hours:
        first = datetime.combine(layer.starts, handoff, zone)
        step = timedelta(hours=hours)
        number = (at - first) // step
        return number, (first + number * step).astimezone(zone)
    day = local.date() if local.time() >= handoff else local.date() - timedelta(days=1)
    number = (day - layer.starts).days // days
    began: date = layer.starts + timedelta(days=number * days)
    return number, datetime.combine(began, handoff, zone)


def layer_holder(layer: Layer, at: datetime) -> tuple[str | None, str]:
    """Who this layer names at `at`, and why."""
    number, began = _shift(layer, at)
    person = layer.rotation[number % len(layer.rotation)]
    unit = {"daily": "day", "weekly": "week"}.get(layer.length, f"{layer.length} shift")
    kind = {"daily": "daily", "weekly": "weekly"}.get(layer.length, f"{layer.length}")
    hours = f" {layer.hours.replace('-', '–')}" if layer.hours else ""
    why = (
        f"{kind} rotation, {unit} {number + 1} since {began:%a %Y-%m-%d %H:%M}, "
        f"layer '{layer.id}'{hours} {layer.timezone}"
    )
    if not in_hours(layer.hours, at.astimezone(ZoneInfo(layer.timezone))):
        return None, why
    return person, why


def _override(schedule: OnCallSchedule, at: datetime) -> ScheduleOverride | None:
    found = [o for o in schedule.overrides if o.starts <= at < o.until]
    return found[-1] if found else None


def on_call_now(schedule: OnCallSchedule, at: datetime) -> list[str]:
    """Everyone the schedule's layers (and an override) name at `at`, top layer first: a pool
    to choose from, where `who_is_on_call` gives the one holder."""
    people = [
        holder for layer in reversed(schedule.layers) if (holder := layer_holder(layer, at)[0])
    ]
    override = _override(schedule, at)
    if override is not None:  # covers in place of whoever the top layer names
        people = [override.person, *people[1:]]
    return list(dict.fromkeys(people))


def who_is_on_call(schedule: OnCallSchedule, at: datetime) -> OnCall:
    """The holder of `schedule` at `at`: an override, else the last layer that has someone."""
    override = _override(schedule, at)
    for layer in reversed(schedule.layers):
        person, why = layer_holder(layer, at)
        if person is not None:
            break
    else:
        layer, person, why = None, None, "no layer covers this hour"
    text = f"schedule '{schedule.id}': {why}"
    if override is not None:
        zone = ZoneInfo(schedule.layers[0].timezone)
        until = override.until.astimezone(zone)
        note = f" ({override.note})" if override.note else ""
        return OnCall(
            schedule.id,
            override.person,
            f"{text}; override by {override.person} until {until:%a %Y-%m-%d %H:%M} "
            f"{schedule.layers[0].timezone}{note}",
            layer.id if layer else None,
        )
    return OnCall(schedule.id, person, text, layer.id if layer else None)


@dataclass(frozen=True)
class Shift:
    """One stretch of a schedule held by one person (or nobody)."""

    schedule: str
    person: str | None
    starts: datetime
    ends: datetime
    why: str


def _boundaries(schedule: OnCallSchedule, since: datetime, until: datetime) -> list[datetime]:
    """Every moment in [since, until) where the holder may change (handoffs, hour windows,
    overrides), on the minute grid: sampled every 15 minutes plus the override edges."""
    points = {since}
    step = timedelta(minutes=15)
    moment = since.replace(second=0, microsecond=0)
    moment -= timedelta(minutes=moment.minute % 15)
    while moment < until:
        if moment > since:
            points.add(moment)
        moment += step
    for override in schedule.overrides:
        for edge in (override.starts, override.until):
            if since < edge < until:
                points.add(edge)
    return sorted(points)


def shifts(schedule: OnCallSchedule, since: datetime, until: datetime) -> Iterator[Shift]:
    """The shifts of `schedule` in [since, until), merged where the holder stays the same."""
    points = _boundaries(schedule, since, until)
    current: OnCall | None = None
    began = since
    for point in points:
        holder = who_is_on_call(schedule, point)
        if current is None:
            current, began = holder, point
        elif holder.person != current.person:
            yield Shift(schedule.id, current.person, began, point, current.why)
            current, began = holder, point
    if current is not None:
        yield Shift(schedule.id, current.person, began, until, current.why)
