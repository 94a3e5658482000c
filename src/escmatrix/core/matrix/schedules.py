"""matrix/schedules.yaml (optional): on-call rotations in layers, with dated overrides.

A schedule is a stack of layers; each layer rotates through people at a local handoff time
(daily, weekly, or every `Nd`/`Nh`), optionally only within some hours of the local day
(follow-the-sun). A later layer wins where it has someone; an override wins over every layer.
"""

# Mutable defaults are safe here: pydantic copies them per instance.
# ruff: noqa: RUF012

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, Field

from escmatrix.core.matrix.base import Model
from escmatrix.core.matrix.people import WORKING_HOURS_PATTERN
from escmatrix.core.types import Id, Text, Timezone

LENGTH_PATTERN = r"^(daily|weekly|[1-9]\d*[dh])$"
HANDOFF_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"


class Layer(Model):
    """People taking turns, handing over at a local time."""

    id: Id
    rotation: list[Id] = Field(min_length=1, description="people, in turn order")
    timezone: Timezone
    handoff: Text = Field(
        default="09:00",
        pattern=HANDOFF_PATTERN,
        description="local time of the handoff, e.g. '09:00'",
    )
    length: Text = Field(
        default="weekly",
        pattern=LENGTH_PATTERN,
        description="'daily', 'weekly', or a custom length such as '3d' or '12h'",
    )
    starts: date = Field(description="the day the first person in `rotation` takes over")
    hours: Text | None = Field(
        default=None,
        pattern=WORKING_HOURS_PATTERN,
        description="only these local hours, e.g. '08:00-16:00' (follow-the-sun); unset: all day",
    )


class ScheduleOverride(Model):
    """Someone covering a stretch in place of whoever the layers name."""

    person: Id
    starts: AwareDatetime = Field(alias="from")
    until: AwareDatetime
    note: Text | None = None


class Schedule(Model):
    id: Id
    name: Text
    layers: list[Layer] = Field(
        min_length=1, description="later layers win where they have someone"
    )
    overrides: list[ScheduleOverride] = []


class SchedulesFile(Model):
    """matrix/schedules.yaml"""

    schedules: list[Schedule] = []
