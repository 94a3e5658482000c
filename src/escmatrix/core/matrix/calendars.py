"""matrix/calendars.yaml: business-hours calendars that severity and contract targets count in."""

# Mutable defaults are safe here: pydantic copies them per instance (ruff cannot see that
# `Model`, imported from base, is a pydantic model).
# ruff: noqa: RUF012

from __future__ import annotations

import re
from datetime import date, time, timedelta

from pydantic import Field, PrivateAttr, field_validator

from escmatrix.core.calendar import WEEKDAYS as WEEKDAYS
from escmatrix.core.calendar import Span, working_day
from escmatrix.core.calendar import Weekday as Weekday
from escmatrix.core.matrix.base import Model
from escmatrix.core.types import Id, Text, Timezone

_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


class Calendar(Model):
    """Working days and hours in one timezone, less public holidays and closure dates."""

    id: Id
    name: Text = ""
    timezone: Timezone
    days: list[Weekday] = Field(default=["mon", "tue", "wed", "thu", "fri"], min_length=1)
    hours: Text = "09:00-17:00"
    holidays: Text | None = Field(
        default=None,
        pattern=r"^[A-Z]{2,3}(-[A-Z0-9]{1,5})?$",
        description="country code for public holidays, optionally with a subdivision: DE, DE-BE, US-CA",
    )
    closures: list[date] = []
    # day -> its working interval in UTC (None: closed), worked out once per calendar and day:
    # clocks on business hours walk the same days again and again (a drill, a report)
    _spans: dict[date, Span] = PrivateAttr(default_factory=dict)

    @field_validator("hours")
    @classmethod
    def _check_hours(cls, value: str) -> str:
        match = _HOURS.match(value.replace(" ", ""))
        if not match or (int(match[1]), int(match[2])) >= (int(match[3]), int(match[4])):
            raise ValueError(f"{value!r} is not a working-hours range; write e.g. '09:00-17:00'")
        return value.replace(" ", "")

    @property
    def opening(self) -> tuple[time, time | None]:
        """Opening and closing time of day; None closing means midnight (24:00)."""
        start, end = self.hours.split("-")
        close = None if end == "24:00" else time.fromisoformat(end)
        return time.fromisoformat(start), close

    @property
    def spans(self) -> dict[date, Span]:
        """The cache of working intervals by day that `core.calendar.WorkClock` fills."""
        return self._spans

    @property
    def working_day(self) -> timedelta:
        """How long a working day lasts: what one `bd` (working day) of a target counts."""
        return working_day(self.opening)


class CalendarsFile(Model):
    """matrix/calendars.yaml"""

    calendars: list[Calendar] = []
