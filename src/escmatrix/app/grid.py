"""The grid that runs: route every category x severity at a moment, as `escmatrix route` would."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from escmatrix.core.grid import GridCell, grid_cells
from escmatrix.core.routing import IssueFacts, chooses_by_load, route

if TYPE_CHECKING:
    from escmatrix.app.workspace import Workspace


def route_grid(ws: Workspace, at: datetime) -> list[GridCell]:
    """Each cell routed with the issues' load read once: routing uses it only where a pool or a
    team chooses, so the decisions are `Workspace.route_at`'s."""
    from escmatrix.core.metrics.routing_load import routing_load

    matrix = ws.matrix
    choosing = any(chooses_by_load(matrix, r) for r in matrix.rules)
    load = routing_load(ws.issues(), at) if choosing else None
    decisions = [
        route(matrix, IssueFacts(category=c, severity=s), at, load)
        for c in matrix.categories
        for s in matrix.severities
    ]
    return grid_cells(matrix, decisions, at)
