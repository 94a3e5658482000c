"""What routing reads of the matrix, as protocols, and plain copies of the rules and the impact
dimensions.

`core.routing` routes against a `RouteMatrix`: what the responder reads (`ActMatrix`), plus the
impact dimensions, the severities' score ranges and start tiers, the rules and their conditions,
the categories' on-call schedules, the teams' members, people's time zones and working hours and
the accounts' `strategic` flag. The validated `Matrix` is one; `core.ladder_facts.LadderFacts`,
which keeps `PlainRule`s and `PlainDimension`s beside the rest, is the other, so `open` routes
without loading the matrix models.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:  # for type checking only: creating Protocol classes costs import time
    from escmatrix.core.clock_facts import Contracts, SeverityTargets
    from escmatrix.core.ladder_facts import ActMatrix, Available, Holders, Owners

    class Conditions(Protocol):
        """A rule's `when`: every key given must match; within a key, any value listed."""

        @property
        def category(self) -> Sequence[str]: ...
        @property
        def severity(self) -> Sequence[str]: ...
        @property
        def customer(self) -> Sequence[str]: ...
        @property
        def partner(self) -> Sequence[str]: ...
        @property
        def tags(self) -> Sequence[str]: ...
        @property
        def strategic(self) -> bool | None: ...
        @property
        def working_hours(self) -> str | None: ...
        @property
        def outside_working_hours(self) -> str | None: ...
        @property
        def is_catch_all(self) -> bool: ...

    class RouteRule(Protocol):
        @property
        def id(self) -> str: ...
        @property
        def when(self) -> Conditions: ...
        @property
        def owner(self) -> str: ...
        @property
        def tier(self) -> str | None: ...
        @property
        def pool(self) -> str | Sequence[str] | None: ...
        @property
        def schedule(self) -> str | None: ...
        @property
        def strategy(self) -> str: ...
        @property
        def window(self) -> timedelta: ...
        @property
        def min_sample(self) -> int: ...

    class Impact(Protocol):
        @property
        def weight(self) -> int: ...
        @property
        def levels(self) -> Mapping[str, int]: ...

    class Level(SeverityTargets, Protocol):
        @property
        def id(self) -> str: ...
        @property
        def max_score(self) -> int: ...
        @property
        def start_tier(self) -> str: ...

    class RouteCategory(Owners, Protocol):
        @property
        def schedule(self) -> str | None: ...

    class Crew(Holders, Protocol):
        @property
        def id(self) -> str: ...
        @property
        def name(self) -> str: ...
        @property
        def members(self) -> Sequence[str]: ...

    class Resident(Available, Protocol):
        @property
        def id(self) -> str: ...
        @property
        def name(self) -> str: ...
        @property
        def timezone(self) -> str: ...
        @property
        def working_hours(self) -> str | None: ...

    class Account(Contracts, Protocol):
        @property
        def name(self) -> str: ...
        @property
        def strategic(self) -> bool: ...
        @property
        def liaison(self) -> str | None: ...

    class RouteMatrix(ActMatrix, Protocol):
        """What `core.routing` reads of a matrix."""

        @property
        def dimensions(self) -> Mapping[str, Impact]: ...
        @property
        def severities(self) -> Mapping[str, Level]: ...
        @property
        def rules(self) -> Sequence[RouteRule]: ...
        @property
        def categories(self) -> Mapping[str, RouteCategory]: ...
        @property
        def teams(self) -> Mapping[str, Crew]: ...
        @property
        def people(self) -> Mapping[str, Resident]: ...
        @property
        def customers(self) -> Mapping[str, Account]: ...
        @property
        def partners(self) -> Mapping[str, Account]: ...


def catch_all(when: Conditions, hours: bool = True) -> bool:
    """Whether `when` sets no condition (without `hours`: none but working hours)."""
    return (
        not (when.category or when.severity or when.customer or when.partner or when.tags)
        and when.strategic is None
        and (not hours or (when.working_hours is None and when.outside_working_hours is None))
    )


def pool_people(pool: str | Sequence[str] | None, teams: Mapping[str, Crew]) -> list[str]:
    """A pool's people in order (a team: members, then lead), without repeats."""
    if pool is None:
        return []
    if isinstance(pool, str):
        team = teams.get(pool)
        found = [*team.members, team.lead] if team else []
    else:
        found = list(pool)
    return list(dict.fromkeys(found))


class PlainDimension(NamedTuple):
    weight: int
    levels: dict[str, int]


class PlainMatch(NamedTuple):
    category: tuple[str, ...]
    severity: tuple[str, ...]
    customer: tuple[str, ...]
    partner: tuple[str, ...]
    tags: tuple[str, ...]
    strategic: bool | None
    working_hours: str | None
    outside_working_hours: str | None

    @property
    def is_catch_all(self) -> bool:
        return catch_all(self)

    @classmethod
    def of(cls, when: Conditions) -> PlainMatch:
        return cls(
            tuple(when.category),
            tuple(when.severity),
            tuple(when.customer),
            tuple(when.partner),
            tuple(when.tags),
            when.strategic,
            when.working_hours,
            when.outside_working_hours,
        )


class PlainRule(NamedTuple):
    id: str
    when: PlainMatch
    owner: str
    tier: str | None
    pool: str | tuple[str, ...] | None
    schedule: str | None
    strategy: str
    window: timedelta
    min_sample: int

    @classmethod
    def of(cls, rule: RouteRule) -> PlainRule:
        pool = rule.pool if rule.pool is None or isinstance(rule.pool, str) else tuple(rule.pool)
        return cls(
            rule.id,
            PlainMatch.of(rule.when),
            rule.owner,
            rule.tier,
            pool,
            rule.schedule,
            rule.strategy,
            rule.window,
            rule.min_sample,
        )
