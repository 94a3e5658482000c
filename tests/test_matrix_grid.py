"""The grid is the matrix that runs (issue 13, point 5): `matrix` and `matrix --format json` name,
for every category x severity of the example, whom `route` engages at that moment."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.support import Repo, executable

MOMENTS = [
    "2026-12-01T03:10:00Z",  # a Tuesday night in Europe, afternoon in Asia
    "2026-12-01T15:00:00Z",  # Europe and the Americas both at work
    "2026-12-05T22:00:00Z",  # a Saturday night
]


def grid_rows(repo: Repo, at: str) -> dict[str, list[str]]:
    """The rendered grid (installed tool, a wide terminal): category id -> text of each tier's
    cell, rows read between the table's row separators."""
    done = subprocess.run(
        [*executable(), "matrix", "--at", at],
        cwd=repo.path,
        env=dict(os.environ, COLUMNS="300"),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    rows: dict[str, list[str]] = {}
    block: list[list[str]] = []
    for line in [*done.stdout.splitlines(), "├"]:
        if line.startswith(("├", "╰")):
            if block:
                cells = [" ".join(part).strip() for part in zip(*block, strict=True)]
                category = cells[0].split("(", 1)[-1].split(")", 1)[0]
                rows[category] = cells[1:]
            block = []
        elif line.startswith("│"):
            block.append([c.strip() for c in line.strip("│").split("│")])
    return {k: v for k, v in rows.items() if k != "category"}


@pytest.mark.parametrize("at", MOMENTS)
def test_grid_and_json_agree_with_route_for_every_cell(example_repo: Repo, at: str) -> None:
    data = example_repo.json("matrix", "--at", at, now=None)
    tiers = [t["id"] for t in data["tiers"]]
    names = {p["id"]: p["name"] for p in data["people"]}
    cells = {(c["category"], c["severity"]): c for c in data["cells"]}
    categories = [c["id"] for c in data["categories"]]
    severities = [s["id"] for s in data["severities"]]
    assert set(cells) == {(c, s) for c in categories for s in severities}
    grid = grid_rows(example_repo, at)
    assert set(grid) == set(categories)
    for category in categories:
        for severity in severities:
            routed = example_repo.json(
                "route", "-c", category, "-s", severity, "--at", at, now=None
            )
            cell = cells[(category, severity)]
            wanted = {k: routed[k] for k in ("owner", "engaged", "tier", "rule")}
            assert {k: cell[k] for k in wanted} == wanted, (category, severity, at)
            shown = grid[category][tiers.index(routed["tier"])]
            assert names[routed["engaged"]] in shown and severity in shown.split(), (
                category,
                severity,
                shown,
            )


def test_the_grid_differs_between_moments_where_routing_does(example_repo: Repo) -> None:
    """Working hours change who is engaged: the cells follow, as route does."""
    night, day = (example_repo.json("matrix", "--at", at, now=None)["cells"] for at in MOMENTS[:2])
    assert [c["engaged"] for c in night] != [c["engaged"] for c in day]


def test_matrix_at_a_bad_time_is_refused(example_repo: Repo) -> None:
    result = example_repo.cli("matrix", "--at", "someday")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--at" in result.output
