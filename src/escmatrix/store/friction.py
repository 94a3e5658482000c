"""Friction notes on disk: `friction/<ID>.yaml`, one file per note, written once, never edited.

IDs are made like issue ids (day + random part), so two clones never pick the same file name and
a pull never conflicts.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from escmatrix.core import ids
from escmatrix.core.errors import InvalidInput
from escmatrix.core.friction import FrictionNote

FOLDER = "friction"
HEADER = "# escmatrix friction note: append-only; never edit or delete, add a new note instead\n"


class FrictionStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / FOLDER

    def paths(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(
            p for p in self.folder.glob("*.yaml") if p.is_file() and ids.is_issue_id(p.stem)
        )

    def read(self, path: Path) -> FrictionNote:
        # YAML and the matrix loader where a note is read: `report` of a repository with no
        # notes imports neither
        from escmatrix.store.matrix_loader import problems_from_validation
        from escmatrix.store.yamlio import read_yaml

        display = str(path.relative_to(self.root))
        data = read_yaml(path, display)
        try:
            return FrictionNote.model_validate(data)
        except ValidationError as exc:
            raise InvalidInput(
                problems_from_validation(exc, data, display, FrictionNote),
                summary="invalid friction note",
            ) from None

    def notes(self) -> list[tuple[str, FrictionNote]]:
        """Every note with its id, oldest first."""
        found = [(path.stem, self.read(path)) for path in self.paths()]
        return sorted(found, key=lambda pair: (pair[1].at, pair[0]))

    def add(self, note: FrictionNote) -> Path:
        """Write the note under a new id; never replaces a file."""
        from escmatrix.store.yamlio import dump_yaml, write_atomic

        data = note.model_dump(mode="json", exclude_none=True)
        data["at"] = note.at.strftime("%Y-%m-%dT%H:%M:%SZ")
        while True:
            path = self.folder / f"{ids.new_issue_id(note.at)}.yaml"
            if not path.exists():
                break
        write_atomic(path, HEADER + dump_yaml(data), exclusive=True)
        return path

    def discard(self, path: Path) -> None:
        """Remove a note this command wrote and could not commit."""
        path.unlink(missing_ok=True)
