"""The clock-driven sweep applied: plan every active issue, record each one's escalations and
alerts in a commit of its own, re-planned under the lock so parallel sweeps never double up."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from escmatrix.app.workspace import Recorded, Workspace
    from escmatrix.core.escalation import IssuePlan
    from escmatrix.core.events import EventBase
    from escmatrix.core.issue import IssueState


def sweep(ws: Workspace, apply: bool) -> tuple[list[IssuePlan], list[Recorded]]:
    """Plan clock-driven escalations and alerts at the clock's time; with `apply`, record them.
    The states recorded are kept in the cache once at the end, not once an issue."""
    from escmatrix.core.escalation import AUTOMATION, plan_issue, plan_sweep
    from escmatrix.core.issue import fold
    from escmatrix.core.stamps import MatrixRef

    now = ws.clock.now()
    active = ws.issues(lambda row: row.status != "paused", active=True)  # paused: no plan
    if not apply:  # a dry run plans against the matrix's plain copy while the cache holds one
        return plan_sweep(ws.acting_matrix, active, now, MatrixRef()), []
    plans = plan_sweep(ws.matrix, active, now, ws.git.matrix_ref())
    identity = ws.automation_identity()
    recorded: list[Recorded] = []
    with ws.keeping_written():
        for plan in plans:
            if plan.empty:
                continue
            issue_id = plan.issue.id
            folded: list[IssueState] = []

            def decide(
                issue_id: str = issue_id, folded: list[IssueState] = folded
            ) -> list[EventBase]:
                folded.append(fold(issue_id, ws.store.events(issue_id)))
                return plan_issue(ws.matrix, folded[0], now, ws.git.matrix_ref()).events

            words = partial(ws._message, "sweep", issue_id, lines=plan.lines)
            done = ws._record(issue_id, "sweep", AUTOMATION, identity, decide, words, folded)
            if done is not None:
                recorded.append(done)
    return plans, recorded
