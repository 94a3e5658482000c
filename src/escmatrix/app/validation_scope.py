"""`validate --touched PATHS`: check only what a commit touches, as the pre-commit hook does.

A change under matrix/ or playbooks/ checks the matrix with its policy lints, the playbooks and
the active issues the change may strand; event files alone check their issues against the
matrix (references, no policy lints). Anything else touches nothing escmatrix checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from escmatrix.app.validation import check_repository
from escmatrix.core.errors import Problem, UsageError


def touched_parts(root: Path, paths: Iterable[Path]) -> tuple[bool, set[str]]:
    """Whether the matrix (or a playbook) is touched, and the ids of the issues touched."""
    matrix = False
    issues: set[str] = set()
    for path in paths:
        try:
            parts = path.expanduser().resolve().relative_to(root.resolve()).parts
        except ValueError:
            raise UsageError(
                f"{path} is outside the repository {root}",
                hint="give files or folders inside it, e.g. matrix/ or issues/",
            ) from None
        if not parts or parts[0] in ("matrix", "playbooks", "schemas"):
            matrix = True
        elif parts[0] == "issues":
            if len(parts) == 1:
                matrix = True  # all of issues/: as good as everything
            else:
                issues.add(parts[1])
    return matrix, issues


def check_touched(root: Path, paths: list[Path], now: datetime) -> tuple[bool, list[Problem]]:
    """Whether anything was checked, and the problems in what `paths` touch."""
    matrix, issues = touched_parts(root, paths)
    if matrix:
        return True, check_repository(root, now=now, issues=_active_ids(root, now) | issues)[1]
    if issues:
        return True, check_repository(root, issues=issues)[1]
    return False, []


def _active_ids(root: Path, now: datetime) -> set[str]:
    """The active issues, from the local cache when it can be trusted (no fold of every issue)."""
    from escmatrix.app.clock import Clock
    from escmatrix.app.workspace import Workspace
    from escmatrix.core.errors import EscmatrixError

    ws = Workspace(root, Clock(now))
    try:
        return {row.id for row in ws.summaries() if row.is_active}
    except EscmatrixError:  # an issue folder too broken to summarise: check every issue
        return set(ws.store.issue_ids())
