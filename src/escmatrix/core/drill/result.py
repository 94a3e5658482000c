"""What a drill found: its timeline, engagements, deadlines, coverage gaps and score. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

GAP_PENALTY = 10


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
