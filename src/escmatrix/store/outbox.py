"""The local outbox: messages not delivered yet, one JSON file each, never committed.

It lives in `<git dir>/escmatrix/outbox/`, where git never looks. A file holds the channel id
and the message body, never a secret (those are read from the environment at send time). File
names sort in the order messages were queued, so a channel's messages go out in order. Whoever
sends from the outbox holds its lock, so two processes never send the same file.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from escmatrix.store.lock import exclusive
from escmatrix.store.yamlio import write_atomic

EntryStatus = Literal["pending", "failed"]
GIVE_UP_SECONDS = 3 * 24 * 3600


def new_delivery_id() -> str:
    """Sortable by queueing time (nanoseconds), unique by a random tail."""
    return f"{time.time_ns():020d}-{os.urandom(4).hex()}"


def wall_clock() -> str:
    """The real time, for outbox bookkeeping (a drill's --now is about the issue, not the queue)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Entry:
    """One message waiting (pending) or given up on (failed), with why."""

    id: str
    channel: str
    kind: str
    notice: str
    issue: str
    body: dict[str, Any]
    queued_at: str = field(default_factory=wall_clock)
    attempts: int = 0
    last_attempt_at: str | None = None
    status: EntryStatus = "pending"
    reason: str = ""

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Entry:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def data(self) -> dict[str, Any]:
        return asdict(self)

    def age_seconds(self) -> float:
        try:
            queued = datetime.strptime(self.queued_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            return 0.0
        return (datetime.now(UTC) - queued).total_seconds()


class Outbox:
    def __init__(self, git_dir: Path) -> None:
        self.folder = git_dir / "escmatrix" / "outbox"
        self.lock_path = git_dir / "escmatrix" / "outbox.lock"

    @contextmanager
    def locked(self, wait: float) -> Iterator[None]:
        """Hold the outbox lock (raises Refused when another process keeps it past `wait`)."""
        with exclusive(self.lock_path, wait=wait):
            yield

    def path(self, entry_id: str) -> Path:
        return self.folder / f"{entry_id}.json"

    def entries(self) -> list[Entry]:
        """Every entry, oldest first; an unreadable file is shown as a failed entry."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in sorted(self.folder.glob("*.json")):
            entry = self.read(path)
            if entry is not None:
                found.append(entry)
        return found

    def read(self, path: Path) -> Entry | None:
        """The entry in `path`; None if it is gone (another process delivered it)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Entry.from_data(data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError) as exc:
            return Entry(
                path.stem, "?", "?", "?", "?", {}, status="failed", reason=f"unreadable: {exc}"
            )

    def save(self, entry: Entry) -> None:
        text = json.dumps(entry.data(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
        write_atomic(self.path(entry.id), text)

    def remove(self, entry: Entry) -> None:
        self.path(entry.id).unlink(missing_ok=True)

    def pending_channels(self) -> set[str]:
        return {e.channel for e in self.entries() if e.status == "pending"}
