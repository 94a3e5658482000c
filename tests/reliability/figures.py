"""The suite's figures (cases tried, events lost, repositories left inconsistent), printed once in
pytest's terminal summary whichever of the modules that produce them ran.

Each test attaches its figure to its own report (`user_properties`), so the figures reach the
summary from pytest-xdist's worker processes too; `pytest_terminal_summary` in tests/conftest.py
prints them through `summary_lines`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pytest

FIGURE = "escmatrix-figure"  # (name, line): one line for the whole test
CASE = "escmatrix-case"  # (name, case, clean): one case of a tally over many parametrized tests


def record(request: pytest.FixtureRequest, name: str, line: str) -> None:
    """Report the figure `name` (a later one replaces an earlier one) in the terminal summary."""
    request.node.user_properties.append((FIGURE, (name, line)))


def tally(request: pytest.FixtureRequest, name: str, case: str, clean: bool) -> None:
    """Count one case of the tally `name`: tried, and whether it was handled cleanly."""
    request.node.user_properties.append((CASE, (name, case, clean)))


def summary_lines(reports: Iterable[Any]) -> list[str]:
    """The figures attached to these test reports, one line each, sorted by name."""
    lines: dict[str, str] = {}
    cases: dict[str, dict[str, bool]] = defaultdict(dict)
    for report in reports:
        for key, value in getattr(report, "user_properties", ()):
            if key == FIGURE:
                lines[value[0]] = value[1]
            elif key == CASE:
                cases[value[0]][value[1]] = value[2]
    for name, seen in cases.items():
        tampered = {k: v for k, v in seen.items() if k.startswith("tamper:")}
        twins = {k: v for k, v in seen.items() if k.startswith("twin:")}
        if tampered or twins:  # a tamper corpus: each case caught, each honest twin passed
            lines[name] = (
                f"{name}: {len(tampered)} tamper cases, {sum(tampered.values())} caught, "
                f"{sum(twins.values())} clean twins passed"
            )
            continue
        lines[name] = f"{name}: {len(seen)} cases tried, {sum(seen.values())} refused cleanly"
    return [lines[name] for name in sorted(lines)]
