"""`events.pickle`: every issue's parsed events, each issue's pickled apart.

The file maps each issue id to its folder's tree id at HEAD and its events, pickled on their own,
so a reader unpickles only the issues it asks for (the report reads the events of the issues
their final records do not settle, `core.metrics.final`).

Times parsed from event files each carry their own UTC tzinfo object (pydantic's `TzInfo(0)`), so
comparing or subtracting two of them calls back into both tzinfos, and unpickling rebuilds one
tzinfo per time. Written with `datetime.UTC` instead (the same instant, printed the same way), they
compare and subtract in C and load faster; the metrics do tens of thousands of such operations.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from escmatrix.core.events import EventBase

# Bumped when the way events are written changes; a file of another format is written again.
FORMAT = 3
ZERO = timedelta(0)
Events = list["EventBase"]
Entry = tuple[str, bytes]  # (folder tree id at HEAD, the folder's events pickled)


class _UtcPickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is datetime:
            zone = obj.tzinfo
            if zone is not None and zone is not UTC and obj.utcoffset() == ZERO:
                return obj.replace(tzinfo=UTC).__reduce_ex__(pickle.HIGHEST_PROTOCOL)
        return NotImplemented


def _pickled(events: Events) -> bytes:
    out = io.BytesIO()
    _UtcPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(events)
    return out.getvalue()


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
        entries, stored_tree = self._load()
        read: dict[str, Events] = {}
        if stored_tree != tree:
            current = folders()
            for issue_id, key in current.items():
                entry = entries.get(issue_id)
                if entry is None or entry[0] != key:
                    read[issue_id] = read_events(issue_id)
                    entries[issue_id] = (key, _pickled(read[issue_id]))
            for gone in set(entries) - set(current):
                del entries[gone]
            self._save(tree, entries)
        chosen = sorted(entries if wanted is None else set(wanted) & entries.keys())
        for issue_id in chosen:
            if issue_id not in read:
                try:
                    read[issue_id] = pickle.loads(entries[issue_id][1])
                except Exception:  # written by other code (the classes moved): read the files
                    read[issue_id] = read_events(issue_id)
        return [(issue_id, read[issue_id]) for issue_id in chosen]

    def _load(self) -> tuple[dict[str, Entry], str]:
        try:
            with open(self.path, "rb") as handle:
                stored = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
            return {}, ""
        if not isinstance(stored, dict) or stored.get("format") != FORMAT:
            return {}, ""
        return stored["entries"], stored["tree"]

    def _save(self, tree: str, entries: dict[str, Entry]) -> None:
        if self.read_only:
            return
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as handle:
                pickle.dump({"format": FORMAT, "tree": tree, "entries": entries}, handle)
            os.replace(tmp, self.path)
        except OSError:
            self.read_only = True  # a read-only checkout: answered, not kept
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
