"""Folded issue states in MessagePack (msgspec), read back without pydantic or the events module.

A state is written as one array of its fields in `IssueState`'s order; its small parts (pauses,
overrides, timeline entries, notes, follow-ups, links) are the core's own msgspec Structs, which
msgspec writes and reads directly. Times are MessagePack timestamps, which keep the instant but
not the offset, so a state holding a time not in UTC (a hand-written event file may give
`+02:00`), or a debrief (kept as its event), is written as a pickle instead: the answer is the
same either way, only that rarer state costs the events module (~2 ms) to load.

`encode` and `decode` are what the cache calls; `decode(encode(s)) == s` for every state the
fold makes, with the same types (lists stay lists, tuples tuples) and the same offsets.
"""

from __future__ import annotations

import pickle
import typing
from datetime import date, datetime, timedelta
from typing import Any

import msgspec

from escmatrix.core.issue import IssueState

FIELDS = IssueState.__struct_fields__
ZERO = timedelta(0)
PLAIN, PICKLED = 0, 1


class _NoEvents:
    """Stands in for the events module when reading IssueState's annotations: a state whose
    debriefs are not empty is pickled, so the type is never used to read one."""

    Debriefed = dict[str, Any]


def _row_type() -> Any:
    hints = typing.get_type_hints(IssueState, localns={"ev": _NoEvents})
    return msgspec.defstruct(
        "StateRow", [(name, hints[name]) for name in FIELDS], array_like=True, gc=False
    )


_ROW = _row_type()
_ENCODER = msgspec.msgpack.Encoder()
_DECODER: msgspec.msgpack.Decoder[Any] = msgspec.msgpack.Decoder(_ROW)


_SCALARS = frozenset({str, int, float, bool, type(None), date})
_FIELDS_OF: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> bool:
    """Whether msgspec gives `value` back as it is: UTC times only, no pydantic model inside."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is datetime:
        return bool(value.utcoffset() == ZERO)
    if kind is list or kind is tuple or kind is set or kind is frozenset:
        return all(map(_plain, value))
    if kind is dict:
        return all(map(_plain, value.values()))
    names = _FIELDS_OF.get(kind)
    if names is None:
        if not issubclass(kind, msgspec.Struct):
            return False
        names = _FIELDS_OF[kind] = kind.__struct_fields__
    return all(_plain(getattr(value, name)) for name in names)


def encode(state: IssueState) -> tuple[int, bytes]:
    """(PLAIN, MessagePack) for a state msgspec keeps exactly, else (PICKLED, a pickle)."""
    values = [getattr(state, name) for name in FIELDS]
    if not state.debriefs and all(_plain(v) for v in values):
        return PLAIN, _ENCODER.encode(values)
    return PICKLED, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)


def decode(kind: int, data: bytes) -> IssueState:
    """The state `encode` wrote; raises ValueError when the bytes are not one."""
    if kind == PICKLED:
        try:
            state = pickle.loads(data)  # our own cache file, under .git/
        except Exception as exc:
            raise ValueError(f"unreadable cached state: {exc}") from None
        if not isinstance(state, IssueState):
            raise ValueError("a cached state is not an issue state")
        return state
    try:
        row = _DECODER.decode(data)
    except msgspec.DecodeError as exc:
        raise ValueError(f"unreadable cached state: {exc}") from None
    return IssueState(*msgspec.structs.astuple(row))
