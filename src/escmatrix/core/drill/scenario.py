"""A drill's scenario: when issues arrive, what people do or fail to do, what is expected. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from escmatrix.core.durations import parse_duration
from escmatrix.core.matrix import Matrix
from escmatrix.core.types import Duration, Id, Text


def _when(value: object) -> object:
    """A scenario time: an ISO 8601 time with an offset, or +DURATION from the drill's start."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a time needs an offset, e.g. 2026-11-28T03:00:00Z")
        return value
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError("write a time as 2026-11-28T03:00:00Z or as +2h from the start")
    text = value.strip()
    if text.startswith("+"):
        if re.fullmatch(r"\+0+[wdhm]?", text):
            return timedelta(0)
        return parse_duration(text[1:])
    raw = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(
            f"{value!r} is not a time; write 2026-11-28T03:00:00Z or +2h30m from the start"
        ) from None
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no offset; add Z for UTC, e.g. {value}Z")
    return parsed


When = Annotated[
    datetime | timedelta,
    BeforeValidator(_when),
    WithJsonSchema(
        {
            "type": "string",
            "description": "ISO 8601 with an offset, or +DURATION from the start",
            "examples": ["2026-11-28T03:00:00Z", "+2h30m"],
        }
    ),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DrillIssue(_Model):
    """An issue that arrives during the drill, with the facts it is opened with."""

    name: Id = Field(description="what the scenario calls it (events and expect use it)")
    at: When = timedelta(0)
    title: Text = Field(min_length=1, max_length=200)
    category: Id
    severity: Id | None = None
    impact: dict[Id, Id] = {}
    customer: Id | None = None
    partner: Id | None = None
    tags: list[Id] = []
    description: Text = ""
    opened_by: Id | None = Field(
        default=None, description="who opens it (default: the category's primary owner)"
    )

    @model_validator(mode="after")
    def _rated(self) -> DrillIssue:
        if self.severity is None and not self.impact:
            raise ValueError("give the issue a severity or an impact")
        return self


Action = Literal[
    "ack",
    "update",
    "assign",
    "escalate",
    "deescalate",
    "comment",
    "note",
    "pause",
    "resume",
    "resolve",
    "dispute",
    "away",
    "back",
]
_NEEDS_TEXT = {"update", "comment", "note", "dispute"}


class DrillEvent(_Model):
    """Something someone does at a time. Without an `ack` event, nobody acknowledges."""

    at: When
    do: Action
    issue: Id | None = Field(default=None, description="the issue's name (default: the only one)")
    by: Id | None = Field(default=None, description="who does it (default: who would)")
    person: Id | None = Field(default=None, description="away/back: who goes out of office")
    until: date | None = Field(default=None, description="away: the last day away")
    text: Text = Field(default="", description="the status, comment, note, reason or summary")
    next: Text = Field(default="", description="update: the next steps")
    to: Id | None = Field(default=None, description="assign: the person; escalate: the tier")
    waiting_on: Literal["customer", "partner"] | None = None

    @model_validator(mode="after")
    def _complete(self) -> DrillEvent:
        if self.do in ("away", "back") and self.person is None:
            raise ValueError(f"`do: {self.do}` needs `person`")
        if self.do in _NEEDS_TEXT and not self.text.strip():
            raise ValueError(f"`do: {self.do}` needs `text`")
        if self.do == "assign" and self.to is None:
            raise ValueError("`do: assign` needs `to` (a person)")
        return self


class Expectation(_Model):
    """An assertion about the drill; any that fails makes `escmatrix drill` exit 1.

    `at`: the state at that time; `by`: it happened no later than that; neither: at any time.
    """

    issue: Id | None = None
    at: When | None = None
    by: When | None = None
    tier: Id | None = None
    engaged: Id | None = None
    owner: Id | None = None
    status: Literal["open", "acknowledged", "paused", "resolved", "closed"] | None = None
    deadline: Text | None = Field(
        default=None,
        description="a clock: 'first response', 'next update', 'resolution', 'tier ID response'",
    )
    met: bool | None = None
    notified: Id | None = Field(default=None, description="a channel id that was told")
    notice: Id | None = Field(default=None, description="with notified: the kind (escalated, ...)")
    gaps: int | None = Field(default=None, ge=0, description="exactly this many coverage gaps")
    max_gaps: int | None = Field(default=None, ge=0)
    min_score: int | None = Field(default=None, ge=0, le=100)

    @model_validator(mode="after")
    def _one_check(self) -> Expectation:
        if self.at is not None and self.by is not None:
            raise ValueError("give `at` or `by`, not both")
        checks = (self.tier, self.engaged, self.owner, self.status, self.deadline, self.notified)
        totals = (self.gaps, self.max_gaps, self.min_score)
        if all(c is None for c in (*checks, *totals)):
            raise ValueError(
                "say what to expect: tier, engaged, owner, status, deadline, notified, gaps, "
                "max_gaps or min_score"
            )
        if self.met is not None and self.deadline is None:
            raise ValueError("`met` goes with `deadline`")
        return self


class Scenario(_Model):
    """A drill scenario file (playbooks/drills/*.yaml)."""

    name: Text = Field(min_length=1)
    description: Text = ""
    start: AwareDatetime
    duration: Duration = Field(default_factory=lambda: timedelta(days=1))
    issues: list[DrillIssue] = Field(min_length=1)
    events: list[DrillEvent] = []
    expect: list[Expectation] = []

    def when(self, value: datetime | timedelta) -> datetime:
        return self.start + value if isinstance(value, timedelta) else value

    @property
    def end(self) -> datetime:
        return self.start + self.duration


# -- checking a scenario against the matrix ---------------------------------------------------------


@dataclass(frozen=True)
class ScenarioProblem:
    loc: tuple[int | str, ...]
    message: str
    hint: str = ""


def check_scenario(scenario: Scenario, matrix: Matrix) -> list[ScenarioProblem]:
    """Names the matrix does not know, issues referred to but not defined, times out of range."""
    found: list[ScenarioProblem] = []
    people, tiers = set(matrix.people), {t.id for t in matrix.tiers}
    names = [i.name for i in scenario.issues]
    start, end = scenario.start, scenario.end

    def known(loc: tuple[int | str, ...], value: str | None, pool: set[str], what: str) -> None:
        if value is not None and value not in pool:
            shown = ", ".join(sorted(pool)[:12]) or "none"
            found.append(ScenarioProblem(loc, f"unknown {what} {value!r}", f"known: {shown}"))

    def in_range(loc: tuple[int | str, ...], value: datetime | timedelta | None) -> None:
        if value is None:
            return
        at = scenario.when(value)
        if not start <= at <= end:
            found.append(
                ScenarioProblem(
                    loc,
                    f"{at:%Y-%m-%d %H:%M} UTC is outside the drill "
                    f"({start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC)",
                    "move it, or change start or duration",
                )
            )

    for i, issue in enumerate(scenario.issues):
        if names.index(issue.name) != i:
            found.append(ScenarioProblem(("issues", i, "name"), f"duplicate name {issue.name!r}"))
        known(("issues", i, "category"), issue.category, set(matrix.categories), "category")
        known(("issues", i, "severity"), issue.severity, set(matrix.severities), "severity")
        known(("issues", i, "customer"), issue.customer, set(matrix.customers), "customer")
        known(("issues", i, "partner"), issue.partner, set(matrix.partners), "partner")
        known(("issues", i, "opened_by"), issue.opened_by, people, "person")
        for dim, level in issue.impact.items():
            dimension = matrix.dimensions.get(dim)
            if dimension is None:
                known(("issues", i, "impact", dim), dim, set(matrix.dimensions), "dimension")
            else:
                known(("issues", i, "impact", dim), level, set(dimension.levels), "level")
        in_range(("issues", i, "at"), issue.at)
    single = names[0] if len(names) == 1 else None
    for i, event in enumerate(scenario.events):
        if event.do not in ("away", "back"):
            if event.issue is None and single is None:
                found.append(ScenarioProblem(("events", i), "which issue? add `issue: NAME`"))
            known(("events", i, "issue"), event.issue, set(names), "issue")
        known(("events", i, "by"), event.by, people, "person")
        known(("events", i, "person"), event.person, people, "person")
        if event.do == "assign":
            known(("events", i, "to"), event.to, people, "person")
        elif event.do in ("escalate", "deescalate"):
            known(("events", i, "to"), event.to, tiers, "tier")
        in_range(("events", i, "at"), event.at)
    channels = {c.id for c in matrix.comms.channels}
    for i, expect in enumerate(scenario.expect):
        if expect.issue is None and single is None and _about_an_issue(expect):
            found.append(ScenarioProblem(("expect", i), "which issue? add `issue: NAME`"))
        known(("expect", i, "issue"), expect.issue, set(names), "issue")
        known(("expect", i, "tier"), expect.tier, tiers, "tier")
        known(("expect", i, "engaged"), expect.engaged, people, "person")
        known(("expect", i, "owner"), expect.owner, people, "person")
        known(("expect", i, "notified"), expect.notified, channels, "channel")
        in_range(("expect", i, "at"), expect.at)
        in_range(("expect", i, "by"), expect.by)
    return found


def _about_an_issue(expect: Expectation) -> bool:
    return any(
        v is not None for v in (expect.tier, expect.engaged, expect.owner, expect.status)
    ) or (expect.deadline is not None)
