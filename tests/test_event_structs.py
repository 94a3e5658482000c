"""The two definitions of an event agree: the pydantic models that validate event files
(`core.event_models`) and the plain structs commands make, fold and cache (`core.events`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escmatrix.core import event_models as files
from escmatrix.core import events as ev
from escmatrix.core.errors import UsageError
from tests.test_properties_fold import EXAMPLES, T0

NESTED = [(files.RepairAction, ev.RepairAction), (files.FollowUpItem, ev.FollowUpItem)]
PAIRS = [(files.EVENT_ADAPTER_KINDS[kind], ev.KINDS[kind]) for kind in ev.EVENT_KINDS]


def test_both_know_the_same_kinds() -> None:
    """Every kind a file may hold is one a command can make, in the same order."""
    assert files.EVENT_KINDS == ev.EVENT_KINDS
    assert set(files.EVENT_ADAPTER_KINDS) == set(ev.KINDS)


def _default(field: msgspec.structs.FieldInfo) -> Any:
    """The field's default; msgspec keeps an empty list or dict default as a factory."""
    if field.default_factory is not msgspec.NODEFAULT:
        return field.default_factory()
    return field.default


@pytest.mark.parametrize(("model", "struct"), PAIRS + NESTED, ids=lambda c: c.__name__)
def test_same_fields_in_the_same_order_with_the_same_defaults(model: Any, struct: Any) -> None:
    """Field by field: the name, whether it is required, and its default."""
    mine = [(f.name, f.required, _default(f)) for f in msgspec.structs.fields(struct)]
    theirs = [
        (name, f.is_required(), f.default if not f.is_required() else msgspec.NODEFAULT)
        for name, f in model.model_fields.items()
        if name != "event"
    ]
    assert mine == theirs
    assert getattr(struct, "QUIET", frozenset()) == getattr(model, "QUIET", frozenset())


@pytest.mark.parametrize("kind", ev.EVENT_KINDS)
def test_a_written_event_reads_back_as_the_same_struct(kind: str) -> None:
    """What a command writes (`event_to_data`), validated as a file and turned into a struct,
    is the event as written, with its times in `datetime.UTC` (which compare in C)."""
    made = ev.as_written(ev.checked(EXAMPLES[kind]))
    read = files.to_event(files.EVENT_ADAPTER.validate_python(ev.event_to_data(made)))
    assert read == made and type(read) is type(made)
    assert read.at.tzinfo is UTC


def test_times_read_at_another_offset_keep_it() -> None:
    """A hand-written `+02:00` stays that offset (the same instant); only UTC is swapped."""
    data = {**ev.event_to_data(EXAMPLES["alerted"]), "due": "2026-03-02T12:00:00+02:00"}
    read = files.to_event(files.EVENT_ADAPTER.validate_python(data))
    assert isinstance(read, ev.Alerted)
    assert read.due == datetime(2026, 3, 2, 10, tzinfo=UTC)
    assert read.due.utcoffset() == timedelta(hours=2)


TEXTS = st.one_of(
    st.sampled_from(
        ["", "a", "alex", "team-lead", "a_b", "A", "a b", "-a", "a\n", "a/b", "x" * 64, "x" * 65]
    ),
    st.sampled_from(["x" * 200, "x" * 201, "\ud800", "ok \ud83d", "customer", "partner"]),
    st.sampled_from(["at-risk", "breached", "update-due", "executive", "0" * 64, "0" * 63]),
    st.text(max_size=8),
)
TIMES = st.sampled_from(
    [
        datetime(2026, 3, 2, 9, tzinfo=UTC),
        datetime(2026, 3, 2, 9, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2026, 3, 2, 9),
    ]
)
NUMBERS = st.integers(-2, 7)
# a field the examples leave unset, by what it holds when set (a command never puts text in a time)
UNSET = {
    "next_update_by": datetime(2026, 3, 2, tzinfo=UTC),
    "score": 0,
    "customer_satisfaction": 0,
    "partner_satisfaction": 0,
}


def _value_for(current: Any) -> st.SearchStrategy[Any]:
    if isinstance(current, bool):
        return st.booleans()
    if isinstance(current, int):
        return NUMBERS
    if isinstance(current, datetime):
        return TIMES
    return TEXTS


@st.composite
def changed_event(draw: st.DrawFn) -> ev.EventBase:
    """An example with one of its text, number or time fields set to a drawn value."""
    example = EXAMPLES[draw(st.sampled_from(ev.EVENT_KINDS))]
    fields = msgspec.structs.asdict(example)
    name = draw(st.sampled_from([n for n, v in fields.items() if v is None or _plain(v)]))
    current = fields[name] if fields[name] is not None else UNSET.get(name, "")
    return msgspec.structs.replace(example, **{name: draw(_value_for(current))})


def _plain(value: Any) -> bool:
    return isinstance(value, str | int | datetime)


@settings(max_examples=400, deadline=None)
@given(changed_event())
def test_a_command_refuses_what_the_file_would(event: ev.EventBase) -> None:
    """`checked` (before a command writes) accepts exactly what validating the file accepts:
    the same ids, bounds, literals and times with a zone, and no text that is not UTF-8."""
    data = {"event": event.event, **msgspec.to_builtins(event)}
    try:
        files.EVENT_ADAPTER.validate_python(data)
        as_file = True
    except files.ValidationError:
        as_file = False
    try:
        ev.checked(event)
        as_made = True
    except UsageError:
        as_made = False
    assert as_made == as_file, data


@pytest.mark.parametrize(
    ("event", "said"),
    [
        (
            ev.Commented(at=T0, actor="lena", text=""),
            "commented event's text is not valid: it must not be empty",
        ),
        (
            ev.Assigned(at=T0, actor="lena", owner="../x", previous="sam", reason="r"),
            "assigned event's owner is not valid: it must be an id",
        ),
        (
            msgspec.structs.replace(EXAMPLES["opened"], title="x" * 201),
            "opened event's title is not valid: it must be at most 200 characters",
        ),
        (ev.Closed(at=T0, actor="lena", customer_satisfaction=9), "customer_satisfaction"),
        (ev.Commented(at=T0, actor="lena", text="bad \udcff byte"), "not valid UTF-8"),
    ],
)
def test_a_refusal_names_the_field_and_what_would_do(event: ev.EventBase, said: str) -> None:
    """What `checked` refuses is said in words: the event, the field, what would be valid."""
    with pytest.raises(UsageError) as caught:
        ev.checked(event)
    assert said in caught.value.message
