"""Response targets in working time: `3bd` (working days) and `4bh` (working hours).

On a business-hours calendar a plain `4d` is ambiguous: escmatrix counts it as 96 working hours
(about 12 working days on a 9-to-5 calendar) while a reader means four working days. Targets
(severities and contracts) therefore accept `bd` and `bh`, and remember how they were written so
the `ambiguous-duration` lint can refuse a day or week count on such a calendar.

A `TargetTime` is a `timedelta` (everything that measures clocks keeps working) that also knows
its unit. A working day's length depends on the calendar the target counts on, which a contract
can change, so `on_calendar` turns working days into working time once that calendar is known;
until then a working day stands for 24 hours.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from escmatrix.core.durations import DURATION_PATTERN, format_duration, parse_duration
from escmatrix.core.durations import TargetTime as TargetTime

_WORKING = re.compile(r"^(\d{1,4})(bd|bh)$")
WORKING_PATTERN = r"^\d{1,4}(bd|bh)$"


def parse_target(value: object) -> TargetTime:
    """'30m', '4h', '2d' as a duration, or '3bd' / '4bh' in working days or hours."""
    if isinstance(value, TargetTime):
        return value
    if isinstance(value, str):
        match = _WORKING.match(value.replace(" ", "").lower())
        if match:
            count, unit = int(match[1]), match[2]
            if count == 0:
                raise ValueError("a duration must be longer than zero")
            span = timedelta(days=count) if unit == "bd" else timedelta(hours=count)
            return TargetTime(span, "bd" if unit == "bd" else "bh", count)
        return TargetTime(parse_duration(value), text=value.replace(" ", ""))
    return TargetTime(parse_duration(value))


def _serialise(delta: timedelta) -> str:
    return delta.text if isinstance(delta, TargetTime) else format_duration(delta)


Target = Annotated[
    timedelta,
    PlainValidator(parse_target),
    PlainSerializer(_serialise, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "anyOf": [{"pattern": DURATION_PATTERN}, {"pattern": WORKING_PATTERN}],
            "examples": ["30m", "4h", "2d", "3bd", "4bh"],
            "description": "a duration (30m, 4h, 2d), or working time on the target's "
            "calendar: 3bd = three working days, 4bh = four working hours",
        }
    ),
]
