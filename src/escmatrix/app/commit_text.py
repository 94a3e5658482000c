"""The words of an issue commit, with the issue named by its short id among the issues on disk."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from escmatrix.core.commit_message import message, short_id
from escmatrix.core.events import EventBase
from escmatrix.core.ids import is_issue_id


def commit_text(
    folder: Path,
    action: str,
    issue_id: str,
    events: Sequence[EventBase],
    lines: Sequence[str] | None = None,
    fallback: str = "",
) -> tuple[str, str]:
    """The commit's subject (what changed, by the issue's short id) and body (the rest)."""
    # Only ids sharing the first four characters can lengthen the short id (of at least four).
    start = issue_id[:4]
    names = [n for n in _listing(folder) if n.startswith(start) and is_issue_id(n)]
    return message(action, short_id(issue_id, names), events, lines or (), fallback)


_LISTED: dict[str, tuple[int, list[str]]] = {}  # folder: (its mtime, its names) when listed


def _listing(folder: Path) -> list[str]:
    """The names in `folder`, listed again only when its modification time moved (a sweep
    commits once an issue, and listing 10,000 folders takes ~3 ms). A folder made within the
    same clock tick as the listing can go unseen until the next change: the subject's short id
    is then one the new folder shares, as any short id can come to be when issues are opened."""
    try:
        changed = os.stat(folder).st_mtime_ns
        kept = _LISTED.get(str(folder))
        if kept is not None and kept[0] == changed:
            return kept[1]
        listed = os.listdir(folder)
    except OSError:  # no folder yet (the first issue), or not a folder
        return []
    _LISTED[str(folder)] = (changed, listed)
    return listed
