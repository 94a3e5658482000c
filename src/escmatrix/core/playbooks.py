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
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from escmatrix.core.matrix import ALWAYS, Matrix
from escmatrix.core.types import Duration, Id, Text

if TYPE_CHECKING:  # the issue and event models load only when a playbook meets an issue
    from escmatrix.core.issue import IssueState

LIAISON = "liaison"
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


# -- resolving to people and times ----------------------------------------------------------------


@dataclass(frozen=True)
class StepOwner:
    """A step's owner resolved to people (empty when it depends on an issue not given)."""

    role: str
    people: tuple[str, ...]
    note: str = ""


def lead_owner(matrix: Matrix, category: str, at: datetime) -> str | None:
    """Who would own a new issue of the category now: the primary, else the first backup in."""
    cat = matrix.categories.get(category)
    if cat is None:
        return None
    for person_id in (cat.primary, *cat.backups):
        person = matrix.people.get(person_id)
        if person is not None and not person.is_away(at):
            return person_id
    return cat.primary


def resolve_owner(
    matrix: Matrix, role: str, category: str, issue: IssueState | None, at: datetime
) -> StepOwner:
    """The people behind a step owner, for an issue (or a new issue of the category now)."""
    if role in {t.id for t in matrix.tiers}:
        owner = issue.owner if issue else lead_owner(matrix, category, at)
        if owner is None:
            return StepOwner(role, ())
        return StepOwner(role, (matrix.holder(matrix.tier(role), owner, at),))
    if role == LIAISON:
        account = None
        if issue is not None:
            account = matrix.customers.get(issue.customer or "") or matrix.partners.get(
                issue.partner or ""
            )
        if account is None:
            why = "the issue has no customer or partner" if issue else "depends on the account"
            return StepOwner(role, (), why)
        if account.liaison is None:
            return StepOwner(role, (), f"{account.name} has no liaison in accounts.yaml")
        return StepOwner(role, (account.liaison,), f"liaison for {account.name}")
    if role in matrix.people:
        return StepOwner(role, (role,))
    if role in matrix.teams:
        return StepOwner(role, (matrix.teams[role].lead,), f"lead of {matrix.teams[role].name}")
    holders = tuple(sorted(p.id for p in matrix.people.values() if role in p.roles))
    return StepOwner(role, holders, "" if holders else "nobody holds this role")


@dataclass(frozen=True)
class TimedStep:
    number: int
    step: PlaybookStep
    owner: StepOwner
    due: datetime | None  # for an issue: when the time box ends
    overdue: bool = False


def timed_steps(
    matrix: Matrix, playbook: Playbook, issue: IssueState | None, now: datetime
) -> list[TimedStep]:
    """Each step with its owner resolved and, for an issue, its time box as a clock time.

    Time boxes run from when the issue opened, on the issue's SLA calendar and less its pauses,
    like the SLA clocks.
    """
    out: list[TimedStep] = []
    for n, step in enumerate(playbook.front.steps, start=1):
        owner = resolve_owner(matrix, step.owner, playbook.category, issue, now)
        due = step_due(matrix, issue, step.within, now) if issue else None
        overdue = bool(issue and issue.is_active and due is not None and due < now)
        out.append(TimedStep(n, step, owner, due, overdue))
    return out


def step_due(matrix: Matrix, issue: IssueState, within: timedelta, now: datetime) -> datetime:
    from escmatrix.core.calendar import FOREVER
    from escmatrix.core.sla import pauses_of, targets_for, work_clock

    calendar = ALWAYS
    if issue.severity in matrix.severities:
        calendar = targets_for(matrix, issue.severity, issue.customer, issue.partner).calendar
        if calendar != ALWAYS and calendar not in matrix.calendars:
            calendar = ALWAYS
    due = work_clock(matrix, calendar).add(
        issue.opened_at, within, pauses_of(issue), open_pause_until=now
    )
    return due if due < FOREVER else issue.opened_at + within


def review_due(matrix: Matrix, front: PlaybookFront) -> date:
    """When the playbook is due for review: its last review plus the matrix's review period."""
    return front.review + matrix.governance.review.period
