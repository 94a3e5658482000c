"""Debrief follow-ups for the report: open, overdue and done in the window, and per owner."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import NamedTuple

from escmatrix.core import events as ev
from escmatrix.core.metrics.doc import Doc, Instant


class FollowUpRow(Doc):
    issue: str
    number: int
    item: str
    owner: str
    due: date
    overdue: bool
    done_at: Instant | None = None


class OwnerFollowUps(Doc):
    owner: str
    open: int
    overdue: int
    done: int


class FollowUps(Doc):
    """Follow-ups open at the report's time (soonest due first), those done in the window, and
    the counts per owner."""

    open: list[FollowUpRow]
    overdue: int
    done: list[FollowUpRow]
    by_owner: list[OwnerFollowUps]


class FollowUp(NamedTuple):
    """One follow-up item of an issue's debriefs, numbered from 1 across them as the fold
    numbers them, with when it was fulfilled (None: still open)."""

    number: int
    item: str
    owner: str
    due: date
    done_at: datetime | None


def follow_up_items(events: Iterable[ev.EventBase], at: datetime) -> list[FollowUp]:
    """The follow-ups set by the debriefs among `events` up to `at`; a scan, no fold."""
    items: list[tuple[ev.FollowUpItem, datetime | None]] = []
    for event in events:
        if event.at > at:
            continue
        if isinstance(event, ev.Debriefed):
            items += [(f, None) for f in event.follow_ups]
        elif isinstance(event, ev.Fulfilled) and 0 < event.item <= len(items):
            item, closed = items[event.item - 1]
            if closed is None:
                items[event.item - 1] = (item, event.at)
    return [
        FollowUp(number, item.item, item.owner, item.due, closed)
        for number, (item, closed) in enumerate(items, start=1)
    ]


def follow_ups(
    issues: Iterable[tuple[str, Sequence[FollowUp]]],
    start: datetime,
    end: datetime,
    at: datetime,
) -> FollowUps:
    """From each issue's follow-ups as they stood at `at` (`follow_up_items`)."""
    today = at.date()
    open_rows: list[FollowUpRow] = []
    done_rows: list[FollowUpRow] = []
    for issue_id, items in issues:
        for f in items:
            row = FollowUpRow(
                issue=issue_id,
                number=f.number,
                item=f.item,
                owner=f.owner,
                due=f.due,
                overdue=f.done_at is None and f.due < today,
                done_at=f.done_at,
            )
            if f.done_at is None:
                open_rows.append(row)
            elif start <= f.done_at < end:
                done_rows.append(row)
    open_rows.sort(key=lambda r: (r.due, r.issue, r.number))
    done_rows.sort(key=lambda r: (r.done_at or at, r.issue, r.number))
    owners = sorted({r.owner for r in open_rows + done_rows})
    by_owner = [
        OwnerFollowUps(
            owner=owner,
            open=sum(r.owner == owner for r in open_rows),
            overdue=sum(r.owner == owner and r.overdue for r in open_rows),
            done=sum(r.owner == owner for r in done_rows),
        )
        for owner in owners
    ]
    by_owner.sort(key=lambda o: (-o.overdue, -o.open, o.owner))
    return FollowUps(
        open=open_rows,
        overdue=sum(r.overdue for r in open_rows),
        done=done_rows,
        by_owner=by_owner,
    )
