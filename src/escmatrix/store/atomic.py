"""Atomic file writes: a temp file in the same folder, fsync, then a rename (or a hard link, so an
event file is never replaced). New files get the permissions the umask gives any file."""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@functools.cache
def _umask() -> int:
    """The process's umask (reading it means setting it: once, and put back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Whether writes reach the disk before a command goes on (fsync). Only a drill, writing a
# throwaway repository it deletes afterwards, turns it off (`durability(False)`).
_DURABLE = [True]


@contextlib.contextmanager
def durability(durable: bool) -> Iterator[None]:
    before = _DURABLE[0]
    _DURABLE[0] = durable
    try:
        yield
    finally:
        _DURABLE[0] = before


def write_atomic(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write through a temp file in the same folder, fsync, then rename into place.

    With `exclusive`, refuse to replace an existing file (event files are never rewritten).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    tmp = Path(tmp_name)
    try:
        # mkstemp makes the file 0600 whatever the umask; a file written in place would get
        # 0666 less the umask, so a shared clone's group can read it
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            if _DURABLE[0]:
                os.fsync(handle.fileno())
        if exclusive:
            os.link(tmp, path)  # fails if the target exists, unlike rename
            tmp.unlink()
        else:
            os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if _DURABLE[0]:
        _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
