"""What the local cache keeps of each issue for `report`, and reading it back.

Per issue folder (`store.cache.IssueCache.per_issue`, keyed by the matrix and the code that works
records out): a finished issue's `Final` record, or an unfinished issue's fold and moves
(`core.metrics.final.Unfinished`), kept as MessagePack bytes with the state in the cache's codec,
or nothing. The report takes an issue from its record wherever the record settles every time it
measures the issue at (`Horizon`), and from its events elsewhere.

MessagePack keeps an instant but not its offset: an issue holding a time written at another
offset than UTC keeps no unfinished record (the state codec keeps such a state exactly, but not
the moves), so it is measured from its events and printed as written.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import msgspec

from escmatrix.core.metrics.durations import Moves
from escmatrix.core.metrics.final import Final, Horizon, Unfinished
from escmatrix.core.metrics.follow_ups import FollowUp

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from escmatrix.app.workspace import Workspace
    from escmatrix.core.events import EventBase

NAME = "final-records.msgpack"
Record = Final | bytes | None  # bytes: an unfinished issue (`_Kept`)
ZERO = timedelta(0)

# The code a record is worked out by (with the matrix): another version of it must miss.
_CODE = (
    "core/metrics/final.py",
    "core/metrics/durations.py",
    "core/metrics/follow_ups.py",
    "core/sla.py",
    "core/calendar.py",
    "core/durations.py",
    "core/target_time.py",
    "core/issue.py",
    "core/events.py",
    "store/state_codec.py",
    "app/report_records.py",
)


class _Kept(NamedTuple):
    """An `Unfinished` as the cache keeps it: the state in the cache's codec, its opening apart
    so a report that will not take it does not decode it."""

    last: datetime
    opened: datetime
    kind: int
    state: bytes
    moves: Moves
    follow_ups: list[FollowUp]
    matters: bool


_DECODER = msgspec.msgpack.Decoder(_Kept)


def records(ws: Workspace) -> dict[str, Record] | None:
    """Each issue's record, kept per folder while the matrix and the code are unchanged; None
    when there is no cache to trust."""
    from escmatrix.app.matrix_memo import derived_key

    if ws.matrix_key is None:
        return None
    package = Path(__file__).resolve().parents[1]
    try:
        key = derived_key(ws.matrix_key, (package / name for name in _CODE))
    except OSError:
        return None
    kept: dict[str, Record] | None = ws.cache.every_issue(NAME, key, Record)
    if kept is not None:  # HEAD's issues as they were: no summaries to read for their ids
        return kept
    wanted = [row.id for row in ws.summaries()]

    def work_out(ids: list[str]) -> dict[str, Record]:
        return {i: record(ws, i, events) for i, events in ws.issue_events(ids)}

    return ws.cache.per_issue(NAME, key, Record, wanted, work_out, every=True)


def record(ws: Workspace, issue_id: str, events: Sequence[EventBase]) -> Record:
    """The issue's final record, else its unfinished one, else None."""
    from escmatrix.core.metrics.final import record_of

    found = record_of(ws.matrix, issue_id, events)
    return keep(found) if isinstance(found, Unfinished) else found


def keep(running: Unfinished) -> bytes | None:
    """The unfinished issue as the cache keeps it; None when it holds a time not in UTC."""
    from escmatrix.store import state_codec

    if any(t.utcoffset() != ZERO for t in _times(running)):
        return None
    kind, state = state_codec.encode(running.state)
    opened = running.state.opened_at
    return msgspec.msgpack.encode(
        _Kept(running.last, opened, kind, state, *running[2:])  # moves, follow-ups, matters
    )


def read_back(value: bytes, horizon: Horizon | None = None) -> Unfinished | None:
    """What `keep` kept, if it settles `horizon`; None when it does not, or cannot be read."""
    from escmatrix.store import state_codec

    try:
        running = _DECODER.decode(value)
        if horizon is not None and running.last > horizon.limit(running.opened):
            return None
        state = state_codec.decode(running.kind, running.state)
    except (msgspec.DecodeError, ValueError):
        return None
    return Unfinished(running.last, state, *running[4:])


def _times(running: Unfinished) -> Iterator[datetime]:
    """Every time the kept moves and follow-ups hold (the state's codec keeps its own)."""
    yield running.last
    moves = running.moves
    for changes in (moves.tiers, moves.owners, moves.dependencies):
        yield from (at for at, _ in changes)
    yield from (h.at for h in moves.handoffs)
    yield from (f.done_at for f in running.follow_ups if f.done_at is not None)


def settled(kept: dict[str, Record], horizon: Horizon) -> dict[str, Final | Unfinished]:
    """The records that settle every time the report measures their issue at (the others'
    issues are measured from their events)."""
    found: dict[str, Final | Unfinished] = {}
    for issue_id, value in kept.items():
        if isinstance(value, Final):
            if value.settles(horizon):
                found[issue_id] = value
        elif value is not None and (running := read_back(value, horizon)) is not None:
            found[issue_id] = running
    return found
