"""The shapes of the local cache's files (`store/cache.py`): the summaries index, the states and
per-issue MessagePack files, and a folded state read back from its entry."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import msgspec

from escmatrix.core.summary import IssueSummary

if TYPE_CHECKING:
    from escmatrix.core.issue import IssueState

SUMMARIES_VERSION = 7  # the summaries file alone: rows as interned tuples; folder trees apart

# (folder tree id at HEAD, codec kind, encoded state, the folder's files as last read or "")
StateEntry = tuple[str, int, bytes, str]


class StatesFile(msgspec.Struct, array_like=True, gc=False):
    version: int
    code: str
    tree: str  # the issues/ tree every entry was checked against ("" when not all were)
    entries: dict[str, StateEntry]


class DerivedFile(msgspec.Struct, array_like=True, gc=False):
    version: int
    key: str
    tree: str  # the issues/ tree every entry was checked against
    entries: dict[str, tuple[str, msgspec.Raw]]  # issue id -> (folder tree id, value)
    every: bool = False  # an entry for every issue at `tree`


def decoded(entry: StateEntry | None, key: str, files: str | None) -> IssueState | None:
    """The entry's state when it is for the folder tree `key` (and, unless `files` is None,
    for the files `files` on disk); None when it is not, or cannot be read."""
    if entry is None or entry[0] != key or (files is not None and entry[3] != files):
        return None
    from escmatrix.store import state_codec  # imported where states are read (`list` reads none)

    try:
        return state_codec.decode(entry[1], entry[2])
    except ValueError:
        return None


class SummaryIndex(msgspec.Struct):
    """The summaries view: plain tuples (cheapest to unpickle) and the shortest unique ids."""

    version: int = SUMMARIES_VERSION
    issues_tree: str = ""
    rows: list[tuple[Any, ...]] = msgspec.field(default_factory=list)  # IssueSummary fields, by id
    # issue id -> shortest unique prefix
    short: dict[str, str] = msgspec.field(default_factory=dict)


def compact_row(row: IssueSummary) -> tuple[Any, ...]:
    """The row as a plain tuple, its repeated values (status, people, ids) interned: pickle then
    stores each distinct value once, which halves the file and its loading time."""
    return tuple(
        sys.intern(v) if isinstance(v, str) and i in _REPEATED else v for i, v in enumerate(row)
    )


SUMMARY_STATUS = IssueSummary._fields.index("status")
_INTERNED = ("status", "category", "severity", "owner", "tier", "engaged", "customer", "partner")
_REPEATED = frozenset(IssueSummary._fields.index(name) for name in _INTERNED)
