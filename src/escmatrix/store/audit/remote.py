"""Pushed history that was rewritten: what the remote-tracking ref once pointed at and no longer holds.

git records every value a remote-tracking ref (`origin/main`) had in its reflog, one per fetch or
push. A value the ref's current history does not contain was taken back on the server: an amend,
a rebase or a filter-branch of pushed commits, then a force-push.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from escmatrix.core.errors import Location, Problem

if TYPE_CHECKING:
    from escmatrix.store.audit.history import History


def rewritten(history: History, name: str, current: str) -> list[Problem]:
    """One finding per earlier value of `name` that its current history `current` lacks."""
    reflog = history.git("log", "-g", "--format=%H", "--end-of-options", name, "--")
    now = set(history.git("rev-list", "--end-of-options", current, "--").split())
    gone: list[str] = []
    for sha in reflog.split():
        if sha not in now and sha not in gone:
            gone.append(sha)
    return [
        Problem(
            f"{name} once pointed at commit {sha[:10]}, which its history no longer contains: "
            "pushed history was rewritten (amend, rebase or filter-branch, then a force-push)",
            Location(name),
            "compare the two with `git range-diff`; protect the branch against force-pushes on "
            "the server",
            rule="history-rewritten",
        )
        for sha in gone
    ]
