"""matrix/ladder.yaml: the escalation tiers, who holds each, and when the sweep moves an
issue up on its own."""

# Mutable defaults are safe here: pydantic copies them per instance (ruff cannot see that
# `Model`, imported from base, is a pydantic model).
# ruff: noqa: RUF012

from __future__ import annotations

from typing import Literal

from pydantic import Field

from escmatrix.core.matrix.base import Model, default_model
from escmatrix.core.types import Duration, Id, Text

TierHolder = Literal["owner", "lead", "manager", "sponsor"]


class AutoEscalate(Model):
    """When the sweep moves an issue up from this tier on its own, driven by the clocks."""

    no_acknowledgement: bool = Field(
        default=False, description="the tier's response time passes without an acknowledgement"
    )
    no_update: bool = Field(
        default=False, description="no status update within the severity's update cadence"
    )
    resolution_percent: int | None = Field(
        default=None, ge=1, le=100, description="this share of the resolution target has elapsed"
    )


class Tier(Model):
    id: Id
    name: Text
    held_by: TierHolder
    schedule: Id | None = Field(
        default=None,
        description="whoever is on call on this schedule (schedules.yaml) holds the tier at that "
        "moment; held_by decides when the schedule names nobody",
    )
    response_time: Duration
    responsibilities: list[Text] = []
    escalate_when: list[Text] = []
    auto_escalate: AutoEscalate = default_model(AutoEscalate)
    coverage: Literal["business", "24x7"] = Field(
        default="business",
        description="24x7: someone who can hold this tier must be working at every hour",
    )


class LadderFile(Model):
    """matrix/ladder.yaml"""

    tiers: list[Tier] = Field(min_length=1)
