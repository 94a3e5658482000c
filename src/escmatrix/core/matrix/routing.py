"""matrix/routing.yaml: the rules, read top to bottom, that say who gets a new issue."""

# Mutable defaults are safe here: pydantic copies them per instance (ruff cannot see that
# `Model`, imported from base, is a pydantic model).
# ruff: noqa: RUF012

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Literal

from pydantic import Field

from escmatrix.core.matrix.base import Model, default_model
from escmatrix.core.matrix.people import Team
from escmatrix.core.route_facts import catch_all, pool_people
from escmatrix.core.types import Duration, Id, Text


class Match(Model):
    """Every key given must match (and); within a key, any listed value matches (or)."""

    category: list[Id] = []
    severity: list[Id] = []
    customer: list[Id] = []
    partner: list[Id] = []
    tags: list[Id] = []
    strategic: bool | None = None
    working_hours: Id | None = Field(
        default=None,
        description="only while this business-hours calendar (calendars.yaml) is open when the "
        "issue arrives",
    )
    outside_working_hours: Id | None = Field(
        default=None,
        description="only while this business-hours calendar is closed when the issue arrives "
        "(nights, weekends, holidays)",
    )

    @property
    def is_catch_all(self) -> bool:
        return catch_all(self)


PoolStrategy = Literal["round-robin", "least-loaded", "best-track-record"]


class Rule(Model):
    id: Id
    description: Text = ""
    when: Match = default_model(Match)
    owner: Id = "primary"
    tier: Id | None = None
    pool: Id | list[Id] | None = Field(
        default=None,
        description="instead of owner: pick from a team (its members, then its lead), an on-call "
        "schedule (whoever its layers name at that moment) or a list of people, by strategy",
    )
    schedule: Id | None = Field(
        default=None,
        description="instead of owner: whoever holds this on-call schedule (schedules.yaml) when "
        "the issue arrives; out of office hands it to the category's backups",
    )
    strategy: PoolStrategy = Field(
        default="least-loaded",
        description="round-robin (take turns), least-loaded (fewest open issues owned) or "
        "best-track-record (lowest median time to resolution on the category within window, "
        "among people with at least min_sample resolved; else least-loaded)",
    )
    window: Duration = Field(
        default_factory=lambda: timedelta(days=90),
        description="best-track-record: how far back resolved issues count",
    )
    min_sample: int = Field(
        default=3, ge=1, description="best-track-record: resolved issues a person needs to count"
    )

    def pool_people(self, teams: Mapping[str, Team]) -> list[str]:
        """The pool's people in order (a team: members, then lead), without repeats."""
        return pool_people(self.pool, teams)


class RoutingFile(Model):
    """matrix/routing.yaml"""

    rules: list[Rule] = Field(min_length=1)
