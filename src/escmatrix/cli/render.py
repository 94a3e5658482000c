"""Rich renderings for people at a terminal. All user text goes through `safe` (literal)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from escmatrix.cli.issue_lines import STATE_STYLE, STATUS_STYLE
from escmatrix.cli.output import literal, safe
from escmatrix.core.durations import describe_duration as describe
from escmatrix.core.durations import format_duration

if TYPE_CHECKING:
    from escmatrix.core.grid import GridCell
    from escmatrix.core.issue import IssueState
    from escmatrix.core.matrix import Matrix
    from escmatrix.core.routing import RouteDecision
    from escmatrix.core.sla import Clock
    from escmatrix.store.git import LogEntry


class Named(Protocol):
    """A person as an issue shows them: the matrix's `Person`, or the cache's plain copy."""

    @property
    def name(self) -> str: ...
    @property
    def left(self) -> date | None: ...


def when(at: datetime | None, tz: str) -> str:
    if at is None:
        return "—"
    local = at.astimezone(ZoneInfo(tz))
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or tz)


def when_both(at: datetime, tz: str) -> str:
    utc = at.strftime("%H:%M UTC")
    return when(at, tz) if tz in ("UTC", "Etc/UTC") else f"{when(at, tz)} ({utc})"


def person(people: Mapping[str, Named] | None, person_id: str | None) -> Text:
    if person_id is None:
        return Text("—")
    found = people.get(person_id) if people else None
    if found is not None and found.left is not None:
        return Text.assemble(
            safe(f"{found.name} ({person_id})"), (f" — left on {found.left}", "bold red")
        )
    return safe(f"{found.name} ({person_id})" if found else person_id)


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


def clocks_table(items: list[Clock], tz: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title="Clocks", title_justify="left")
    for col in ("clock", "target", "due", "elapsed", "remaining", "state"):
        table.add_column(col)
    for c in items:
        table.add_row(
            c.name,
            f"{describe(c.target)} · {c.hours}",  # which calendar the due time counts on
            when_both(c.due, tz),
            format_duration(c.elapsed),
            format_duration(c.remaining),
            Text(c.state, STATE_STYLE.get(c.state, "")),
        )
    return table


def issue(
    state: IssueState, people: Mapping[str, Named], items: list[Clock], tz: str
) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row(
        "status",
        Text(state.status, STATUS_STYLE.get(state.status, ""))
        + (Text("  OVERRIDE NOT RECONCILED", "bold magenta") if state.flagged else Text("")),
    )
    grid.add_row("category", safe(state.category))
    grid.add_row(
        "severity",
        safe(
            state.severity + (f" (impact score {state.score})" if state.score is not None else "")
        ),
    )
    grid.add_row("owner", person(people, state.owner))
    grid.add_row(
        "tier", Text.assemble(safe(state.tier), Text("  engaged: "), person(people, state.engaged))
    )
    if state.customer:
        grid.add_row("customer", safe(state.customer))
    if state.partner:
        grid.add_row("partner", safe(state.partner))
    if state.tags:
        grid.add_row("tags", safe(", ".join(state.tags)))
    grid.add_row("routed by", safe(state.rule))
    grid.add_row(
        "opened",
        Text.assemble(
            safe(when(state.opened_at, tz)), Text(" by "), person(people, state.opened_by)
        ),
    )
    if state.last_status:
        grid.add_row("last status", safe(state.last_status))
    if state.next_steps:
        grid.add_row("next steps", safe(state.next_steps))
    if state.dependencies:
        grid.add_row("dependencies", safe(state.dependencies))
    if state.resolution:
        grid.add_row("resolution", safe(state.resolution))
    if state.description:
        grid.add_row("description", safe(state.description))
    for link in getattr(state, "links", ()):
        grid.add_row("link", safe(f"{link.kind} {link.ref} {link.url}".replace("  ", " ")))
    timeline = Table(box=box.SIMPLE_HEAD, title="Timeline", title_justify="left")
    timeline.add_column("when")
    timeline.add_column("who")
    timeline.add_column("what")
    for entry in state.timeline:
        timeline.add_row(when(entry.at, tz), safe(entry.actor), safe(entry.summary))
    parts: list[RenderableType] = [grid]
    if items:
        parts.append(clocks_table(items, tz))
    parts.append(timeline)
    return Panel(Group(*parts), title=safe(f"{state.id}  {state.title}"), title_align="left")


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
