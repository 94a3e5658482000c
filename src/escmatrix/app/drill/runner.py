"""Play a scenario on a virtual clock: scripted events, the sweep at every moment that matters, notices captured."""

from __future__ import annotations

import heapq
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from escmatrix.app.clock import Clock
from escmatrix.app.drill.sandbox import DrillWorkspace, commit_all, copy_repository
from escmatrix.app.workspace import Recorded
from escmatrix.core import drill as d
from escmatrix.core import responder
from escmatrix.core.comms import internal_note
from escmatrix.core.errors import EscmatrixError
from escmatrix.core.issue import IssueState
from escmatrix.core.matrix import Absence, Matrix, PeopleFile, Person
from escmatrix.core.notices import notices_for
from escmatrix.core.routing import IssueFacts
from escmatrix.core.sla import (
    AT_RISK_SHARE,
    clocks,
    pauses_of,
    targets_for,
    tier_response,
    work_clock,
)

MAX_STEPS = 20_000
_MOVES = frozenset({"opened", "escalated", "deescalated", "assigned", "overridden", "rerouted"})


@dataclass(frozen=True)
class _Item:
    at: datetime
    order: tuple[int, int]
    issue: d.DrillIssue | None = None
    event: d.DrillEvent | None = None


def run(
    source: Path, scenario: d.Scenario, *, keep: bool = False
) -> tuple[d.DrillResult, Path | None]:
    """Play the scenario on a copy of `source`; the copy is deleted unless `keep`."""
    from escmatrix.store.yamlio import durability

    root = copy_repository(source)
    try:
        with durability(False):  # a throwaway repository: nothing to keep through a power cut
            played = _Run(root, scenario)
            result = played.play()
            if keep:
                played.ws.drill_store.flush()
        if keep:
            commit_all(root)
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
    return result, root if keep else None


class _Run:
    def __init__(self, root: Path, scenario: d.Scenario) -> None:
        self.scenario = scenario
        self.ws = DrillWorkspace(root, Clock(scenario.start), use_cache=False)
        self.ws.notify_mode = "off"  # never send; notices are worked out below and captured
        self.result = d.DrillResult(scenario.name, scenario.start, scenario.end)
        self.names: dict[str, str] = {}  # issue id -> scenario name
        self.states: dict[str, IssueState] = {}
        self.stalled: set[tuple[str, str, datetime]] = set()
        self.gap_keys: set[tuple[str | None, str, str]] = set()
        self.deadlines: dict[tuple[str, str, datetime], d.Deadline] = {}
        self.by_name: dict[str, list[tuple[str, str, datetime]]] = {}  # deadlines per issue
        # What the loop already looked at: a state (by identity) seen at the last moment, and
        # the moments each state can next change at. Only issues whose state changed, or with
        # a moment since the last look, are observed and swept again: looking at every issue at
        # every moment made a drill quadratic in its issues.
        self.dirty: set[str] = set()  # issues whose state changed since the last look
        self.arrival: dict[str, int] = {}  # issue id -> its place in arrival order
        self.last_look: datetime | None = None
        self.moment_cache: dict[str, tuple[int, list[datetime], datetime | None]] = {}
        self.coming: list[tuple[datetime, str, int]] = []  # (moment, issue, state identity)
        self.stall_dues: list[tuple[datetime, str, int]] = []  # tier response dues, likewise
        self.added_absences: dict[str, list[Absence]] = {}

    @property
    def matrix(self) -> Matrix:
        return self.ws.matrix

    # -- the loop ------------------------------------------------------------------------------

    def play(self) -> d.DrillResult:
        s = self.scenario
        agenda = [_Item(s.when(i.at), (0, n), issue=i) for n, i in enumerate(s.issues)] + [
            _Item(s.when(e.at), (1, n), event=e) for n, e in enumerate(s.events)
        ]
        agenda.sort(key=lambda item: (item.at, item.order))
        now = s.start
        for _ in range(MAX_STEPS):
            self.ws.clock = Clock(now)
            while agenda and agenda[0].at <= now:
                self._do(agenda.pop(0), now)
            focus = self._focus(now)
            self._observe(now, focus)
            looked = {i: id(self.states[i]) for i in focus}
            self._sweep(now, focus)
            # again only what the sweep changed: looking twice at one state at one moment is a no-op
            self._observe(
                now, {i for i in focus | self.dirty if looked.get(i) != id(self.states[i])}
            )
            self._stalls(now)
            for issue_id in self.dirty:
                self._cached(self.states[issue_id])
            self.dirty.clear()
            self.last_look = now
            upcoming = [t for t in self._moments(now) if t > now]
            if agenda:
                upcoming.append(agenda[0].at)
            following = min(upcoming, default=s.end)
            if now >= s.end:
                break
            now = min(following, s.end)
        self._settle(s.end)
        self.result.timeline.sort(key=lambda t: t.at)
        self.result.deadlines = sorted(self.deadlines.values(), key=lambda x: (x.due, x.issue))
        self.result.outcomes = d.evaluate(s, self.result)
        return self.result

    def _focus(self, now: datetime) -> set[str]:
        """Issues worth looking at now: state changed, or a moment of theirs since the last look."""
        if self.last_look is None:
            for state in self.states.values():
                self._cached(state)
            return set(self.states)
        return set(self.dirty) | self._due(self.coming, now)

    def _due(self, heap: list[tuple[datetime, str, int]], now: datetime) -> set[str]:
        """The issues with an entry in `heap` at or before `now` (taken out) for their current state."""
        found: set[str] = set()
        while heap and heap[0][0] <= now:
            _, issue_id, identity = heapq.heappop(heap)
            state = self.states.get(issue_id)
            if state is not None and id(state) == identity:
                found.add(issue_id)
        return found

    def _cached(self, state: IssueState) -> tuple[int, list[datetime], datetime | None]:
        """(identity, moments, tier response due) of a state, worked out once per state."""
        entry = self.moment_cache.get(state.id)
        if entry is None or entry[0] != id(state):
            now = self.ws.clock.now()
            clock = tier_response(self.matrix, state, now)
            due = clock.due if clock is not None and clock.stopped_at is None else None
            entry = self.moment_cache[state.id] = (id(state), self._moments_of(state, now), due)
            for moment in entry[1]:
                heapq.heappush(self.coming, (moment, state.id, id(state)))
            if due is not None:
                heapq.heappush(self.stall_dues, (due, state.id, id(state)))
        return entry

    def _moments(self, now: datetime) -> list[datetime]:
        """When something could next change: a clock coming due, at risk, or past a tier's
        resolution share."""
        for state in self.states.values() if self.last_look is None else ():
            self._cached(state)
        self._due(self.coming, now)  # what is already past cannot be the next moment
        while self.coming and id(self.states.get(self.coming[0][1])) != self.coming[0][2]:
            heapq.heappop(self.coming)  # left by a state since replaced
        return [self.coming[0][0]] if self.coming else []

    def _moments_of(self, state: IssueState, now: datetime) -> list[datetime]:
        found: list[datetime] = []
        if not state.is_active or state.status == "paused":
            return found
        targets = targets_for(self.matrix, state.severity, state.customer, state.partner)
        if targets.calendar != "24x7" and targets.calendar not in self.matrix.calendars:
            return found
        clock = work_clock(self.matrix, targets.calendar)
        pauses = pauses_of(state)
        for c in clocks(self.matrix, state, now):
            if c.stopped_at is not None:
                continue
            found.append(c.due)
            found.append(clock.add(c.started, c.target * AT_RISK_SHARE, pauses))
            if c.name == "resolution":
                share = self._resolution_share(state)
                if share is not None:
                    found.append(clock.add(c.started, c.target * share, pauses))
        return found

    def _resolution_share(self, state: IssueState) -> float | None:
        try:
            percent = self.matrix.tier(state.tier).auto_escalate.resolution_percent
        except KeyError:
            return None
        return percent / 100 if percent else None

    # -- scripted items ------------------------------------------------------------------------

    def _do(self, item: _Item, now: datetime) -> None:
        if item.issue is not None:
            self._open(item.issue, now)
        elif item.event is not None:
            try:
                self._event(item.event, now)
            except EscmatrixError as exc:
                name = item.event.issue or self._only()
                self._say(now, name, "refused", self.ws.acting, f"{item.event.do}: {exc.message}")

    def _only(self) -> str | None:
        return self.scenario.issues[0].name if len(self.scenario.issues) == 1 else None

    def _open(self, issue: d.DrillIssue, now: datetime) -> None:
        matrix = self.matrix
        for gap in d.category_gaps(matrix, issue.category, now, issue.name):
            self._gap(gap)
        self.ws.acting = issue.opened_by or matrix.categories[issue.category].primary
        facts = IssueFacts(
            issue.category,
            issue.severity,
            dict(issue.impact),
            issue.customer,
            issue.partner,
            tuple(issue.tags),
        )
        try:
            done, _ = self.ws.open_issue(facts, issue.title, issue.description)
        except EscmatrixError as exc:
            self._say(now, issue.name, "refused", self.ws.acting, f"open: {exc.message}")
            return
        self.names[done.state.id] = issue.name
        self.result.issues[issue.name] = done.state.id
        self._recorded(done, None, now)

    def _event(self, event: d.DrillEvent, now: datetime) -> None:
        if event.do in ("away", "back"):
            self._absence(event, now)
            return
        name = event.issue or self._only()
        issue_id = self.result.issues.get(name or "")
        if issue_id is None:
            self._say(
                now, name, "refused", event.by or "", f"{event.do}: the issue is not open yet"
            )
            return
        state = self.states[issue_id]
        self.ws.acting = event.by or self._default_actor(event, state)
        r = responder
        text = event.text.strip()
        decide: Any
        if event.do == "ack":
            decide = lambda c, s: r.acknowledge(c, s, text)  # noqa: E731
        elif event.do == "update":
            decide = lambda c, s: self._update(c, s, text, event.next)  # noqa: E731
        elif event.do == "assign":
            to = event.to or ""
            decide = lambda c, s: r.assign(c, s, to, text or "handed over in the drill")  # noqa: E731
        elif event.do == "escalate":
            decide = lambda c, s: r.escalate(c, s, text or "escalated in the drill", event.to)  # noqa: E731
        elif event.do == "deescalate":
            decide = lambda c, s: r.deescalate(c, s, text or "de-escalated in the drill", event.to)  # noqa: E731
        elif event.do == "comment":
            decide = lambda c, s: r.comment(c, s, text)  # noqa: E731
        elif event.do == "note":
            decide = lambda c, s: internal_note(c.stamp(), text)  # noqa: E731
        elif event.do == "pause":
            waiting = event.waiting_on or ("partner" if state.partner else "customer")
            decide = lambda c, s: r.pause(c, s, waiting, text or f"waiting on the {waiting}")  # noqa: E731
        elif event.do == "resume":
            decide = lambda c, s: r.resume(c, s, text)  # noqa: E731
        elif event.do == "resolve":
            decide = lambda c, s: r.resolve(c, s, text or "resolved in the drill", "")  # noqa: E731
        else:  # dispute: the partner (or customer) disputes; recorded, then taken up a tier
            self._act(issue_id, "comment", lambda c, s: r.comment(c, s, f"dispute: {text}"), now)
            state = self.states[issue_id]
            self.ws.acting = event.by or state.engaged
            decide = lambda c, s: r.escalate(c, s, f"dispute: {text}")  # noqa: E731
            self._say(now, name, "dispute", self.ws.acting, text)
        self._act(issue_id, event.do, decide, now)

    def _update(self, c: responder.Context, s: IssueState, status: str, next_steps: str) -> Any:
        """A status update, with the template's other required parts filled in sensibly."""
        required = set(self.matrix.comms.status_update.required)
        promised = None
        if "next_update_by" in required:
            cadence = targets_for(self.matrix, s.severity, s.customer, s.partner).update_every
            promised = c.at + cadence
        return responder.status_update(
            c,
            s,
            status=status,
            next_steps=next_steps or ("see the playbook" if "next_steps" in required else ""),
            owner=c.actor if "owner" in required else None,
            dependencies="none" if "dependencies" in required else "",
            next_update_by=promised,
        )

    def _default_actor(self, event: d.DrillEvent, state: IssueState) -> str:
        if event.do in ("ack", "update", "escalate", "deescalate", "assign"):
            return state.engaged
        if event.do == "dispute":
            account = self.matrix.partners.get(state.partner or "") or self.matrix.customers.get(
                state.customer or ""
            )
            if account is not None and account.liaison:
                return account.liaison
        return state.owner

    def _act(self, issue_id: str, action: str, decide: Any, now: datetime) -> None:
        before = self.states[issue_id]
        done = self.ws.act(issue_id, action, decide, lambda s: f"drill: {action}")
        self._recorded(done, before, now)

    def _absence(self, event: d.DrillEvent, now: datetime) -> None:
        person_id = event.person or ""
        matrix = self.matrix
        people = _people(matrix)
        person = next(p for p in people if p.id == person_id)
        mine = self.added_absences.setdefault(person_id, [])
        if event.do == "away":
            until = event.until or self.scenario.end.date()
            absence = Absence.model_validate({"from": now.date(), "until": until, "note": "drill"})
            mine.append(absence)
            changed = person.model_copy(update={"out_of_office": [*person.out_of_office, absence]})
            detail = f"{person_id} is out of office until {until}"
        else:
            kept = [a for a in person.out_of_office if a not in mine]
            mine.clear()
            changed = person.model_copy(update={"out_of_office": kept})
            detail = f"{person_id} is back"
        people = [changed if p.id == person_id else p for p in people]
        self.ws.replace_matrix(
            Matrix.assemble({**matrix.files, "people": PeopleFile(people=people)})
        )
        self.moment_cache.clear()  # worked out under the matrix before: look at everything again
        self.coming.clear()
        self.stall_dues.clear()
        self.last_look = None
        self._say(now, None, event.do, person_id, detail)
        if event.do == "away":
            for state in self.states.values():
                if state.is_active and person_id in (state.owner, state.engaged):
                    role = "owns" if state.owner == person_id else "is engaged on"
                    self._gap(
                        d.Gap(
                            now,
                            self.names[state.id],
                            "away",
                            f"{person_id} {role} the issue and is now out of office; nobody "
                            "takes it over unless someone reassigns it",
                        )
                    )
            for category in self.matrix.categories:
                for gap in d.category_gaps(self.matrix, category, now, None):
                    self._gap(gap)

    # -- the sweep, clocks and gaps --------------------------------------------------------------

    def _sweep(self, now: datetime, focus: set[str]) -> None:
        self.ws.focus = focus
        try:
            _, recorded = self.ws.sweep(apply=True)
        finally:
            self.ws.focus = None
        self.result.sweeps += 1
        for done in recorded:
            self._recorded(done, self.states.get(done.state.id), now)

    def _recorded(self, done: Recorded, before: IssueState | None, now: datetime) -> None:
        state = done.state
        name = self.names.get(state.id, state.id)
        self.states[state.id] = state
        self.dirty.add(state.id)
        self.arrival.setdefault(state.id, len(self.arrival))
        start = len(before.timeline) if before else 0
        for entry in state.timeline[start:]:
            self._say(entry.at, name, entry.kind, entry.actor, entry.summary)
        events = [self.ws.store.read_event(self.ws.store.event_file(p)) for p in done.files]
        for notice in notices_for(self.matrix, before, state, events, now):
            for channel in notice.channels:
                self.result.notifications.append(
                    d.Captured(now, name, notice.kind, channel, notice.summary)
                )
        for event in events:
            for note in d.skipped_tiers(str(getattr(event, "reason", ""))):
                self._gap(d.Gap(now, name, "away", note))
        snap = d.Snapshot(now, state.tier, state.engaged, state.owner, state.status)
        self.result.snapshots.setdefault(name, []).append(snap)
        engaged = (state.tier, state.engaged, state.owner)
        if before is None or (before.tier, before.engaged, before.owner) != engaged:
            how = next(
                (e.summary for e in reversed(state.timeline[start:]) if e.kind in _MOVES),
                state.timeline[-1].summary if state.timeline else "",
            )
            self.result.engagements.append(
                d.Engagement(now, name, state.tier, state.engaged, state.owner, how)
            )
            for gap in d.engagement_gaps(self.matrix, name, state, now):
                self._gap(gap)

    def _observe(self, now: datetime, focus: set[str]) -> None:
        """Record the clocks' state of the issues in focus; a clock seen breached is a missed
        deadline."""
        for issue_id in sorted(focus, key=self.arrival.__getitem__):  # in arrival order
            state = self.states[issue_id]
            name = self.names[issue_id]
            seen = set()
            for c in clocks(self.matrix, state, now):
                key = (name, c.name, c.started)
                seen.add(key)
                record = self.deadlines.get(key)
                if record is None:
                    record = self.deadlines[key] = d.Deadline(name, c.name, c.started, c.due)
                    self.by_name.setdefault(name, []).append(key)
                if record.state != "open":
                    continue
                record.due = c.due
                if c.state == "breached":
                    record.state, record.settled_at = "missed", c.due
                    self._say(c.due, name, "missed", "", f"{c.name} deadline missed")
                elif c.state == "met" or c.stopped_at is not None:
                    record.state, record.settled_at = "met", c.stopped_at or now
            for key in self.by_name.get(name, []):
                record = self.deadlines[key]
                if key not in seen and record.state == "open":
                    record.state, record.settled_at = "met", now  # superseded before it came due

    def _stalls(self, now: datetime) -> None:
        """A tier's response time passed without acknowledgement and nothing moves it on."""
        top = self.matrix.tiers[-1].id if self.matrix.tiers else ""
        # elapsed >= target only from the due time on: look at those whose due came
        for issue_id in sorted(self._due(self.stall_dues, now), key=self.arrival.__getitem__):
            state = self.states[issue_id]
            if not state.is_active or state.status == "paused":
                continue
            clock = tier_response(self.matrix, state, now)
            if clock is None or clock.stopped_at is not None or clock.elapsed < clock.target:
                continue
            key = (issue_id, state.tier, state.tier_since)
            if key in self.stalled:
                continue
            self.stalled.add(key)
            tier = self.matrix.tier(state.tier)
            name = self.names[issue_id]
            if state.tier == top:
                detail = (
                    f"the top tier ({state.tier}, {state.engaged}) did not acknowledge within "
                    f"{_duration(clock.target)}; there is nobody further up"
                )
                self._gap(d.Gap(now, name, "top-tier", detail))
            elif not tier.auto_escalate.no_acknowledgement:
                detail = (
                    f"tier {state.tier} ({state.engaged}) did not acknowledge within "
                    f"{_duration(clock.target)} and the ladder does not escalate on its own "
                    "(auto_escalate.no_acknowledgement is off): the issue stalls"
                )
                self._gap(d.Gap(now, name, "stalled", detail))

    def _settle(self, end: datetime) -> None:
        for record in self.deadlines.values():
            if record.state == "open" and record.due <= end:
                record.state, record.settled_at = "missed", record.due

    def _gap(self, gap: d.Gap) -> None:
        key = (gap.issue, gap.kind, gap.detail)
        if key in self.gap_keys:
            return
        self.gap_keys.add(key)
        self.result.gaps.append(gap)
        self._say(gap.at, gap.issue, "gap", "", gap.detail)

    def _say(self, at: datetime, issue: str | None, kind: str, who: str, detail: str) -> None:
        self.result.timeline.append(d.TimelineItem(at, issue, kind, who, detail))


def _people(matrix: Matrix) -> list[Person]:
    people = matrix.files["people"]
    assert isinstance(people, PeopleFile)
    return list(people.people)


def _duration(delta: timedelta) -> str:
    from escmatrix.core.durations import format_duration

    return format_duration(delta)
