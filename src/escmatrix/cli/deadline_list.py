"""`list`'s deadline column, sort and filters (--breached, --at-risk, --due-within, --waiting-on)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import msgspec

from escmatrix.core.deadlines import Deadline, due_within
from escmatrix.core.errors import UsageError

if TYPE_CHECKING:
    from escmatrix.core.summary import IssueSummary

WAITING_ON = ("customer", "partner")


class DeadlineFilter(msgspec.Struct, frozen=True):
    states: frozenset[str]  # empty: any
    within: timedelta | None
    waiting_on: str | None

    @classmethod
    def of(
        cls, breached: bool, at_risk: bool, within: str | None, waiting_on: str | None
    ) -> DeadlineFilter:
        from escmatrix.core.durations import parse_duration

        window = None
        if within is not None:
            try:
                window = parse_duration(within)
            except ValueError as exc:
                raise UsageError(f"--due-within: {exc}", hint="for example 2h, 30m or 1d") from None
        if waiting_on is not None and waiting_on not in WAITING_ON:
            raise UsageError(
                f"--waiting-on must be customer or partner, not {waiting_on!r}",
                hint="an issue waits on whoever `escmatrix pause --waiting-on` named",
            )
        states = frozenset(
            state for state, wanted in (("breached", breached), ("at risk", at_risk)) if wanted
        )
        return cls(states, window, waiting_on)

    @property
    def active(self) -> bool:
        return bool(self.states) or self.within is not None or self.waiting_on is not None

    def keeps(self, deadline: Deadline | None, now: datetime) -> bool:
        if not self.active:
            return True
        if deadline is None:
            return False
        return (
            (not self.states or deadline.state in self.states)
            and (self.within is None or due_within(deadline, now, self.within))
            and (self.waiting_on is None or deadline.waiting_on == self.waiting_on)
        )

    def apply(
        self,
        rows: list[IssueSummary],
        deadlines: dict[str, Deadline],
        now: datetime,
        *,
        sort: bool,
    ) -> list[IssueSummary]:
        """The rows kept; with `sort`, soonest deadline first (issues without one last, in order)."""
        kept = [r for r in rows if self.keeps(deadlines.get(r.id), now)]
        if not sort:
            return kept
        later = (2, datetime.max.replace(tzinfo=now.tzinfo))
        return sorted(kept, key=lambda r: d.sort_key() if (d := deadlines.get(r.id)) else later)


def due_data(deadline: Deadline | None, now: datetime) -> dict[str, Any]:
    """The deadline as data for json and csv (the keys are there, empty, when there is none)."""
    if deadline is None:
        return {
            "due": None,
            "due_clock": None,
            "due_state": None,
            "due_in": None,
            "waiting_on": None,
        }
    return {
        "due": deadline.due.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "due_clock": deadline.clock,
        "due_state": deadline.state,
        "due_in": deadline.relative(now),
        "waiting_on": deadline.waiting_on,
    }
