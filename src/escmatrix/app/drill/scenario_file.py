"""A drill's scenario file: read, validated against its model and checked against the matrix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from escmatrix.core import drill as d
from escmatrix.core.errors import InvalidInput, Location, Problem
from escmatrix.core.matrix import Matrix
from escmatrix.store.matrix_loader import problems_from_validation
from escmatrix.store.yamlio import locate, read_yaml


def load_scenario(path: Path, display: str | None = None) -> tuple[d.Scenario, Any]:
    """The scenario and its parsed YAML (for positions), or InvalidInput at file:line:column."""
    shown = display or str(path)
    if not path.is_file():
        raise InvalidInput([Problem("no such scenario file", Location(shown))])
    data = read_yaml(path, shown)
    if not isinstance(data, dict):
        raise InvalidInput(
            [
                Problem(
                    "a scenario is a mapping of keys",
                    Location(shown, 1, 1),
                    f"valid keys: {', '.join(d.Scenario.model_fields)}",
                )
            ]
        )
    try:
        return d.Scenario.model_validate(data), data
    except ValidationError as exc:
        raise InvalidInput(
            problems_from_validation(exc, data, shown, d.Scenario),
            summary="the scenario is invalid",
        ) from None


def check(scenario: d.Scenario, data: Any, matrix: Matrix, display: str) -> None:
    """Refuse a scenario that names what the matrix does not have, with file:line."""
    found = d.check_scenario(scenario, matrix)
    if not found:
        return
    problems = []
    for p in found:
        mark = locate(data, p.loc)
        line, column = mark if mark else (None, None)
        problems.append(Problem(p.message, Location(display, line, column), p.hint or None))
    raise InvalidInput(problems, summary="the scenario does not fit the matrix")
