"""matrix/severity.yaml: the impact dimensions that score an issue, and the severities the
score picks, with their targets."""

from __future__ import annotations

from pydantic import Field

from escmatrix.core.matrix.base import ALWAYS, Model
from escmatrix.core.target_time import Target
from escmatrix.core.types import Id, Text


class Dimension(Model):
    id: Id
    name: Text
    weight: int = Field(ge=0, le=100)
    levels: dict[Id, int]
    description: Text = ""


class Severity(Model):
    id: Id
    name: Text
    min_score: int = Field(ge=0)
    max_score: int = Field(ge=0)
    start_tier: Id
    first_response: Target
    update_every: Target
    resolution: Target
    calendar: Id = Field(
        default=ALWAYS,
        description="'24x7', or the id of a business-hours calendar in calendars.yaml",
    )


class SeverityFile(Model):
    """matrix/severity.yaml"""

    dimensions: list[Dimension] = Field(min_length=1)
    severities: list[Severity] = Field(min_length=1)
