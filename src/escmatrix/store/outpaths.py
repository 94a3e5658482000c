"""Where a command writes files the user asked for (`--out`): a folder it can write, or one sentence.

A path that exists and is not a folder (a file, `/dev/null`), a folder that cannot be made, and a
write that fails are refused with what was wrong and what to give instead; nothing is left half
written (files go in through a temp file and a rename).
"""

from __future__ import annotations

import os
from pathlib import Path

from escmatrix.core.errors import Refused, UsageError


def output_folder(path: Path, option: str = "--out", what: str = "the files") -> Path:
    """`path` as a folder that exists and can be written, or a refusal naming it."""
    if path.exists() and not path.is_dir():
        kind = "a file" if path.is_file() else "not a folder (a device or other special file)"
        raise UsageError(
            f"{option} {path} is {kind}: give a folder to write {what} into",
            hint=f"e.g. {option} site (made if missing)",
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Refused(
            f"cannot make the folder {path}: {exc.strerror or exc}",
            hint=f"give {option} a folder you can write",
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise Refused(
            f"cannot write into {path}: permission denied",
            hint=f"give {option} a folder you can write",
        )
    return path


def write_failed(path: Path, exc: OSError) -> Refused:
    """The refusal for a write into a checked folder that failed anyway (a full disk, a race)."""
    return Refused(
        f"cannot write {path}: {exc.strerror or exc}; nothing was written there",
        hint="check the disk and the folder's permissions, then run the command again",
    )
