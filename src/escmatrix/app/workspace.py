"""The application API: one repository, its matrix, its issues, its git, and the clock.

Commands call one method here; core/ decides, store/ reads and writes. Every mutation appends
event files and makes exactly one commit, or leaves nothing behind.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterator
from datetime import datetime
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from escmatrix.app.clock import Clock
from escmatrix.core.errors import EscmatrixError, Refused
from escmatrix.store.journal import Entry, Journal
from escmatrix.store.lock import exclusive
from escmatrix.store.repository import find_root

if TYPE_CHECKING:  # imported where used: `list` and `show` must not pay for events and routing
    from escmatrix.core import responder
    from escmatrix.core.debrief import OpenFollowUp
    from escmatrix.core.escalation import IssuePlan
    from escmatrix.core.events import EventBase
    from escmatrix.core.friction import FrictionNote
    from escmatrix.core.issue import IssueState
    from escmatrix.core.matrix import Matrix
    from escmatrix.core.route_facts import RouteMatrix
    from escmatrix.core.routing import IssueFacts, RouteDecision
    from escmatrix.core.summary import IssueSummary
    from escmatrix.store.cache import IssueCache
    from escmatrix.store.cache_files import StateEntry
    from escmatrix.store.git import GitRepo, Identity, LogEntry
    from escmatrix.store.issues import IssueStore
    from escmatrix.store.sync import SyncResult

    Decide = Callable[[responder.Context, IssueState], EventBase]


def _load_matrix(root: Path) -> Matrix:
    from escmatrix.store.matrix_loader import load_matrix  # YAML and pydantic: on a miss only

    return load_matrix(root)


class Recorded(msgspec.Struct, frozen=True):
    """What a mutating command did: the new state, the files it added and its commit."""

    state: IssueState
    files: list[Path]
    commit: str
    action: str
    before: IssueState | None = None
    warnings: tuple[str, ...] = ()  # e.g. a clock far ahead of everything the repository knows
    events: tuple[EventBase, ...] = ()  # what the files hold, as written (none: read them back)


class Workspace:
    notify_mode: str | None = None  # set by the CLI: "send", "off" or "dry-run"; None: the env's
    leave_no_trace = False  # read the local cache but never write it (previews, drills)
    _kept: list[tuple[str, StateEntry]] | None = None  # states to keep at once (`keeping_written`)

    def __init__(self, root: Path, clock: Clock, *, use_cache: bool = True) -> None:
        self.root, self.clock, self.use_cache = root, clock, use_cache

    @classmethod
    def locate(cls, repo: str | None, clock: Clock, *, use_cache: bool = True) -> Workspace:
        return cls(find_root(repo), clock, use_cache=use_cache)

    @cached_property
    def store(self) -> IssueStore:
        from escmatrix.store.issues import IssueStore

        return IssueStore(self.root)

    @cached_property
    def matrix(self) -> Matrix:
        """The validated matrix; from the local cache while its files' bytes are unchanged."""
        from escmatrix.app.matrix_memo import cached_matrix

        if self.matrix_key is None:
            return _load_matrix(self.root)
        load = partial(_load_matrix, self.root)
        return cached_matrix(self.cache, self.matrix_key, load, self.clock.now())

    @cached_property
    def matrix_key(self) -> tuple[str, ...] | None:
        """What the matrix is cached under; None with `--no-cache` or no repository for a cache."""
        try:
            return self.cache.matrix_key() if self.use_cache and self.cache else None
        except (OSError, EscmatrixError):
            return None

    @cached_property
    def git(self) -> GitRepo:
        from escmatrix.store.git import GitRepo

        return GitRepo(self.root)

    @cached_property
    def acting_matrix(self) -> RouteMatrix:
        """What routing and a decision on an issue read of the matrix: its plain copy from the
        local cache (`LadderFacts`: no matrix model is loaded), else (`--no-cache`) the validated
        matrix."""
        from escmatrix.app.listing import ReadView

        return ReadView(self).ladder

    def actor(self) -> tuple[str, Identity]:
        """The person acting: git's user.email mapped to a person of the matrix."""
        identity = self.git.identity()
        matrix = self.acting_matrix
        person_id = matrix.person_of(identity.email)
        if person_id is None:
            raise Refused(
                f"git identity {identity.email} is not a person in the matrix",
                hint="add yourself to matrix/people.yaml with that email, or run "
                "`git config user.email` with the email your entry has",
            )
        person = matrix.people[person_id]
        if person.has_left(self.clock.now()):
            raise Refused(
                f"{person_id} left on {person.left} (people.yaml) and can no longer act",
                hint="act as someone still here (git config user.email)",
            )
        return person_id, identity

    def _context(self, actor: str) -> responder.Context:
        from escmatrix.core import responder

        return responder.Context(self.acting_matrix, actor, self.clock.now(), self.git.matrix_ref())

    # -- reading ----------------------------------------------------------------------------

    def resolve(self, prefix: str) -> str:
        return self.store.resolve(prefix)

    def issue(self, prefix: str) -> IssueState:
        """One folded issue; from the cache while its folder is unchanged (no models loaded)."""
        from escmatrix.store.issue_folders import plain_id

        if self.use_cache and (issue_id := plain_id(self.root / "issues", prefix)) is not None:
            cached = self.cache.state(issue_id, self._load)
            if cached is not None:
                return cached
        return self.store.load(self.resolve(prefix))

    def issues(
        self, wanted: Callable[[IssueSummary], bool] | None = None, active: bool = False
    ) -> list[IssueState]:
        """Folded issues (`active`: active ones only), optionally filtered by their summary; from
        the cache when it can be trusted."""
        from escmatrix.core.summary import IssueSummary

        if self.use_cache:
            cached = self.cache.states(self._load, wanted or (lambda _: True), active)
            if cached is not None:
                return cached
        states = (s for s in self.store.load_all() if s.is_active or not active)
        return [s for s in states if wanted is None or wanted(IssueSummary.of(s))]

    def issue_events(
        self, wanted: Collection[str] | None = None
    ) -> list[tuple[str, list[EventBase]]]:
        """Every issue's (or the `wanted` issues') events in order, by issue id."""
        if self.use_cache and (cached := self.cache.events(self.store.events, wanted)) is not None:
            return cached
        ids = [i for i in self.store.issue_ids() if wanted is None or i in wanted]
        return [(issue_id, self.store.events(issue_id)) for issue_id in ids]

    def summaries(self, active: bool = False) -> list[IssueSummary]:
        """One summary row per issue (`active`: per active issue): from the cache when it can be
        trusted, else from the files."""
        if self.use_cache and (cached := self.cache.summaries(self._load, active)) is not None:
            return cached
        from escmatrix.core.summary import IssueSummary

        return [IssueSummary.of(s) for s in self.store.load_all() if s.is_active or not active]

    def short_ids(self) -> dict[str, str]:
        """Each issue id's shortest unique prefix among all issues (at least four characters):
        for every issue, or at least for those of the last `summaries`."""
        if self.use_cache and (cached := self.cache.short_ids(self._load)) is not None:
            return cached
        from escmatrix.core.ids import shortest_unique

        return shortest_unique(self.store.issue_ids())

    def _load(self, issue_id: str) -> IssueState:
        return self.store.load(issue_id)

    @cached_property
    def cache(self) -> IssueCache:
        from escmatrix.store.cache import IssueCache

        return IssueCache(self.root, self.git_dir, self.git.top, read_only=self.leave_no_trace)

    @property
    def git_dir(self) -> Path:
        return self.git.git_dir

    def preview(self, facts: IssueFacts) -> RouteDecision:
        """Who would get this issue at the clock's time; writes nothing."""
        return self.route_at(facts, self.clock.now())

    def route_at(self, facts: IssueFacts, at: datetime) -> RouteDecision:
        """Route; when the matching rule chooses by load (a pool, a team), again with the load."""
        from escmatrix.core.routing import chooses_by_load, route

        matrix = self.acting_matrix
        decision = route(matrix, facts, at)
        rule = next((r for r in matrix.rules if r.id == decision.rule), None)
        if rule is None or not chooses_by_load(matrix, rule):
            return decision
        from escmatrix.core.metrics.routing_load import routing_load

        return route(matrix, facts, at, routing_load(self.issues(), at))

    def history(self, prefix: str) -> list[LogEntry]:
        issue_id = self.resolve(prefix)
        from escmatrix.app.history import from_event_files

        return [from_event_files(self, e) for e in self.git.log(f"issues/{issue_id}")]

    # -- writing ----------------------------------------------------------------------------

    @property
    def lock_path(self) -> Path:
        return self.git.git_dir / "escmatrix" / "lock"

    def doctor(self) -> list[str]:
        """Finish or clean up what interrupted commands left; returns what was done, in words."""
        from escmatrix.app.doctor import doctor

        return doctor(self)

    def sync(self, remote: str | None) -> SyncResult:
        """Fetch, rebase and push, under our lock so no local command interleaves."""
        from escmatrix.store.sync import sync

        with exclusive(self.lock_path):
            if Journal(self.git.git_dir).pending():
                raise Refused(
                    "an interrupted command left uncommitted events",
                    hint="run `escmatrix doctor` first, then sync",
                )
            return sync(self.git, remote)

    def automation_identity(self) -> Identity:
        """Who the sweep commits as: the matrix's automation identity, else git's."""
        from escmatrix.store.git import Identity

        bot = self.matrix.governance.automation
        return Identity(bot.name, bot.email) if bot else self.git.identity()

    def sweep(self, apply: bool) -> tuple[list[IssuePlan], list[Recorded]]:
        """Plan clock-driven escalations and alerts; with `apply`, record them (app/sweep.py)."""
        from escmatrix.app.sweep import sweep

        return sweep(self, apply)

    @contextlib.contextmanager
    def keeping_written(self) -> Iterator[None]:
        """Keep the states recorded inside in the cache once, at the end (a sweep's hundreds)."""
        self._kept = []
        try:
            yield
        finally:
            kept, self._kept = self._kept, None
            if kept:
                with contextlib.suppress(OSError, EscmatrixError), exclusive(self.lock_path):
                    self.cache.keep_written(kept)

    def _record(
        self,
        issue_id: str,
        action: str,
        actor: str,
        identity: Identity,
        decide: Callable[[], list[EventBase]],
        describe: Callable[[list[EventBase]], tuple[str, str]],
        folded: list[IssueState] | None = None,
    ) -> Recorded | None:
        """Decide under the lock, append the events and commit them once; None if nothing to record.
        `folded` gets the state `decide` decided on, if it says: then the state recorded is that
        one with the new events applied, and no event file is read again."""
        from escmatrix.core.audit_rules import clock_ahead, refuse_before_opening
        from escmatrix.core.events import as_written, checked
        from escmatrix.core.issue import fold
        from escmatrix.store.git import TRAILER_ACTION, TRAILER_ACTOR, TRAILER_ISSUE

        with exclusive(self.lock_path):
            journal = Journal(self.git.git_dir)
            if journal.pending():
                raise Refused(
                    "an earlier escmatrix command was interrupted between writing its events and "
                    "committing them",
                    hint="run `escmatrix doctor` to finish that commit, then run this command again",
                )
            new_events = [as_written(checked(e)) for e in decide()]
            if not new_events:
                return None
            last = None
            opening = any(getattr(e, "event", "") == "opened" for e in new_events)
            if not opening:
                known = folded[0] if folded else self.store.load(issue_id)
                refuse_before_opening([e.at for e in new_events], known.opened_at)
                last = known.last_event_at
            ahead = clock_ahead(max(e.at for e in new_events), [last, self.git.head_time()])
            paths = self.store.next_paths(issue_id, new_events)
            message, body = describe(new_events)
            written = [str(p.relative_to(self.root)) for p in paths]
            who = (actor, identity.name, identity.email)
            entry = journal.begin(Entry(issue_id, action, *who, message, written))
            head = self.git.head()
            try:
                files = self.store.write(paths, new_events)
                commit = self.git.commit_files(
                    files,
                    message,
                    body,
                    {TRAILER_ISSUE: issue_id, TRAILER_ACTION: action, TRAILER_ACTOR: actor},
                    identity,
                    self.clock.now() if self.clock.is_fixed else None,
                )
            except BaseException:
                if not self._committed_since(head):  # take back what was written
                    self.store.discard(paths)
                journal.end(entry)
                raise
            journal.end(entry)
            if folded:
                state = self._after(folded[0], new_events)
            elif opening:  # a new issue: its folder holds just these events, as written
                state = fold(issue_id, new_events)
            else:
                state = self.store.load(issue_id)
            self._keep_written(issue_id, commit, state)
        warnings = (ahead,) if ahead else ()
        return Recorded(state, files, commit, action, warnings=warnings, events=tuple(new_events))

    def _decided_on(self, issue_id: str) -> IssueState:
        """The issue's state to decide on, under the lock: from the cache while its folder holds
        what was folded, else folded from its files."""
        cached = self.cache.state_on_disk(issue_id) if self.use_cache else None
        return cached if cached is not None else self.store.load(issue_id)

    def _keep_written(self, issue_id: str, commit: str, state: IssueState) -> None:
        """Keep the recorded state in the cache, under the lock while the folder is as written."""
        if not self.use_cache or self.leave_no_trace:
            return
        with contextlib.suppress(OSError, EscmatrixError):  # the command is done: this only helps
            key = self.git.object_id(f"{commit}:{self.cache.issues_path}/{issue_id}")
            written = self.cache.written(issue_id, key, state) if key else None
            if written is not None and self._kept is not None:
                self._kept.append(written)
            elif written is not None:
                self.cache.keep_written([written])

    @staticmethod
    def _after(state: IssueState, events: list[EventBase]) -> IssueState:
        """`state` with `events` applied after its own events, as folding them all gives (a
        copy, by the cache's codec, which keeps a state exactly)."""
        from escmatrix.core.issue import apply_events
        from escmatrix.store import state_codec

        after = state_codec.decode(*state_codec.encode(state))
        apply_events(after, events)
        return after

    def _message(
        self,
        action: str,
        issue_id: str,
        events: list[EventBase],
        lines: list[str] | None = None,
        fallback: str = "",
    ) -> tuple[str, str]:
        from escmatrix.app.commit_text import commit_text

        return commit_text(self.store.folder, action, issue_id, events, lines, fallback)

    def _committed_since(self, head: str) -> bool:
        """Whether HEAD moved on from `head`: the commit went through before the interruption."""
        try:
            return self.git.head() != head
        except Exception:  # git itself failing: nothing was committed that we can see
            return False

    def open_issue(
        self, facts: IssueFacts, title: str, description: str
    ) -> tuple[Recorded, RouteDecision]:
        from escmatrix.core import ids, responder

        actor, identity = self.actor()
        ctx = self._context(actor)
        decision = self.route_at(facts, ctx.at)
        event = responder.open_issue(ctx, decision, title, description)
        issue_id = ids.new_issue_id(ctx.at)
        while self.store.exists(issue_id):
            issue_id = ids.new_issue_id(ctx.at)
        recorded = self._record(
            issue_id,
            "open",
            actor,
            identity,
            lambda: [event],
            lambda events: self._message("open", issue_id, events),
        )
        assert recorded is not None
        return recorded, decision

    def act(
        self, prefix: str, action: str, decide: Decide, describe: Callable[[IssueState], str]
    ) -> Recorded:
        """Apply one decision to an existing issue, re-reading its events under the lock."""

        issue_id = self.resolve(prefix)
        actor, identity = self.actor()
        ctx = self._context(actor)
        before: list[IssueState] = []

        def decide_locked() -> list[EventBase]:
            before.append(self._decided_on(issue_id))
            return [decide(ctx, before[0])]

        recorded = self._record(
            issue_id,
            action,
            actor,
            identity,
            decide_locked,
            lambda events: self._message(action, issue_id, events, fallback=describe(before[0])),
            before,
        )
        assert recorded is not None
        return msgspec.structs.replace(recorded, before=before[0])

    def reroute(
        self, prefix: str, change: dict[str, Any] | None = None
    ) -> tuple[Recorded, RouteDecision]:
        """Re-route under the current matrix; `change` may re-rate it (see app/reroute.py)."""
        from escmatrix.app.reroute import reroute

        return reroute(self, prefix, change or {})

    def open_follow_ups(self) -> list[OpenFollowUp]:
        """Debrief follow-ups not yet done, across every issue, soonest due first."""
        from escmatrix.core.debrief import open_follow_ups

        return open_follow_ups(self.issues(), self.clock.now().date())

    # -- friction notes and reports ---------------------------------------------------------

    def record_friction(
        self, text: str, category: str | None, issue: str | None, tier: str | None
    ) -> tuple[str, FrictionNote, Path, str]:
        """Write one friction note and commit it once: (id, note, file, commit)."""
        from escmatrix.core.friction import decide_note
        from escmatrix.store.friction import FrictionStore
        from escmatrix.store.git import TRAILER_ACTION, TRAILER_ACTOR, TRAILER_ISSUE

        actor, identity = self.actor()
        at = self.clock.now()
        state = self.issue(issue) if issue else None
        note = decide_note(
            self.matrix,
            actor=actor,
            at=at,
            matrix_commit=self.git.matrix_commit(),
            text=text,
            category=category,
            tier=tier,
            issue=state,
        )
        store = FrictionStore(self.root)
        trailers = {TRAILER_ACTION: "friction", TRAILER_ACTOR: actor}
        if state is not None:
            trailers = {TRAILER_ISSUE: state.id, **trailers}
        with exclusive(self.lock_path):
            path = store.add(note)
            try:
                commit = self.git.commit_files(
                    [path],
                    f"friction: {note.text}",
                    "",
                    trailers,
                    identity,
                    at if self.clock.is_fixed else None,
                )
            except BaseException:
                store.discard(path)
                raise
        return path.stem, note, path, commit
