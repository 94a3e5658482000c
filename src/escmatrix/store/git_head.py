"""HEAD's commit id read from git's ref files, without a subprocess.

The local cache keys what it knows of HEAD's trees by this id: a commit's tree never changes.
Whenever the answer is not plain from the loose or packed refs, the result is None and the caller
asks git. That covers a reftable repository, a symbolic ref that points to another, an unborn
branch, replace refs (which can give a commit another tree), and the environment variables that
move the common folder or switch replacing off.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

OBJECT_ID = re.compile(rb"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1 or SHA-256
UNPLAIN_ENV = ("GIT_COMMON_DIR", "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE")


def head_commit(git_dir: Path) -> str | None:
    """The commit HEAD names, from the ref files of `git_dir`; None when that is not plain."""
    if any(name in os.environ for name in UNPLAIN_ENV):
        return None
    try:
        common = git_dir
        if (git_dir / "commondir").is_file():  # a linked worktree: branches live in the main one
            common = git_dir / (git_dir / "commondir").read_text(encoding="utf-8").strip()
        replace = common / "refs" / "replace"
        if replace.is_dir() and any(replace.iterdir()):
            return None
        head = (git_dir / "HEAD").read_bytes().strip()
        if OBJECT_ID.fullmatch(head):  # detached
            return head.decode()
        if not head.startswith(b"ref: refs/") or b".." in head:
            return None
        ref = head[5:]
        loose = common / ref.decode()
        if loose.is_file():
            value = loose.read_bytes().strip()
            return value.decode() if OBJECT_ID.fullmatch(value) else None
        packed = (common / "packed-refs").read_bytes()
    except (OSError, UnicodeDecodeError):
        return None
    if b" refs/replace/" in packed:
        return None
    for line in packed.splitlines():
        value, _, name = line.partition(b" ")
        if name == ref and OBJECT_ID.fullmatch(value):
            return value.decode()
    return None
