"""matrix/people.yaml and matrix/teams.yaml: who works here, when they are away, and the
teams they belong to."""

# Mutable defaults are safe here: pydantic copies them per instance (ruff cannot see that
# `Model`, imported from base, is a pydantic model).
# ruff: noqa: RUF012

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from escmatrix.core import ladder_facts
from escmatrix.core.audit_rules import KEY_PATTERN
from escmatrix.core.matrix.base import Model
from escmatrix.core.types import Id, Text, Timezone


class Absence(Model):
    """A stretch out of office, inclusive of both dates; work goes to the category backup."""

    starts: date = Field(alias="from")
    until: date
    note: Text | None = None


WORKING_HOURS_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$"


# An SSH public key line or a GPG fingerprint (see core/audit_rules.py).
SigningKey = Annotated[Text, Field(pattern=KEY_PATTERN)]


class Person(Model):
    id: Id
    name: Text
    email: Text = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    timezone: Timezone
    team: Id
    roles: list[Id] = []
    channels: dict[Id, Text] = {}
    out_of_office: list[Absence] = []
    working_hours: Text | None = Field(
        default=None,
        pattern=WORKING_HOURS_PATTERN,
        json_schema_extra={"pattern": WORKING_HOURS_PATTERN},
        description="local working hours such as '09:00-17:00' (overnight: '22:00-06:00'); "
        "unset means 09:00-17:00; used to find gaps in a 24x7 tier's coverage",
    )

    signing_keys: list[SigningKey] = Field(
        default=[],
        description="the keys this person signs commits with: an SSH public key as in ~/.ssh/id_*.pub "
        "('ssh-ed25519 AAAA… comment') or a GPG key fingerprint (40 hex digits); "
        "`audit --require-signed` ties each commit's signer to the event's actor by these",
    )

    left: date | None = Field(
        default=None,
        description="the day this person left: kept so history and audit still know them, but from "
        "that day they cannot act, own, hold a tier or be routed to (validate names what still "
        "points at them)",
    )

    def has_left(self, when: datetime | date) -> bool:
        return ladder_facts.has_left(self.left, when)

    def is_away(self, when: datetime) -> bool:
        """Out of office that day, or gone for good: routing and the ladder pass them by."""
        return ladder_facts.is_away(self.left, self.out_of_office, when)


class PeopleFile(Model):
    """matrix/people.yaml"""

    people: list[Person]


class Team(Model):
    id: Id
    name: Text
    lead: Id
    manager: Id
    sponsor: Id
    members: list[Id] = []
    channel: Text | None = None


class TeamsFile(Model):
    """matrix/teams.yaml"""

    teams: list[Team]
