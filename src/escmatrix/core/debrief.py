"""Debriefs after resolution, and their follow-ups until each is done. Pure decisions.

A debrief records the root cause, what went well and what did not, relationship repair actions
(who contacts the customer or partner, by when) and follow-up items with owners and due dates.
Follow-ups are numbered from 1 across an issue's debriefs and stay open until `fulfilled`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from escmatrix.core import events as ev
from escmatrix.core.errors import NotFound, Refused, UsageError
from escmatrix.core.issue import IssueState
from escmatrix.core.responder import Context

DEBRIEFABLE = frozenset({"resolved", "closed"})
_ASSIGNMENT = re.compile(
    r"^\s*(?P<who>[a-z0-9][a-z0-9_-]*)"
    r"(?:\s+contacts\s+(?P<contact>[a-z0-9][a-z0-9_-]*))?"
    r"\s+by\s+(?P<when>\S+?)\s*:\s*(?P<what>\S.*?)\s*$",
    re.DOTALL,
)


@dataclass(frozen=True)
class Assignment:
    """'PERSON [contacts ACCOUNT] by DATE: WHAT', as typed on the command line."""

    who: str
    contact: str | None
    due: date
    what: str


def parse_assignment(text: str, today: date, *, what: str) -> Assignment:
    """Parse one --repair or --follow-up value; DATE is YYYY-MM-DD or days from today (+3d)."""
    match = _ASSIGNMENT.match(text)
    form = "PERSON contacts ACCOUNT by DATE: WHAT" if what == "--repair" else "PERSON by DATE: WHAT"
    if not match:
        raise UsageError(
            f"{what} {text!r} is not in the form {form}",
            hint=f'e.g. {what} "noah'
            + (" contacts kestrel-payments" if what == "--repair" else "")
            + ' by 2026-12-04: ..." (DATE may also be +3d)',
        )
    return Assignment(
        match["who"], match["contact"], _due(match["when"], today, what), match["what"]
    )


def _due(text: str, today: date, what: str) -> date:
    relative = re.fullmatch(r"\+?(\d+)([dw])", text)
    if relative:
        days = int(relative[1]) * (7 if relative[2] == "w" else 1)
        return date.fromordinal(today.toordinal() + days)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{what}: {text!r} is not a date", hint="write YYYY-MM-DD, or +3d / +2w from today"
        ) from None


def debrief(
    ctx: Context,
    state: IssueState,
    *,
    root_cause: str,
    went_well: list[str],
    went_badly: list[str],
    repair: list[Assignment],
    follow_ups: list[Assignment],
) -> ev.Debriefed:
    """The `debriefed` event, after resolution; the root cause defaults to the resolution's."""
    if state.status not in DEBRIEFABLE:
        raise Refused(
            f"cannot debrief issue {state.id}: it is {state.status}",
            hint="a debrief follows resolution: resolve the issue first",
        )
    cause = root_cause.strip() or (state.root_cause or "")
    if not cause:
        raise UsageError(
            "a debrief needs the root cause", hint="add --root-cause (the resolution recorded none)"
        )
    matrix = ctx.matrix
    for item in [*repair, *follow_ups]:
        if item.who not in matrix.people:
            raise NotFound(
                f"unknown person {item.who!r}", hint=f"people: {', '.join(sorted(matrix.people))}"
            )
    accounts = set(matrix.customers) | set(matrix.partners)
    default_contact = state.customer or state.partner
    actions = []
    for item in repair:
        contact = item.contact or default_contact
        if contact is not None and contact not in accounts:
            raise NotFound(
                f"unknown customer or partner {contact!r}",
                hint=f"accounts: {', '.join(sorted(accounts)) or 'none'}",
            )
        actions.append(
            ev.RepairAction(who=item.who, contact=contact, by=item.due, action=item.what)
        )
    return ev.Debriefed(
        **ctx.stamp(),
        root_cause=cause,
        went_well=[t.strip() for t in went_well if t.strip()],
        went_badly=[t.strip() for t in went_badly if t.strip()],
        repair=actions,
        follow_ups=[ev.FollowUpItem(item=f.what, owner=f.who, due=f.due) for f in follow_ups],
    )


def close_follow_up(ctx: Context, state: IssueState, number: int, note: str) -> ev.Fulfilled:
    """Mark follow-up `number` of the issue done."""
    if not state.follow_ups:
        raise Refused(
            f"issue {state.id} has no follow-ups", hint="they come from `escmatrix debrief`"
        )
    item = next((f for f in state.follow_ups if f.number == number), None)
    if item is None:
        raise NotFound(
            f"issue {state.id} has no follow-up {number}",
            hint=f"its follow-ups are numbered 1 to {len(state.follow_ups)}",
        )
    if not item.is_open:
        raise Refused(f"follow-up {number} of issue {state.id} is already closed")
    return ev.Fulfilled(**ctx.stamp(), item=number, note=note.strip())


@dataclass(frozen=True)
class OpenFollowUp:
    """One open follow-up, with its issue, for `list --follow-ups` and the report."""

    issue_id: str
    issue_title: str
    number: int
    item: str
    owner: str
    due: date
    debriefed_at: datetime
    overdue: bool


def open_follow_ups(states: Iterable[IssueState], today: date) -> list[OpenFollowUp]:
    """Every follow-up not yet done, soonest due first; `overdue` once its due date has passed."""
    found = [
        OpenFollowUp(s.id, s.title, f.number, f.item, f.owner, f.due, f.debriefed_at, f.due < today)
        for s in states
        for f in s.follow_ups
        if f.is_open
    ]
    return sorted(found, key=lambda f: (f.due, f.issue_id, f.number))
