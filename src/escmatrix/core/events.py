"""Events as the program holds them: one small YAML file each, never rewritten; an issue's state is
a fold over them.

These are plain msgspec structs, so a command that reads or writes events never imports pydantic.
What people and tools write to `issues/` is validated by the pydantic models of `event_models`
(`validate`, the cache's rebuild, `audit`); a test holds the two definitions equal field by field,
and `checked` holds every event a command makes to the same bounds before it is written.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, ClassVar, Literal, get_args

import msgspec
from msgspec import Meta, Struct

from escmatrix.core.errors import UsageError
from escmatrix.core.stamps import MatrixRef as MatrixRef
from escmatrix.core.stamps import Stamp as Stamp
from escmatrix.core.stamps import stamp as stamp

# The bounds of `core.types.Id` and `Text` (which are pydantic's): `\Z`, as Python's `$` would let
# a trailing newline through; no file holds more text than MAX_TEXT.
MAX_TEXT = 1024 * 1024
Id = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9_-]*\Z", max_length=64)]
Text = Annotated[str, Meta(max_length=MAX_TEXT)]
Required = Annotated[str, Meta(min_length=1, max_length=MAX_TEXT)]
Time = Annotated[datetime, Meta(tz=True)]
Rating = Annotated[int, Meta(ge=1, le=5)]


class EventBase(Struct, frozen=True, kw_only=True):
    event: ClassVar[str] = "event"
    QUIET: ClassVar[frozenset[str]] = frozenset()  # keys left out of the file while unset

    at: Time
    actor: Id
    matrix: Text = ""  # the commit of the matrix the event was decided under (a hint)
    matrix_tree: Text = ""  # the tree id of matrix/ then: what audit checks


class Opened(EventBase, frozen=True, kw_only=True):
    event: ClassVar[str] = "opened"
    title: Annotated[str, Meta(min_length=1, max_length=200)]
    description: Text = ""
    category: Id
    severity: Id
    score: int | None = None
    impact: dict[Id, Id] = {}
    customer: Id | None = None
    partner: Id | None = None
    tags: list[Id] = []
    rule: Id
    owner: Id
    tier: Id
    engaged: Id


class Acknowledged(EventBase, frozen=True, kw_only=True):
    event: ClassVar[str] = "acknowledged"
    QUIET: ClassVar[frozenset[str]] = frozenset({"on_behalf_of", "reason"})
    note: Text = ""
    on_behalf_of: Id | None = None
    reason: Text = ""


class Updated(EventBase, frozen=True, kw_only=True):
    event: ClassVar[str] = "updated"
    status: Text
    next_steps: Text = ""
    owner: Id | None = None
    dependencies: Text = ""
    next_update_by: Time | None = None


class Assigned(EventBase, frozen=True, kw_only=True):
    event: ClassVar[str] = "assigned"
    owner: Id
    previous: Id
    reason: Required


class Escalated(EventBase, frozen=True, kw_only=True):
    event: ClassVar[str] = "escalated"
    tier: Id
    previous: Id
    engaged: Id
    reason: Required
    automatic: bool = False


class Deescalated(EventBase, frozen=True, kw_only=True):
    event: ClassVar[str] = "deescalated"
    tier: Id
    previous: Id
    engaged: Id
    reason: Required


class Overridden(EventBase, frozen=True, kw_only=True):
    event: ClassVar[str] = "overridden"
    owner: Id
    tier: Id
    engaged: Id
    previous_owner: Id
    previous_tier: Id
    reason: Required


class Reconciled(EventBase, frozen=True, kw_only=True):
    event: ClassVar[str] = "reconciled"
    learning: Required


class Rerouted(EventBase, frozen=True, kw_only=True):
    event: ClassVar[str] = "rerouted"
    rule: Id
    owner: Id
    tier: Id
    engaged: Id
    severity: Id
    category: Id | None = None
    impact: dict[Id, Id] | None = None
    reason: Text = ""


class Paused(EventBase, frozen=True, kw_only=True):
    event: ClassVar[str] = "paused"
    waiting_on: Literal["customer", "partner"]
    reason: Required


class Resumed(EventBase, frozen=True, kw_only=True):
    event: ClassVar[str] = "resumed"
    note: Text = ""


class Resolved(EventBase, frozen=True, kw_only=True):
    event: ClassVar[str] = "resolved"
    summary: Required
    root_cause: Text = ""


class Reopened(EventBase, frozen=True, kw_only=True):
    event: ClassVar[str] = "reopened"
    reason: Required


class Closed(EventBase, frozen=True, kw_only=True):
    event: ClassVar[str] = "closed"
    customer_satisfaction: Rating | None = None
    partner_satisfaction: Rating | None = None
    note: Text = ""


class Alerted(EventBase, frozen=True, kw_only=True):
    """A clock crossed a line (at risk, breached, update due): recorded once, so people are told once."""

    event: ClassVar[str] = "alerted"
    alert: Literal["at-risk", "breached", "update-due"]
    clock: Text
    due: Time


class Commented(EventBase, frozen=True, kw_only=True):
    event: ClassVar[str] = "commented"
    text: Required


class Noted(EventBase, frozen=True, kw_only=True):
    """An internal note: kept in the log, never put in a customer or partner draft."""

    event: ClassVar[str] = "noted"
    text: Required


class Communicated(EventBase, frozen=True, kw_only=True):
    """What was told to whom: a drafted update as recorded (its text and SHA-256)."""

    event: ClassVar[str] = "communicated"
    audience: Literal["customer", "partner", "executive"]
    recipient: Id
    text: Required
    sha256: Annotated[str, Meta(pattern=r"^[0-9a-f]{64}\Z")]


class Linked(EventBase, frozen=True, kw_only=True):
    """An external reference: a ticket, alert or message elsewhere that is about this issue."""

    event: ClassVar[str] = "linked"
    kind: Id  # jira, zendesk, github, alertmanager, email, ...
    url: Text = ""  # where it is (http or https), when it has an address
    ref: Text = ""  # the external id (ticket key, alert group, ...)
    key: Text = ""  # ingest: the source's deduplication key (source:id)


class RepairAction(Struct, frozen=True, kw_only=True):
    """Who contacts the customer or partner (`contact`, an account id), by when, to do what."""

    who: Id
    contact: Id | None = None
    by: date
    action: Required


class FollowUpItem(Struct, frozen=True, kw_only=True):
    """One follow-up from a debrief: what, whose, due when."""

    item: Required
    owner: Id
    due: date


class Debriefed(EventBase, frozen=True, kw_only=True):
    """After resolution: root cause, what went well and not, relationship repair, follow-ups."""

    event: ClassVar[str] = "debriefed"
    root_cause: Required
    went_well: list[Text] = []
    went_badly: list[Text] = []
    repair: list[RepairAction] = []
    follow_ups: list[FollowUpItem] = []


class Fulfilled(EventBase, frozen=True, kw_only=True):
    """A debrief follow-up done; items are numbered from 1 across the issue's debriefs."""

    event: ClassVar[str] = "fulfilled"
    item: Annotated[int, Meta(ge=1)]
    note: Text = ""


Event = (
    Opened
    | Acknowledged
    | Updated
    | Assigned
    | Escalated
    | Deescalated
    | Overridden
    | Reconciled
    | Rerouted
    | Paused
    | Resumed
    | Resolved
    | Reopened
    | Closed
    | Alerted
    | Commented
    | Noted
    | Communicated
    | Debriefed
    | Fulfilled
    | Linked
)
KINDS: dict[str, type[EventBase]] = {kind.event: kind for kind in get_args(Event)}
EVENT_KINDS: tuple[str, ...] = tuple(KINDS)


def checked(event: EventBase) -> EventBase:
    """The event, once it is within the bounds its file will be validated by (ids, lengths, times
    with a zone, valid Unicode): a command checks what it made before writing it."""
    try:
        msgspec.json.encode(event)  # text that is not valid Unicode (lone surrogates) fails here
        msgspec.convert(msgspec.structs.asdict(event), type(event))
    except UnicodeEncodeError:
        raise UsageError(
            f"the {event.event} event holds text that is not valid UTF-8",
            hint="pass text as UTF-8",
        ) from None
    except msgspec.ValidationError as exc:
        what, _, where = str(exc).partition(" - at `$.")
        field = where.rstrip("`") or "a field"
        raise UsageError(
            f"the {event.event} event's {field} is not valid: {_in_words(what)}",
            hint="ids are lower-case letters, digits, '-' and '_'; reasons, summaries and notes "
            "must not be empty; a title is at most 200 characters",
        ) from None
    return event


def _in_words(what: str) -> str:
    """msgspec's reason, as the rest of escmatrix's messages say it."""
    if what.startswith("Expected `str` matching regex"):
        return "it must be an id (lower-case letters, digits, '-' and '_', at most 64)"
    if what == "Expected `str` of length >= 1":
        return "it must not be empty"
    if what.startswith("Expected `str` of length <= "):
        return f"it must be at most {what.rsplit(' ', 1)[1]} characters"
    if what == "Expected `datetime` with a timezone component":
        return "the time needs a timezone"
    return what[:1].lower() + what[1:]


def as_written(event: EventBase) -> EventBase:
    """The event as its file will give it back: `event_to_data` writes its time in UTC, to the
    second (a test reads back every kind)."""
    at = event.at.astimezone(UTC).replace(microsecond=0)
    if at == event.at and at.tzinfo is event.at.tzinfo:
        return event
    return msgspec.structs.replace(event, at=at)


def event_to_data(event: EventBase) -> dict[str, object]:
    """The event as plain data for YAML: `event` first, times as UTC ISO 8601 text."""
    data: dict[str, object] = msgspec.to_builtins(event)
    for key in event.QUIET:  # keys added later: left out while unset, so
        if data.get(key) in (None, ""):  # files written before them read the same
            data.pop(key, None)
    data["at"] = event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"event": event.event, **data}
