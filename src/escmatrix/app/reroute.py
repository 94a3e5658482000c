"""Re-routing an open issue under the current matrix, and re-rating it (a new category, severity
or impact, with a reason): the clocks then count against the new severity's targets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from escmatrix.core import responder
from escmatrix.core.errors import UsageError
from escmatrix.core.routing import IssueFacts

if TYPE_CHECKING:
    from escmatrix.app.workspace import Recorded, Workspace
    from escmatrix.core.routing import RouteDecision


def reroute(ws: Workspace, prefix: str, change: dict[str, Any]) -> tuple[Recorded, RouteDecision]:
    """Re-route under the current matrix; `change` may give a new category, severity or
    impact, and the reason for it (required then)."""
    reason = str(change.get("reason") or "").strip()
    if any(key in change for key in ("severity", "impact", "category")) and not reason:
        raise UsageError(
            "re-rating an issue needs --reason", hint='e.g. --reason "two regions down now"'
        )
    issue_id = ws.resolve(prefix)
    state = ws.store.load(issue_id)
    impact = change.get("impact")
    severity = change.get("severity")
    if severity is None and impact is None:  # re-score impact under today's thresholds
        severity = None if state.impact else state.severity
    facts = IssueFacts(
        change.get("category") or state.category,
        severity,
        dict(impact if impact is not None else ({} if severity else state.impact)),
        state.customer,
        state.partner,
        tuple(state.tags),
    )
    decision = ws.route_at(facts, ws.clock.now())
    recorded = ws.act(
        issue_id,
        "route",
        lambda ctx, st: responder.reroute(
            ctx,
            st,
            decision,
            category=change.get("category"),
            impact=dict(facts.impact) if ("impact" in change or "severity" in change) else None,
            reason=reason,
        ),
        lambda st: f"re-route to {decision.owner} at {decision.tier}",
    )
    return recorded, decision
