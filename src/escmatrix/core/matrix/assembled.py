"""The assembled `Matrix`: every matrix file kind (`MATRIX_FILES`), joined and indexed by id."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from escmatrix.core import ladder_facts
from escmatrix.core.matrix.accounts import Account, AccountsFile
from escmatrix.core.matrix.base import Model, cast_file
from escmatrix.core.matrix.calendars import Calendar, CalendarsFile
from escmatrix.core.matrix.categories import CategoriesFile, Category
from escmatrix.core.matrix.comms import CommsFile
from escmatrix.core.matrix.dangling import Dangling, find_dangling
from escmatrix.core.matrix.governance import GovernanceFile
from escmatrix.core.matrix.intake import IntakeFile
from escmatrix.core.matrix.ladder import LadderFile, Tier
from escmatrix.core.matrix.people import PeopleFile, Person, Team, TeamsFile
from escmatrix.core.matrix.routing import RoutingFile, Rule
from escmatrix.core.matrix.schedules import Schedule, SchedulesFile
from escmatrix.core.matrix.severity import Dimension, Severity, SeverityFile

if TYPE_CHECKING:
    from escmatrix.core.ladder_facts import LadderTier

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
    "schedules": SchedulesFile,
    "intake": IntakeFile,
}
"""Each matrix file kind, stored as `matrix/<kind>.yaml`."""

OPTIONAL_FILES = frozenset({"accounts", "comms", "calendars", "schedules", "intake"})


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
    schedules: dict[str, Schedule] = field(default_factory=dict)

    @classmethod
    def assemble(cls, files: dict[str, Model]) -> Matrix:
        people = cast_file(files["people"], PeopleFile).people
        accounts = files.get("accounts") or AccountsFile()
        assert isinstance(accounts, AccountsFile)
        severity = cast_file(files["severity"], SeverityFile)
        return cls(
            people={p.id: p for p in people},
            teams={t.id: t for t in cast_file(files["teams"], TeamsFile).teams},
            categories={c.id: c for c in cast_file(files["categories"], CategoriesFile).categories},
            tiers=list(cast_file(files["ladder"], LadderFile).tiers),
            dimensions={d.id: d for d in severity.dimensions},
            severities={s.id: s for s in severity.severities},
            rules=list(cast_file(files["routing"], RoutingFile).rules),
            customers={a.id: a for a in accounts.customers},
            partners={a.id: a for a in accounts.partners},
            comms=cast_file(files.get("comms") or CommsFile(), CommsFile),
            governance=cast_file(files["governance"], GovernanceFile),
            calendars={
                c.id: c
                for c in cast_file(
                    files.get("calendars") or CalendarsFile(), CalendarsFile
                ).calendars
            },
            files=dict(files),
            by_email={p.email.lower(): p for p in people},
            schedules={
                s.id: s
                for s in cast_file(
                    files.get("schedules") or SchedulesFile(), SchedulesFile
                ).schedules
            },
        )

    def tier_index(self, tier_id: str) -> int:
        return ladder_facts.rung(self.tiers, tier_id)

    def tier(self, tier_id: str) -> Tier:
        return self.tiers[self.tier_index(tier_id)]

    def team_of(self, person_id: str) -> Team | None:
        person = self.people.get(person_id)
        return self.teams.get(person.team) if person else None

    def holder(self, tier: LadderTier, owner_id: str, at: datetime | None = None) -> str:
        """The person who holds `tier` for an issue owned by `owner_id` (at `at`, a tier held by
        an on-call schedule is whoever it names then)."""
        return ladder_facts.holder(self, tier, owner_id, at)

    @cached_property
    def emails(self) -> dict[str, str]:
        """Each person's email, lower-cased, and their id."""
        return {email: person.id for email, person in self.by_email.items()}

    def person_of(self, email: str) -> str | None:
        """The id of the person with this email (any case), if any."""
        return self.emails.get(email.lower())

    def may_override(self, person_id: str) -> bool:
        return ladder_facts.granted(self, person_id, self.governance.overrides.allowed)

    def may_reconcile(self, person_id: str) -> bool:
        policy = self.governance.overrides
        return ladder_facts.granted(self, person_id, policy.reconcilers or policy.allowed)

    def roles(self) -> frozenset[str]:
        """Every role someone holds (computed once: playbook checks ask for it per step)."""
        return self._roles

    @cached_property
    def _roles(self) -> frozenset[str]:
        return frozenset(role for person in self.people.values() for role in person.roles)

    def dangling(self) -> list[Dangling]:
        """Every cross-reference that points at nothing, and structural rules that need them all."""
        return list(find_dangling(self))
