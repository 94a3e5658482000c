"""A write-ahead journal around write-and-commit, so an interrupted command can be finished.

Before a command writes event files it records what it is about to write and how it will commit
it (`.git/escmatrix/journal/`, never tracked). After the commit the entry is removed. An entry
left behind means a command was killed in between; `escmatrix doctor` finishes its commit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import msgspec

from escmatrix.store.atomic import write_atomic


class Entry(msgspec.Struct, frozen=True):
    issue: str
    action: str
    actor: str
    name: str | None
    email: str
    subject: str
    files: list[str]  # relative to the escmatrix root


class Journal:
    def __init__(self, git_dir: Path) -> None:
        self.folder = git_dir / "escmatrix" / "journal"

    def pending(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.glob("*.json"))

    def temp_files(self) -> list[Path]:
        """Half-written entries of a command killed while writing its journal (nothing followed)."""
        return sorted(self.folder.glob(".tmp-*")) if self.folder.is_dir() else []

    def begin(self, entry: Entry) -> Path:
        path = self.folder / f"{entry.issue}-{os.urandom(4).hex()}.json"
        write_atomic(path, json.dumps(msgspec.structs.asdict(entry), indent=1))
        return path

    def read(self, path: Path) -> Entry | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Entry(**data)
        except (OSError, ValueError, TypeError):
            return None

    @staticmethod
    def end(path: Path) -> None:
        path.unlink(missing_ok=True)
