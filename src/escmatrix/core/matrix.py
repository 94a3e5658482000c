"""The escalation matrix: pydantic models for each matrix file and the assembled `Matrix`.

One model per file under `matrix/`, all with unknown keys forbidden. `Matrix` joins them and
checks every cross-reference (people, teams, tiers, categories, severities, channels), reporting
each broken one with the file and the path inside it, so the loader can name the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Annotated, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from escmatrix.core.types import Duration, Id, Text, Timezone

ALWAYS = "24x7"

TierHolder = Literal["owner", "lead", "manager", "sponsor"]
ChannelKind = Literal["slack", "email", "webhook", "pagerduty", "dashboard"]


class Model(BaseModel):
    # built on first validation: a matrix read from the local cache is never validated again
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


# -- people and teams ---------------------------------------------------------------------------


class Absence(Model):
    """A stretch out of office, inclusive of both dates; work goes to the category backup."""

    starts: date = Field(alias="from")
    until: date
    note: Text | None = None


WORKING_HOURS_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$"


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

    def is_away(self, when: datetime) -> bool:
        day = when.date()
        return any(a.starts <= day <= a.until for a in self.out_of_office)


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


# -- categories ---------------------------------------------------------------------------------


class Category(Model):
    id: Id
    name: Text
    description: Text = ""
    primary: Id
    backups: list[Id] = Field(min_length=1)
    specialists: list[Id] = []
    playbook: Text | None = None


class CategoriesFile(Model):
    """matrix/categories.yaml"""

    categories: list[Category]


# -- the ladder ---------------------------------------------------------------------------------


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
    response_time: Duration
    responsibilities: list[Text] = []
    escalate_when: list[Text] = []
    auto_escalate: AutoEscalate = AutoEscalate()
    coverage: Literal["business", "24x7"] = Field(
        default="business",
        description="24x7: someone who can hold this tier must be working at every hour",
    )


class LadderFile(Model):
    """matrix/ladder.yaml"""

    tiers: list[Tier] = Field(min_length=1)


# -- impact and severity ------------------------------------------------------------------------


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
    first_response: Duration
    update_every: Duration
    resolution: Duration
    calendar: Id = Field(
        default=ALWAYS,
        description="'24x7', or the id of a business-hours calendar in calendars.yaml",
    )


class SeverityFile(Model):
    """matrix/severity.yaml"""

    dimensions: list[Dimension] = Field(min_length=1)
    severities: list[Severity] = Field(min_length=1)


# -- routing ------------------------------------------------------------------------------------


class Match(Model):
    """Every key given must match (and); within a key, any listed value matches (or)."""

    category: list[Id] = []
    severity: list[Id] = []
    customer: list[Id] = []
    partner: list[Id] = []
    tags: list[Id] = []
    strategic: bool | None = None

    @property
    def is_catch_all(self) -> bool:
        return (
            not (self.category or self.severity or self.customer or self.partner or self.tags)
            and self.strategic is None
        )


PoolStrategy = Literal["round-robin", "least-loaded", "best-track-record"]


class Rule(Model):
    id: Id
    description: Text = ""
    when: Match = Match()
    owner: Id = "primary"
    tier: Id | None = None
    pool: Id | list[Id] | None = Field(
        default=None,
        description="instead of owner: pick from a team (its members, then its lead) or a list "
        "of people, by strategy",
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

    def pool_people(self, teams: dict[str, Team]) -> list[str]:
        """The pool's people in order (a team: members, then lead), without repeats."""
        if self.pool is None:
            return []
        if isinstance(self.pool, str):
            team = teams.get(self.pool)
            found = [*team.members, team.lead] if team else []
        else:
            found = list(self.pool)
        return list(dict.fromkeys(found))


class RoutingFile(Model):
    """matrix/routing.yaml"""

    rules: list[Rule] = Field(min_length=1)


# -- customers and partners ---------------------------------------------------------------------


class ContractTargets(Model):
    first_response: Duration | None = None
    update_every: Duration | None = None
    resolution: Duration | None = None
    calendar: Id | None = None


# -- business-hours calendars -------------------------------------------------------------------

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


class Calendar(Model):
    """Working days and hours in one timezone, less public holidays and closure dates."""

    id: Id
    name: Text = ""
    timezone: Timezone
    days: list[Weekday] = Field(default=["mon", "tue", "wed", "thu", "fri"], min_length=1)
    hours: Text = "09:00-17:00"
    holidays: Text | None = Field(
        default=None,
        pattern=r"^[A-Z]{2,3}(-[A-Z0-9]{1,5})?$",
        description="country code for public holidays, optionally with a subdivision: DE, DE-BE, US-CA",
    )
    closures: list[date] = []

    @field_validator("hours")
    @classmethod
    def _check_hours(cls, value: str) -> str:
        match = _HOURS.match(value.replace(" ", ""))
        if not match or (int(match[1]), int(match[2])) >= (int(match[3]), int(match[4])):
            raise ValueError(f"{value!r} is not a working-hours range; write e.g. '09:00-17:00'")
        return value.replace(" ", "")

    @property
    def opening(self) -> tuple[time, time | None]:
        """Opening and closing time of day; None closing means midnight (24:00)."""
        start, end = self.hours.split("-")
        close = None if end == "24:00" else time.fromisoformat(end)
        return time.fromisoformat(start), close


class CalendarsFile(Model):
    """matrix/calendars.yaml"""

    calendars: list[Calendar] = []


class Account(Model):
    id: Id
    name: Text
    strategic: bool = False
    timezone: Timezone = "UTC"
    liaison: Id | None = None
    targets: dict[Id, ContractTargets] = {}
    shares: list[Id] = []


class AccountsFile(Model):
    """matrix/accounts.yaml"""

    customers: list[Account] = []
    partners: list[Account] = []


# -- communication ------------------------------------------------------------------------------


ENV_NAME = r"^[A-Z][A-Z0-9_]*$"
PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"

# The fields each kind of channel needs, and the ones it may also have; anything else is refused
# so a field given to the wrong kind (an SMTP host on a Slack channel) is a finding, not a no-op.
CHANNEL_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "slack": (("url_env",), ()),
    "webhook": ((), ("url", "url_env", "secret_env")),
    "pagerduty": (("secret_env",), ("url",)),
    "email": (
        ("smtp_host", "sender"),
        ("smtp_port", "starttls", "username_env", "secret_env"),
    ),
    "dashboard": ((), ()),
}
_FIELD_MEANING = {
    "url_env": "the environment variable that holds the webhook URL (a secret: never in the repo)",
    "secret_env": "the environment variable that holds the PagerDuty routing key",
    "smtp_host": "the SMTP server to send through",
    "sender": "the From address",
}


class Channel(Model):
    """Where notices go. Secrets are never written here: only the names of the environment
    variables that hold them (`*_env`), read when a message is sent."""

    id: Id
    kind: ChannelKind
    target: Text  # who is told: a display name, or the recipients of an email (comma-separated)
    url: Text | None = Field(default=None, pattern=r"^https?://\S+$")
    url_env: Text | None = Field(default=None, pattern=ENV_NAME)
    secret_env: Text | None = Field(default=None, pattern=ENV_NAME)
    username_env: Text | None = Field(default=None, pattern=ENV_NAME)
    smtp_host: Text | None = None
    smtp_port: int | None = Field(default=None, ge=1, le=65535)
    starttls: bool | None = None
    sender: Text | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Channel:
        needed, optional = CHANNEL_FIELDS[self.kind]
        given = [name for name in _TRANSPORT_FIELDS if getattr(self, name) is not None]
        for name in given:
            if name not in needed and name not in optional:
                what = "nothing is sent to a dashboard" if self.kind == "dashboard" else ""
                uses = ", ".join((*needed, *optional)) or "no transport fields"
                raise ValueError(
                    f"{name} does not apply to a {self.kind} channel"
                    + (f" ({what})" if what else f"; a {self.kind} channel uses {uses}")
                )
        for name in needed:
            if getattr(self, name) is None:
                raise ValueError(f"a {self.kind} channel needs {name}: {_FIELD_MEANING[name]}")
        if self.kind == "webhook" and (self.url is None) == (self.url_env is None):
            raise ValueError(
                "a webhook channel needs exactly one of url (a public endpoint) or url_env "
                "(the environment variable holding a secret URL)"
            )
        if self.url is not None and ("@" in self.url.split("/")[2] or "hooks.slack" in self.url):
            raise ValueError(
                "url looks like it carries a secret; put the URL in an environment variable "
                "and name it in url_env"
            )
        if self.kind == "email":
            for address in self.recipients:
                if not re.fullmatch(r"[^@\s]+@[^@\s]+", address):
                    raise ValueError(
                        f"target {address!r} is not an email address; an email channel's target "
                        "is its recipients, comma-separated"
                    )
        return self

    @property
    def recipients(self) -> list[str]:
        """An email channel's recipients (its target, comma-separated)."""
        return [part.strip() for part in self.target.split(",") if part.strip()]

    @property
    def secrets(self) -> list[str]:
        """The names of the environment variables this channel reads when sending."""
        names = (self.url_env, self.secret_env, self.username_env)
        return [name for name in names if name is not None]


_TRANSPORT_FIELDS = (
    "url",
    "url_env",
    "secret_env",
    "username_env",
    "smtp_host",
    "smtp_port",
    "starttls",
    "sender",
)


class StatusTemplate(Model):
    required: list[Literal["status", "next_steps", "owner", "dependencies", "next_update_by"]] = [
        "status",
        "next_steps",
    ]
    max_length: int = Field(default=600, ge=40, le=10_000)


class Jargon(Model):
    """A term customers and partners should not have to decode, and what to say instead."""

    term: Text = Field(min_length=1)
    instead: Text | None = None


def _jargon_term(value: object) -> object:
    return {"term": value} if isinstance(value, str) else value


JargonItem = Annotated[
    Jargon,
    BeforeValidator(_jargon_term),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "properties": {"term": {"type": "string"}, "instead": {"type": "string"}},
                    "required": ["term"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


class CommsFile(Model):
    """matrix/comms.yaml"""

    channels: list[Channel] = []
    by_severity: dict[Id, list[Id]] = {}
    status_update: StatusTemplate = StatusTemplate()
    jargon: list[JargonItem] = Field(
        default=[],
        description="terms flagged in customer, partner and executive drafts: a term, or "
        "{term, instead} to suggest plain words",
    )

    @property
    def jargon_terms(self) -> list[Jargon]:
        return list(self.jargon)


# -- governance ---------------------------------------------------------------------------------


class OverridePolicy(Model):
    allowed: list[Id] = Field(min_length=1)
    circumstances: list[Text] = []
    reconcile_within: Duration = Field(default_factory=lambda: timedelta(days=5))
    reconcilers: list[Id] = []


class ReviewPolicy(Model):
    period: Duration
    last_reviewed: date
    owners: list[Id] = []
    require_merge: bool = Field(
        default=False,
        description="matrix changes must arrive through merged pull requests (audit checks)",
    )


class Automation(Model):
    name: Text = "escmatrix automation"
    email: Text = Field(pattern=r"^[^@\s]+@[^@\s]+$")


class GovernanceFile(Model):
    """matrix/governance.yaml"""

    overrides: OverridePolicy
    review: ReviewPolicy
    automation: Automation | None = None


MATRIX_FILES: dict[str, type[Model]] = {
    "people": PeopleFile,
    "teams": TeamsFile,
    "categories": CategoriesFile,
    "ladder": LadderFile,
    "severity": SeverityFile,
    "routing": RoutingFile,
    "accounts": AccountsFile,
    "comms": CommsFile,
    "governance": GovernanceFile,
    "calendars": CalendarsFile,
}
"""Each matrix file kind, stored as `matrix/<kind>.yaml`."""

OPTIONAL_FILES = frozenset({"accounts", "comms", "calendars"})


@dataclass(frozen=True)
class Dangling:
    """A reference that points at nothing: which file kind, the path inside it, and why."""

    kind: str
    loc: tuple[int | str, ...]
    message: str
    hint: str | None = None
    rule: str = "unknown-reference"


@dataclass(frozen=True)
class Matrix:
    """The assembled matrix, indexed by id."""

    people: dict[str, Person]
    teams: dict[str, Team]
    categories: dict[str, Category]
    tiers: list[Tier]
    dimensions: dict[str, Dimension]
    severities: dict[str, Severity]
    rules: list[Rule]
    customers: dict[str, Account]
    partners: dict[str, Account]
    comms: CommsFile
    governance: GovernanceFile
    calendars: dict[str, Calendar]
    files: dict[str, Model]
    by_email: dict[str, Person] = field(default_factory=dict)

    @classmethod
    def assemble(cls, files: dict[str, Model]) -> Matrix:
        people = _cast(files["people"], PeopleFile).people
        accounts = files.get("accounts") or AccountsFile()
        assert isinstance(accounts, AccountsFile)
        severity = _cast(files["severity"], SeverityFile)
        return cls(
            people={p.id: p for p in people},
            teams={t.id: t for t in _cast(files["teams"], TeamsFile).teams},
            categories={c.id: c for c in _cast(files["categories"], CategoriesFile).categories},
            tiers=list(_cast(files["ladder"], LadderFile).tiers),
            dimensions={d.id: d for d in severity.dimensions},
            severities={s.id: s for s in severity.severities},
            rules=list(_cast(files["routing"], RoutingFile).rules),
            customers={a.id: a for a in accounts.customers},
            partners={a.id: a for a in accounts.partners},
            comms=_cast(files.get("comms") or CommsFile(), CommsFile),
            governance=_cast(files["governance"], GovernanceFile),
            calendars={
                c.id: c
                for c in _cast(files.get("calendars") or CalendarsFile(), CalendarsFile).calendars
            },
            files=dict(files),
            by_email={p.email.lower(): p for p in people},
        )

    def tier_index(self, tier_id: str) -> int:
        for index, tier in enumerate(self.tiers):
            if tier.id == tier_id:
                return index
        raise KeyError(tier_id)

    def tier(self, tier_id: str) -> Tier:
        return self.tiers[self.tier_index(tier_id)]

    def team_of(self, person_id: str) -> Team | None:
        person = self.people.get(person_id)
        return self.teams.get(person.team) if person else None

    def holder(self, tier: Tier, owner_id: str) -> str:
        """The person who holds `tier` for an issue owned by `owner_id`."""
        if tier.held_by == "owner":
            return owner_id
        team = self.team_of(owner_id)
        if team is None:
            return owner_id
        return {"lead": team.lead, "manager": team.manager, "sponsor": team.sponsor}[tier.held_by]

    def may_override(self, person_id: str) -> bool:
        return _allowed(self, person_id, self.governance.overrides.allowed)

    def may_reconcile(self, person_id: str) -> bool:
        policy = self.governance.overrides
        return _allowed(self, person_id, policy.reconcilers or policy.allowed)

    def roles(self) -> frozenset[str]:
        """Every role someone holds (computed once: playbook checks ask for it per step)."""
        return self._roles

    @cached_property
    def _roles(self) -> frozenset[str]:
        return frozenset(role for person in self.people.values() for role in person.roles)

    def dangling(self) -> list[Dangling]:
        """Every cross-reference that points at nothing, and structural rules that need them all."""
        return list(_find_dangling(self))


def _allowed(matrix: Matrix, person_id: str, grants: list[str]) -> bool:
    person = matrix.people.get(person_id)
    if person is None:
        return False
    return person_id in grants or any(role in grants for role in person.roles)


M = TypeVar("M", bound=Model)


def _cast(value: Model, kind: type[M]) -> M:
    assert isinstance(value, kind)
    return value


def _find_dangling(m: Matrix) -> list[Dangling]:
    found: list[Dangling] = []
    people, teams = set(m.people), set(m.teams)

    def person(kind: str, loc: tuple[int | str, ...], ref: str) -> None:
        if ref not in people:
            found.append(Dangling(kind, loc, f"unknown person {ref!r}", _choices("people", people)))

    people_list = _cast(m.files["people"], PeopleFile).people
    team_list = _cast(m.files["teams"], TeamsFile).teams
    category_list = _cast(m.files["categories"], CategoriesFile).categories
    severity_list = _cast(m.files["severity"], SeverityFile).severities
    accounts = _cast(m.files.get("accounts") or AccountsFile(), AccountsFile)
    found.extend(_duplicates("people", "people", [p.id for p in people_list]))
    found.extend(_duplicates("teams", "teams", [t.id for t in team_list]))
    found.extend(_duplicates("categories", "categories", [c.id for c in category_list]))
    found.extend(_duplicates("severity", "severities", [s.id for s in severity_list]))
    for i, p in enumerate(people_list):
        if p.team not in teams:
            found.append(
                Dangling(
                    "people",
                    ("people", i, "team"),
                    f"unknown team {p.team!r}",
                    _choices("teams", teams),
                )
            )
    for i, t in enumerate(team_list):
        for key in ("lead", "manager", "sponsor"):
            person("teams", ("teams", i, key), getattr(t, key))
        for j, member in enumerate(t.members):
            person("teams", ("teams", i, "members", j), member)
    for i, c in enumerate(category_list):
        person("categories", ("categories", i, "primary"), c.primary)
        for j, backup in enumerate(c.backups):
            person("categories", ("categories", i, "backups", j), backup)
            if backup == c.primary:
                found.append(
                    Dangling(
                        "categories",
                        ("categories", i, "backups", j),
                        f"category {c.id!r}: backup {backup!r} is also its primary owner",
                        "name a different person as backup, so the work has somewhere to go",
                        rule="backup-is-primary",
                    )
                )
        for j, specialist in enumerate(c.specialists):
            person("categories", ("categories", i, "specialists", j), specialist)
    tier_ids = {t.id for t in m.tiers}
    found.extend(_duplicates("ladder", "tiers", [t.id for t in m.tiers]))
    for i, s in enumerate(severity_list):
        if s.start_tier not in tier_ids:
            found.append(
                Dangling(
                    "severity",
                    ("severities", i, "start_tier"),
                    f"unknown tier {s.start_tier!r}",
                    _choices("tiers", tier_ids),
                )
            )
        if s.max_score < s.min_score:
            found.append(
                Dangling(
                    "severity",
                    ("severities", i, "max_score"),
                    f"severity {s.id!r}: max_score {s.max_score} is below min_score {s.min_score}",
                    rule="severity-range",
                )
            )
    calendar_ids = set(m.calendars) | {ALWAYS}
    for i, s in enumerate(severity_list):
        if s.calendar not in calendar_ids:
            found.append(
                Dangling(
                    "severity",
                    ("severities", i, "calendar"),
                    f"unknown calendar {s.calendar!r}",
                    _choices("calendars", calendar_ids),
                )
            )
    found.extend(_duplicates("routing", "rules", [r.id for r in m.rules]))
    owners = people | teams | {"primary"}
    for i, r in enumerate(m.rules):
        if r.owner not in owners:
            found.append(
                Dangling(
                    "routing",
                    ("rules", i, "owner"),
                    f"rule {r.id!r}: unknown owner {r.owner!r}",
                    "use 'primary', a person id or a team id",
                )
            )
        found.extend(_pool_problems(r, i, people, teams))
        if r.tier is not None and r.tier not in tier_ids:
            found.append(
                Dangling(
                    "routing",
                    ("rules", i, "tier"),
                    f"unknown tier {r.tier!r}",
                    _choices("tiers", tier_ids),
                )
            )
        for key, known in (
            ("category", set(m.categories)),
            ("severity", set(m.severities)),
            ("customer", set(m.customers)),
            ("partner", set(m.partners)),
        ):
            for j, ref in enumerate(getattr(r.when, key)):
                if ref not in known:
                    found.append(
                        Dangling(
                            "routing",
                            ("rules", i, "when", key, j),
                            f"rule {r.id!r}: unknown {key} {ref!r}",
                            _choices(key, known),
                        )
                    )
    if not any(r.when.is_catch_all for r in m.rules):
        found.append(
            Dangling(
                "routing",
                ("rules",),
                "no catch-all rule: some issues would route nowhere",
                "add a last rule with no 'when', owner: primary",
                rule="no-catch-all",
            )
        )
    for kind, account_list in (("customers", accounts.customers), ("partners", accounts.partners)):
        for i, a in enumerate(account_list):
            if a.liaison is not None:
                person("accounts", (kind, i, "liaison"), a.liaison)
            for sev, contract in a.targets.items():
                if contract.calendar is not None and contract.calendar not in calendar_ids:
                    found.append(
                        Dangling(
                            "accounts",
                            (kind, i, "targets", sev, "calendar"),
                            f"unknown calendar {contract.calendar!r}",
                            _choices("calendars", calendar_ids),
                        )
                    )
                if sev not in m.severities:
                    found.append(
                        Dangling(
                            "accounts",
                            (kind, i, "targets", sev),
                            f"unknown severity {sev!r}",
                            _choices("severities", set(m.severities)),
                        )
                    )
    channel_ids = {c.id for c in m.comms.channels}
    for sev, channels in m.comms.by_severity.items():
        if sev not in m.severities:
            found.append(
                Dangling(
                    "comms",
                    ("by_severity", sev),
                    f"unknown severity {sev!r}",
                    _choices("severities", set(m.severities)),
                )
            )
        for j, ch in enumerate(channels):
            if ch not in channel_ids:
                found.append(
                    Dangling(
                        "comms",
                        ("by_severity", sev, j),
                        f"unknown channel {ch!r}",
                        _choices("channels", channel_ids),
                    )
                )
    grants = people | m.roles()
    policy = m.governance.overrides
    for key in ("allowed", "reconcilers"):
        for j, ref in enumerate(getattr(policy, key)):
            if ref not in grants:
                found.append(
                    Dangling(
                        "governance",
                        ("overrides", key, j),
                        f"unknown person or role {ref!r}",
                        "name a person id or a role that someone holds",
                    )
                )
    for j, ref in enumerate(m.governance.review.owners):
        person("governance", ("review", "owners", j), ref)
    return found


def _pool_problems(r: Rule, i: int, people: set[str], teams: set[str]) -> list[Dangling]:
    """A pool names a team or people that exist, and pool-only keys need a pool."""
    found: list[Dangling] = []
    if r.pool is None:
        for key in ("strategy", "window", "min_sample"):
            if key in r.model_fields_set:
                found.append(
                    Dangling(
                        "routing",
                        ("rules", i, key),
                        f"rule {r.id!r}: {key} applies only to a rule with a pool",
                        "add pool: TEAM or pool: [PERSON, ...], or remove the key",
                        rule="pool-without-pool",
                    )
                )
        return found
    if "owner" in r.model_fields_set:
        found.append(
            Dangling(
                "routing",
                ("rules", i, "owner"),
                f"rule {r.id!r} has both owner and pool",
                "keep one: owner names who gets the issue, pool lets the strategy choose",
                rule="owner-and-pool",
            )
        )
    if isinstance(r.pool, str):
        if r.pool not in teams:
            found.append(
                Dangling(
                    "routing",
                    ("rules", i, "pool"),
                    f"rule {r.id!r}: unknown team {r.pool!r} as pool",
                    "a pool is a team id or a list of person ids; " + _choices("teams", teams),
                )
            )
        return found
    if not r.pool:
        found.append(
            Dangling(
                "routing",
                ("rules", i, "pool"),
                f"rule {r.id!r}: the pool is empty",
                "list at least one person, or name a team",
                rule="empty-pool",
            )
        )
    for j, ref in enumerate(r.pool):
        if ref not in people:
            found.append(
                Dangling(
                    "routing",
                    ("rules", i, "pool", j),
                    f"rule {r.id!r}: unknown person {ref!r} in pool",
                    _choices("people", people),
                )
            )
    return found


def _duplicates(kind: str, key: str, ids: list[str]) -> list[Dangling]:
    seen: set[str] = set()
    out = []
    for i, ident in enumerate(ids):
        if ident in seen:
            out.append(
                Dangling(
                    kind,
                    (key, i, "id"),
                    f"duplicate id {ident!r}",
                    "ids must be unique within a file",
                    rule="duplicate-id",
                )
            )
        seen.add(ident)
    return out


def _choices(what: str, known: set[str]) -> str:
    listed = sorted(known)
    shown = ", ".join(listed[:12]) + (", ..." if len(listed) > 12 else "")
    return f"known {what}: {shown}" if listed else f"no {what} are defined"
