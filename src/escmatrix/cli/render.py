"""Rich renderings for people at a terminal. All user text goes through `safe` (literal)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from escmatrix.cli.issue_view import Named, when, when_both
from escmatrix.cli.issue_view import person as person_pieces
from escmatrix.cli.output import literal, safe
from escmatrix.core.durations import describe_duration as describe
from escmatrix.core.durations import format_duration

if TYPE_CHECKING:
    from escmatrix.core.grid import GridCell
    from escmatrix.core.matrix import Matrix
    from escmatrix.core.routing import RouteDecision
    from escmatrix.store.git import LogEntry


def person(people: Mapping[str, Named] | None, person_id: str | None) -> Text:
    return Text.assemble(
        *((literal(text), style) for text, style in person_pieces(people, person_id))
    )


def decision(d: RouteDecision, matrix: Matrix, tz: str, title: str = "Route") -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("severity", safe(f"{d.severity.severity} — {d.severity.reason}"))
    grid.add_row("rule", safe(d.rule))
    grid.add_row(
        "owner",
        Text.assemble(person(matrix.people, d.owner), safe(f" — {d.owner_reason}", "dim")),
    )
    grid.add_row("tier", Text.assemble(safe(d.tier), safe(f" — {d.tier_reason}", "dim")))
    grid.add_row("engaged", person(matrix.people, d.engaged))
    grid.add_row(
        "respond by",
        safe(
            f"{when_both(d.first_response_due, tz)} · {describe(d.targets.first_response)} · "
            f"calendar {d.targets.calendar} ({d.targets.source})"
        ),
    )
    grid.add_row(
        "resolve by",
        safe(  # the calendar beside every deadline: 5d on an office calendar is not 5d 24x7
            f"{when_both(d.resolution_due, tz)} · {describe(d.targets.resolution)} · "
            f"calendar {d.targets.calendar}"
        ),
    )
    checks = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
    checks.add_column("rule")
    checks.add_column("")
    checks.add_column("why")
    for c in d.checks:
        checks.add_row(
            safe(c.rule),
            Text("matched", "green") if c.matched else Text("skipped", "dim"),
            safe(c.reason),
        )
    return Panel(Group(grid, Text(""), checks), title=f"{title} at {when(d.at, tz)}", expand=False)


def log(entries: list[LogEntry], tz: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD)
    for col in ("commit", "when", "author", "action", "subject"):
        table.add_column(col)
    for e in entries:
        table.add_row(
            e.commit[:10],
            when(e.at, tz),
            safe(f"{e.author} <{e.email}>"),
            safe(e.action or "—"),
            safe(e.subject),
        )
    return table


def matrix_grid(matrix: Matrix, cells: list[GridCell], at: datetime, tz: str) -> RenderableType:
    """Categories down, tiers across: in each cell the severities that start there with the
    person routing engages at `at`, and (dim) those that would reach it by escalating."""
    from escmatrix.core.grid import by_category_and_tier

    table = Table(
        box=box.ROUNDED,
        title=f"Escalation matrix at {when(at, tz)}",
        title_justify="left",
        show_lines=True,
    )
    table.add_column("category", style="bold")
    for tier in matrix.tiers:
        table.add_column(
            f"{tier.name}\n[dim]respond in {format_duration(tier.response_time)}[/dim]"
        )
    starts = {(c.category, c.severity): c.tier for c in cells}
    found = by_category_and_tier(matrix, cells)
    for cat in matrix.categories.values():
        backups = ", ".join(_name(matrix, b) for b in cat.backups)
        row: list[RenderableType] = [
            Text.assemble(safe(f"{cat.name}\n({cat.id})"), safe(f"\nbackup: {backups}", "dim"))
        ]
        for tier in matrix.tiers:
            text = Text()
            groups: dict[tuple[bool, str], list[str]] = {}
            for severity, person in found.get((cat.id, tier.id), []):
                started = starts.get((cat.id, severity)) == tier.id
                groups.setdefault((not started, person), []).append(severity)
            shown: set[str] = set()
            for (escalated, person), severities in sorted(groups.items()):
                if escalated and person in shown:
                    continue  # already here for the severities that start on this tier
                shown.add(person)
                if text:
                    text.append("\n")
                if escalated:
                    text.append("↑ " + literal(_name(matrix, person)), "dim")
                else:
                    text.append(literal(_name(matrix, person)))
                    text.append(f" {' '.join(severities)}", "bold")
            row.append(text)
        table.add_row(*row)
    why = Table(box=box.SIMPLE_HEAD, title="Why each starts there", title_justify="left")
    for col in ("category", "severity", "tier", "engaged", "rule", "why"):
        why.add_column(col)
    for c in cells:
        why.add_row(
            safe(c.category),
            safe(c.severity),
            safe(c.tier),
            safe(_name(matrix, c.engaged)),
            safe(c.rule),
            safe(c.why),
        )
    sev = Table(box=box.SIMPLE_HEAD, title="Severities", title_justify="left")
    for col in ("severity", "score", "starts at", "first response", "updates every", "resolve in"):
        sev.add_column(col)
    for s in matrix.severities.values():
        sev.add_row(
            safe(f"{s.id} {s.name}"),
            f"{s.min_score}–{s.max_score}",
            safe(s.start_tier),
            format_duration(s.first_response),
            format_duration(s.update_every),
            format_duration(s.resolution),
        )
    legend = Text(
        "↑ reached by escalating from the tier where the severity starts (the ladder's holder)",
        "dim",
    )
    return Group(table, legend, why, sev)


def _name(matrix: Matrix, person_id: str) -> str:
    found = matrix.people.get(person_id)
    return found.name if found else person_id
