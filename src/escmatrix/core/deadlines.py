"""An active issue's next deadline, for `list`: which clock comes due first and how it stands."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from escmatrix.core.sla import clocks

if TYPE_CHECKING:
    from escmatrix.core.issue import IssueState
    from escmatrix.core.matrix import Matrix

SHORT_NAME = {"first response": "response", "next update": "update", "resolution": "resolution"}


class Deadline(NamedTuple):
    """The clock of an issue that comes due first (breached ones are past due, so they lead)."""

    clock: str  # "response", "update", "resolution" or "tier <id>"
    due: datetime
    state: str  # the worst state of the issue's running clocks: breached, at risk, running, paused
    waiting_on: str | None  # "customer" or "partner" while paused

    def sort_key(self) -> tuple[int, datetime]:
        """Paused issues after every running one (their clocks stand still), soonest due first."""
        return (1 if self.state == "paused" else 0, self.due)

    def relative(self, now: datetime) -> str:
        """'in 1h30m', '25m ago', '3d4h ago', or 'paused (customer)'."""
        if self.state == "paused":
            return f"paused ({self.waiting_on or 'waiting'})"
        if self.due >= now:
            return f"in {coarse(self.due - now)}"
        return f"{coarse(now - self.due)} ago"

    def label(self, now: datetime) -> str:
        """The relative time and the clock: 'in 45m update', '2h ago resolution'."""
        text = self.relative(now)
        return text if self.state == "paused" else f"{text} {self.clock}"


def coarse(delta: timedelta) -> str:
    """A duration to the two largest units a person reads at a glance: 3d4h, 2h15m, 40m."""
    from escmatrix.core.types import format_duration

    text = format_duration(delta)
    parts: list[str] = []
    number = ""
    for ch in text:
        number += ch
        if not ch.isdigit():
            parts.append(number)
            number = ""
    return "".join(parts[:2])


def next_deadline(matrix: Matrix, issue: IssueState, now: datetime) -> Deadline | None:
    """None for an issue that is not active or whose clocks cannot be measured."""
    if not issue.is_active:
        return None
    running = [c for c in clocks(matrix, issue, now) if c.stopped_at is None]
    if not running:
        return None
    first = min(running, key=lambda c: (c.due, c.name))
    states = {c.state for c in running}
    worst = next((s for s in ("breached", "at risk", "paused") if s in states), "running")
    waiting = next((p.waiting_on for p in reversed(issue.pauses) if p.end is None), None)
    name = SHORT_NAME.get(first.name) or first.name.removesuffix(" response")
    return Deadline(name, first.due, worst, waiting)


def due_within(deadline: Deadline | None, now: datetime, window: timedelta) -> bool:
    """Due (or overdue) within `window` of now; a paused issue is due on nothing."""
    return deadline is not None and deadline.state != "paused" and deadline.due <= now + window
