"""One issue measured: its active and working intervals, and the durations taken over them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import cached_property
from operator import attrgetter
from typing import NamedTuple

import msgspec

from escmatrix.core import events as ev
from escmatrix.core.issue import ACTIVE, IssueState, fold
from escmatrix.core.matrix import Matrix
from escmatrix.core.sla import Clock, clocks

Interval = tuple[datetime, datetime]
ZERO = timedelta(0)
NO_TEAM = "(no team)"
PATH_SEP = " → "


class Handoff(NamedTuple):
    issue: str
    at: datetime
    previous: str
    owner: str
    reason: str


class OverrideSeen(NamedTuple):
    owner: str  # who the override made owner
    reconciled: bool


class MeasuredState(NamedTuple):
    """What the metrics read of an issue's folded state: a plain copy, kept in the local cache
    with the rest of a finished issue's measurement (`core.metrics.final`)."""

    id: str
    title: str
    category: str
    severity: str
    customer: str | None
    partner: str | None
    rule: str
    owner: str
    tier: str
    status: str
    opened_at: datetime
    escalations: int
    handoffs: int
    reopened: int
    customer_satisfaction: int | None
    partner_satisfaction: int | None
    overrides: tuple[OverrideSeen, ...]
    links: tuple[str, ...]  # the linked records' addresses

    @classmethod
    def of(cls, s: IssueState) -> MeasuredState:
        return cls(
            s.id,
            s.title,
            s.category,
            s.severity,
            s.customer,
            s.partner,
            s.rule,
            s.owner,
            s.tier,
            s.status,
            s.opened_at,
            s.escalations,
            s.handoffs,
            s.reopened,
            s.customer_satisfaction,
            s.partner_satisfaction,
            tuple(OverrideSeen(o.owner, o.reconciled_at is not None) for o in s.overrides),
            tuple(link.url for link in s.links),
        )

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def flagged(self) -> bool:
        """An override not yet reconciled."""
        return not all(o.reconciled for o in self.overrides)


class Facts(NamedTuple):
    """What `summarize` needs of one measured issue, gathered once: `groups` summarises every
    issue once per dimension."""

    escalations: int
    handoffs: int
    time_to_aid: float | None  # seconds, as `duration_stats` sorts them
    time_to_resolution: float | None
    open_age: float | None  # None: not open
    closed: bool
    ever_resolved: bool
    reopened: bool
    overrides: int
    reconciled: int
    breached: bool
    outcomes: tuple[tuple[str, int], ...]  # per clock: 0 met, 1 breached, 2 pending
    customer: tuple[bool, int | None]  # has a customer; the customer's score
    partner: tuple[bool, int | None]


class Measured(msgspec.Struct, frozen=True, dict=True):
    """One issue as it stood at `at`, with its durations measured (see the package docstring).

    A Struct, not a dataclass: a report makes one for every issue of two windows, and a frozen
    dataclass takes ten times as long to make. `dict=True` gives it room for its cached
    properties."""

    state: MeasuredState
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
            time_to_aid=_seconds(self.time_to_aid),
            time_to_resolution=_seconds(self.time_to_resolution),
            open_age=self.age.total_seconds() if self.is_open else None,
            closed=s.status == "closed",
            ever_resolved=self.ever_resolved,
            reopened=bool(s.reopened),
            overrides=len(s.overrides),
            reconciled=sum(1 for o in s.overrides if o.reconciled),
            breached=self.breached,
            outcomes=tuple(
                (c.name, 0 if c.state == "met" else 1 if c.state == "breached" else 2)
                for c in self.clocks
            ),
            customer=(s.customer is not None, s.customer_satisfaction),
            partner=(s.partner is not None, s.partner_satisfaction),
        )


_STATE_KEYS = frozenset({"category", "severity", "owner", "customer", "partner"})


def group_keys(measured: Sequence[Measured], dimension: str) -> list[str | None]:
    """The group each issue falls in along `dimension`, a column at a time (`groups` takes seven);
    None: in none (no customer)."""
    if dimension == "team":
        return [m.team for m in measured]
    if dimension == "path":
        return [m.path for m in measured]
    if dimension not in _STATE_KEYS:
        raise KeyError(dimension)
    field = attrgetter(dimension)
    return [field(m.state) for m in measured]


def _seconds(span: timedelta | None) -> float | None:
    return None if span is None else span.total_seconds()


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
    return measure_cut(matrix, issue_id, [e for e in events if e.at <= at], at)


def measure_cut(
    matrix: Matrix, issue_id: str, cut: list[ev.EventBase], at: datetime
) -> Measured | None:
    """measure_issue over the events up to `at`, already picked out."""
    if not cut or not isinstance(cut[0], ev.Opened):
        return None
    return measure_state(matrix, fold(issue_id, cut), cut, at)


class Moves(NamedTuple):
    """What measuring an issue reads of its events besides their fold: the tier and owner it
    opened with, when its tier, owner and dependencies changed, its handoffs, and whether it was
    ever resolved. Plain values: a report keeps them for an issue still running (`final.Unfinished`)."""

    tier: str
    owner: str
    tiers: list[tuple[datetime, str]]
    owners: list[tuple[datetime, str]]
    dependencies: list[tuple[datetime, str]]
    handoffs: list[Handoff]
    ever_resolved: bool


def moves_of(issue_id: str, cut: Sequence[ev.EventBase]) -> Moves:
    """The moves among `cut`, the issue's events up to some time, the first of which opened it."""
    opened = cut[0]
    assert isinstance(opened, ev.Opened)
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
    return Moves(
        opened.tier, opened.owner, tier_moves, owner_moves, dep_moves, handoffs, ever_resolved
    )


def measure_state(
    matrix: Matrix, state: IssueState, cut: Sequence[ev.EventBase], at: datetime
) -> Measured:
    """The issue measured at `at`: `state` is the fold of `cut`, its events up to `at`, the
    first of which opened it."""
    return measure_moves(matrix, state, moves_of(state.id, cut), at)


def measure_moves(matrix: Matrix, state: IssueState, moves: Moves, at: datetime) -> Measured:
    """The issue measured at `at`, from the fold and the moves of its events up to `at` (or of
    all of them, when none comes after `at`)."""
    active = active_intervals(state, at)
    pauses = _pauses(state, at)
    working = _subtract(active, (span for _, span in pauses))

    def dwell(changes: list[tuple[datetime, str]], first: str) -> dict[str, timedelta]:
        spent: dict[str, timedelta] = defaultdict(timedelta)
        for value, lo, hi in _segments(first, state.opened_at, changes, at):
            if value:
                spent[value] += _overlap(lo, hi, working)
        return dict(spent)

    waits = dwell(moves.dependencies, "")
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
        state=MeasuredState.of(state),
        at=at,
        team=person.team if person else NO_TEAM,
        path=PATH_SEP.join(state.tier_path),
        time_to_aid=aid,
        time_to_resolution=_overlap(state.opened_at, end, working) if end else None,
        age=_overlap(state.opened_at, at, working),
        tier_dwell=dwell(moves.tiers, moves.tier),
        owner_dwell=dwell(moves.owners, moves.owner),
        waits={k: v for k, v in waits.items() if v},
        handoffs=list(moves.handoffs),
        clocks=clocks(matrix, state, at),
        ever_resolved=moves.ever_resolved or state.resolved_at is not None,
    )
