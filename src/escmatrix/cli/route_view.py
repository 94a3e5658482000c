"""A routing decision as lines (`open`, `route`, `reroute`), laid out as `show`'s view is: piped,
printed without importing Rich (~35 ms of an `open`); on a terminal Rich only styles it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from escmatrix.cli.issue_lines import Line
from escmatrix.cli.issue_view import Named, Piece, grid, person, table, when, when_both
from escmatrix.core.durations import describe_duration

if TYPE_CHECKING:
    from escmatrix.core.routing import RouteDecision


def decision_view(
    d: RouteDecision, people: Mapping[str, Named], tz: str, title: str = "Route"
) -> list[Line]:
    """Who gets the issue and why, the two deadlines on their calendar, and every rule tried."""
    targets = d.targets
    rows: list[tuple[str, list[Piece]]] = [
        ("severity", [(f"{d.severity.severity} — {d.severity.reason}", "")]),
        ("rule", [(d.rule, "")]),
        ("owner", [*person(people, d.owner), (f" — {d.owner_reason}", "dim")]),
        ("tier", [(d.tier, ""), (f" — {d.tier_reason}", "dim")]),
        ("engaged", person(people, d.engaged)),
        (
            "respond by",
            [
                (
                    f"{when_both(d.first_response_due, tz)} · "
                    f"{describe_duration(targets.first_response)} · "
                    f"calendar {targets.calendar} ({targets.source})",
                    "",
                )
            ],
        ),
        (  # the calendar beside every deadline: 5d on an office calendar is not 5d 24x7
            "resolve by",
            [
                (
                    f"{when_both(d.resolution_due, tz)} · {describe_duration(targets.resolution)} "
                    f"· calendar {targets.calendar}",
                    "",
                )
            ],
        ),
    ]
    checks: list[list[Piece]] = [
        [(c.rule, ""), ("matched", "green") if c.matched else ("skipped", "dim"), (c.reason, "")]
        for c in d.checks
    ]
    heading: Line = [(f"{title} at {when(d.at, tz)}", "bold")]
    return [heading, *grid(rows), [], *table(None, ["rule", "", "why"], checks)]
