"""A playbook's steps resolved to people and clock times, on the validated matrix or its plain
copy (`LadderFacts`), without the playbook's pydantic models: `open` prints the first steps of the
category's playbook from the plain copy the local cache keeps of it (`app/first_steps.py`).

A step's `owner` names a role rather than a person: a tier of the ladder (resolved to whoever
holds it for the issue), `liaison` (the customer's or partner's liaison), a role people hold, a
team (its lead) or a person id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple, Protocol

from escmatrix.core.calendar import ALWAYS

if TYPE_CHECKING:
    from escmatrix.core.issue import IssueState
    from escmatrix.core.route_facts import RouteMatrix

LIAISON = "liaison"


class Step(Protocol):
    """One step: what to do, whose it is, and its time box from when the issue opened."""

    @property
    def step(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def within(self) -> timedelta: ...


class Steps(Protocol):
    """A playbook as its steps are timed: the validated `Playbook` or its plain copy."""

    @property
    def file(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def steps(self) -> Sequence[Step]: ...


class PlainStep(NamedTuple):
    step: str
    owner: str
    within: timedelta


class PlainSteps(NamedTuple):
    """What `open` shows of a playbook, as the local cache keeps it."""

    file: str
    category: str
    steps: tuple[PlainStep, ...]

    @classmethod
    def of(cls, playbook: Steps) -> PlainSteps:
        return cls(
            playbook.file,
            playbook.category,
            tuple(PlainStep(s.step, s.owner, s.within) for s in playbook.steps),
        )


@dataclass(frozen=True)
class StepOwner:
    """A step's owner resolved to people (empty when it depends on an issue not given)."""

    role: str
    people: tuple[str, ...]
    note: str = ""


def lead_owner(matrix: RouteMatrix, category: str, at: datetime) -> str | None:
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
    matrix: RouteMatrix, role: str, category: str, issue: IssueState | None, at: datetime
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
    step: Step
    owner: StepOwner
    due: datetime | None  # for an issue: when the time box ends
    overdue: bool = False


def timed_steps(
    matrix: RouteMatrix, playbook: Steps, issue: IssueState | None, now: datetime
) -> list[TimedStep]:
    """Each step with its owner resolved and, for an issue, its time box as a clock time.

    Time boxes run from when the issue opened, on the issue's SLA calendar and less its pauses,
    like the SLA clocks.
    """
    out: list[TimedStep] = []
    for n, step in enumerate(playbook.steps, start=1):
        owner = resolve_owner(matrix, step.owner, playbook.category, issue, now)
        due = step_due(matrix, issue, step.within, now) if issue else None
        overdue = bool(issue and issue.is_active and due is not None and due < now)
        out.append(TimedStep(n, step, owner, due, overdue))
    return out


def step_due(matrix: RouteMatrix, issue: IssueState, within: timedelta, now: datetime) -> datetime:
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
