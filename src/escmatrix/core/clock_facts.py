"""What SLA clocks read of the matrix, as protocols, and a plain copy of it.

`core.sla` measures an issue's clocks against a `ClockMatrix`: the severities' targets, the
customers' and partners' contract targets, the calendars and the ladder's response times. The
validated `Matrix` is one; `ClockFacts` is another, made of frozen msgspec Structs that the local
cache keeps, so that `show` measures an issue's clocks without loading the matrix models.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

import msgspec

from escmatrix.core.calendar import Hours

if TYPE_CHECKING:  # for type checking only: creating Protocol classes costs import time
    from escmatrix.core.calendar import WorkingCalendar
    from escmatrix.core.route_facts import Account, RouteMatrix

    class SeverityTargets(Protocol):
        @property
        def name(self) -> str: ...
        @property
        def min_score(self) -> int: ...
        @property
        def first_response(self) -> timedelta: ...
        @property
        def update_every(self) -> timedelta: ...
        @property
        def resolution(self) -> timedelta: ...
        @property
        def calendar(self) -> str: ...

    class ContractTerms(Protocol):
        @property
        def first_response(self) -> timedelta | None: ...
        @property
        def update_every(self) -> timedelta | None: ...
        @property
        def resolution(self) -> timedelta | None: ...
        @property
        def calendar(self) -> str | None: ...

    class Contracts(Protocol):
        @property
        def id(self) -> str: ...
        @property
        def targets(self) -> Mapping[str, ContractTerms]: ...

    class WorkingDays(WorkingCalendar, Protocol):
        @property
        def working_day(self) -> timedelta: ...

    class TierTime(Protocol):
        @property
        def id(self) -> str: ...
        @property
        def response_time(self) -> timedelta: ...

    class ClockMatrix(Protocol):
        """What `core.sla` reads of a matrix."""

        @property
        def severities(self) -> Mapping[str, SeverityTargets]: ...
        @property
        def customers(self) -> Mapping[str, Contracts]: ...
        @property
        def partners(self) -> Mapping[str, Contracts]: ...
        @property
        def calendars(self) -> Mapping[str, WorkingDays]: ...
        def tier(self, tier_id: str) -> TierTime: ...


class PlainTargets(msgspec.Struct, frozen=True):
    first_response: timedelta
    update_every: timedelta
    resolution: timedelta
    calendar: str
    name: str = ""  # what notifications call the level
    min_score: int = 0  # where it ranks (the most severe maps to a pager's critical)
    id: str = ""
    max_score: int = 0  # with min_score, the impact scores routing rates as this level
    start_tier: str = ""  # where routing puts an issue of this level


class PlainTerms(msgspec.Struct, frozen=True):
    first_response: timedelta | None
    update_every: timedelta | None
    resolution: timedelta | None
    calendar: str | None


class PlainContracts(msgspec.Struct, frozen=True):
    id: str
    targets: dict[str, PlainTerms]
    name: str = ""
    strategic: bool = False  # routing rules may ask for it
    liaison: str | None = None  # who a playbook's `liaison` step goes to


class PlainTier(msgspec.Struct, frozen=True):
    id: str
    response_time: timedelta


class ClockFacts(msgspec.Struct, frozen=True):
    """A plain copy of what clocks read of a matrix (targets keep how they were written)."""

    severities: dict[str, PlainTargets]
    customers: dict[str, PlainContracts]
    partners: dict[str, PlainContracts]
    calendars: dict[str, Hours]
    tiers: dict[str, PlainTier]

    def tier(self, tier_id: str) -> PlainTier:
        return self.tiers[tier_id]

    @classmethod
    def of(cls, matrix: RouteMatrix, tiers: list[str]) -> ClockFacts:
        """The copy of `matrix`, whose ladder holds the tiers `tiers`."""

        def contracts(accounts: Mapping[str, Account]) -> dict[str, PlainContracts]:
            return {
                key: PlainContracts(
                    account.id,
                    {
                        sev: PlainTerms(t.first_response, t.update_every, t.resolution, t.calendar)
                        for sev, t in account.targets.items()
                    },
                    account.name,
                    account.strategic,
                    account.liaison,
                )
                for key, account in accounts.items()
            }

        return cls(
            {
                key: PlainTargets(
                    s.first_response,
                    s.update_every,
                    s.resolution,
                    s.calendar,
                    s.name,
                    s.min_score,
                    s.id,
                    s.max_score,
                    s.start_tier,
                )
                for key, s in matrix.severities.items()
            },
            contracts(matrix.customers),
            contracts(matrix.partners),
            {key: Hours.of(cal) for key, cal in matrix.calendars.items()},
            {t: PlainTier(matrix.tier(t).id, matrix.tier(t).response_time) for t in tiers},
        )
