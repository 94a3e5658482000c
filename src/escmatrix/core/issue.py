"""An issue's state: a pure, deterministic fold over its events in (seq, random) order."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

import msgspec

if TYPE_CHECKING:  # imported by the fold itself: a state read from the cache needs no models
    from escmatrix.core import events as ev

Status = Literal["open", "acknowledged", "paused", "resolved", "closed"]
ACTIVE: frozenset[str] = frozenset({"open", "acknowledged", "paused"})


class Pause(msgspec.Struct):
    start: datetime
    waiting_on: str
    reason: str
    end: datetime | None = None


class Override(msgspec.Struct):
    at: datetime
    actor: str
    reason: str
    owner: str
    tier: str
    reconciled_at: datetime | None = None
    reconciled_by: str | None = None
    learning: str | None = None


class TimelineEntry(msgspec.Struct):
    at: datetime
    actor: str
    kind: str
    summary: str


class InternalNote(msgspec.Struct, frozen=True):
    at: datetime
    actor: str
    text: str


class Communication(msgspec.Struct, frozen=True):
    """One recorded update to a customer, partner or executive (`communicated`)."""

    at: datetime
    actor: str
    audience: str
    recipient: str
    sha256: str


class FollowUp(msgspec.Struct):
    """A debrief follow-up item, numbered from 1 across the issue's debriefs."""

    number: int
    item: str
    owner: str
    due: date
    debriefed_at: datetime
    closed_at: datetime | None = None
    closed_by: str | None = None
    note: str | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Link(msgspec.Struct):
    """An external reference recorded on the issue (`link`, or `ingest` with its dedup key)."""

    kind: str
    url: str
    ref: str
    key: str
    at: datetime
    actor: str


class IssueState(msgspec.Struct):
    """Everything known about an issue, derived from its events alone."""

    id: str
    title: str
    description: str
    category: str
    severity: str
    score: int | None
    impact: dict[str, str]
    customer: str | None
    partner: str | None
    tags: list[str]
    rule: str
    owner: str
    tier: str
    engaged: str
    status: Status
    opened_at: datetime
    opened_by: str
    opened_under: str
    tier_since: datetime
    owner_since: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    first_acknowledged_at: datetime | None = None
    last_update_at: datetime | None = None
    last_status: str | None = None
    next_steps: str | None = None
    dependencies: str | None = None
    escalated_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None
    root_cause: str | None = None
    closed_at: datetime | None = None
    customer_satisfaction: int | None = None
    partner_satisfaction: int | None = None
    escalations: int = 0
    handoffs: int = 0
    reopened: int = 0
    tier_path: list[str] = msgspec.field(default_factory=list)
    pauses: list[Pause] = msgspec.field(default_factory=list)
    dormant: list[tuple[datetime, datetime]] = msgspec.field(default_factory=list)
    overrides: list[Override] = msgspec.field(default_factory=list)
    timeline: list[TimelineEntry] = msgspec.field(default_factory=list)
    alerts: set[tuple[str, str, datetime]] = msgspec.field(default_factory=set)
    last_event_at: datetime | None = None
    status_before_pause: Status = "open"
    # Kept as tuples: a state shares them with the states folded before it.
    next_update_by: datetime | None = None
    internal_notes: tuple[InternalNote, ...] = ()
    communications: tuple[Communication, ...] = ()
    debriefs: tuple[ev.Debriefed, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    links: tuple[Link, ...] = ()

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def paused_since(self) -> datetime | None:
        last = self.pauses[-1] if self.pauses else None
        return last.start if last and last.end is None else None

    @property
    def flagged(self) -> bool:
        """An override not yet reconciled."""
        return any(o.reconciled_at is None for o in self.overrides)

    def stopped_intervals(self) -> list[tuple[datetime, datetime | None]]:
        """When no clock runs: pauses (end None while still paused) and resolved-then-reopened spans."""
        return [(p.start, p.end) for p in self.pauses] + [(lo, hi) for lo, hi in self.dormant]


class FoldError(ValueError):
    """The events do not start with `opened`; the issue has no state."""


def fold(issue_id: str, events: list[ev.EventBase]) -> IssueState:
    """Apply events in the order given (the store sorts them by seq, then random part)."""
    import escmatrix.core.events as ev  # not `from ... import`: that form runs Python code

    if not events or not isinstance(events[0], ev.Opened):
        raise FoldError(f"issue {issue_id}: the first event must be 'opened'")
    first = events[0]
    state = IssueState(
        id=issue_id,
        title=first.title,
        description=first.description,
        category=first.category,
        severity=first.severity,
        score=first.score,
        impact=dict(first.impact),
        customer=first.customer,
        partner=first.partner,
        tags=list(first.tags),
        rule=first.rule,
        owner=first.owner,
        tier=first.tier,
        engaged=first.engaged,
        status="open",
        opened_at=first.at,
        opened_by=first.actor,
        opened_under=first.matrix,
        tier_since=first.at,
        owner_since=first.at,
        tier_path=[first.tier],
    )
    _note(
        state,
        first,
        f"opened as {first.severity}, routed by rule {first.rule} to "
        f"{first.owner} at tier {first.tier}",
    )
    apply_events(state, events[1:])
    return state


def apply_events(state: IssueState, events: list[ev.EventBase]) -> None:
    """Apply events that come after the ones `state` was folded from, in place: the state is then
    what `fold` of all of them gives."""
    for event in events:
        _apply(state, event)


def _note(state: IssueState, event: ev.EventBase, summary: str) -> None:
    kind = getattr(event, "event", "event")
    state.timeline.append(TimelineEntry(event.at, event.actor, kind, summary))
    state.last_event_at = event.at


def _end_pause(state: IssueState, at: datetime) -> None:
    if state.pauses and state.pauses[-1].end is None:
        state.pauses[-1].end = at


def _move_tier(state: IssueState, tier: str, engaged: str, at: datetime) -> None:
    if tier != state.tier:
        state.tier_since = at
        state.tier_path.append(tier)
    state.tier, state.engaged = tier, engaged


def _apply(state: IssueState, event: ev.EventBase) -> None:
    import escmatrix.core.events as ev  # a lookup in C on each event (see `fold`)

    at = event.at
    match event:
        case ev.Acknowledged():
            if state.status == "open":
                state.status = "acknowledged"
            state.acknowledged_at, state.acknowledged_by = at, event.actor
            if state.first_acknowledged_at is None:
                state.first_acknowledged_at = at
            behalf = (
                f" on behalf of {event.on_behalf_of} ({event.reason})" if event.on_behalf_of else ""
            )
            _note(
                state,
                event,
                "acknowledged" + behalf + (f": {event.note}" if event.note else ""),
            )
        case ev.Updated():
            state.last_update_at, state.last_status = at, event.status
            state.next_steps, state.dependencies = event.next_steps, event.dependencies
            state.next_update_by = event.next_update_by
            _note(
                state,
                event,
                f"status: {event.status}"
                + (f" / next: {event.next_steps}" if event.next_steps else ""),
            )
        case ev.Assigned():
            state.owner, state.owner_since = event.owner, at
            state.handoffs += 1
            if state.tier_path and state.tier == state.tier_path[0]:
                state.engaged = event.owner
            _note(
                state, event, f"handed off from {event.previous} to {event.owner}: {event.reason}"
            )
        case ev.Escalated():
            _move_tier(state, event.tier, event.engaged, at)
            state.escalations += 1
            state.escalated_at = at
            how = "automatically escalated" if event.automatic else "escalated"
            _note(
                state,
                event,
                f"{how} {event.previous} → {event.tier} ({event.engaged} engaged): {event.reason}",
            )
        case ev.Deescalated():
            _move_tier(state, event.tier, event.engaged, at)
            _note(state, event, f"de-escalated {event.previous} → {event.tier}: {event.reason}")
        case ev.Overridden():
            if event.owner != state.owner:
                state.owner, state.owner_since = event.owner, at
                state.handoffs += 1
            _move_tier(state, event.tier, event.engaged, at)
            state.overrides.append(Override(at, event.actor, event.reason, event.owner, event.tier))
            _note(state, event, f"override: owner {event.owner}, tier {event.tier}: {event.reason}")
        case ev.Reconciled():
            for override in state.overrides:
                if override.reconciled_at is None:
                    override.reconciled_at, override.reconciled_by = at, event.actor
                    override.learning = event.learning
            _note(state, event, f"override reconciled: {event.learning}")
        case ev.Rerouted():
            if event.owner != state.owner:
                state.owner, state.owner_since = event.owner, at
            state.rule, state.severity = event.rule, event.severity
            if event.category is not None:
                state.category = event.category
            if event.impact is not None:
                state.impact = dict(event.impact)
            _move_tier(state, event.tier, event.engaged, at)
            _note(state, event, f"re-routed by rule {event.rule} to {event.owner} at {event.tier}")
        case ev.Paused():
            if state.status in ACTIVE and state.status != "paused":
                state.status_before_pause = state.status
                state.status = "paused"
                state.pauses.append(Pause(at, event.waiting_on, event.reason))
            _note(state, event, f"paused, waiting on {event.waiting_on}: {event.reason}")
        case ev.Resumed():
            if state.status == "paused":
                state.status = state.status_before_pause
                _end_pause(state, at)
            _note(state, event, "resumed" + (f": {event.note}" if event.note else ""))
        case ev.Resolved():
            _end_pause(state, at)
            state.status, state.resolved_at = "resolved", at
            state.resolution, state.root_cause = event.summary, event.root_cause or None
            _note(state, event, f"resolved: {event.summary}")
        case ev.Reopened():
            _end_pause(state, at)
            resolved = state.resolved_at or state.closed_at
            if resolved is not None and resolved < at:
                state.dormant.append((resolved, at))  # no clock runs while it was resolved
            state.tier_since = at  # the tier must respond afresh
            state.status, state.reopened = "open", state.reopened + 1
            state.resolved_at = state.closed_at = None
            state.acknowledged_at = state.acknowledged_by = None
            _note(state, event, f"reopened: {event.reason}")
        case ev.Closed():
            _end_pause(state, at)
            state.status, state.closed_at = "closed", at
            state.customer_satisfaction = event.customer_satisfaction
            state.partner_satisfaction = event.partner_satisfaction
            scores = [
                f"{who} {n}/5"
                for who, n in (
                    ("customer", event.customer_satisfaction),
                    ("partner", event.partner_satisfaction),
                )
                if n is not None
            ]
            _note(
                state, event, "closed" + (f" (satisfaction: {', '.join(scores)})" if scores else "")
            )
        case ev.Alerted():
            state.alerts.add((event.alert, event.clock, event.due))
            _note(state, event, f"{event.alert}: {event.clock} due {event.due:%Y-%m-%d %H:%M} UTC")
        case ev.Commented():
            _note(state, event, f"comment: {event.text}")
        case ev.Noted():
            state.internal_notes = (
                *state.internal_notes,
                InternalNote(at, event.actor, event.text),
            )
            _note(state, event, f"internal note: {event.text}")
        case ev.Communicated():
            told = Communication(at, event.actor, event.audience, event.recipient, event.sha256)
            state.communications = (*state.communications, told)
            _note(
                state,
                event,
                f"{event.audience} update recorded for {event.recipient} "
                f"({len(event.text)} characters, sha256 {event.sha256[:12]})",
            )
        case ev.Debriefed():
            _debriefed(state, event)
        case ev.Fulfilled():
            _fulfilled(state, event)
        case ev.Linked():
            link = Link(event.kind, event.url, event.ref, event.key, at, event.actor)
            state.links = (*state.links, link)
            _note(state, event, f"linked {event.kind} {event.ref or event.url}".rstrip())
        case ev.Opened():
            _note(state, event, "a second 'opened' event was ignored")
        case _:
            _note(state, event, "unknown event ignored")


def _debriefed(state: IssueState, event: ev.Debriefed) -> None:
    state.root_cause = event.root_cause
    state.debriefs = (*state.debriefs, event)
    start = len(state.follow_ups)
    state.follow_ups = (
        *state.follow_ups,
        *(
            FollowUp(start + n, f.item, f.owner, f.due, event.at)
            for n, f in enumerate(event.follow_ups, start=1)
        ),
    )
    count = len(event.follow_ups)
    _note(
        state,
        event,
        f"debriefed: {event.root_cause}"
        + (f" ({count} follow-up{'s' if count != 1 else ''})" if count else ""),
    )


def _fulfilled(state: IssueState, event: ev.Fulfilled) -> None:
    item = next((f for f in state.follow_ups if f.number == event.item), None)
    if item is None:
        _note(state, event, f"follow-up {event.item} does not exist; ignored")
        return
    if item.is_open:
        item.closed_at, item.closed_by, item.note = event.at, event.actor, event.note or None
    _note(
        state,
        event,
        f"follow-up {item.number} done: {item.item}" + (f" ({event.note})" if event.note else ""),
    )
