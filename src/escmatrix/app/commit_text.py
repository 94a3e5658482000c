"""The words of an issue commit, with the issue named by its short id among the issues on disk."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from escmatrix.core.commit_message import message, short_id
from escmatrix.core.events import EventBase
from escmatrix.store.issue_folders import issue_ids


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
    return message(
        action, short_id(issue_id, issue_ids(folder, issue_id[:4])), events, lines or (), fallback
    )
