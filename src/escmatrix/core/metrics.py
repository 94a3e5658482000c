"""Metrics over folded issues: how fast people get help, where issues wait, what to change.

Every function here is pure: issues (their events and the state folded from them), the matrix,
a window and the evaluation time in; numbers out. Nothing reads files, git or the clock.

Definitions (the quarterly review and the dashboard say the same in words):

- **Cohort**: the issues *opened* inside the window `[start, end)`. Each is evaluated as it stood
  at the evaluation time `min(window end, now)`: later events are ignored, so an issue resolved
  after the window ends counts as still open at the window's end.
- **Durations** are 24x7 working time: wall time while the issue was active (from opened until
  resolved, and again from a reopen until the next resolution), less every pause (waiting on the
  customer or partner). Time spent resolved before a reopen does not count either. SLA attainment
  instead uses each SLA's own calendar (business hours, holidays) through `core.sla.clocks`.
- **Time to aid**: opened → first acknowledgement. Issues never acknowledged are counted
  (`unacknowledged`), not timed.
- **Time to resolution**: opened → the last resolution. Issues still open at the evaluation time
  are left out of it (their time is censored) and show up in `open_age` and `open` instead.
- **Tier / owner dwell**: working time spent at each tier / with each owner, per issue.
- **Dependency wait**: working time while the latest status update named a dependency (its text,
  trimmed), plus paused time per `waiting_on` (customer, partner): the one place pauses count.
- **SLA attainment per clock**: met / (met + breached), evaluated at each clock's stop time, or at
  the evaluation time for clocks still running (then running, at-risk and paused are *pending*).
  Targets come from the current matrix.
- **Reopen rate**: issues reopened at least once / issues resolved at least once.
- **Satisfaction**: scores of issues closed at the evaluation time; the response rate is scored
  issues / closed issues that have a customer (partner) or a score.
- **Percentiles**: the median is the middle value (the mean of the two middle values for an even
  count); p90 is the nearest-rank 90th percentile, the value at rank ceil(0.9 * n) of the sorted
  values (p90 of 10 values is the 9th, of 5 values the 5th, of 1 value that value).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from escmatrix.core import events as ev
from escmatrix.core.friction import FrictionNote
from escmatrix.core.issue import IssueState, fold
from escmatrix.core.matrix import Matrix
from escmatrix.core.routing import ResolvedWork, RoutingLoad
from escmatrix.core.sla import Clock, clocks
from escmatrix.core.types import format_duration

Interval = tuple[datetime, datetime]
DIMENSIONS: tuple[str, ...] = (
    "category",
    "severity",
    "team",
    "owner",
    "customer",
    "partner",
    "path",
)
AGE_BUCKETS: tuple[tuple[str, timedelta], ...] = (
    ("<1h", timedelta(hours=1)),
    ("1-4h", timedelta(hours=4)),
    ("4-24h", timedelta(days=1)),
    ("1-3d", timedelta(days=3)),
    (">3d", timedelta.max),
)
FAR = datetime(9999, 1, 1, tzinfo=UTC)
ZERO = timedelta(0)
NO_TEAM = "(no team)"
NONE = "(none)"
PATH_SEP = " → "
TOP = 10
OPEN_LISTED = 50


class Doc(BaseModel):
    """A piece of the report: plain data, serialised as is to JSON (durations in seconds)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# -- windows ------------------------------------------------------------------------------------


class Window(Doc):
    """The half-open period `[start, end)` a report covers."""

    start: datetime
    end: datetime
    label: str

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end

    def previous(self) -> Window:
        """The window of the same length just before this one (for trends)."""
        start = self.start - self.length
        return Window(
            start=start, end=self.start, label=f"{start:%Y-%m-%d} – {self.start:%Y-%m-%d}"
        )


def quarter_window(text: str) -> Window:
    """`2026Q3` → 2026-07-01 00:00 UTC up to 2026-10-01 00:00 UTC."""
    cleaned = text.strip().upper()
    year, sep, quarter = cleaned.partition("Q")
    if not sep or not year.isdigit() or quarter not in ("1", "2", "3", "4"):
        raise ValueError(f"{text!r} is not a quarter; write e.g. 2026Q3")
    first_month = 3 * (int(quarter) - 1) + 1
    start = datetime(int(year), first_month, 1, tzinfo=UTC)
    end = (
        datetime(int(year) + 1, 1, 1, tzinfo=UTC)
        if quarter == "4"
        else datetime(int(year), first_month + 3, 1, tzinfo=UTC)
    )
    return Window(start=start, end=end, label=f"{year}Q{quarter}")


def window_between(start: datetime, end: datetime) -> Window:
    return Window(start=start, end=end, label=f"{start:%Y-%m-%d} – {end:%Y-%m-%d}")


# -- one issue, measured ------------------------------------------------------------------------


@dataclass(frozen=True)
class Handoff:
    issue: str
    at: datetime
    previous: str
    owner: str
    reason: str


class Facts(NamedTuple):
    """What `summarize` needs of one measured issue, gathered once: `groups` summarises every
    issue once per dimension."""

    escalations: int
    handoffs: int
    time_to_aid: timedelta | None
    time_to_resolution: timedelta | None
    open_age: timedelta | None  # None: not open
    closed: bool
    ever_resolved: bool
    reopened: bool
    overrides: int
    reconciled: int
    breached: bool
    outcomes: tuple[tuple[str, int], ...]  # per clock: 0 met, 1 breached, 2 pending
    customer: tuple[bool, int | None]  # has a customer; the customer's score
    partner: tuple[bool, int | None]


@dataclass(frozen=True)
class Measured:
    """One issue as it stood at `at`, with its durations measured (see the module docstring)."""

    state: IssueState
    at: datetime
    team: str
    path: str
    time_to_aid: timedelta | None
    time_to_resolution: timedelta | None
    age: timedelta
    tier_dwell: dict[str, timedelta]
    owner_dwell: dict[str, timedelta]
    waits: dict[str, timedelta]
    handoffs: list[Handoff]
    clocks: list[Clock]
    ever_resolved: bool

    @property
    def is_open(self) -> bool:
        return self.state.is_active

    @cached_property
    def breached(self) -> bool:
        """Any clock breached."""
        return any(c.state == "breached" for c in self.clocks)

    @cached_property
    def facts(self) -> Facts:
        s = self.state
        return Facts(
            escalations=s.escalations,
            handoffs=s.handoffs,
            time_to_aid=self.time_to_aid,
            time_to_resolution=self.time_to_resolution,
            open_age=self.age if self.is_open else None,
            closed=s.status == "closed",
            ever_resolved=self.ever_resolved,
            reopened=bool(s.reopened),
            overrides=len(s.overrides),
            reconciled=sum(1 for o in s.overrides if o.reconciled_at is not None),
            breached=self.breached,
            outcomes=tuple(
                (c.name, 0 if c.state == "met" else 1 if c.state == "breached" else 2)
                for c in self.clocks
            ),
            customer=(s.customer is not None, s.customer_satisfaction),
            partner=(s.partner is not None, s.partner_satisfaction),
        )

    def key(self, dimension: str) -> str | None:
        """The group this issue falls in along `dimension`; None: not in any (no customer)."""
        if dimension == "team":
            return self.team
        if dimension == "path":
            return self.path
        if dimension not in _STATE_KEYS:
            raise KeyError(dimension)
        value: str | None = getattr(self.state, dimension)
        return value


_STATE_KEYS = frozenset({"category", "severity", "owner", "customer", "partner"})


def active_intervals(state: IssueState, at: datetime) -> list[Interval]:
    """When the issue was active up to `at`: opened → resolved, reopened → resolved, ..."""
    spans: list[Interval] = []
    since: datetime | None = state.opened_at
    for entry in state.timeline[1:]:
        if entry.at > at:
            break
        if entry.kind in ("resolved", "closed") and since is not None:
            spans.append((since, entry.at))
            since = None
        elif entry.kind == "reopened" and since is None:
            since = entry.at
    if since is not None and at > since:
        spans.append((since, at))
    return spans


def _pauses(state: IssueState, at: datetime) -> list[tuple[str, Interval]]:
    return [(p.waiting_on, (p.start, min(p.end or at, at))) for p in state.pauses if p.start < at]


def _subtract(spans: Sequence[Interval], cuts: Iterable[Interval]) -> list[Interval]:
    out = list(spans)
    for c_lo, c_hi in cuts:
        nxt: list[Interval] = []
        for lo, hi in out:
            if c_hi <= lo or c_lo >= hi:
                nxt.append((lo, hi))
                continue
            if c_lo > lo:
                nxt.append((lo, c_lo))
            if c_hi < hi:
                nxt.append((c_hi, hi))
        out = nxt
    return out


def _overlap(lo: datetime, hi: datetime, spans: Sequence[Interval]) -> timedelta:
    total = ZERO
    for s_lo, s_hi in spans:
        a = s_lo if s_lo > lo else lo
        b = s_hi if s_hi < hi else hi
        if b > a:
            total += b - a
    return total


def working_intervals(state: IssueState, at: datetime) -> list[Interval]:
    """Active time less pauses: what every duration here is measured over."""
    return _subtract(active_intervals(state, at), (span for _, span in _pauses(state, at)))


def time_to_resolution(state: IssueState, at: datetime) -> timedelta | None:
    """Working time from opened to the last resolution; None while the issue is active."""
    if state.is_active:
        return None
    end = state.resolved_at or state.closed_at
    if end is None:
        return None
    return _overlap(state.opened_at, end, working_intervals(state, at))


def _segments(
    first: str, opened: datetime, changes: list[tuple[datetime, str]], at: datetime
) -> list[tuple[str, datetime, datetime]]:
    out: list[tuple[str, datetime, datetime]] = []
    value, since = first, opened
    for when, new in changes:
        if new != value:
            out.append((value, since, when))
            value, since = new, when
    out.append((value, since, at))
    return out


def measure_issue(
    matrix: Matrix, issue_id: str, events: Sequence[ev.EventBase], at: datetime
) -> Measured | None:
    """The issue as it stood at `at` (events after it ignored); None if not yet opened then."""
    return _measure_cut(matrix, issue_id, [e for e in events if e.at <= at], at)


def _measure_cut(
    matrix: Matrix, issue_id: str, cut: list[ev.EventBase], at: datetime
) -> Measured | None:
    """measure_issue over the events up to `at`, already picked out."""
    if not cut or not isinstance(cut[0], ev.Opened):
        return None
    opened = cut[0]
    state = fold(issue_id, cut)
    tier_moves: list[tuple[datetime, str]] = []
    owner_moves: list[tuple[datetime, str]] = []
    dep_moves: list[tuple[datetime, str]] = []
    handoffs: list[Handoff] = []
    owner = opened.owner
    ever_resolved = False
    for e in cut[1:]:
        match e:
            case ev.Escalated() | ev.Deescalated():
                tier_moves.append((e.at, e.tier))
            case ev.Rerouted():
                tier_moves.append((e.at, e.tier))
                owner_moves.append((e.at, e.owner))
                owner = e.owner
            case ev.Overridden():
                tier_moves.append((e.at, e.tier))
                if e.owner != owner:
                    handoffs.append(Handoff(issue_id, e.at, owner, e.owner, e.reason))
                    owner_moves.append((e.at, e.owner))
                    owner = e.owner
            case ev.Assigned():
                handoffs.append(Handoff(issue_id, e.at, e.previous, e.owner, e.reason))
                owner_moves.append((e.at, e.owner))
                owner = e.owner
            case ev.Updated():
                dep_moves.append((e.at, e.dependencies.strip()))
            case ev.Resolved():
                ever_resolved = True
    active = active_intervals(state, at)
    pauses = _pauses(state, at)
    working = _subtract(active, (span for _, span in pauses))

    def dwell(changes: list[tuple[datetime, str]], first: str) -> dict[str, timedelta]:
        spent: dict[str, timedelta] = defaultdict(timedelta)
        for value, lo, hi in _segments(first, opened.at, changes, at):
            if value:
                spent[value] += _overlap(lo, hi, working)
        return dict(spent)

    waits = dwell(dep_moves, "")
    for waiting_on, (lo, hi) in pauses:
        paused = _overlap(lo, hi, active)
        if paused:
            key = f"{waiting_on} (paused)"
            waits[key] = waits.get(key, timedelta(0)) + paused
    person = matrix.people.get(state.owner)
    aid = (
        _overlap(state.opened_at, state.first_acknowledged_at, working)
        if state.first_acknowledged_at
        else None
    )
    end = None if state.is_active else state.resolved_at or state.closed_at
    return Measured(
        state=state,
        at=at,
        team=person.team if person else NO_TEAM,
        path=PATH_SEP.join(state.tier_path),
        time_to_aid=aid,
        time_to_resolution=_overlap(state.opened_at, end, working) if end else None,
        age=_overlap(state.opened_at, at, working),
        tier_dwell=dwell(tier_moves, opened.tier),
        owner_dwell=dwell(owner_moves, opened.owner),
        waits={k: v for k, v in waits.items() if v},
        handoffs=handoffs,
        clocks=clocks(matrix, state, at),
        ever_resolved=ever_resolved or state.resolved_at is not None,
    )


# -- statistics ---------------------------------------------------------------------------------


def nearest_rank(sorted_values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the value at rank ceil(share * n), 1-based."""
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


class DurationStats(Doc):
    """A distribution of durations, in seconds."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None
    max: float | None


def duration_stats(values: Iterable[timedelta]) -> DurationStats:
    seconds = sorted(v.total_seconds() for v in values)
    if not seconds:
        return DurationStats(count=0, mean=None, median=None, p90=None, max=None)
    return DurationStats(
        count=len(seconds),
        mean=statistics.fmean(seconds),
        median=float(statistics.median(seconds)),
        p90=nearest_rank(seconds, 0.9),
        max=seconds[-1],
    )


class ClockAttainment(Doc):
    clock: str
    met: int
    breached: int
    pending: int
    attainment: float | None


class SatisfactionStats(Doc):
    """Scores 1-5 from customers (or partners) on issues closed at the evaluation time."""

    eligible: int
    scored: int
    response_rate: float | None
    mean: float | None
    median: float | None
    distribution: dict[str, int]


class Summary(Doc):
    """The headline numbers of a set of issues."""

    issues: int
    open: int
    resolved: int
    unacknowledged: int
    time_to_aid: DurationStats
    time_to_resolution: DurationStats
    open_age: DurationStats
    escalations: int
    escalations_per_issue: float | None
    handoffs: int
    handoffs_per_issue: float | None
    resolved_ever: int
    reopened: int
    reopen_rate: float | None
    overrides: int
    overrides_reconciled: int
    overrides_unreconciled: int
    breached_issues: int
    sla: list[ClockAttainment]
    customer_satisfaction: SatisfactionStats
    partner_satisfaction: SatisfactionStats


def _ratio(part: int | float, whole: int | float) -> float | None:
    return part / whole if whole else None


def _attainment(tally: Mapping[str, Sequence[int]]) -> list[ClockAttainment]:
    """From clock name -> [met, breached, pending]."""
    order = {"first response": 0, "next update": 1, "resolution": 2}
    return [
        ClockAttainment(
            clock=name,
            met=met,
            breached=missed,
            pending=pending,
            attainment=_ratio(met, met + missed),
        )
        for name, (met, missed, pending) in sorted(
            tally.items(), key=lambda kv: (order.get(kv[0], 3), kv[0])
        )
    ]


def _satisfaction(answers: Sequence[tuple[bool, int | None]]) -> SatisfactionStats:
    """From (has the account, its score) per closed issue."""
    scores = [score for _, score in answers if score is not None]
    eligible = sum(1 for account, score in answers if account or score is not None)
    counts = Counter(scores)
    return SatisfactionStats(
        eligible=eligible,
        scored=len(scores),
        response_rate=_ratio(len(scores), eligible),
        mean=statistics.fmean(scores) if scores else None,
        median=float(statistics.median(scores)) if scores else None,
        distribution={str(n): counts.get(n, 0) for n in range(1, 6)},
    )


def breached(m: Measured) -> bool:
    return m.breached


def summarize(measured: Sequence[Measured]) -> Summary:
    """Headline numbers over `measured` (see the module docstring for each definition)."""
    count = len(measured)
    aid: list[timedelta] = []
    ttr: list[timedelta] = []
    open_ages: list[timedelta] = []
    customers: list[tuple[bool, int | None]] = []
    partners: list[tuple[bool, int | None]] = []
    tally: dict[str, list[int]] = {}  # clock name -> [met, breached, pending]
    escalations = handoffs = resolved_ever = reopened = overrides = reconciled = missed = 0
    for f in (m.facts for m in measured):
        escalations += f.escalations
        handoffs += f.handoffs
        if f.time_to_aid is not None:
            aid.append(f.time_to_aid)
        if f.time_to_resolution is not None:
            ttr.append(f.time_to_resolution)
        if f.open_age is not None:
            open_ages.append(f.open_age)
        elif f.closed:
            customers.append(f.customer)
            partners.append(f.partner)
        if f.ever_resolved:
            resolved_ever += 1
            reopened += f.reopened
        overrides += f.overrides
        reconciled += f.reconciled
        missed += f.breached
        for name, outcome in f.outcomes:
            counts = tally.get(name)
            if counts is None:
                counts = tally[name] = [0, 0, 0]
            counts[outcome] += 1
    return Summary(
        issues=count,
        open=len(open_ages),
        resolved=count - len(open_ages),
        unacknowledged=count - len(aid),
        time_to_aid=duration_stats(aid),
        time_to_resolution=duration_stats(ttr),
        open_age=duration_stats(open_ages),
        escalations=escalations,
        escalations_per_issue=_ratio(escalations, count),
        handoffs=handoffs,
        handoffs_per_issue=_ratio(handoffs, count),
        resolved_ever=resolved_ever,
        reopened=reopened,
        reopen_rate=_ratio(reopened, resolved_ever),
        overrides=overrides,
        overrides_reconciled=reconciled,
        overrides_unreconciled=overrides - reconciled,
        breached_issues=missed,
        sla=_attainment(tally),
        customer_satisfaction=_satisfaction(customers),
        partner_satisfaction=_satisfaction(partners),
    )


# -- groups, waits, paths -----------------------------------------------------------------------


class GroupRow(Doc):
    dimension: str
    key: str
    summary: Summary


def groups(measured: Sequence[Measured], dimensions: Sequence[str] = DIMENSIONS) -> list[GroupRow]:
    """A summary per value of each dimension (issues without a customer are in no customer row)."""
    rows: list[GroupRow] = []
    for dimension in dimensions:
        buckets: dict[str, list[Measured]] = defaultdict(list)
        for m in measured:
            key = m.key(dimension)
            if key is not None:
                buckets[key].append(m)
        for key in sorted(buckets):
            rows.append(GroupRow(dimension=dimension, key=key, summary=summarize(buckets[key])))
    return rows


class Wait(Doc):
    """Where issues waited: total and per-issue working time at an owner, tier or dependency."""

    kind: Literal["owner", "tier", "dependency"]
    name: str
    issues: int
    total: float
    median: float | None
    p90: float | None


def waits(measured: Sequence[Measured], kind: Literal["owner", "tier", "dependency"]) -> list[Wait]:
    """Per owner / tier / dependency, the time each issue spent there; longest total first."""
    spent: dict[str, list[timedelta]] = defaultdict(list)
    field = {"owner": "owner_dwell", "tier": "tier_dwell", "dependency": "waits"}[kind]
    for m in measured:
        source: dict[str, timedelta] = getattr(m, field)
        for name, amount in source.items():
            spent[name].append(amount)
    rows = []
    for name, amounts in spent.items():
        stats = duration_stats(amounts)
        rows.append(
            Wait(
                kind=kind,
                name=name,
                issues=len(amounts),
                total=sum(a.total_seconds() for a in amounts),
                median=stats.median,
                p90=stats.p90,
            )
        )
    return sorted(rows, key=lambda w: (-w.total, w.name))


class PathStats(Doc):
    """An escalation path (the tiers an issue went through) and how it performed."""

    path: str
    issues: int
    resolved: int
    time_to_resolution: DurationStats
    escalations_per_issue: float | None
    handoffs_per_issue: float | None
    breached_issues: int


def paths(measured: Sequence[Measured]) -> list[PathStats]:
    """Every path, slowest first: by median time to resolution, then by share breached."""
    by_path: dict[str, list[Measured]] = defaultdict(list)
    for m in measured:
        by_path[m.path].append(m)
    rows = []
    for path, items in by_path.items():
        ttr = duration_stats(m.time_to_resolution for m in items if m.time_to_resolution)
        rows.append(
            PathStats(
                path=path,
                issues=len(items),
                resolved=ttr.count,
                time_to_resolution=ttr,
                escalations_per_issue=_ratio(sum(m.state.escalations for m in items), len(items)),
                handoffs_per_issue=_ratio(sum(m.state.handoffs for m in items), len(items)),
                breached_issues=sum(1 for m in items if breached(m)),
            )
        )
    return sorted(
        rows,
        key=lambda p: (
            -(p.time_to_resolution.median or -1.0),
            -(p.breached_issues / p.issues),
            p.path,
        ),
    )


# -- lists a reviewer acts on -------------------------------------------------------------------


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
    due: datetime | None
    stopped_at: datetime | None


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
    at: datetime
    actor: str
    owner: str
    tier: str
    reason: str
    reconcile_by: datetime
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
    at: datetime
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
    at: datetime
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
    last_changed: datetime
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


# -- trends and the series over time ------------------------------------------------------------


Unit = Literal["seconds", "ratio", "count", "score"]


class Trend(Doc):
    metric: str
    unit: Unit
    current: float | None
    previous: float | None
    change: float | None
    better: bool | None


TREND_METRICS: tuple[tuple[str, Unit, bool], ...] = (
    # (name, unit, higher is better)
    ("issues", "count", False),
    ("time to aid (median)", "seconds", False),
    ("time to aid (p90)", "seconds", False),
    ("time to resolution (median)", "seconds", False),
    ("time to resolution (p90)", "seconds", False),
    ("first response attainment", "ratio", True),
    ("resolution attainment", "ratio", True),
    ("escalations per issue", "count", False),
    ("handoffs per issue", "count", False),
    ("reopen rate", "ratio", False),
    ("customer satisfaction", "score", True),
    ("partner satisfaction", "score", True),
)


def _headline_value(s: Summary, metric: str) -> float | None:
    sla = {a.clock: a.attainment for a in s.sla}
    return {
        "issues": float(s.issues),
        "time to aid (median)": s.time_to_aid.median,
        "time to aid (p90)": s.time_to_aid.p90,
        "time to resolution (median)": s.time_to_resolution.median,
        "time to resolution (p90)": s.time_to_resolution.p90,
        "first response attainment": sla.get("first response"),
        "resolution attainment": sla.get("resolution"),
        "escalations per issue": s.escalations_per_issue,
        "handoffs per issue": s.handoffs_per_issue,
        "reopen rate": s.reopen_rate,
        "customer satisfaction": s.customer_satisfaction.mean,
        "partner satisfaction": s.partner_satisfaction.mean,
    }[metric]


def trends(current: Summary, previous: Summary) -> list[Trend]:
    rows = []
    for metric, unit, higher_better in TREND_METRICS:
        now_v, before = _headline_value(current, metric), _headline_value(previous, metric)
        change = now_v - before if now_v is not None and before is not None else None
        better = None if not change or metric == "issues" else (change > 0) == higher_better
        rows.append(
            Trend(
                metric=metric,
                unit=unit,
                current=now_v,
                previous=before,
                change=change,
                better=better,
            )
        )
    return rows


class Period(Doc):
    """One slice of the window (by the day the issues opened) for charts over time."""

    start: datetime
    end: datetime
    opened: int
    resolved: int
    breached_issues: int
    time_to_aid: DurationStats
    time_to_resolution: DurationStats


def bucket_length(window: Window) -> timedelta:
    days = window.length.days
    if days <= 14:
        return timedelta(days=1)
    if days <= 183:
        return timedelta(days=7)
    return timedelta(days=28)


def series(measured: Sequence[Measured], window: Window, at: datetime) -> list[Period]:
    """Per day, week or four weeks of the window (up to `at`): the cohort opened in that slice."""
    step = bucket_length(window)
    buckets: dict[int, list[Measured]] = defaultdict(list)
    for m in measured:
        buckets[(m.state.opened_at - window.start) // step].append(m)
    out = []
    start, index = window.start, 0
    last = min(window.end, at)
    while start < last:
        end = min(start + step, window.end)
        items = buckets.get(index, [])
        index += 1
        out.append(
            Period(
                start=start,
                end=end,
                opened=len(items),
                resolved=sum(1 for m in items if not m.is_open),
                breached_issues=sum(1 for m in items if breached(m)),
                time_to_aid=duration_stats(
                    m.time_to_aid for m in items if m.time_to_aid is not None
                ),
                time_to_resolution=duration_stats(
                    m.time_to_resolution for m in items if m.time_to_resolution is not None
                ),
            )
        )
        start = end
    return out


# -- the current picture (dashboard) ------------------------------------------------------------


class TierAge(Doc):
    tier: str
    total: int
    buckets: dict[str, int]


class OpenIssue(Doc):
    issue: str
    title: str
    severity: str
    owner: str
    tier: str
    status: str
    age: float


class CurrentStatus(Doc):
    """Every active issue at `at`, whenever it opened (the list: the oldest OPEN_LISTED)."""

    at: datetime
    active: int
    paused: int
    flagged: int
    by_tier_age: list[TierAge]
    open_issues: list[OpenIssue]
    at_risk: list[ClockRow]
    breached: list[ClockRow]
    recent_handoffs: list[HandoffRow]


def age_bucket(age: timedelta) -> str:
    for label, limit in AGE_BUCKETS:
        if age < limit:
            return label
    return AGE_BUCKETS[-1][0]


def current_status(matrix: Matrix, active: Sequence[Measured], at: datetime) -> CurrentStatus:
    """Open issues by tier (ladder order) and age (working time since opened), at risk, breached."""
    order = [t.id for t in matrix.tiers]
    by_tier: dict[str, Counter[str]] = {tier: Counter() for tier in order}
    for m in active:
        by_tier.setdefault(m.state.tier, Counter())[age_bucket(m.age)] += 1
    recent = sorted(
        (h for m in active for h in m.handoffs), key=lambda h: (h.at, h.issue), reverse=True
    )[:TOP]
    return CurrentStatus(
        at=at,
        active=len(active),
        paused=sum(1 for m in active if m.state.status == "paused"),
        flagged=sum(1 for m in active if m.state.flagged),
        by_tier_age=[
            TierAge(
                tier=tier,
                total=sum(counts.values()),
                buckets={label: counts.get(label, 0) for label, _ in AGE_BUCKETS},
            )
            for tier, counts in by_tier.items()
        ],
        open_issues=[
            OpenIssue(
                issue=m.state.id,
                title=m.state.title,
                severity=m.state.severity,
                owner=m.state.owner,
                tier=m.state.tier,
                status=m.state.status,
                age=m.age.total_seconds(),
            )
            for m in sorted(active, key=lambda m: (m.state.opened_at, m.state.id))[:OPEN_LISTED]
        ],
        at_risk=clock_rows(active, {"at risk"}),
        breached=clock_rows(active, {"breached"}),
        recent_handoffs=[
            HandoffRow(issue=h.issue, at=h.at, previous=h.previous, owner=h.owner, reason=h.reason)
            for h in recent
        ],
    )


# -- suggestions --------------------------------------------------------------------------------


class Suggestion(Doc):
    file: str
    change: str
    evidence: str


MIN_GROUP = 3
LOW_ATTAINMENT = 0.8
HIGH_REOPEN = 0.25
MANY_HANDOFFS = 1.5


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def suggestions(
    matrix: Matrix,
    measured: Sequence[Measured],
    rows: Sequence[GroupRow],
    bottlenecks: Sequence[Wait],
    friction: Sequence[FrictionGroup],
    stale: Sequence[StaleEntry],
    at: datetime,
) -> list[Suggestion]:
    """Changes to the matrix that the numbers argue for, each with the evidence."""
    out: list[Suggestion] = []
    by_category = {r.key: r.summary for r in rows if r.dimension == "category"}
    for category, s in sorted(by_category.items()):
        sla = {a.clock: a for a in s.sla}
        first = sla.get("first response")
        if (
            first
            and first.met + first.breached >= MIN_GROUP
            and (first.attainment or 0) < LOW_ATTAINMENT
        ):
            out.append(
                Suggestion(
                    file="matrix/categories.yaml",
                    change=f"{category}: add a backup or route it to a pool (strategy least-loaded)",
                    evidence=f"first response met on {_pct(first.attainment)} "
                    f"({first.met} of {first.met + first.breached})",
                )
            )
        if s.resolved_ever >= MIN_GROUP and (s.reopen_rate or 0) >= HIGH_REOPEN:
            out.append(
                Suggestion(
                    file=f"playbooks/ ({category})",
                    change=f"{category}: tighten the check before resolving",
                    evidence=f"{s.reopened} of {s.resolved_ever} resolved issues were reopened "
                    f"({_pct(s.reopen_rate)})",
                )
            )
        if s.issues >= MIN_GROUP and (s.handoffs_per_issue or 0) >= MANY_HANDOFFS:
            owners = Counter(m.state.owner for m in measured if m.state.category == category)
            usual, times = owners.most_common(1)[0]
            out.append(
                Suggestion(
                    file="matrix/routing.yaml",
                    change=f"{category}: route it where it ends up (most often {usual})",
                    evidence=f"{s.handoffs_per_issue:.1f} handoffs per issue over {s.issues} "
                    f"issues; {times} ended with {usual}",
                )
            )
    tier_breaches: Counter[str] = Counter()
    tier_seen: Counter[str] = Counter()
    for m in measured:
        for c in m.clocks:
            if c.name.startswith("tier "):
                tier_seen[c.name] += 1
                tier_breaches[c.name] += c.state == "breached"
    for name, n in sorted(tier_breaches.items()):
        seen = tier_seen[name]
        if n >= 2 and n / seen >= 1 - LOW_ATTAINMENT:
            tier_id = name.removeprefix("tier ").removesuffix(" response")
            out.append(
                Suggestion(
                    file="matrix/ladder.yaml",
                    change=f"tier {tier_id}: check who holds it and whether its response time "
                    "can be met",
                    evidence=f"its response clock was breached on {n} of {seen} issues",
                )
            )
    owner_waits = [w for w in bottlenecks if w.kind == "owner" and w.issues >= MIN_GROUP]
    if len(owner_waits) >= 2:
        overall = statistics.median(w.median or 0 for w in owner_waits)
        worst = max(owner_waits, key=lambda w: (w.median or 0, w.name))
        if worst.median and overall and worst.median >= 2 * overall:
            out.append(
                Suggestion(
                    file="matrix/routing.yaml",
                    change=f"spread {worst.name}'s load: a pool rule (least-loaded) or a backup",
                    evidence=f"issues wait a median {format_duration(timedelta(seconds=worst.median))}"
                    f" with {worst.name} over {worst.issues} issues, against "
                    f"{format_duration(timedelta(seconds=overall))} for owners overall",
                )
            )
    overridden = Counter((m.state.rule, o.owner) for m in measured for o in m.state.overrides)
    for (rule, owner), n in sorted(overridden.items()):
        if n >= 2:
            out.append(
                Suggestion(
                    file="matrix/routing.yaml",
                    change=f"rule {rule}: consider routing to {owner}",
                    evidence=f"{n} overrides moved issues routed by {rule} to {owner}",
                )
            )
    for group in friction:
        if len(group.notes) >= 2 and group.category != NONE:
            sample = group.notes[0].text
            out.append(
                Suggestion(
                    file="matrix/categories.yaml",
                    change=f"{group.category} at tier {group.tier}: look at the friction reported",
                    evidence=f"{len(group.notes)} friction notes, e.g. “{sample[:120]}”",
                )
            )
    if stale:
        names = ", ".join(f"{s.entry}" for s in stale[:6]) + (" …" if len(stale) > 6 else "")
        out.append(
            Suggestion(
                file="matrix/categories.yaml, matrix/people.yaml",
                change="confirm these owners, backups and contacts are still right",
                evidence=f"{len(stale)} entries unchanged for longer than the review period "
                f"({format_duration(matrix.governance.review.period)}): {names}",
            )
        )
    review = matrix.governance.review
    due = review.last_reviewed + review.period
    if due < at.date():
        out.append(
            Suggestion(
                file="matrix/governance.yaml",
                change="hold the matrix review and update review.last_reviewed",
                evidence=f"last reviewed {review.last_reviewed}, due {due}",
            )
        )
    return out


# -- the report ---------------------------------------------------------------------------------


class ReviewInfo(Doc):
    period_days: int
    last_reviewed: date
    due: date
    overdue: bool
    owners: list[str]


class Report(Doc):
    """Everything `escmatrix report` shows, in every format. Durations are in seconds."""

    version: Literal[1] = 1
    generated_at: datetime
    evaluated_at: datetime
    window: Window
    previous_window: Window
    headline: Summary
    previous: Summary
    trends: list[Trend]
    groups: list[GroupRow]
    tier_dwell: list[Wait]
    bottlenecks: list[Wait]
    slowest_paths: list[PathStats]
    series: list[Period]
    breaches: list[ClockRow]
    overrides_to_reconcile: list[OverrideRow]
    handoff_flows: list[HandoffFlow]
    friction: list[FrictionGroup]
    stale_entries: list[StaleEntry]
    suggestions: list[Suggestion]
    review: ReviewInfo
    current: CurrentStatus


IssueEvents = tuple[str, Sequence[ev.EventBase]]


class _Measurer:
    """measure_issue with a memo, so an issue measured twice at the same time costs once."""

    def __init__(self, matrix: Matrix) -> None:
        self.matrix = matrix
        self.memo: dict[tuple[str, datetime], Measured | None] = {}
        self.finished: dict[tuple[str, int], Measured] = {}

    def __call__(
        self, issue_id: str, events: Sequence[ev.EventBase], at: datetime
    ) -> Measured | None:
        key = (issue_id, at)
        if key in self.memo:
            return self.memo[key]
        # A finished, acknowledged issue measures the same at any later time: its clocks stopped.
        cut = [e for e in events if e.at <= at]
        seen = (issue_id, len(cut))
        done = self.finished.get(seen)
        measured = replace(done, at=at) if done else _measure_cut(self.matrix, issue_id, cut, at)
        if measured and not measured.is_open and measured.state.first_acknowledged_at:
            self.finished[seen] = measured
        self.memo[key] = measured
        return measured


def cohort(
    matrix: Matrix,
    issues: Iterable[IssueEvents],
    window: Window,
    at: datetime,
    measure: _Measurer | None = None,
) -> list[Measured]:
    """Issues opened in `window`, each measured as it stood at `at`."""
    measure = measure or _Measurer(matrix)
    out = []
    for issue_id, events in issues:
        if not events or not window.contains(events[0].at) or events[0].at > at:
            continue
        measured = measure(issue_id, events, at)
        if measured is not None:
            out.append(measured)
    return out


def _matters_now(events: Sequence[ev.EventBase], at: datetime) -> bool:
    """Active at `at`, or holding an override not yet reconciled (a scan, without a fold)."""
    active = flagged = False
    for e in events:
        if e.at > at:
            continue
        if isinstance(e, ev.Opened | ev.Reopened):
            active = True
        elif isinstance(e, ev.Resolved | ev.Closed):
            active = False
        elif isinstance(e, ev.Overridden):
            flagged = True
        elif isinstance(e, ev.Reconciled):
            flagged = False
    return active or flagged


def states_at(issues: Iterable[IssueEvents], at: datetime) -> list[tuple[IssueEvents, IssueState]]:
    """Issues active at `at` or with an override to reconcile, folded from events up to `at`."""
    out = []
    for issue_id, events in issues:
        if not events or not isinstance(events[0], ev.Opened) or not _matters_now(events, at):
            continue
        out.append(((issue_id, events), fold(issue_id, [e for e in events if e.at <= at])))
    return out


def build_report(
    matrix: Matrix,
    issues: Sequence[IssueEvents],
    window: Window,
    now: datetime,
    friction: Iterable[tuple[str, FrictionNote]] = (),
    changed: Mapping[tuple[str, str], datetime] | None = None,
) -> Report:
    """The whole report: the window evaluated at min(end, now), the one before it, and now."""
    at = min(window.end, now)
    previous_window = window.previous()
    measure = _Measurer(matrix)
    measured = cohort(matrix, issues, window, at, measure)
    before = cohort(matrix, issues, previous_window, previous_window.end, measure)
    everyone_now = states_at(issues, now)
    active_now = [
        m
        for (issue_id, events), state in everyone_now
        if state.is_active and (m := measure(issue_id, events, now)) is not None
    ]
    headline = summarize(measured)
    previous = summarize(before)
    rows = groups(measured)
    bottlenecks = [
        *waits(measured, "owner")[:TOP],
        *waits(measured, "tier")[:TOP],
        *waits(measured, "dependency")[:TOP],
    ]
    order = {t.id: i for i, t in enumerate(matrix.tiers)}
    tier_dwell = sorted(waits(measured, "tier"), key=lambda w: (order.get(w.name, 99), w.name))
    friction_rows = friction_groups(friction, window, at)
    stale = stale_entries(matrix, changed or {}, at)
    review = matrix.governance.review
    due = review.last_reviewed + review.period
    return Report(
        generated_at=now,
        evaluated_at=at,
        window=window,
        previous_window=previous_window,
        headline=headline,
        previous=previous,
        trends=trends(headline, previous),
        groups=rows,
        tier_dwell=tier_dwell,
        bottlenecks=bottlenecks,
        slowest_paths=paths(measured),
        series=series(measured, window, at),
        breaches=clock_rows(measured, {"breached"}),
        overrides_to_reconcile=overrides_to_reconcile((s for _, s in everyone_now), matrix, now),
        handoff_flows=handoff_flows(measured),
        friction=friction_rows,
        stale_entries=stale,
        suggestions=suggestions(matrix, measured, rows, bottlenecks, friction_rows, stale, at),
        review=ReviewInfo(
            period_days=review.period.days,
            last_reviewed=review.last_reviewed,
            due=due,
            overdue=due < at.date(),
            owners=list(review.owners),
        ),
        current=current_status(matrix, active_now, now),
    )


# -- routing load -------------------------------------------------------------------------------


def routing_load(states: Iterable[IssueState], at: datetime) -> RoutingLoad:
    """What pool routing needs to know, from the issues as they stand at `at`."""
    open_owned: Counter[str] = Counter()
    routed: Counter[str] = Counter()
    resolved: list[ResolvedWork] = []
    for s in states:
        if s.opened_at > at:
            continue
        routed[s.rule] += 1
        if s.is_active:
            open_owned[s.owner] += 1
            continue
        end = s.resolved_at or s.closed_at
        duration = time_to_resolution(s, at)
        if end is not None and duration is not None:
            resolved.append(ResolvedWork(s.owner, s.category, end, duration))
    return RoutingLoad(
        open_owned=dict(open_owned), routed_by_rule=dict(routed), resolved=tuple(resolved)
    )
