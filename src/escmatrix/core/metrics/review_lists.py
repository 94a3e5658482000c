"""Lists a reviewer acts on: clocks, overrides to reconcile, handoffs, friction, stale entries."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from escmatrix.core.friction import FrictionNote
from escmatrix.core.issue import IssueState
from escmatrix.core.matrix import Matrix
from escmatrix.core.metrics.doc import Doc, Instant
from escmatrix.core.metrics.durations import Measured
from escmatrix.core.metrics.windows import Window

FAR = datetime(9999, 1, 1, tzinfo=UTC)
NONE = "(none)"


class ClockRow(Doc):
    issue: str
    title: str
    severity: str
    owner: str
    tier: str
    clock: str
    state: str
    target: float
    elapsed: float
    due: Instant | None
    stopped_at: Instant | None


def clock_rows(measured: Iterable[Measured], states: set[str]) -> list[ClockRow]:
    rows = []
    for m in measured:
        s = m.state
        for c in m.clocks:
            if c.state in states:
                rows.append(
                    ClockRow(
                        issue=s.id,
                        title=s.title,
                        severity=s.severity,
                        owner=s.owner,
                        tier=s.tier,
                        clock=c.name,
                        state=c.state,
                        target=c.target.total_seconds(),
                        elapsed=c.elapsed.total_seconds(),
                        due=c.due if c.due.year < 9999 else None,
                        stopped_at=c.stopped_at,
                    )
                )
    return sorted(rows, key=lambda r: (r.due or FAR, r.issue, r.clock))


class OverrideRow(Doc):
    issue: str
    title: str
    at: Instant
    actor: str
    owner: str
    tier: str
    reason: str
    reconcile_by: Instant
    overdue: bool


def overrides_to_reconcile(
    states: Iterable[IssueState], matrix: Matrix, at: datetime
) -> list[OverrideRow]:
    """Every override not yet reconciled at `at`, whenever its issue opened; oldest first."""
    within = matrix.governance.overrides.reconcile_within
    rows = [
        OverrideRow(
            issue=s.id,
            title=s.title,
            at=o.at,
            actor=o.actor,
            owner=o.owner,
            tier=o.tier,
            reason=o.reason,
            reconcile_by=o.at + within,
            overdue=o.at + within < at,
        )
        for s in states
        for o in s.overrides
        if o.reconciled_at is None and o.at <= at
    ]
    return sorted(rows, key=lambda r: (r.at, r.issue))


class HandoffFlow(Doc):
    previous: str
    owner: str
    count: int


class HandoffRow(Doc):
    issue: str
    at: Instant
    previous: str
    owner: str
    reason: str


def handoff_flows(measured: Iterable[Measured]) -> list[HandoffFlow]:
    counts = Counter((h.previous, h.owner) for m in measured for h in m.handoffs)
    return [
        HandoffFlow(previous=a, owner=b, count=n)
        for (a, b), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


class FrictionRow(Doc):
    id: str
    at: Instant
    actor: str
    text: str
    issue: str | None


class FrictionGroup(Doc):
    category: str
    tier: str
    notes: list[FrictionRow]


def friction_groups(
    notes: Iterable[tuple[str, FrictionNote]], window: Window, at: datetime
) -> list[FrictionGroup]:
    """Notes written in the window (up to `at`), by category and tier; most notes first."""
    grouped: dict[tuple[str, str], list[FrictionRow]] = defaultdict(list)
    for note_id, note in notes:
        if window.start <= note.at <= at and note.at < window.end:
            key = (note.category or NONE, note.tier or NONE)
            grouped[key].append(
                FrictionRow(
                    id=note_id, at=note.at, actor=note.actor, text=note.text, issue=note.issue
                )
            )
    return [
        FrictionGroup(category=c, tier=t, notes=sorted(rows, key=lambda r: (r.at, r.id)))
        for (c, t), rows in sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


class StaleEntry(Doc):
    """A matrix entry naming people that nobody has touched for longer than the review period."""

    file: str
    entry: str
    people: list[str]
    last_changed: Instant
    age_days: int


def stale_entries(
    matrix: Matrix, changed: Mapping[tuple[str, str], datetime], at: datetime
) -> list[StaleEntry]:
    """Categories (owner and backups) and people whose entry last changed before the period."""
    period = matrix.governance.review.period
    rows = []
    for (file, entry), when in changed.items():
        if at - when <= period:
            continue
        if file == "categories" and entry in matrix.categories:
            c = matrix.categories[entry]
            people = [c.primary, *c.backups]
        elif file == "people" and entry in matrix.people:
            people = [entry]
        else:
            continue
        rows.append(
            StaleEntry(
                file=f"matrix/{file}.yaml",
                entry=entry,
                people=people,
                last_changed=when,
                age_days=(at - when).days,
            )
        )
    return sorted(rows, key=lambda r: (r.last_changed, r.file, r.entry))
