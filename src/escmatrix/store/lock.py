"""A lock of our own around write-and-commit, so parallel escmatrix processes never interleave."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from escmatrix.core.errors import Refused

LOCK_WAIT_SECONDS = float(os.environ.get("ESCMATRIX_LOCK_WAIT", "10"))


@contextmanager
def exclusive(path: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold an exclusive flock on `path`, waiting up to `wait` seconds for it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise Refused(
            f"this checkout cannot be written ({exc.strerror or exc}: {path.parent}); reading "
            "commands work here, recording ones need a writable clone",
            hint="run it in a clone you can write, e.g. not on a read-only CI mount",
        ) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Refused(
                        f"another escmatrix command holds {path} and did not finish within {wait:g} s",
                        hint="wait for it and run the command again",
                    ) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)
