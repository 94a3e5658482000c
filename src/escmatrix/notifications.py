"""Telling people: the hook the workspace calls after every recorded action.

Contract (the workspace relies on exactly this):
    after_record(ws, recorded, before) -> list[str]
        Called after a mutating command has committed. `before` is the issue's state before the
        command (None for `open`). Returns one line per channel for the CLI to print, e.g.
        "notified #incidents (slack)" or "delivery to ops-email pending in the outbox".
        Must never raise for delivery failures: those go to the outbox.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from escmatrix.core.issue import IssueState
    from escmatrix.workspace import Recorded, Workspace


def after_record(ws: Workspace, recorded: Recorded, before: IssueState | None) -> list[str]:
    """Placeholder until the notification channels land: nothing is sent."""
    return []
