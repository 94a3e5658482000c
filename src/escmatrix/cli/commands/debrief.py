"""`escmatrix debrief` and `escmatrix followup close`: learning after resolution, kept to account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from escmatrix.cli.context import Format, FormatOpt, IssueArg, ListFormat, timezone, workspace

if TYPE_CHECKING:
    from rich.console import RenderableType

    from escmatrix.core.debrief import OpenFollowUp
    from escmatrix.core.issue import IssueState
    from escmatrix.core.matrix import Matrix


def debrief(
    ctx: typer.Context,
    issue: IssueArg,
    root_cause: Annotated[
        str,
        typer.Option(
            "--root-cause", help="Why it happened (default: the root cause given at resolve)."
        ),
    ] = "",
    went_well: Annotated[
        list[str], typer.Option("--went-well", help="Something that went well; repeatable.")
    ] = [],  # noqa: B006 - Typer reads the default
    went_badly: Annotated[
        list[str],
        typer.Option("--went-badly", help="Something that did not go well; repeatable."),
    ] = [],  # noqa: B006
    repair: Annotated[
        list[str],
        typer.Option(
            "--repair",
            help="Relationship repair: 'PERSON contacts ACCOUNT by DATE: WHAT' (ACCOUNT defaults "
            "to the issue's customer or partner; DATE is YYYY-MM-DD or +3d); repeatable.",
        ),
    ] = [],  # noqa: B006
    follow_up: Annotated[
        list[str],
        typer.Option("--follow-up", help="A follow-up item: 'PERSON by DATE: WHAT'; repeatable."),
    ] = [],  # noqa: B006
    fmt: FormatOpt = Format.table,
) -> None:
    """Record the debrief of a resolved issue: root cause, what went well and what did not,
    relationship repair actions and follow-ups with owners and due dates. Without options, show
    the debriefs recorded so far."""
    from escmatrix.cli.recording import finish
    from escmatrix.core import debrief as d

    ws = workspace(ctx)
    if not (root_cause or went_well or went_badly or repair or follow_up):
        state = ws.issue(issue)
        _show(ws.matrix, state, timezone(ctx), fmt)
        return
    today = ws.clock.now().date()
    repairs = [d.parse_assignment(r, today, what="--repair") for r in repair]
    items = [d.parse_assignment(f, today, what="--follow-up") for f in follow_up]
    if any(item.contact is not None for item in items):
        from escmatrix.core.errors import UsageError

        raise UsageError("--follow-up takes 'PERSON by DATE: WHAT' (no 'contacts')")
    done = ws.act(
        issue,
        "debrief",
        lambda c, s: d.debrief(
            c,
            s,
            root_cause=root_cause,
            went_well=went_well,
            went_badly=went_badly,
            repair=repairs,
            follow_ups=items,
        ),
        lambda s: f"debriefed ({len(items)} follow-up{'s' if len(items) != 1 else ''})",
    )
    finish(ctx, ws, done, fmt, "debriefed")
    if fmt is Format.table:
        from escmatrix.cli import output

        output.stdout().print(_debrief_view(ws.matrix, done.state, timezone(ctx)))


def debrief_data(state: IssueState) -> dict[str, Any]:
    import msgspec

    return {
        "id": state.id,
        "title": state.title,
        "status": state.status,
        "root_cause": state.root_cause,
        "debriefs": [
            {
                "at": e.at,
                "actor": e.actor,
                "root_cause": e.root_cause,
                "went_well": e.went_well,
                "went_badly": e.went_badly,
                "repair": msgspec.to_builtins(e.repair),
            }
            for e in state.debriefs
        ],
        "follow_ups": [
            {
                "number": f.number,
                "item": f.item,
                "owner": f.owner,
                "due": f.due,
                "open": f.is_open,
                "closed_at": f.closed_at,
                "closed_by": f.closed_by,
                "note": f.note,
            }
            for f in state.follow_ups
        ],
    }


def _show(matrix: Matrix, state: IssueState, tz: str, fmt: Format) -> None:
    from escmatrix.cli import output

    if fmt is Format.json:
        output.write_json(debrief_data(state))
        return
    if not state.debriefs:
        output.stdout().print(
            output.safe(
                f"issue {state.id} has no debrief yet; record one with "
                f"`escmatrix debrief {state.id} --root-cause ... --follow-up ...`",
                "dim",
            )
        )
        return
    output.stdout().print(_debrief_view(matrix, state, tz))


def _debrief_view(matrix: Matrix, state: IssueState, tz: str) -> RenderableType:
    from rich.console import Group
    from rich.table import Table

    from escmatrix.cli.issue_view import when
    from escmatrix.cli.output import safe

    def name(person_id: str) -> str:
        person = matrix.people.get(person_id)
        return f"{person.name} ({person_id})" if person else person_id

    parts: list[RenderableType] = [safe(f"Debrief of {state.id}: {state.title}", "bold")]
    for e in state.debriefs:
        parts.append(safe(f"{when(e.at, tz)} by {name(e.actor)}", "dim"))
        parts.append(safe(f"Root cause: {e.root_cause}"))
        for label, items in (("Went well", e.went_well), ("Did not go well", e.went_badly)):
            for text in items:
                parts.append(safe(f"{label}: {text}"))
        for r in e.repair:
            parts.append(
                safe(
                    f"Repair: {name(r.who)} contacts {r.contact or 'the account'} by {r.by}: {r.action}"
                )
            )
    if state.follow_ups:
        table = Table(title="Follow-ups", title_justify="left")
        for column in ("#", "item", "owner", "due", "state"):
            table.add_column(column)
        for f in state.follow_ups:
            done = f"done {when(f.closed_at, tz)}" if f.closed_at else "open"
            table.add_row(str(f.number), safe(f.item), safe(name(f.owner)), str(f.due), safe(done))
        parts.append(table)
    return Group(*parts)


followup_app = typer.Typer(
    name="followup",
    help="Debrief follow-ups: close them as they are done (open ones: escmatrix list --follow-ups).",
    no_args_is_help=True,
)


@followup_app.command("close")
def close_follow_up(
    ctx: typer.Context,
    issue: IssueArg,
    number: Annotated[
        int, typer.Argument(help="The follow-up's number (see escmatrix debrief ID).", min=1)
    ],
    note: Annotated[str, typer.Option("--note", "-n", help="What was done (optional).")] = "",
    fmt: FormatOpt = Format.table,
) -> None:
    """Close a debrief follow-up: it leaves `escmatrix list --follow-ups`."""
    from escmatrix.cli.recording import finish
    from escmatrix.core.debrief import close_follow_up as decide

    ws = workspace(ctx)
    done = ws.act(
        issue,
        "followup",
        lambda c, s: decide(c, s, number, note),
        lambda s: f"follow-up {number} done",
    )
    finish(ctx, ws, done, fmt, f"closed follow-up {number} of")


def follow_up_data(row: OpenFollowUp, short: str | None = None) -> dict[str, Any]:
    return {
        "issue": row.issue_id,
        "short_id": short or row.issue_id,
        "title": row.issue_title,
        "number": row.number,
        "item": row.item,
        "owner": row.owner,
        "due": row.due,
        "overdue": row.overdue,
        "debriefed_at": row.debriefed_at,
    }


FOLLOW_UP_FIELDS = ["issue", "short_id", "number", "item", "owner", "due", "overdue", "title"]


def list_follow_ups(ctx: typer.Context, fmt: ListFormat, owner: str | None = None) -> None:
    """`escmatrix list --follow-ups`: every open follow-up, soonest due first."""
    from escmatrix.cli import output
    from escmatrix.core.ids import shortest_unique

    ws = workspace(ctx)
    rows = [r for r in ws.open_follow_ups() if owner is None or r.owner == owner]
    short = shortest_unique(s.id for s in ws.summaries())
    data = [follow_up_data(r, short.get(r.issue_id)) for r in rows]
    if fmt is ListFormat.json:
        output.write_json(data)
        return
    if fmt is ListFormat.csv:
        output.write_csv(data, FOLLOW_UP_FIELDS)
        return
    if not rows:
        output.stdout().print("no open follow-ups", style="dim")
        return
    from rich.table import Table

    table = Table(title="Open follow-ups", title_justify="left")
    for column in ("issue", "#", "item", "owner", "due"):
        table.add_column(column)
    for row, item in zip(rows, data, strict=True):
        due = f"{row.due} (overdue)" if row.overdue else str(row.due)
        table.add_row(
            output.safe(item["short_id"]),
            str(row.number),
            output.safe(row.item),
            output.safe(row.owner),
            output.safe(due, "red" if row.overdue else ""),
        )
    output.stdout().print(table)


def register(app: typer.Typer) -> None:
    app.command("debrief")(debrief)
    app.add_typer(followup_app)
