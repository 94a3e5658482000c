"""What the sweep reads of the matrix, as protocols, and a plain copy of it.

`core.escalation` plans an issue's clock-driven escalations and alerts against a `LadderMatrix`:
what its clocks read (`core.clock_facts.ClockMatrix`), the categories' owners, the ladder's tiers
and when each hands an issue up, people's availability, the teams' lead, manager and sponsor, and
the on-call schedules. The validated `Matrix` is one; `LadderFacts` is another, made of named
tuples that the local cache keeps, so that `sweep` plans without loading the matrix models (every
command that reads the cached facts makes these classes at import: a named tuple class costs a
sixth of a dataclass's). `holder` is the one place that says who holds a tier, for both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple, Protocol

from escmatrix.core.calendar import Hours
from escmatrix.core.clock_facts import ClockFacts, PlainContracts, PlainTargets
from escmatrix.core.route_facts import PlainDimension, PlainRule

if TYPE_CHECKING:  # for type checking only: creating Protocol classes costs import time
    from escmatrix.core.clock_facts import ClockMatrix, TierTime
    from escmatrix.core.oncall import OnCallSchedule
    from escmatrix.core.route_facts import RouteMatrix

    class AutoRules(Protocol):
        @property
        def no_acknowledgement(self) -> bool: ...
        @property
        def no_update(self) -> bool: ...
        @property
        def resolution_percent(self) -> int | None: ...

    class LadderTier(TierTime, Protocol):
        @property
        def name(self) -> str: ...
        @property
        def held_by(self) -> str: ...
        @property
        def schedule(self) -> str | None: ...
        @property
        def auto_escalate(self) -> AutoRules: ...

    class Owners(Protocol):
        @property
        def primary(self) -> str: ...
        @property
        def backups(self) -> Sequence[str]: ...

    class Stretch(Protocol):
        @property
        def starts(self) -> date: ...
        @property
        def until(self) -> date: ...

    class Available(Protocol):
        @property
        def team(self) -> str | None: ...
        @property
        def left(self) -> date | None: ...
        @property
        def out_of_office(self) -> Sequence[Stretch]: ...
        @property
        def roles(self) -> Sequence[str]: ...
        def has_left(self, when: datetime | date) -> bool: ...
        def is_away(self, when: datetime) -> bool: ...

    class Holders(Protocol):
        @property
        def lead(self) -> str: ...
        @property
        def manager(self) -> str: ...
        @property
        def sponsor(self) -> str: ...

    class LadderMatrix(ClockMatrix, Protocol):
        """What `core.escalation` reads of a matrix."""

        @property
        def categories(self) -> Mapping[str, Owners]: ...
        @property
        def tiers(self) -> Sequence[LadderTier]: ...
        @property
        def people(self) -> Mapping[str, Available]: ...
        @property
        def teams(self) -> Mapping[str, Holders]: ...
        @property
        def schedules(self) -> Mapping[str, OnCallSchedule]: ...
        def tier(self, tier_id: str) -> LadderTier: ...
        def tier_index(self, tier_id: str) -> int: ...

    class Template(Protocol):
        @property
        def required(self) -> Sequence[str]: ...
        @property
        def max_length(self) -> int: ...

    class ChannelRef(Protocol):
        @property
        def id(self) -> str: ...
        @property
        def kind(self) -> str: ...

    class Comms(Protocol):
        @property
        def status_update(self) -> Template: ...
        @property
        def channels(self) -> Sequence[ChannelRef]: ...
        @property
        def by_severity(self) -> Mapping[str, Sequence[str]]: ...

    class OverrideRules(Protocol):
        @property
        def allowed(self) -> Sequence[str]: ...
        @property
        def reconcilers(self) -> Sequence[str]: ...

    class Governance(Protocol):
        @property
        def overrides(self) -> OverrideRules: ...

    class ActMatrix(LadderMatrix, Protocol):
        """What the responder decides on and notifications are worked out from, beside the
        ladder: who a git identity is, the status template, the channels by severity, and who
        may override."""

        @property
        def comms(self) -> Comms: ...
        @property
        def governance(self) -> Governance: ...
        @property
        def emails(self) -> Mapping[str, str]: ...
        def person_of(self, email: str) -> str | None: ...
        def holder(self, tier: LadderTier, owner_id: str, at: datetime | None = None) -> str: ...
        def may_override(self, person_id: str) -> bool: ...
        def may_reconcile(self, person_id: str) -> bool: ...


def holder(matrix: LadderMatrix, tier: LadderTier, owner_id: str, at: datetime | None) -> str:
    """The person who holds `tier` for an issue owned by `owner_id` (at `at`, a tier held by an
    on-call schedule is whoever it names then; nobody named: `held_by` decides)."""
    if tier.schedule is not None and at is not None and tier.schedule in matrix.schedules:
        from escmatrix.core.oncall import who_is_on_call

        person = who_is_on_call(matrix.schedules[tier.schedule], at).person
        if person is not None:
            return person
    if tier.held_by == "owner":
        return owner_id
    owner = matrix.people.get(owner_id)
    team = matrix.teams.get(owner.team) if owner is not None and owner.team else None
    if team is None:
        return owner_id
    return {"lead": team.lead, "manager": team.manager, "sponsor": team.sponsor}[tier.held_by]


def granted(matrix: LadderMatrix, person_id: str, grants: Sequence[str]) -> bool:
    """Whether the person is granted something by id or by one of their roles."""
    person = matrix.people.get(person_id)
    if person is None:
        return False
    return person_id in grants or any(role in grants for role in person.roles)


def rung(tiers: Sequence[TierTime], tier_id: str) -> int:
    """Where the tier `tier_id` stands on the ladder `tiers`, lowest first (KeyError: not there)."""
    for index, tier in enumerate(tiers):
        if tier.id == tier_id:
            return index
    raise KeyError(tier_id)


def has_left(left: date | None, when: datetime | date) -> bool:
    """Gone for good by `when` (from the day they left)."""
    day = when.date() if isinstance(when, datetime) else when
    return left is not None and day >= left


def is_away(left: date | None, out_of_office: Sequence[Stretch], when: datetime) -> bool:
    """Out of office that day (both dates inclusive), or gone for good: routing and the ladder
    pass them by."""
    day = when.date()
    return has_left(left, day) or any(a.starts <= day <= a.until for a in out_of_office)


class PlainRules(NamedTuple):
    no_acknowledgement: bool
    no_update: bool
    resolution_percent: int | None


class PlainRung(NamedTuple):
    id: str
    response_time: timedelta
    held_by: str
    schedule: str | None
    auto_escalate: PlainRules
    name: str


class PlainOwners(NamedTuple):
    primary: str
    backups: tuple[str, ...]
    schedule: str | None  # on call for the category, ahead of the primary


class PlainStretch(NamedTuple):
    starts: date
    until: date


class PlainPerson(NamedTuple):
    team: str | None
    left: date | None
    out_of_office: tuple[PlainStretch, ...]
    roles: tuple[str, ...]
    id: str
    name: str
    timezone: str
    working_hours: str | None

    def has_left(self, when: datetime | date) -> bool:
        return has_left(self.left, when)

    def is_away(self, when: datetime) -> bool:
        return is_away(self.left, self.out_of_office, when)


class PlainHolders(NamedTuple):
    lead: str
    manager: str
    sponsor: str
    id: str
    name: str
    members: tuple[str, ...]


class PlainLayer(NamedTuple):
    id: str
    rotation: tuple[str, ...]
    timezone: str
    handoff: str
    length: str
    starts: date
    hours: str | None


class PlainCover(NamedTuple):
    person: str
    starts: datetime
    until: datetime
    note: str | None


class PlainSchedule(NamedTuple):
    id: str
    layers: tuple[PlainLayer, ...]
    overrides: tuple[PlainCover, ...]


class PlainTemplate(NamedTuple):
    required: tuple[str, ...]
    max_length: int


class PlainChannel(NamedTuple):
    id: str
    kind: str


class PlainComms(NamedTuple):
    status_update: PlainTemplate
    channels: tuple[PlainChannel, ...]
    by_severity: dict[str, tuple[str, ...]]


class PlainOverrides(NamedTuple):
    allowed: tuple[str, ...]
    reconcilers: tuple[str, ...]


class PlainGovernance(NamedTuple):
    overrides: PlainOverrides


class LadderFacts(NamedTuple):
    """A plain copy of what the sweep, the responder and notifications read of a matrix."""

    clocks: ClockFacts
    categories: dict[str, PlainOwners]
    tiers: tuple[PlainRung, ...]
    people: dict[str, PlainPerson]
    teams: dict[str, PlainHolders]
    schedules: dict[str, PlainSchedule]
    emails: dict[str, str]  # a person's email, lower-cased -> their id
    comms: PlainComms
    governance: PlainGovernance
    dimensions: dict[str, PlainDimension]
    rules: tuple[PlainRule, ...]

    @property
    def severities(self) -> dict[str, PlainTargets]:
        return self.clocks.severities

    @property
    def customers(self) -> dict[str, PlainContracts]:
        return self.clocks.customers

    @property
    def partners(self) -> dict[str, PlainContracts]:
        return self.clocks.partners

    @property
    def calendars(self) -> dict[str, Hours]:
        return self.clocks.calendars

    def tier_index(self, tier_id: str) -> int:
        return rung(self.tiers, tier_id)

    def tier(self, tier_id: str) -> PlainRung:
        return self.tiers[self.tier_index(tier_id)]

    def person_of(self, email: str) -> str | None:
        return self.emails.get(email.lower())

    def holder(self, tier: LadderTier, owner_id: str, at: datetime | None = None) -> str:
        return holder(self, tier, owner_id, at)

    def may_override(self, person_id: str) -> bool:
        return granted(self, person_id, self.governance.overrides.allowed)

    def may_reconcile(self, person_id: str) -> bool:
        policy = self.governance.overrides
        return granted(self, person_id, policy.reconcilers or policy.allowed)

    @classmethod
    def of(cls, matrix: RouteMatrix, clocks: ClockFacts) -> LadderFacts:
        """The copy of `matrix`, whose clock facts are `clocks`."""
        return cls(
            clocks,
            {
                k: PlainOwners(c.primary, tuple(c.backups), c.schedule)
                for k, c in matrix.categories.items()
            },
            tuple(
                PlainRung(
                    t.id,
                    t.response_time,
                    t.held_by,
                    t.schedule,
                    PlainRules(
                        t.auto_escalate.no_acknowledgement,
                        t.auto_escalate.no_update,
                        t.auto_escalate.resolution_percent,
                    ),
                    t.name,
                )
                for t in matrix.tiers
            ),
            {
                k: PlainPerson(
                    p.team,
                    p.left,
                    tuple(PlainStretch(a.starts, a.until) for a in p.out_of_office),
                    tuple(p.roles),
                    p.id,
                    p.name,
                    p.timezone,
                    p.working_hours,
                )
                for k, p in matrix.people.items()
            },
            {
                k: PlainHolders(t.lead, t.manager, t.sponsor, t.id, t.name, tuple(t.members))
                for k, t in matrix.teams.items()
            },
            {
                k: PlainSchedule(
                    s.id,
                    tuple(
                        PlainLayer(
                            x.id,
                            tuple(x.rotation),
                            x.timezone,
                            x.handoff,
                            x.length,
                            x.starts,
                            x.hours,
                        )
                        for x in s.layers
                    ),
                    tuple(PlainCover(o.person, o.starts, o.until, o.note) for o in s.overrides),
                )
                for k, s in matrix.schedules.items()
            },
            dict(matrix.emails),
            PlainComms(
                PlainTemplate(
                    tuple(matrix.comms.status_update.required),
                    matrix.comms.status_update.max_length,
                ),
                tuple(PlainChannel(c.id, c.kind) for c in matrix.comms.channels),
                {k: tuple(v) for k, v in matrix.comms.by_severity.items()},
            ),
            PlainGovernance(
                PlainOverrides(
                    tuple(matrix.governance.overrides.allowed),
                    tuple(matrix.governance.overrides.reconcilers),
                )
            ),
            {k: PlainDimension(d.weight, dict(d.levels)) for k, d in matrix.dimensions.items()},
            tuple(PlainRule.of(r) for r in matrix.rules),
        )
