"""Durations as people write them ('30m', '4h', '1h30m', '2d', '1w') and read them back.

Kept apart from the pydantic field types in `core.types`, so that `list` and `show` format their
times without importing pydantic.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, Literal

_DURATION = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")
DURATION_PATTERN = r"^(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?$"


def describe_yaml_value(value: object) -> str:
    if isinstance(value, bool):
        word = "true" if value else "false"
        return (
            f"YAML read this unquoted value as the boolean {word} "
            "(yes/no/on/off/true/false all are): put it in quotes"
        )
    if isinstance(value, int | float):
        return (
            f"YAML read this unquoted value as the number {value} "
            "(1:30 is read as 90 in YAML 1.1): put it in quotes"
        )
    return f"expected text, got {type(value).__name__}"


LONGEST = timedelta(weeks=520)  # a deadline this far out still fits every date escmatrix handles


def parse_duration(value: object) -> timedelta:
    """Parse '15m', '4h', '1h30m', '2d', '1w' into a timedelta."""
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError(
            f"{describe_yaml_value(value)}; a duration is text such as '30m', '4h', '1h30m' or '2d'"
        )
    match = _DURATION.match(value.replace(" ", ""))
    if not value.strip() or not match:
        raise ValueError(f"{value!r} is not a duration; write e.g. '30m', '4h', '1h30m' or '2d'")
    weeks, days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    try:
        result = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes)
    except OverflowError:
        result = LONGEST + LONGEST
    if result > LONGEST:
        raise ValueError(
            f"{value!r} is longer than the longest duration escmatrix accepts "
            f"({LONGEST.days // 7}w, about 10 years)"
        )
    if result <= timedelta(0):
        raise ValueError("a duration must be longer than zero")
    return result


def duration_units(delta: timedelta) -> list[str]:
    """The whole days, hours and minutes of |delta|, largest first, units of zero left out:
    90 minutes -> ['1h', '30m']; under a minute -> []."""
    minutes = int(abs(delta).total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    return [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n]


def format_duration(delta: timedelta) -> str:
    """The inverse of parse_duration for display: 90 minutes -> '1h30m'. A target written in
    working time (core.target_time: `3bd`, `4bh`) shows as written."""
    unit = getattr(delta, "unit", "")
    if unit:
        return f"{getattr(delta, 'count', 0)}{unit}"
    text = "".join(duration_units(delta)) or "0m"
    return f"-{text}" if delta < timedelta(0) else text


def describe_duration(delta: timedelta) -> str:
    """A duration as a person reads it: a target in working time says so ('3 working days',
    '4 working hours'); anything else as format_duration writes it ('4h')."""
    unit = getattr(delta, "unit", "")
    if not unit:
        return format_duration(delta)
    count = getattr(delta, "count", 0)
    noun = "day" if unit == "bd" else "hour"
    return f"{count} working {noun}{'' if count == 1 else 's'}"


Unit = Literal["", "bd", "bh"]  # "": written as a plain duration (30m, 4h, 2d)


class TargetTime(timedelta):
    """A target as written: its length, its unit and the text it came from."""

    count: int
    unit: Unit
    text: str

    def __new__(
        cls, span: timedelta, unit: Unit = "", count: int = 0, text: str = ""
    ) -> TargetTime:
        made = super().__new__(cls, span.days, span.seconds, span.microseconds)
        made.unit, made.count = unit, count
        made.text = text or (f"{count}{unit}" if unit else format_duration(span))
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (TargetTime, (timedelta(self.days, self.seconds, self.microseconds), *self._key))

    @property
    def _key(self) -> tuple[Unit, int, str]:
        return (self.unit, self.count, self.text)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TargetTime) and self.unit != other.unit:
            return False  # 5bd and 5d are different targets even where they last as long
        return super().__eq__(other)

    def __hash__(self) -> int:
        return super().__hash__()

    @property
    def in_days(self) -> bool:
        """Written as a plain count of days or weeks (`4d`, `1w`, `1d12h`)."""
        return not self.unit and bool(re.search(r"\d[dw]", self.text))

    def on_calendar(self, working_day: timedelta) -> TargetTime:
        """The working time this target stands for where a working day lasts `working_day`."""
        if self.unit != "bd":
            return self
        return TargetTime(working_day * self.count, self.unit, self.count, self.text)

    def describe(self) -> str:
        """'3 working days', '4 working hours', or the duration as written."""
        return describe_duration(self)
