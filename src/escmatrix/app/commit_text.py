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
    listed = os.listdir(folder) if folder.is_dir() else []
    names = [n for n in listed if n.startswith(start) and is_issue_id(n)]
    return message(action, short_id(issue_id, names), events, lines or (), fallback)
