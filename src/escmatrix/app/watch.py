"""`escmatrix watch`: one clone kept current and swept, every interval, without cron.

A round is pull (sync) -> sweep --apply at the clock's time -> flush the outbox -> push (sync),
each step complete or not started; a stop request (SIGTERM, Ctrl-C) is honoured between steps.
A failed pull or push is retried with backoff within the round; the sweep runs even when the
remote is unreachable (an escalation must not wait for the network). The heartbeat records the
last round where every step succeeded, so `watch --check` and `doctor` can say it is stale.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from escmatrix.app.clock import Clock
from escmatrix.core.errors import EscmatrixError, Refused
from escmatrix.store import heartbeat
from escmatrix.store.lock import exclusive

if TYPE_CHECKING:
    from escmatrix.app.workspace import Workspace

STALE_AFTER_ROUNDS = 3
"""The heartbeat is stale when no round succeeded for this many intervals (plus a minute)."""
SYNC_TRIES = 3


class Ticker(Protocol):
    """Where the watcher gets the time and how it waits: the system's, or a test's virtual one."""

    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemTicker:
    """The real clock; sleeping ends early when a stop is requested."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    def now(self) -> datetime:
        return datetime.now(UTC).replace(microsecond=0)

    def sleep(self, seconds: float) -> None:
        self.stop.wait(seconds)


class VirtualTicker:
    """A clock that only moves when slept on: rounds run back to back at stepped times."""

    def __init__(self, start: datetime) -> None:
        self.at = start
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.at += timedelta(seconds=seconds)


Log = Callable[[dict[str, Any]], None]


@dataclass
class Watcher:
    """Runs rounds against one repository; `stop` is set by a signal handler or a test."""

    root: Path
    ticker: Ticker
    log: Log
    interval: float = 30.0
    remote: str | None = None
    heartbeat_url: str | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    failures: int = 0
    last_good: datetime | None = None
    # a test hook between steps (e.g. another clone pushing, a signal arriving); never set in use
    between_steps: Callable[[str], None] | None = None

    def run(self, rounds: int | None = None) -> int:
        """Run rounds until stopped (or `rounds` have run); the number of rounds that failed."""
        from escmatrix.store.git import GitRepo

        lock = GitRepo(self.root).git_dir / "escmatrix" / "watch-lock"
        failed, done = 0, 0
        try:
            with exclusive(lock, wait=0):
                while not self.stop.is_set() and (rounds is None or done < rounds):
                    ok = self.round()
                    done += 1
                    failed += 0 if ok else 1
                    if self.stop.is_set() or (rounds is not None and done >= rounds):
                        break
                    self.ticker.sleep(self._pause())
        except Refused as exc:
            if "did not finish" in exc.message:
                raise Refused(
                    "another `escmatrix watch` is running on this clone",
                    hint="one watcher per clone; stop the other first",
                ) from None
            raise
        self._say("stopped", ok=True, rounds=done, failed=failed)
        return failed

    def _pause(self) -> float:
        """The interval; after failed rounds, longer (doubling, at most 10 intervals)."""
        return (
            self.interval * min(2 ** max(self.failures - 1, 0), 10)
            if self.failures
            else self.interval
        )

    def round(self) -> bool:
        """One round; True when every step succeeded (then the heartbeat moves)."""
        from escmatrix.app.workspace import Workspace

        ws = Workspace(self.root, Clock(self.ticker.now()))
        errors: list[str] = []
        for step in ("pull", "sweep", "flush", "push"):
            if self.stop.is_set():
                self._say("stop requested; the round ends between steps", ok=True, step=step)
                errors.append("stopped before " + step)
                break
            try:
                getattr(self, f"_{step}")(ws)
            except EscmatrixError as exc:
                errors.append(f"{step}: {exc.message}")
                self._say(exc.message, ok=False, step=step, hint=exc.hint)
                if "sync stopped" in exc.message:  # a paused rebase: a person must finish it
                    break
            if self.between_steps is not None:
                self.between_steps(step)
        self._beat(ws, errors)
        return not errors

    # -- the steps -------------------------------------------------------------------------------

    def _pull(self, ws: Workspace) -> None:
        result = self._with_retries("pull", lambda: ws.sync(self.remote))
        got = result.incoming
        self._say(
            f"pulled from {result.upstream}: {len(got.new_issues)} new issue(s), "
            f"{len(got.escalations)} escalation(s), {sum(got.updated.values())} event(s)",
            ok=True,
            step="pull",
            new_issues=got.new_issues,
            pushed=result.pushed,
        )

    def _sweep(self, ws: Workspace) -> None:
        from escmatrix.app.notify import after_record

        _plans, recorded = ws.sweep(apply=True)
        for done in recorded:
            self._say(
                f"sweep {done.state.id}: tier {done.state.tier}",
                ok=True,
                step="sweep",
                issue=done.state.id,
                commit=done.commit,
            )
            for line in after_record(ws, done, done.before):
                self._say(line, ok=True, step="notify", issue=done.state.id)
        if not recorded:
            self._say("sweep: nothing to do", ok=True, step="sweep")

    def _flush(self, ws: Workspace) -> None:
        from escmatrix.app.notify import flush

        report = flush(ws)
        if report.attempted or report.pending:
            self._say(
                f"outbox: {len(report.delivered)} delivered, {len(report.pending)} pending, "
                f"{len(report.gave_up)} given up",
                ok=not report.gave_up,
                step="flush",
            )

    def _push(self, ws: Workspace) -> None:
        result = self._with_retries("push", lambda: ws.sync(self.remote))
        self._say(
            f"pushed to {result.upstream} after {result.attempts} attempt(s)"
            if result.pushed
            else f"{result.upstream}: nothing to push",
            ok=True,
            step="push",
            attempts=result.attempts,
        )

    def _with_retries(self, step: str, call: Callable[[], Any]) -> Any:
        """Try `call` up to SYNC_TRIES times, waiting 1 s, 2 s, ... between (never past a stop)."""
        for attempt in range(1, SYNC_TRIES + 1):
            try:
                return call()
            except EscmatrixError as exc:
                if attempt == SYNC_TRIES or self.stop.is_set() or "sync stopped" in exc.message:
                    raise
                wait = float(2 ** (attempt - 1))
                self._say(
                    f"{step} failed ({exc.message}); retrying in {wait:g} s",
                    ok=False,
                    step=step,
                    attempt=attempt,
                )
                self.ticker.sleep(wait)
        raise AssertionError("unreachable")

    # -- reporting -------------------------------------------------------------------------------

    def _beat(self, ws: Any, errors: list[str]) -> None:
        now = self.ticker.now()
        if errors:
            self.failures += 1
        else:
            self.failures, self.last_good = 0, now
        previous = heartbeat.read(ws.git_dir)
        last_good = (
            heartbeat.stamp(self.last_good)
            if self.last_good
            else (previous.last_good if previous else None)
        )
        beat = heartbeat.Heartbeat(
            last_good,
            heartbeat.stamp(now),
            self.interval,
            self.failures,
            "; ".join(errors) or None,
            _pid(),
        )
        heartbeat.write(ws.git_dir, beat)
        if not errors and self.heartbeat_url:
            problem = heartbeat.ping(self.heartbeat_url)
            if problem:
                self._say(problem, ok=False, step="heartbeat")
        self._say(
            "round done" if not errors else f"round failed ({self.failures} in a row)",
            ok=not errors,
            step="round",
        )

    def _say(self, message: str, *, ok: bool, **fields: Any) -> None:
        self.log({"at": heartbeat.stamp(self.ticker.now()), "ok": ok, "message": message, **fields})


def _pid() -> int:
    import os

    return os.getpid()


@dataclass(frozen=True)
class Freshness:
    """Whether a watcher is alive, read from its heartbeat at `now`."""

    state: str  # "fresh", "stale" or "missing"
    message: str
    beat: heartbeat.Heartbeat | None


def freshness(git_dir: Path, now: datetime) -> Freshness:
    """Fresh while a round succeeded within STALE_AFTER_ROUNDS intervals plus a minute."""
    from escmatrix.app.clock import parse_instant

    beat = heartbeat.read(git_dir)
    if beat is None:
        return Freshness("missing", "no watcher has run on this clone", None)
    limit = timedelta(seconds=beat.interval * STALE_AFTER_ROUNDS + 60)
    if beat.last_good is None:
        return Freshness(
            "stale", f"the watcher has never completed a round ({beat.last_error})", beat
        )
    age = now - parse_instant(beat.last_good)
    if age > limit:
        why = f"; last error: {beat.last_error}" if beat.last_error else ""
        return Freshness(
            "stale",
            f"the watcher's last good round was {int(age.total_seconds())} s ago at "
            f"{beat.last_good} (stale after {int(limit.total_seconds())} s){why}",
            beat,
        )
    return Freshness("fresh", f"the watcher's last good round was at {beat.last_good}", beat)
