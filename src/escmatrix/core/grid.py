"""The escalation matrix as it runs: for every category x severity, who routing engages at a
moment and where, and who the ladder would engage on each tier above.

The grid is built from routing decisions (`route` at the moment, schedules and working hours
resolved), not from the categories' primaries, so what a responder reads is what would happen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from escmatrix.core.matrix import Matrix
from escmatrix.core.routing import RouteDecision


@dataclass(frozen=True)
class LadderStep:
    """A tier above the start: who holds it for the routed owner, and whether they are away."""

    tier: str
    holder: str
    away: bool


@dataclass(frozen=True)
class GridCell:
    """One category x severity: where it starts, who owns and who is engaged, and why."""

    category: str
    severity: str
    tier: str
    owner: str
    engaged: str
    rule: str
    why: str
    above: list[LadderStep] = field(default_factory=list)


def grid_cells(matrix: Matrix, decisions: list[RouteDecision], at: datetime) -> list[GridCell]:
    """A cell per routing decision, with the ladder above its starting tier at `at`."""
    cells = []
    for d in decisions:
        start = matrix.tier_index(d.tier)
        above = []
        for tier in matrix.tiers[start + 1 :]:
            holder = matrix.holder(tier, d.owner, at)
            person = matrix.people.get(holder)
            above.append(LadderStep(tier.id, holder, bool(person and person.is_away(at))))
        why = d.owner_reason if d.owner == d.engaged else f"{d.owner_reason}; {d.tier_reason}"
        cells.append(
            GridCell(
                d.facts.category,
                d.severity.severity,
                d.tier,
                d.owner,
                d.engaged,
                d.rule,
                why,
                above,
            )
        )
    return cells


def by_category_and_tier(
    matrix: Matrix, cells: list[GridCell]
) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(category, tier) -> [(severity, person engaged there)]: the severities that start on the
    tier, and those that would reach it by escalating from below."""
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for c in cells:
        found.setdefault((c.category, c.tier), []).append((c.severity, c.engaged))
        for step in c.above:
            found.setdefault((c.category, step.tier), []).append((c.severity, step.holder))
    return found
