"""`escmatrix playbook list|show`: the plain-language playbooks, owners resolved to people."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from escmatrix.cli import complete
from escmatrix.cli.context import Format, FormatOpt, timezone, workspace

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import RenderableType

    from escmatrix.app.workspace import Workspace
    from escmatrix.core.issue import IssueState
    from escmatrix.core.matrix import Matrix
    from escmatrix.core.playbooks import Playbook, StepOwner, TimedStep
    from escmatrix.core.route_facts import RouteMatrix

FIRST_STEPS = 3

playbook_app = typer.Typer(
    name="playbook",
    help="The playbooks: one plain-language guide per category, with steps, owners and time boxes.",
    no_args_is_help=True,
)


@playbook_app.command("list")
def list_playbooks(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """List the playbooks: category, file, owners, steps, review date, and any problem."""
    from escmatrix.cli import output
    from escmatrix.core.playbooks import review_due
    from escmatrix.store.playbooks import check_playbooks, load_playbooks

    ws = workspace(ctx)
    playbooks, _ = load_playbooks(ws.root)
    problems = check_playbooks(ws.root, ws.matrix)
    today = ws.clock.now().date()
    rows = [
        {
            "category": p.category,
            "file": p.file,
            "owners": p.front.owners,
            "steps": len(p.front.steps),
            "review": p.front.review,
            "review_due": review_due(ws.matrix, p.front) <= today,
            "problems": [str(x) for x in problems if x.location and x.location.file == p.file],
        }
        for p in playbooks
    ]
    files = {x.location.file for x in problems if x.location}
    broken = sorted(f for f in files - {p.file for p in playbooks} if f.startswith("playbooks/"))
    rows += [
        {
            "category": None,
            "file": file,
            "owners": [],
            "steps": 0,
            "review": None,
            "review_due": False,
            "problems": [str(x) for x in problems if x.location and x.location.file == file],
        }
        for file in broken
    ]
    if fmt is Format.json:
        output.write_json(rows)
        return
    output.stdout().print(_list_table(ws.matrix, rows))


def _list_table(matrix: Matrix, rows: list[dict[str, Any]]) -> RenderableType:
    from rich.table import Table

    from escmatrix.cli.output import safe

    table = Table(title="Playbooks", title_justify="left")
    for column in ("category", "file", "owners", "steps", "review", "problems"):
        table.add_column(column)
    for row in rows:
        owners = ", ".join(row["owners"])
        review = str(row["review"] or "—") + (" (review due)" if row["review_due"] else "")
        table.add_row(
            safe(row["category"] or "—"),
            safe(row["file"].removeprefix("playbooks/")),
            safe(owners),
            str(row["steps"]),
            safe(review, "yellow" if row["review_due"] else ""),
            safe("\n".join(row["problems"]) or "ok", "red" if row["problems"] else "green"),
        )
    return table


@playbook_app.command("show")
def show_playbook(
    ctx: typer.Context,
    category: Annotated[
        str,
        typer.Argument(
            help="The category whose playbook to show.",
            autocompletion=complete.categories,
            show_default=False,
        ),
    ],
    issue: Annotated[
        str | None,
        typer.Option(
            "--issue",
            help="Resolve owners for this issue and show each time box as a clock time.",
            autocompletion=complete.open_issues,
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Show a category's playbook: owners resolved to people, steps, time boxes, the text."""
    from escmatrix.cli import output
    from escmatrix.core.errors import UsageError
    from escmatrix.core.playbooks import timed_steps
    from escmatrix.store.playbooks import playbook_for

    ws = workspace(ctx)
    state = ws.issue(issue) if issue else None
    if state is not None and state.category != category:
        raise UsageError(
            f"issue {state.id} is a {state.category} issue, not {category}",
            hint=f"run `escmatrix playbook show {state.category} --issue {issue}`",
        )
    playbook = playbook_for(ws.root, ws.matrix, category)
    now = ws.clock.now()
    steps = timed_steps(ws.matrix, playbook, state, now)
    if fmt is Format.json:
        output.write_json(playbook_data(ws.matrix, playbook, steps, state, now))
        return
    output.stdout().print(_render(ws.matrix, playbook, steps, state, now, timezone(ctx)))


def _name(matrix: Matrix, person_id: str) -> str:
    person = matrix.people.get(person_id)
    return f"{person.name} ({person_id})" if person else person_id


def _people(matrix: Matrix, owner: StepOwner, now: datetime) -> list[dict[str, Any]]:
    found = []
    for person_id in owner.people:
        person = matrix.people.get(person_id)
        found.append(
            {
                "id": person_id,
                "name": person.name if person else None,
                "away": bool(person and person.is_away(now)),
            }
        )
    return found


def playbook_data(
    matrix: Matrix,
    playbook: Playbook,
    steps: list[TimedStep],
    state: IssueState | None,
    now: datetime,
) -> dict[str, Any]:
    from escmatrix.core.playbooks import review_due

    front = playbook.front
    return {
        "file": playbook.file,
        "category": front.category,
        "issue": state.id if state else None,
        "owners": [
            {
                "id": o,
                "name": matrix.people[o].name if o in matrix.people else None,
                "away": bool(o in matrix.people and matrix.people[o].is_away(now)),
            }
            for o in front.owners
        ],
        "review": front.review,
        "review_due": review_due(matrix, front) <= now.date(),
        "steps": [
            {
                "number": s.number,
                "step": s.step.step,
                "owner": s.step.owner,
                "people": _people(matrix, s.owner, now),
                "note": s.owner.note,
                "within": s.step.within,
                "due": s.due,
                "overdue": s.overdue,
            }
            for s in steps
        ],
        "communication": [c.model_dump(mode="json") for c in front.communication],
        "body": playbook.body,
    }


def _owner_text(matrix: RouteMatrix, owner: StepOwner, now: datetime) -> str:
    names = []
    for person_id in owner.people:
        person = matrix.people.get(person_id)
        away = " — out of office" if person and person.is_away(now) else ""
        names.append((person.name if person else person_id) + away)
    who = ", ".join(names) or owner.note or "nobody"
    return f"{owner.role}: {who}"


def _render(
    matrix: Matrix,
    playbook: Playbook,
    steps: list[TimedStep],
    state: IssueState | None,
    now: datetime,
    tz: str,
) -> RenderableType:
    from rich.console import Group
    from rich.markdown import Markdown
    from rich.table import Table

    from escmatrix.cli.issue_view import when
    from escmatrix.cli.output import literal, safe
    from escmatrix.core.durations import format_duration
    from escmatrix.core.playbooks import review_due

    front = playbook.front
    name = matrix.categories[front.category].name if front.category in matrix.categories else ""
    head = safe(f"{name or front.category} — {playbook.file}", "bold")
    owners = ", ".join(
        _name(matrix, o) + (" (out of office)" if _away(matrix, o, now) else "")
        for o in front.owners
    )
    due = review_due(matrix, front)
    review = f"last reviewed {front.review}, " + (
        f"review overdue since {due}" if due <= now.date() else f"next review by {due}"
    )
    meta = safe(f"owners: {owners}; {review}", "dim")
    parts: list[RenderableType] = [head, meta]
    if state is not None:
        parts.append(
            safe(f"for issue {state.id}: {state.title} (opened {when(state.opened_at, tz)})")
        )
    table = Table(title="Steps", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("step")
    table.add_column("owner")
    table.add_column("within")
    if state is not None:
        table.add_column("by")
    for s in steps:
        row: list[RenderableType] = [
            str(s.number),
            safe(s.step.step),
            safe(_owner_text(matrix, s.owner, now)),
            format_duration(s.step.within),
        ]
        if state is not None:
            row.append(
                safe(
                    when(s.due, tz) + (" (overdue)" if s.overdue else ""),
                    "red" if s.overdue else "",
                )
            )
        table.add_row(*row)
    parts.append(table)
    if front.communication:
        comms = Table(title="Communication", title_justify="left")
        for column in ("when", "audience", "channel"):
            comms.add_column(column)
        for c in front.communication:
            comms.add_row(safe(c.when), safe(c.audience), safe(c.channel))
        parts.append(comms)
    if playbook.body.strip():
        parts.append(Markdown(literal(playbook.body)))
    return Group(*parts)


def _away(matrix: Matrix, person_id: str, now: datetime) -> bool:
    person = matrix.people.get(person_id)
    return bool(person and person.is_away(now))


def print_first_steps(ws: Workspace, state: IssueState, tz: str) -> None:
    """After `open`: the first steps of the category's playbook, with owners and clock times,
    worked out on the plain copies the local cache keeps (no matrix or playbook model).

    Never fails the command: a missing or broken playbook is one dim line.
    """
    from escmatrix.app.first_steps import playbook_steps
    from escmatrix.cli import output
    from escmatrix.cli.issue_view import when
    from escmatrix.core.playbook_steps import timed_steps

    playbook = playbook_steps(ws, state.category)
    if isinstance(playbook, str):
        output.print_laid_out([[(f"playbook: {playbook}", "dim")]], wrap=True)
        return
    now, matrix = ws.clock.now(), ws.acting_matrix
    steps = timed_steps(matrix, playbook, state, now)
    lines = [[(f"Playbook ({playbook.file}), first steps:", "bold")]]
    for s in steps[:FIRST_STEPS]:
        who = _owner_text(matrix, s.owner, now)
        lines.append([(f"  {s.number}. {s.step.step} — {who}, by {when(s.due, tz)}", "")])
    more = len(steps) - FIRST_STEPS
    if more > 0:
        hint = f"  … {more} more: escmatrix playbook show {state.category} --issue {state.id}"
        lines.append([(hint, "dim")])
    output.print_laid_out(lines, wrap=True)  # piped: written as it is, without Rich


def register(app: typer.Typer) -> None:
    app.add_typer(playbook_app)
