"""The issue event store: `issues/<ID>/<seq>-<random>-<event>.yaml`, append-only.

`seq` is a Lamport counter (1 + the highest seq in the folder) so an event written after seeing
another sorts after it whatever the clocks say; equal seqs from two clones sort by the random
part, the same everywhere.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from escmatrix.core import ids
from escmatrix.core.errors import InvalidInput, Location, NotFound, Problem, UsageError
from escmatrix.core.events import EVENT_KINDS, EventBase, event_to_data
from escmatrix.core.issue import FoldError, IssueState, fold

EVENT_NAME = re.compile(r"^(\d{6})-([0-9a-z]{6})-([a-z]+)\.yaml$")
HEADER = (
    "# escmatrix event: append-only; never edit or delete, record a correction as a new event\n"
)


class EventFile(NamedTuple):
    """One event file: a tuple, which a rebuild makes 64k of (a frozen dataclass costs 4x)."""

    where: str  # the file's path as text: a rebuild lists 64k files and makes no Path of them
    seq: int
    rand: str
    kind: str

    @property
    def path(self) -> Path:
        return Path(self.where)

    @property
    def sort_key(self) -> tuple[int, str, str]:
        """Lamport seq, then the random part, then the name: a total order, the same everywhere."""
        return (self.seq, self.rand, os.path.basename(self.where))


class IssueStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "issues"

    def display(self, path: Path | str) -> str:
        """The path relative to the repository, as messages name it."""
        text, root = str(path), str(self.root)
        if text.startswith(root) and text[len(root) : len(root) + 1] == os.sep:
            return text[len(root) + 1 :]  # what relative_to gives, without its parsing (rebuilds)
        return str(Path(path).relative_to(self.root))

    def exists(self, issue_id: str) -> bool:
        """Whether anything is at the issue's folder (a new id must not take it)."""
        return (self.folder / issue_id).exists()

    def issue_ids(self, start: str = "") -> list[str]:
        """The issue folders' ids (those starting with `start`), sorted."""
        from escmatrix.store.issue_folders import issue_ids

        return issue_ids(self.folder, start)

    def resolve(self, prefix: str) -> str:
        """The one issue id that starts with `prefix`; lists candidates when ambiguous."""
        text = prefix.strip().lower()
        if not text or not ids.PREFIX_RE.match(text):
            raise UsageError(
                f"{prefix!r} is not an issue id",
                hint="ids use the characters 0-9 and a-z without i, l, o, u, e.g. b7k3fx9qa",
            )
        if (self.folder / text).is_symlink():
            raise InvalidInput(
                [
                    Problem(
                        "the issue folder is a symbolic link; escmatrix never follows links out of issues/",
                        Location(f"issues/{text}"),
                        "replace the link with the real folder, or remove it",
                        rule="symlink",
                    )
                ]
            )
        if ids.is_issue_id(text) and (self.folder / text).is_dir():
            return text  # a full id: no need to list every folder
        found = self.issue_ids(text)
        if not found:
            raise NotFound(
                f"no issue matches {prefix!r}", hint="`escmatrix list` shows the open issues"
            )
        if len(found) > 1:
            shown = ", ".join(found[:10]) + (" ..." if len(found) > 10 else "")
            raise UsageError(
                f"{prefix!r} is ambiguous: it matches {len(found)} issues ({shown})",
                hint="type more characters of the id",
            )
        return found[0]

    def event_files(self, issue_id: str) -> list[EventFile]:
        """The folder's event files in `EventFile.sort_key` order."""
        found: list[tuple[int, str, str, str, str]] = []
        with os.scandir(f"{self.folder}{os.sep}{issue_id}") as entries:
            for entry in entries:  # each entry knows if it is a link, without a system call
                match = EVENT_NAME.match(entry.name)
                if match is None:
                    continue
                if entry.is_symlink():
                    raise InvalidInput(
                        [
                            Problem(
                                "the event file is a symbolic link; event files are plain files in the issue folder",
                                Location(self.display(entry.path)),
                                "replace the link with the real file",
                                rule="symlink",
                            )
                        ]
                    )
                found.append((int(match[1]), match[2], entry.name, entry.path, match[3]))
        found.sort()  # (seq, random part, name): names differ, so the rest is never compared
        return [EventFile(path, seq, rand, kind) for seq, rand, _, path, kind in found]

    def event_file(self, path: Path) -> EventFile:
        match = EVENT_NAME.match(path.name)
        if not match:
            raise InvalidInput([Problem("not an event file name", Location(self.display(path)))])
        return EventFile(str(path), int(match[1]), match[2], match[3])

    def stray_files(self, issue_id: str) -> list[Path]:
        """Files in an issue folder that are not event files (temp files, hand-made files)."""
        return [p for p in (self.folder / issue_id).iterdir() if not EVENT_NAME.match(p.name)]

    @cached_property
    def _read_file(self) -> Callable[[str, str], tuple[str, Any]]:
        """The event file reader, imported once (a rebuild reads 64k files): YAML where files
        are read or written, so a warm `report`, which reads cached events, imports none of it."""
        from escmatrix.store.yaml_lines import read_event_file

        return read_event_file

    def read_event(self, file: EventFile) -> EventBase:
        display = self.display(file.where)
        text, data = self._read_file(file.where, display)
        if not isinstance(data, dict):
            raise InvalidInput(
                [
                    Problem(
                        "an event file must be a mapping that starts with `event: KIND`",
                        Location(display, 1, 1),
                        f"event kinds: {', '.join(EVENT_KINDS)}",
                        rule="schema",
                    )
                ]
            )
        # the files' pydantic models, imported here: a command that writes an event, or reads
        # only the cache, imports no pydantic for events (this form is a lookup in C)
        import escmatrix.core.event_models as models

        try:
            event = models.to_event(models.EVENT_ADAPTER.validate_python(data))
        except models.ValidationError as exc:
            from escmatrix.store.matrix_loader import problems_from_validation
            from escmatrix.store.yamlio import PosDict, parse_yaml

            if not isinstance(data, PosDict):  # positions for the message: the full parser
                data = parse_yaml(text, display)
            raise InvalidInput(
                problems_from_validation(exc, data, display, models.EventBase),
                summary="invalid event file",
            ) from None
        if getattr(event, "event", None) != file.kind:
            raise InvalidInput(
                [
                    Problem(
                        f"the file name says {file.kind!r} but the event is {getattr(event, 'event', '?')!r}",
                        Location(display, 1, 1),
                        "event files are written by escmatrix; do not rename them",
                        rule="event-name",
                    )
                ]
            )
        return event

    def events(self, issue_id: str) -> list[EventBase]:
        return [self.read_event(f) for f in self.event_files(issue_id)]

    def load(self, issue_id: str) -> IssueState:
        events = self.events(issue_id)
        try:
            return fold(issue_id, events)
        except FoldError as exc:
            raise InvalidInput([Problem(str(exc), Location(f"issues/{issue_id}/"))]) from None

    def load_all(self) -> Iterator[IssueState]:
        for issue_id in self.issue_ids():
            yield self.load(issue_id)

    def next_paths(self, issue_id: str, events: list[EventBase]) -> list[Path]:
        """Where each new event goes: the next Lamport seqs after what the folder holds."""
        folder = self.folder / issue_id
        existing = self.event_files(issue_id) if folder.is_dir() else []
        seq = max((f.seq for f in existing), default=0)
        return [
            folder / f"{seq + n:06d}-{ids.random_part()}-{getattr(event, 'event', 'event')}.yaml"
            for n, event in enumerate(events, start=1)
        ]

    def write(self, paths: list[Path], events: list[EventBase]) -> list[Path]:
        """Write each event to its path atomically, never replacing a file; all or nothing."""
        from escmatrix.store.atomic import write_atomic
        from escmatrix.store.event_text import event_text

        written: list[Path] = []
        try:
            for path, event in zip(paths, events, strict=True):
                data = event_to_data(event)
                text = event_text(data)
                if text is None:  # a value PyYAML must decide how to write
                    from escmatrix.store.yamlio import dump_yaml

                    text = dump_yaml(data)
                write_atomic(path, HEADER + text, exclusive=True)
                written.append(path)
        except BaseException:
            self.discard(written)
            raise
        return written

    def append(self, issue_id: str, events: list[EventBase]) -> list[Path]:
        """Write each event as a new file with the next Lamport seq; returns the paths written."""
        return self.write(self.next_paths(issue_id, events), events)

    def temp_files(self) -> list[Path]:
        """Temp files an interrupted atomic write left in issue folders."""
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("*/.tmp-*"))

    def discard(self, paths: list[Path]) -> None:
        """Remove files this command wrote and could not commit (never older events)."""
        for path in paths:
            path.unlink(missing_ok=True)
            parent = path.parent
            if parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
