"""`events.pickle`: every issue's parsed events, each issue's pickled apart.

The file starts with an index (pickled: the `issues/` tree it was written at, and for each issue
id its folder's tree id at HEAD and where its events lie in the rest of the file), then every
issue's events, pickled on their own. A reader loads the index and reads and unpickles only the
issues it asks for: the report wants the events of the issues their final records do not settle
(`core.metrics.final`), about one in eight at 10,000 issues, and reading the whole 20 MB file to
get them cost more than unpickling them.

Events are `core.events`' plain structs, whose times are `datetime.UTC` (`event_models.to_event`
puts it in place of pydantic's own UTC zone), so they pickle and unpickle in C.
"""

from __future__ import annotations

import contextlib
import io
import mmap
import os
import pickle
import struct
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from escmatrix.core.events import EventBase

# Bumped when the way events are written changes; a file of another format is written again.
FORMAT = 5
MAGIC = b"escmatrix-events"
HEAD = struct.Struct("<16sHQ")  # MAGIC, FORMAT, the index's length
Events = list["EventBase"]
Buffer = bytes | memoryview
Entry = tuple[str, Buffer]  # (folder tree id at HEAD, the folder's events pickled)


def _pickled(events: Events) -> bytes:
    return pickle.dumps(events, protocol=pickle.HIGHEST_PROTOCOL)


class EventFile:
    """The events of the issues at one `issues/` tree, refreshed folder by folder."""

    def __init__(self, path: Path, read_only: bool) -> None:
        self.path, self.read_only = path, read_only

    def read(
        self,
        tree: str,
        folders: Callable[[], dict[str, str]],
        read_events: Callable[[str], Events],
        wanted: Collection[str] | None = None,
    ) -> list[tuple[str, Events]]:
        """The events of every issue (or of the `wanted` ones) in id order, at the `issues/` tree
        `tree` whose folders' tree ids `folders` lists; changed folders are read again."""
        stored = read_file(self.path)
        read: dict[str, Events] = {}
        pickled: dict[str, Buffer] = {}
        if stored.tree != tree:
            current = folders()
            entries: dict[str, Entry] = {}
            for issue_id, key in current.items():
                if stored.folder(issue_id) == key and (data := stored.data(issue_id)) is not None:
                    entries[issue_id] = (key, data)
                else:
                    read[issue_id] = read_events(issue_id)
                    entries[issue_id] = (key, _pickled(read[issue_id]))
            if not self.read_only:
                self.read_only = not write_file(self.path, tree, entries)
            pickled = {issue_id: data for issue_id, (_, data) in entries.items()}
            known = set(entries)
        else:
            known = set(stored.index)
        chosen = sorted(known if wanted is None else known.intersection(wanted))
        for issue_id in chosen:
            if issue_id not in read:
                data = pickled.get(issue_id) or stored.data(issue_id)
                try:
                    read[issue_id] = pickle.loads(data) if data else read_events(issue_id)
                except Exception:  # written by other code (the classes moved): read the files
                    read[issue_id] = read_events(issue_id)
        return [(issue_id, read[issue_id]) for issue_id in chosen]


class Stored:
    """What an events file holds: its tree, and each issue's folder tree id and events (read
    from the file when asked for)."""

    def __init__(self, tree: str, index: dict[str, tuple[str, int, int]], blob: Buffer) -> None:
        self.tree, self.index, self.blob = tree, index, blob

    def folder(self, issue_id: str) -> str | None:
        entry = self.index.get(issue_id)
        return entry[0] if entry else None

    def data(self, issue_id: str) -> Buffer | None:
        """The issue's events pickled, or None when the file does not hold them whole."""
        entry = self.index.get(issue_id)
        if entry is None:
            return None
        _, start, length = entry
        data = self.blob[start : start + length]
        return data if len(data) == length else None


NOTHING = Stored("", {}, b"")


def read_file(path: Path) -> Stored:
    """The file's index and contents; empty when it is missing, unreadable or of another
    format (then every issue is read from its files again)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD.size)
            if len(head) != HEAD.size:
                return NOTHING
            magic, version, length = HEAD.unpack(head)
            if magic != MAGIC or version != FORMAT:
                return NOTHING
            tree, index = pickle.loads(handle.read(length))
            return Stored(tree, index, _mapped(handle))
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, struct.error):
        return NOTHING


def _mapped(handle: io.BufferedReader) -> Buffer:
    """The rest of the file, mapped rather than read: a reader takes a few issues of many."""
    start = handle.tell()
    try:
        whole = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # an empty rest, or a file system without mmap
        return handle.read()
    return memoryview(whole)[start:]


def write_file(path: Path, tree: str, entries: dict[str, Entry]) -> bool:
    """Write the events of every issue (id → folder tree id, events pickled) atomically; False
    when the folder cannot be written (a read-only checkout: answered, not kept)."""
    index: dict[str, tuple[str, int, int]] = {}
    offset = 0
    for issue_id, (key, data) in entries.items():
        index[issue_id] = (key, offset, len(data))
        offset += len(data)
    header = pickle.dumps((tree, index), protocol=pickle.HIGHEST_PROTOCOL)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            handle.write(HEAD.pack(MAGIC, FORMAT, len(header)))
            handle.write(header)
            for _, data in entries.values():
                handle.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False
    return True
