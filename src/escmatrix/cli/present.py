"""Plain data for JSON and CSV output, built from core values; no Rich here."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from escmatrix.core.durations import format_duration

if TYPE_CHECKING:
    from escmatrix.core.clock_facts import ClockMatrix
    from escmatrix.core.grid import GridCell
    from escmatrix.core.issue import IssueState
    from escmatrix.core.matrix import Matrix
    from escmatrix.core.routing import RouteDecision
    from escmatrix.core.sla import Clock
    from escmatrix.core.summary import IssueSummary


def clock_data(clock: Clock) -> dict[str, Any]:
    return {
        "name": clock.name,
        "target": format_duration(clock.target),
        "hours": clock.hours,
        "started": clock.started,
        "due": clock.due,
        "state": clock.state,
        "elapsed_seconds": int(clock.elapsed.total_seconds()),
        "remaining_seconds": int(clock.remaining.total_seconds()),
    }


CSV_FIELDS = [
    "id",
    "short_id",
    "status",
    "severity",
    "category",
    "owner",
    "tier",
    "engaged",
    "customer",
    "partner",
    "opened_at",
    "flagged",
    "title",
]


def summary_data(row: IssueSummary) -> dict[str, Any]:
    """A list row as data: the same keys as `issue_summary` gives for a full state."""
    return {
        "id": row.id,
        "title": row.title,
        "status": row.status,
        "category": row.category,
        "severity": row.severity,
        "owner": row.owner,
        "tier": row.tier,
        "engaged": row.engaged,
        "customer": row.customer,
        "partner": row.partner,
        "opened_at": row.opened_at,
        "flagged": row.flagged,
    }


def issue_summary(state: IssueState) -> dict[str, Any]:
    return {
        "id": state.id,
        "title": state.title,
        "status": state.status,
        "category": state.category,
        "severity": state.severity,
        "owner": state.owner,
        "tier": state.tier,
        "engaged": state.engaged,
        "customer": state.customer,
        "partner": state.partner,
        "opened_at": state.opened_at,
        "flagged": state.flagged,
    }


def issue_data(
    state: IssueState, matrix: ClockMatrix | None, now: datetime, *, timeline: bool = True
) -> dict[str, Any]:
    """The issue as data; its deadlines measured against `matrix` (none without one)."""
    from escmatrix.core.sla import clocks

    data = issue_summary(state)
    data |= {
        "description": state.description,
        "score": state.score,
        "impact": state.impact,
        "tags": state.tags,
        "rule": state.rule,
        "opened_by": state.opened_by,
        "opened_under": state.opened_under,
        "timestamps": {
            "opened": state.opened_at,
            "acknowledged": state.first_acknowledged_at,
            "last_acknowledged": state.acknowledged_at,
            "last_update": state.last_update_at,
            "escalated": state.escalated_at,
            "resolved": state.resolved_at,
            "closed": state.closed_at,
        },
        "last_status": state.last_status,
        "next_steps": state.next_steps,
        "dependencies": state.dependencies,
        "resolution": state.resolution,
        "root_cause": state.root_cause,
        "satisfaction": {
            "customer": state.customer_satisfaction,
            "partner": state.partner_satisfaction,
        },
        "escalations": state.escalations,
        "handoffs": state.handoffs,
        "reopened": state.reopened,
        "tier_path": state.tier_path,
        "links": [
            {"kind": k.kind, "url": k.url, "ref": k.ref, "key": k.key, "at": k.at, "actor": k.actor}
            for k in getattr(state, "links", ())
        ],
        "overrides": [
            {
                "at": o.at,
                "actor": o.actor,
                "reason": o.reason,
                "owner": o.owner,
                "tier": o.tier,
                "reconciled_at": o.reconciled_at,
                "reconciled_by": o.reconciled_by,
                "learning": o.learning,
            }
            for o in state.overrides
        ],
        "pauses": [
            {"start": p.start, "end": p.end, "waiting_on": p.waiting_on, "reason": p.reason}
            for p in state.pauses
        ],
        "deadlines": [clock_data(c) for c in clocks(matrix, state, now)] if matrix else [],
    }
    if timeline:
        data["timeline"] = [
            {"at": t.at, "actor": t.actor, "event": t.kind, "summary": t.summary}
            for t in state.timeline
        ]
    return data


def decision_data(decision: RouteDecision) -> dict[str, Any]:
    facts = decision.facts
    return {
        "at": decision.at,
        "facts": {
            "category": facts.category,
            "severity": facts.severity,
            "impact": facts.impact,
            "customer": facts.customer,
            "partner": facts.partner,
            "tags": list(facts.tags),
        },
        "severity": decision.severity.severity,
        "score": decision.severity.score,
        "severity_reason": decision.severity.reason,
        "rule": decision.rule,
        "checks": [
            {"rule": c.rule, "matched": c.matched, "reason": c.reason} for c in decision.checks
        ],
        "owner": decision.owner,
        "owner_reason": decision.owner_reason,
        "tier": decision.tier,
        "tier_reason": decision.tier_reason,
        "engaged": decision.engaged,
        "targets": {
            "source": decision.targets.source,
            "calendar": decision.targets.calendar,
            "first_response": format_duration(decision.targets.first_response),
            "update_every": format_duration(decision.targets.update_every),
            "resolution": format_duration(decision.targets.resolution),
        },
        "first_response_due": decision.first_response_due,
        "resolution_due": decision.resolution_due,
    }


def grid_data(cells: list[GridCell]) -> list[dict[str, Any]]:
    """Each category x severity as routing and the ladder would engage it (matrix --format json)."""
    return [
        {
            "category": c.category,
            "severity": c.severity,
            "tier": c.tier,
            "owner": c.owner,
            "engaged": c.engaged,
            "rule": c.rule,
            "why": c.why,
            "above": [{"tier": a.tier, "holder": a.holder, "away": a.away} for a in c.above],
        }
        for c in cells
    ]


def matrix_data(matrix: Matrix) -> dict[str, Any]:
    def dump(model: Any) -> Any:
        return model.model_dump(mode="json", by_alias=True)

    return {
        "tiers": [dump(t) for t in matrix.tiers],
        "categories": [
            dump(c) | {"holders": {t.id: matrix.holder(t, c.primary) for t in matrix.tiers}}
            for c in matrix.categories.values()
        ],
        "severities": [dump(s) for s in matrix.severities.values()],
        "dimensions": [dump(d) for d in matrix.dimensions.values()],
        "people": [dump(p) for p in matrix.people.values()],
        "teams": [dump(t) for t in matrix.teams.values()],
        "rules": [dump(r) for r in matrix.rules],
        "customers": [dump(a) for a in matrix.customers.values()],
        "partners": [dump(a) for a in matrix.partners.values()],
    }
