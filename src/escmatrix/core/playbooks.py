"""Playbooks: the YAML front matter of `playbooks/*.md`, checked against the matrix and resolved
to people and clock times. Pure: the store reads the files, this decides what they mean.

A step's `owner` names a role rather than a person, so the playbook survives staff changes: a
tier of the ladder (resolved to whoever holds it for the issue), `liaison` (the customer's or
partner's liaison), a role people hold (`privacy-officer`), a team (its lead) or a person id.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from escmatrix.core.matrix import Matrix
from escmatrix.core.playbook_steps import LIAISON as LIAISON
from escmatrix.core.playbook_steps import StepOwner as StepOwner
from escmatrix.core.playbook_steps import TimedStep as TimedStep
from escmatrix.core.playbook_steps import lead_owner as lead_owner
from escmatrix.core.playbook_steps import resolve_owner as resolve_owner
from escmatrix.core.playbook_steps import step_due as step_due
from escmatrix.core.playbook_steps import timed_steps as timed_steps
from escmatrix.core.types import Duration, Id, Text

Audience = Literal["customer", "partner", "executive", "internal"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlaybookStep(_Model):
    step: Text = Field(min_length=1, description="what to do, in plain words")
    owner: Id = Field(
        description="who does it: a tier id, 'liaison', a role, a team id or a person id"
    )
    within: Duration = Field(description="time box from when the issue opened, e.g. 30m, 4h, 2d")


class CommunicationPoint(_Model):
    when: Text = Field(min_length=1)
    audience: Audience
    channel: Text = Field(min_length=1)


class PlaybookFront(_Model):
    """The front matter between the opening and closing `---` of a playbook."""

    category: Id
    owners: list[Id] = Field(min_length=1, description="the people who keep this playbook current")
    review: date = Field(
        description="when the playbook was last reviewed; due again after the matrix's review "
        "period (governance.yaml)"
    )
    steps: list[PlaybookStep] = Field(min_length=1)
    communication: list[CommunicationPoint] = []


@dataclass(frozen=True)
class Playbook:
    """One parsed playbook: its file (relative to the repository), front matter and body."""

    file: str
    front: PlaybookFront
    body: str
    raw: object  # the parsed front matter with positions, to place problems at their line
    offset: int  # lines before the front matter's first line in the file

    @property
    def category(self) -> str:
        return self.front.category

    @property
    def steps(self) -> list[PlaybookStep]:
        return self.front.steps


@dataclass(frozen=True)
class OwnerProblem:
    """A name in the front matter that resolves to nobody: where (pydantic-style path) and why."""

    loc: tuple[int | str, ...]
    message: str
    hint: str
    rule: str = "playbook-unknown-owner"


def owner_problems(
    matrix: Matrix, front: PlaybookFront, step_owners: AbstractSet[str] | None = None
) -> Iterator[OwnerProblem]:
    """Owners that are not people, step owners that name no tier, role, team or person.

    Checking many playbooks, pass `step_owners` (`step_owner_names(matrix)`) to build it once.
    """
    for i, owner in enumerate(front.owners):
        if owner not in matrix.people:
            yield OwnerProblem(
                ("owners", i),
                f"unknown owner {owner!r}: playbook owners are people",
                _known("people", sorted(matrix.people)),
            )
        elif matrix.people[owner].left is not None:
            yield OwnerProblem(
                ("owners", i),
                f"owner {owner!r} left on {matrix.people[owner].left}",
                "give the playbook an owner who is still here",
                rule="departed-person",
            )
    valid = step_owner_names(matrix) if step_owners is None else step_owners
    for i, step in enumerate(front.steps):
        if step.owner not in valid:
            yield OwnerProblem(
                ("steps", i, "owner"),
                f"step {i + 1}: unknown owner {step.owner!r}",
                "use a tier (" + ", ".join(t.id for t in matrix.tiers) + "), 'liaison', a role, "
                "a team or a person id",
            )


def step_owner_names(matrix: Matrix) -> set[str]:
    """Every name a step owner may use."""
    return (
        {t.id for t in matrix.tiers}
        | {LIAISON}
        | matrix.roles()
        | set(matrix.teams)
        | set(matrix.people)
    )


def _known(what: str, names: list[str]) -> str:
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return f"known {what}: {shown}" if names else f"no {what} are defined"


def review_due(matrix: Matrix, front: PlaybookFront) -> date:
    """When the playbook is due for review: its last review plus the matrix's review period."""
    return front.review + matrix.governance.review.period
