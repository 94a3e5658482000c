"""The one line `list` shows per issue, as a plain tuple cheap to cache and load."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from datetime import datetime

    from escmatrix.core.issue import IssueState

ACTIVE = frozenset({"open", "acknowledged", "paused"})


class IssueSummary(NamedTuple):
    id: str
    title: str
    status: str
    category: str
    severity: str
    owner: str
    tier: str
    engaged: str
    customer: str | None
    partner: str | None
    opened_at: str  # UTC ISO 8601, sorts as time
    flagged: bool

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @classmethod
    def of(cls, state: IssueState) -> IssueSummary:
        return cls(
            state.id,
            state.title,
            state.status,
            state.category,
            state.severity,
            state.owner,
            state.tier,
            state.engaged,
            state.customer,
            state.partner,
            stamp(state.opened_at),
            state.flagged,
        )


def stamp(at: datetime) -> str:
    """`at` as `%Y-%m-%dT%H:%M:%SZ` gives it (its own fields, a Z after them): by `isoformat`,
    which is in C (strftime takes 4 us, and a rebuild stamps every issue)."""
    if at.year < 1000:  # strftime does not pad such a year to four digits
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return at.isoformat(timespec="seconds")[:19] + "Z"


class IssueFilter(NamedTuple):
    """What `list` asks for; every field given must match."""

    status: str = "active"  # active, all, or one status
    person: str | None = None  # owner or engaged (--mine)
    owner: str | None = None
    team_members: frozenset[str] | None = None
    category: str | None = None
    severity: str | None = None
    customer: str | None = None
    partner: str | None = None

    @property
    def active_only(self) -> bool:
        """Whether only active issues can match (the active issues' rows are enough)."""
        return self.status == "active" or self.status in ACTIVE

    def matches(self, row: IssueSummary) -> bool:
        return (
            (
                self.status == "all"
                or (row.is_active if self.status == "active" else row.status == self.status)
            )
            and (self.person is None or self.person in (row.owner, row.engaged))
            and (self.owner is None or row.owner == self.owner)
            and (self.team_members is None or row.owner in self.team_members)
            and (self.category is None or row.category == self.category)
            and (self.severity is None or row.severity == self.severity)
            and (self.customer is None or row.customer == self.customer)
            and (self.partner is None or row.partner == self.partner)
        )


def select(
    rows: list[IssueSummary], wanted: IssueFilter, severity_order: list[str]
) -> list[IssueSummary]:
    """The matching rows, most severe first, then oldest first."""
    order = {sev: i for i, sev in enumerate(severity_order)}
    return sorted(
        (r for r in rows if wanted.matches(r)),
        key=lambda r: (order.get(r.severity, 99), r.opened_at, r.id),
    )
