"""Drills: scripted scenarios on a virtual clock, and what they found. Pure.

A scenario says when issues arrive (with their facts) and what people do or fail to do
(acknowledge at T, update at T, go out of office, a partner disputes, ...). The runner
(`escmatrix.app.drill`) plays it through routing, the SLA clocks, the sweep and notifications on a
throwaway copy of the repository; this module holds the scenario model, the results, the
coverage-gap rules, the score and the `expect` assertions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from escmatrix.core.issue import IssueState
from escmatrix.core.matrix import ALWAYS, Matrix
from escmatrix.core.types import Duration, Id, Text, parse_duration

DEFAULT_HOURS = "09:00-17:00"
GAP_PENALTY = 10


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


# -- what a drill found -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    issue: str | None
    kind: str
    who: str
    detail: str


@dataclass(frozen=True)
class Engagement:
    """Someone engaged on an issue: at which tier, owning whose issue, and how it came about."""

    at: datetime
    issue: str
    tier: str
    engaged: str
    owner: str
    how: str


@dataclass(frozen=True)
class Snapshot:
    at: datetime
    tier: str
    engaged: str
    owner: str
    status: str


@dataclass
class Deadline:
    issue: str
    clock: str
    started: datetime
    due: datetime
    state: Literal["met", "missed", "open"] = "open"
    settled_at: datetime | None = None


@dataclass(frozen=True)
class Gap:
    at: datetime
    issue: str | None
    kind: str
    detail: str


@dataclass(frozen=True)
class Captured:
    """A notification the drill would have sent (it never sends)."""

    at: datetime
    issue: str
    kind: str
    channel: str
    summary: str


@dataclass(frozen=True)
class Score:
    value: int
    met: int
    missed: int
    open: int
    gaps: int

    @property
    def explained(self) -> str:
        decided = self.met + self.missed
        share = f"{self.met} of {decided} deadlines met" if decided else "no deadline came due"
        gaps = f", {self.gaps} coverage gap{'s' if self.gaps != 1 else ''} (−{GAP_PENALTY} each)"
        return f"{self.value}/100: {share}{gaps if self.gaps else ''}"


def score(deadlines: list[Deadline], gaps: list[Gap]) -> Score:
    """Share of decided deadlines met (100 when none came due), less 10 per coverage gap."""
    met = sum(d.state == "met" for d in deadlines)
    missed = sum(d.state == "missed" for d in deadlines)
    waiting = sum(d.state == "open" for d in deadlines)
    base = round(100 * met / (met + missed)) if met + missed else 100
    return Score(max(0, base - GAP_PENALTY * len(gaps)), met, missed, waiting, len(gaps))


@dataclass(frozen=True)
class Outcome:
    """One expectation, checked: passed, and in words what was expected and what happened."""

    index: int
    expectation: dict[str, Any]
    passed: bool
    message: str


@dataclass
class DrillResult:
    scenario: str
    start: datetime
    end: datetime
    issues: dict[str, str] = field(default_factory=dict)  # scenario name -> issue id
    timeline: list[TimelineItem] = field(default_factory=list)
    engagements: list[Engagement] = field(default_factory=list)
    snapshots: dict[str, list[Snapshot]] = field(default_factory=dict)
    deadlines: list[Deadline] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    notifications: list[Captured] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    sweeps: int = 0

    @property
    def score(self) -> Score:
        return score(self.deadlines, self.gaps)

    @property
    def passed(self) -> bool:
        return all(o.passed for o in self.outcomes)


# -- coverage gaps ----------------------------------------------------------------------------------


def _hours(text: str | None) -> tuple[time, time | None]:
    start, end = (text or DEFAULT_HOURS).split("-")
    return time.fromisoformat(start), None if end == "24:00" else time.fromisoformat(end)


def working(matrix: Matrix, person_id: str, at: datetime) -> bool:
    """Within the person's working hours (local; 09:00-17:00 unless set) and not out of office."""
    person = matrix.people.get(person_id)
    if person is None or person.is_away(at):
        return False
    local = at.astimezone(ZoneInfo(person.timezone)).time()
    start, end = _hours(person.working_hours)
    if end is None:
        return local >= start
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def clocks_running(matrix: Matrix, state: IssueState, at: datetime) -> bool:
    """Whether the issue's SLA clocks count at this moment (24x7, or inside its calendar)."""
    from escmatrix.core.sla import targets_for, work_clock

    if state.severity not in matrix.severities:
        return True
    calendar = targets_for(matrix, state.severity, state.customer, state.partner).calendar
    if calendar == ALWAYS or calendar not in matrix.calendars:
        return True
    return work_clock(matrix, calendar).elapsed(at, at + timedelta(minutes=1)) > timedelta(0)


def engagement_gaps(matrix: Matrix, name: str, state: IssueState, at: datetime) -> Iterator[Gap]:
    """The person just engaged cannot be reached now: out of office, or outside their hours
    while the issue's clocks run."""
    person = matrix.people.get(state.engaged)
    if person is None:
        return
    if person.is_away(at):
        yield Gap(at, name, "away", f"tier {state.tier}: {person.id} is engaged but out of office")
        return
    if not working(matrix, person.id, at) and clocks_running(matrix, state, at):
        local = at.astimezone(ZoneInfo(person.timezone))
        hours = person.working_hours or DEFAULT_HOURS
        yield Gap(
            at,
            name,
            "off-hours",
            f"tier {state.tier}: {person.id} is engaged at {local:%a %H:%M} {person.timezone}, "
            f"outside working hours {hours}, while the clocks run",
        )


def category_gaps(matrix: Matrix, category: str, at: datetime, name: str | None) -> Iterator[Gap]:
    """A category whose primary owner and every backup are out of office."""
    cat = matrix.categories.get(category)
    if cat is None:
        return
    owners = [matrix.people.get(p) for p in (cat.primary, *cat.backups)]
    if all(p is not None and p.is_away(at) for p in owners):
        yield Gap(
            at,
            name,
            "backups-away",
            f"category {category}: the primary {cat.primary} and every backup "
            f"({', '.join(cat.backups)}) are out of office",
        )


_SKIPPED = re.compile(r"(\S+) skipped: (\S+) is out of office")


def skipped_tiers(reason: str) -> list[str]:
    """Tiers an escalation skipped because their holder was away (from its recorded reason)."""
    return [
        f"tier {tier} skipped: {who} is out of office" for tier, who in _SKIPPED.findall(reason)
    ]


# -- expectations -----------------------------------------------------------------------------------


def _fmt(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"


def describe(expect: Expectation, scenario: Scenario) -> dict[str, Any]:
    """The expectation as plain data, times resolved to UTC."""
    data = expect.model_dump(exclude_none=True)
    for key in ("at", "by"):
        value = getattr(expect, key)
        if value is not None:
            data[key] = scenario.when(value)
    return data


def evaluate(scenario: Scenario, result: DrillResult) -> list[Outcome]:
    """Check every expectation against what happened."""
    single = scenario.issues[0].name if len(scenario.issues) == 1 else None
    return [
        _check(i, e, scenario, result, e.issue or single)
        for i, e in enumerate(scenario.expect, start=1)
    ]


def _check(
    index: int, e: Expectation, scenario: Scenario, result: DrillResult, name: str | None
) -> Outcome:
    at = scenario.when(e.at) if e.at is not None else None
    by = scenario.when(e.by) if e.by is not None else None
    failures: list[str] = []
    said: list[str] = []
    snaps = result.snapshots.get(name or "", [])
    for key in ("tier", "engaged", "owner", "status"):
        wanted = getattr(e, key)
        if wanted is None:
            continue
        ok, text = _state_check(key, wanted, snaps, at, by, name or "?")
        said.append(text)
        if not ok:
            failures.append(text)
    if e.deadline is not None:
        ok, text = _deadline_check(e.deadline, e.met is not False, result.deadlines, name or "?")
        said.append(text)
        if not ok:
            failures.append(text)
    if e.notified is not None:
        ok, text = _notice_check(e.notified, e.notice, result.notifications, name, at or by)
        said.append(text)
        if not ok:
            failures.append(text)
    total = result.score
    if e.gaps is not None and total.gaps != e.gaps:
        failures.append(f"expected {e.gaps} coverage gaps, found {total.gaps}")
    if e.max_gaps is not None and total.gaps > e.max_gaps:
        failures.append(f"expected at most {e.max_gaps} coverage gaps, found {total.gaps}")
    if e.min_score is not None and total.value < e.min_score:
        failures.append(f"expected a score of at least {e.min_score}, got {total.explained}")
    if e.gaps is not None or e.max_gaps is not None or e.min_score is not None:
        said.append(f"score {total.explained}")
    passed = not failures
    message = "; ".join(failures if failures else said)
    return Outcome(index, describe(e, scenario), passed, message)


def _state_at(snaps: list[Snapshot], at: datetime) -> Snapshot | None:
    found = None
    for snap in snaps:
        if snap.at <= at:
            found = snap
    return found


def _state_check(
    key: str,
    wanted: str,
    snaps: list[Snapshot],
    at: datetime | None,
    by: datetime | None,
    name: str,
) -> tuple[bool, str]:
    label = {"tier": "at tier", "engaged": "engaged:", "owner": "owned by", "status": "status"}[key]
    history = ", ".join(
        f"{getattr(s, key)} from {s.at:%H:%M}"
        for i, s in enumerate(snaps)
        if i == 0 or getattr(snaps[i - 1], key) != getattr(s, key)
    )
    if at is not None:
        snap = _state_at(snaps, at)
        actual = getattr(snap, key) if snap else "not yet open"
        ok = actual == wanted
        text = f"{name} {label} {wanted} at {_fmt(at)}"
        return (
            ok,
            text if ok else f"expected {text}, but it was {actual} ({history or 'no history'})",
        )
    hit = next((s for s in snaps if getattr(s, key) == wanted and (by is None or s.at <= by)), None)
    when = f" by {_fmt(by)}" if by else ""
    if hit is not None:
        return (
            True,
            f"{name} {label} {wanted} at {_fmt(hit.at)}{when and ' (' + when.strip() + ')'}",
        )
    return (
        False,
        f"expected {name} {label} {wanted}{when}, but: {history or 'the issue never opened'}",
    )


def _deadline_check(
    clock: str, met: bool, deadlines: list[Deadline], name: str
) -> tuple[bool, str]:
    mine = [d for d in deadlines if d.issue == name and d.clock == clock]
    if not mine:
        clocks = sorted({d.clock for d in deadlines if d.issue == name})
        return (
            False,
            f"{name} never had a {clock!r} deadline (it had: {', '.join(clocks) or 'none'})",
        )
    states = ", ".join(f"{d.state} (due {_fmt(d.due)})" for d in mine)
    if met:
        ok = all(d.state == "met" for d in mine)
        return (
            ok,
            f"{name} {clock} deadline met" if ok else f"expected {name} {clock} met, but: {states}",
        )
    ok = any(d.state == "missed" for d in mine)
    return ok, f"{name} {clock} deadline missed" if ok else (
        f"expected {name} {clock} missed, but: {states}"
    )


def _notice_check(
    channel: str,
    kind: str | None,
    notices: list[Captured],
    name: str | None,
    by: datetime | None,
) -> tuple[bool, str]:
    what = f"{kind} notice" if kind else "a notice"
    where = (
        f"{what} on {channel}"
        + (f" for {name}" if name else "")
        + (f" by {_fmt(by)}" if by else "")
    )
    hit = next(
        (
            n
            for n in notices
            if n.channel == channel
            and (kind is None or n.kind == kind)
            and (name is None or n.issue == name)
            and (by is None or n.at <= by)
        ),
        None,
    )
    if hit is not None:
        return True, f"{where}: sent at {_fmt(hit.at)}"
    sent = sorted({f"{n.kind}→{n.channel}" for n in notices if name is None or n.issue == name})
    return False, f"expected {where}, but none (notices: {', '.join(sent) or 'none'})"
