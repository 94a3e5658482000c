"""Telling people: the hook the CLI calls after every recorded action, the outbox and tests.

Contract (the CLI and the sweep rely on exactly this):
    after_record(ws, recorded, before) -> list[str]
        Called after a mutating command has committed (outside the git lock). `before` is the
        issue's state before the command (None for `open` and the sweep). Returns one line per
        channel for the CLI to print, e.g. "notified support-chat (slack): escalated" or
        "support-email (email): escalated pending in the outbox (...)".
        Never raises: a failed delivery goes to the outbox, anything else becomes a line.

Modes: "send" (default), "off" (`--no-notify`, ESCMATRIX_NO_NOTIFY=1) and "dry-run"
(`--notify-dry-run`, ESCMATRIX_NOTIFY=dry-run: print the payloads, send nothing). The CLI sets
`ws.notify_mode`; without it the environment decides.
"""

from __future__ import annotations

import json
import os
import time
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from escmatrix.app.workspace import Recorded, Workspace
    from escmatrix.core.issue import IssueState
    from escmatrix.core.ladder_facts import ChannelRef
    from escmatrix.core.matrix import Channel
    from escmatrix.core.notices import Notice
    from escmatrix.store.outbox import Entry, Outbox

Mode = Literal["send", "off", "dry-run"]
MODES: tuple[Mode, ...] = ("send", "off", "dry-run")
OUTBOX_LOCK_WAIT_SECONDS = 10.0
COMMAND_BUDGET_SECONDS = 8.0
FLUSH_HINT = "the next command or `escmatrix notify flush` retries it"


@dataclass
class _Run:
    """What one workspace (one command) already learned: the outbox was retried, these
    channels did not answer, so later messages queue behind instead of waiting again."""

    retried: bool = False
    unreachable: set[str] = field(default_factory=set)
    started: float = field(default_factory=time.monotonic)

    def out_of_time(self) -> bool:
        """A command spends at most COMMAND_BUDGET_SECONDS delivering; the rest waits in the
        outbox for the next command or `notify flush`, so a slow endpoint never holds a responder."""
        return time.monotonic() - self.started > COMMAND_BUDGET_SECONDS


_runs: weakref.WeakKeyDictionary[Workspace, _Run] = weakref.WeakKeyDictionary()


def _run(ws: Workspace) -> _Run:
    run = _runs.get(ws)
    if run is None:
        run = _runs[ws] = _Run()
    return run


def notify_mode(ws: Workspace | None = None) -> tuple[Mode, str]:
    """The mode in force and, if the environment asked for something unknown, why it is off."""
    chosen = getattr(ws, "notify_mode", None)
    if chosen in MODES:
        return chosen, ""
    if os.environ.get("ESCMATRIX_NO_NOTIFY", "").strip().lower() in ("1", "true", "yes", "on"):
        return "off", ""
    wanted = os.environ.get("ESCMATRIX_NOTIFY", "").strip().lower()
    for mode in MODES:
        if wanted == mode:
            return mode, ""
    if wanted:
        return "off", f"ESCMATRIX_NOTIFY={wanted!r} is not one of {', '.join(MODES)}"
    return "send", ""


def after_record(ws: Workspace, recorded: Recorded, before: IssueState | None) -> list[str]:
    """Tell the channels about what `recorded` did; one line per channel (see the module doc)."""
    try:
        return _after_record(ws, recorded, before)
    except Exception as exc:  # the command has committed: say what went wrong, never fail it
        return [f"notifications not sent: {type(exc).__name__}: {exc}"]


def _after_record(ws: Workspace, recorded: Recorded, before: IssueState | None) -> list[str]:
    from escmatrix.core.notices import notices_for

    if before is None:
        before = getattr(recorded, "before", None)
    mode, problem = notify_mode(ws)
    events = _new_events(ws, recorded)
    # the plain copy of the matrix says who is told; a channel's whole entry (its address, its
    # secret's name) only matters when something is sent
    plain = ws.acting_matrix
    notices = notices_for(plain, before, recorded.state, events, ws.clock.now())
    if mode == "off":
        why = problem or "notifications are off"
        named = {c.id: c for c in plain.comms.channels}
        return [
            f"{_label(named[c])}: {n.kind} not sent ({why})"
            for n in notices
            for c in n.channels
            if c in named
        ]
    channels = {c.id: c for c in ws.matrix.comms.channels} if notices else {}
    pairs = [(n, channels[c]) for n in notices for c in n.channels if c in channels]
    if mode == "dry-run":
        return [_dry_run_line(n, c) for n, c in pairs]
    return _send_all(ws, pairs)


def _send_all(ws: Workspace, pairs: list[tuple[Notice, Channel]]) -> list[str]:
    from escmatrix.core.errors import Refused
    from escmatrix.store.outbox import Outbox

    outbox = Outbox(ws.git.git_dir)
    run = _run(ws)
    if not pairs and (run.retried or not outbox.entries()):
        return []  # nothing to say and nothing waiting: no lock, no network
    lines: list[str] = []
    done = 0
    try:
        with outbox.locked(OUTBOX_LOCK_WAIT_SECONDS):
            if not run.retried:
                run.retried = True
                lines += _retry_lines(_flush(ws, outbox, run, retry_failed=False))
            waiting = outbox.pending_channels()
            for notice, channel in pairs:
                lines.append(_deliver_new(outbox, run, notice, channel, waiting))
                done += 1
    except Refused:
        for notice, channel in pairs[done:]:
            _queue(outbox, notice, channel, "another escmatrix process was delivering")
            lines.append(f"{_label(channel)}: {notice.kind} pending in the outbox; {FLUSH_HINT}")
    return lines


def _deliver_new(
    outbox: Outbox, run: _Run, notice: Notice, channel: Channel, waiting: set[str]
) -> str:
    from escmatrix.core.notices import body_for
    from escmatrix.store import deliver
    from escmatrix.store.outbox import Entry, new_delivery_id, wall_clock

    label = _label(channel)
    if run.out_of_time():
        _queue(outbox, notice, channel, "this command's time for deliveries was used up")
        return f"{label}: {notice.kind} pending in the outbox (out of time); {FLUSH_HINT}"
    if channel.id in waiting or channel.id in run.unreachable:
        # Never overtake an earlier message: a pager must see trigger before resolve.
        _queue(outbox, notice, channel, "queued behind earlier messages not delivered yet")
        return f"{label}: {notice.kind} queued in the outbox behind earlier messages; {FLUSH_HINT}"
    body = body_for(notice, channel)
    entry = Entry(new_delivery_id(), channel.id, channel.kind, notice.kind, notice.issue_id, body)
    outcome = deliver.send(channel, body, entry.id, notice.kind)
    if outcome.status == "delivered":
        return f"notified {label}: {notice.kind}"
    if outcome.status == "unconfigured":
        return f"{label}: {notice.kind} not sent, {outcome.reason}"
    entry.attempts, entry.last_attempt_at, entry.reason = 1, wall_clock(), outcome.reason
    if outcome.status == "retry":
        run.unreachable.add(channel.id)
        outbox.save(entry)
        return f"{label}: {notice.kind} pending in the outbox ({outcome.reason}); {FLUSH_HINT}"
    entry.status = "failed"
    outbox.save(entry)
    return (
        f"{label}: {notice.kind} delivery failed ({outcome.reason}); kept in the outbox as "
        "failed, see `escmatrix notify list`"
    )


def _queue(outbox: Outbox, notice: Notice, channel: Channel, reason: str) -> None:
    from escmatrix.core.notices import body_for
    from escmatrix.store.outbox import Entry, new_delivery_id

    body = body_for(notice, channel)
    entry = Entry(new_delivery_id(), channel.id, channel.kind, notice.kind, notice.issue_id, body)
    entry.reason = reason
    outbox.save(entry)


def _new_events(ws: Workspace, recorded: Recorded) -> list[object]:
    """The events the command wrote: as it wrote them, else read back from its files."""
    from escmatrix.store.issues import EVENT_NAME, EventFile

    if recorded.events:
        return list(recorded.events)
    events: list[object] = []
    for path in recorded.files:
        match = EVENT_NAME.match(path.name)
        if match:
            file = EventFile(str(path), int(match[1]), match[2], match[3])
            events.append(ws.store.read_event(file))
    return events


def _label(channel: ChannelRef) -> str:
    return f"{channel.id} ({channel.kind})"


def _dry_run_line(notice: Notice, channel: Channel) -> str:
    from escmatrix.core.notices import body_for
    from escmatrix.store.deliver import destination, scrub

    payload = json.dumps(body_for(notice, channel), ensure_ascii=False, sort_keys=True)
    line = f"dry run, not sent: {notice.kind} → {_label(channel)} via {destination(channel)}: {payload}"
    return scrub(line, [os.environ[n] for n in channel.secrets if os.environ.get(n)])


# -- the outbox -------------------------------------------------------------------------------------


@dataclass
class FlushReport:
    """What a pass over the outbox did to each entry it found."""

    delivered: list[Entry] = field(default_factory=list)
    pending: list[Entry] = field(default_factory=list)
    failed: list[Entry] = field(default_factory=list)
    gave_up: list[Entry] = field(default_factory=list)
    attempted: int = 0


def flush(ws: Workspace, *, retry_failed: bool = False) -> FlushReport:
    """Retry every pending message (and failed ones, if asked), oldest first, under the lock."""
    from escmatrix.store.outbox import Outbox

    outbox = Outbox(ws.git.git_dir)
    run = _run(ws)
    run.started = float("inf")  # asked for by name: no budget, every message gets its try
    with outbox.locked(OUTBOX_LOCK_WAIT_SECONDS):
        return _flush(ws, outbox, run, retry_failed=retry_failed)


def _flush(ws: Workspace, outbox: Outbox, run: _Run, *, retry_failed: bool) -> FlushReport:
    from escmatrix.store import deliver
    from escmatrix.store.outbox import GIVE_UP_SECONDS, wall_clock

    channels = {c.id: c for c in ws.matrix.comms.channels}
    report = FlushReport()
    if not outbox.folder.is_dir():
        return report
    for path in sorted(outbox.folder.glob("*.json")):
        entry = outbox.read(path)  # re-read under the lock: it may be gone already
        if entry is None:
            continue
        unreadable = entry.reason.startswith("unreadable:")
        if unreadable or (entry.status == "failed" and not retry_failed):
            report.failed.append(entry)  # left as it is: `notify drop` removes it
            continue
        channel = channels.get(entry.channel)
        if channel is None or channel.kind != entry.kind:
            entry.status = "failed"
            entry.reason = (
                f"channel {entry.channel!r} is no longer a {entry.kind} channel in the matrix"
            )
            outbox.save(entry)
            report.gave_up.append(entry)
            continue
        if channel.id in run.unreachable or run.out_of_time():
            report.pending.append(entry)  # it did not answer a moment ago: keep the order
            continue
        report.attempted += 1
        outcome = deliver.send(channel, entry.body, entry.id, entry.notice)
        if outcome.status == "delivered":
            outbox.remove(entry)
            report.delivered.append(entry)
            continue
        entry.attempts += 1
        entry.last_attempt_at, entry.reason = wall_clock(), outcome.reason
        if outcome.status == "failed" or entry.age_seconds() > GIVE_UP_SECONDS:
            if outcome.status != "failed":
                entry.reason = f"gave up after {entry.attempts} attempts: {outcome.reason}"
            entry.status = "failed"
            report.gave_up.append(entry)
        else:
            entry.status = "pending"
            run.unreachable.add(channel.id)
            report.pending.append(entry)
        outbox.save(entry)
    return report


def _retry_lines(report: FlushReport) -> list[str]:
    lines = []
    if report.delivered:
        names = ", ".join(dict.fromkeys(e.channel for e in report.delivered))
        lines.append(f"outbox: delivered {_count(len(report.delivered))} ({names})")
    if report.pending:
        reason = report.pending[-1].reason
        lines.append(f"outbox: {_count(len(report.pending))} still pending ({reason})")
    lines += [f"outbox: gave up on {e.id} to {e.channel}: {e.reason}" for e in report.gave_up]
    return lines


def _count(n: int) -> str:
    return f"{n} earlier message" + ("" if n == 1 else "s")


def entries(ws: Workspace) -> list[Entry]:
    """What the outbox holds, oldest first."""
    from escmatrix.store.outbox import Outbox

    return Outbox(ws.git.git_dir).entries()


def drop(ws: Workspace, ids: list[str], *, failed: bool) -> list[Entry]:
    """Remove entries by id (or unique prefix) and, with `failed`, every failed one."""
    from escmatrix.core.errors import NotFound
    from escmatrix.store.outbox import Outbox

    outbox = Outbox(ws.git.git_dir)
    with outbox.locked(OUTBOX_LOCK_WAIT_SECONDS):
        held = outbox.entries()
        chosen = [e for e in held if failed and e.status == "failed"]
        for wanted in ids:
            found = [e for e in held if e.id.startswith(wanted)]
            if len(found) != 1:
                raise NotFound(
                    f"{wanted!r} matches {len(found)} outbox entries",
                    hint="`escmatrix notify list` shows their ids",
                )
            chosen.append(found[0])
        unique = list({e.id: e for e in chosen}.values())
        for entry in unique:
            outbox.remove(entry)
    return unique


# -- a test message ---------------------------------------------------------------------------------


def send_test(ws: Workspace, channel_id: str) -> list[str]:
    """Send a harmless test message over one channel now (not queued); refuses if it fails."""
    from dataclasses import replace

    from escmatrix.core.errors import EscmatrixError, NotFound, Refused
    from escmatrix.core.notices import body_for, trial_notice
    from escmatrix.store import deliver
    from escmatrix.store.outbox import new_delivery_id

    channels = {c.id: c for c in ws.matrix.comms.channels}
    channel = channels.get(channel_id)
    if channel is None:
        known = ", ".join(channels) or "none are defined in matrix/comms.yaml"
        raise NotFound(f"no channel {channel_id!r}", hint=f"known channels: {known}")
    if channel.kind == "dashboard":
        raise Refused(f"{_label(channel)}: nothing is sent to a dashboard channel")
    try:
        actor = ws.actor()[0]
    except EscmatrixError:
        actor = "escmatrix"
    notice = trial_notice(channel, actor, ws.clock.now())
    sequence = [notice]
    if channel.kind == "pagerduty":  # open and close the test incident, so nobody chases it
        sequence.append(replace(notice, kind="resolved"))
    mode, problem = notify_mode(ws)
    if mode == "off":
        raise Refused(f"test message not sent: {problem or 'notifications are off'}")
    if mode == "dry-run":
        return [_dry_run_line(n, channel) for n in sequence]
    lines = []
    for step in sequence:
        outcome = deliver.send(channel, body_for(step, channel), new_delivery_id(), step.kind)
        if outcome.status != "delivered":
            raise Refused(
                f"test message to {_label(channel)} not delivered: {outcome.reason}",
                hint=f"it sends to {deliver.destination(channel)}",
            )
        lines.append(f"delivered a test message to {_label(channel)} ({outcome.reason})")
    return lines
