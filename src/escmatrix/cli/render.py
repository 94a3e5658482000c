"""Rich renderings for people at a terminal. All user text goes through `safe` (literal)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from escmatrix.cli.issue_view import when
from escmatrix.cli.output import literal, safe
from escmatrix.core.durations import format_duration

if TYPE_CHECKING:
    from escmatrix.core.grid import GridCell
    from escmatrix.core.matrix import Matrix
    from escmatrix.store.git import LogEntry


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
