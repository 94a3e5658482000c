"""The grid that runs: route every category x severity at a moment, as `escmatrix route` would."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from escmatrix.core.grid import GridCell, grid_cells
from escmatrix.core.routing import IssueFacts

if TYPE_CHECKING:
    from escmatrix.app.workspace import Workspace


def route_grid(ws: Workspace, at: datetime) -> list[GridCell]:
    matrix = ws.matrix
    decisions = [
        ws.route_at(IssueFacts(category=c, severity=s), at)
        for c in matrix.categories
        for s in matrix.severities
    ]
    return grid_cells(matrix, decisions, at)
