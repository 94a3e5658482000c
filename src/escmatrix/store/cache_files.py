"""The shapes of the local cache's MessagePack files (`store/cache.py`), and a folded state read
back from its entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from escmatrix.core.issue import IssueState

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
