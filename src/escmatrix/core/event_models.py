"""The schema of event files: pydantic models that validate what people and tools write to
`issues/` (`validate`, the cache's rebuild, `audit`, `schema`).

A command holds events as `core.events`' plain structs, which carry the same fields (a test holds
the two equal); `to_event` turns a validated file into one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, ClassVar, Literal, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter
from pydantic import ValidationError as ValidationError

from escmatrix.core import events as ev
from escmatrix.core.types import Id, Text


class EventBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    at: AwareDatetime
    actor: Id
    matrix: Text = Field(
        default="", description="the commit of the matrix the event was decided under (a hint)"
    )
    matrix_tree: Text = Field(
        default="",
        description="the tree id of matrix/ the event was decided under: what audit checks, kept "
        "by rebase and cherry-pick",
    )


class Opened(EventBase):
    event: Literal["opened"] = "opened"
    title: Text = Field(min_length=1, max_length=200)
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


class Acknowledged(EventBase):
    event: Literal["acknowledged"] = "acknowledged"
    note: Text = ""
    on_behalf_of: Id | None = Field(
        default=None,
        description="the person engaged, when someone else acknowledged for them (`--on-behalf`)",
    )
    reason: Text = Field(default="", description="why someone acknowledged on another's behalf")

    QUIET: ClassVar[frozenset[str]] = frozenset({"on_behalf_of", "reason"})


class Updated(EventBase):
    event: Literal["updated"] = "updated"
    status: Text
    next_steps: Text = ""
    owner: Id | None = None
    dependencies: Text = ""
    next_update_by: AwareDatetime | None = Field(
        default=None, description="when the next update is promised (the status template's part)"
    )


class Assigned(EventBase):
    event: Literal["assigned"] = "assigned"
    owner: Id
    previous: Id
    reason: Text = Field(min_length=1)


class Escalated(EventBase):
    event: Literal["escalated"] = "escalated"
    tier: Id
    previous: Id
    engaged: Id
    reason: Text = Field(min_length=1)
    automatic: bool = False


class Deescalated(EventBase):
    event: Literal["deescalated"] = "deescalated"
    tier: Id
    previous: Id
    engaged: Id
    reason: Text = Field(min_length=1)


class Overridden(EventBase):
    event: Literal["overridden"] = "overridden"
    owner: Id
    tier: Id
    engaged: Id
    previous_owner: Id
    previous_tier: Id
    reason: Text = Field(min_length=1)


class Reconciled(EventBase):
    event: Literal["reconciled"] = "reconciled"
    learning: Text = Field(min_length=1)


class Rerouted(EventBase):
    event: Literal["rerouted"] = "rerouted"
    rule: Id
    owner: Id
    tier: Id
    engaged: Id
    severity: Id
    category: Id | None = Field(
        default=None, description="the new category, when the re-route changed it"
    )
    impact: dict[Id, Id] | None = Field(
        default=None, description="the new impact ratings, when the re-route changed them"
    )
    reason: Text = Field(default="", description="why the severity, impact or category changed")


class Paused(EventBase):
    event: Literal["paused"] = "paused"
    waiting_on: Literal["customer", "partner"]
    reason: Text = Field(min_length=1)


class Resumed(EventBase):
    event: Literal["resumed"] = "resumed"
    note: Text = ""


class Resolved(EventBase):
    event: Literal["resolved"] = "resolved"
    summary: Text = Field(min_length=1)
    root_cause: Text = ""


class Reopened(EventBase):
    event: Literal["reopened"] = "reopened"
    reason: Text = Field(min_length=1)


class Closed(EventBase):
    event: Literal["closed"] = "closed"
    customer_satisfaction: int | None = Field(default=None, ge=1, le=5)
    partner_satisfaction: int | None = Field(default=None, ge=1, le=5)
    note: Text = ""


class Alerted(EventBase):
    """A clock crossed a line (at risk, breached, update due): recorded once, so people are told once."""

    event: Literal["alerted"] = "alerted"
    alert: Literal["at-risk", "breached", "update-due"]
    clock: Text
    due: AwareDatetime


class Commented(EventBase):
    event: Literal["commented"] = "commented"
    text: Text = Field(min_length=1)


class Noted(EventBase):
    """An internal note: kept in the log, never put in a customer or partner draft."""

    event: Literal["noted"] = "noted"
    text: Text = Field(min_length=1)


class Communicated(EventBase):
    """What was told to whom: a drafted update as recorded (its text and SHA-256)."""

    event: Literal["communicated"] = "communicated"
    audience: Literal["customer", "partner", "executive"]
    recipient: Id
    text: Text = Field(min_length=1)
    sha256: Text = Field(pattern=r"^[0-9a-f]{64}$")


class Linked(EventBase):
    """An external reference: a ticket, alert or message elsewhere that is about this issue."""

    event: Literal["linked"] = "linked"
    kind: Id = Field(description="what it is: jira, zendesk, github, alertmanager, email, ...")
    url: Text = Field(default="", description="where it is (http or https), when it has an address")
    ref: Text = Field(default="", description="the external id (ticket key, alert group, ...)")
    key: Text = Field(default="", description="ingest: the source's deduplication key (source:id)")


class RepairAction(BaseModel):
    """Who contacts the customer or partner (`contact`, an account id), by when, to do what."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    who: Id
    contact: Id | None = None
    by: date
    action: Text = Field(min_length=1)


class FollowUpItem(BaseModel):
    """One follow-up from a debrief: what, whose, due when."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    item: Text = Field(min_length=1)
    owner: Id
    due: date


class Debriefed(EventBase):
    """After resolution: root cause, what went well and not, relationship repair, follow-ups."""

    event: Literal["debriefed"] = "debriefed"
    root_cause: Text = Field(min_length=1)
    went_well: list[Text] = []
    went_badly: list[Text] = []
    repair: list[RepairAction] = []
    follow_ups: list[FollowUpItem] = []


class Fulfilled(EventBase):
    """A debrief follow-up done; items are numbered from 1 across the issue's debriefs."""

    event: Literal["fulfilled"] = "fulfilled"
    item: int = Field(ge=1)
    note: Text = ""


Event = Annotated[
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
    | Linked,
    Field(discriminator="event"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event, config=ConfigDict(defer_build=True))
EVENT_ADAPTER_KINDS: dict[str, type[EventBase]] = {
    str(kind.model_fields["event"].default): kind for kind in get_args(get_args(Event)[0])
}
EVENT_KINDS: tuple[str, ...] = tuple(EVENT_ADAPTER_KINDS)


ZERO = timedelta(0)


def _utc(value: datetime) -> datetime:
    """A time parsed at UTC carries pydantic's own zone object, so comparing two of them calls
    back into Python; with `datetime.UTC` (the same instant, printed the same) they compare in C,
    which the metrics do tens of thousands of times."""
    if value.tzinfo is not UTC and value.utcoffset() == ZERO:
        return value.replace(tzinfo=UTC)
    return value


def to_event(model: EventBase) -> ev.EventBase:
    """The validated file's event as the program holds it."""
    kind = ev.KINDS[model.event]  # type: ignore[attr-defined]
    fields = dict(model.__dict__)
    del fields["event"]
    fields["at"] = _utc(model.at)
    if isinstance(model, Updated) and model.next_update_by is not None:
        fields["next_update_by"] = _utc(model.next_update_by)
    elif isinstance(model, Alerted):
        fields["due"] = _utc(model.due)
    elif isinstance(model, Debriefed):
        fields["repair"] = [ev.RepairAction(**r.__dict__) for r in model.repair]
        fields["follow_ups"] = [ev.FollowUpItem(**f.__dict__) for f in model.follow_ups]
    return kind(**fields)
