"""oncall: who holds every schedule and every category x tier cell now, or the handoffs in a window."""

from __future__ import annotations

import sys
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from escmatrix.cli.context import timezone, workspace

if TYPE_CHECKING:
    from escmatrix.core.matrix import Matrix
    from escmatrix.core.oncall import Shift


class OncallFormat(StrEnum):
    table = "table"
    json = "json"
    ics = "ics"


def _when(text: str | None, what: str) -> datetime | None:
    from escmatrix.app.clock import parse_instant

    return None if text is None else parse_instant(text, what=what)


def oncall(
    ctx: typer.Context,
    at: Annotated[
        str | None, typer.Option("--at", help="The moment (ISO 8601); default now.")
    ] = None,
    schedule: Annotated[
        str | None, typer.Option("--schedule", "-s", help="Only this schedule.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--from", help="Start of a window: print its handoffs.")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="End of the window.")] = None,
    fmt: Annotated[
        OncallFormat,
        typer.Option(
            "--format", "-f", help="table, json, or ics (iCalendar, with --from/--until)."
        ),
    ] = OncallFormat.table,
) -> None:
    """Who is on call: every schedule and category x tier cell at a moment, with why; or shifts."""
    from escmatrix.app import oncall as use
    from escmatrix.core.errors import UsageError

    ws = workspace(ctx, leave_no_trace=True)
    start, end = _when(since, "--from"), _when(until, "--until")
    if (start is None) != (end is None):
        raise UsageError("--from and --until go together", hint="give both, or --at alone")
    if start is not None and end is not None:
        found = use.agenda(ws.matrix, start, end, schedule)
        _agenda(ctx, ws.matrix, found, fmt)
        return
    if fmt is OncallFormat.ics:
        raise UsageError("--format ics needs a window", hint="add --from TIME --until TIME")
    data = use.snapshot(ws.matrix, _when(at, "--at") or ws.clock.now(), schedule)
    if fmt is OncallFormat.json:
        from escmatrix.cli import output

        output.write_json(data)
        return
    _table(ctx, data)


def _local(ctx: typer.Context, moment: datetime) -> str:
    from zoneinfo import ZoneInfo

    return f"{moment.astimezone(ZoneInfo(timezone(ctx))):%a %Y-%m-%d %H:%M}"


def _table(ctx: typer.Context, data: dict[str, object]) -> None:
    lines = [f"On call at {_local(ctx, datetime.fromisoformat(str(data['at'])))} {timezone(ctx)}"]
    schedules = data["schedules"]
    assert isinstance(schedules, list)
    for row in schedules:
        who = row["person_name"] or "nobody"
        lines.append(f"  {row['schedule']}: {who} — {row['why']}")
    cells = data["cells"]
    assert isinstance(cells, list)
    if cells:
        lines.append("Category × tier")
        lines.extend(
            f"  {c['category']} / {c['tier']}: {c['person_name']} — {c['why']}" for c in cells
        )
    sys.stdout.write("\n".join(lines) + "\n")


def _agenda(ctx: typer.Context, matrix: Matrix, items: list[Shift], fmt: OncallFormat) -> None:
    if fmt is OncallFormat.json:
        from escmatrix.cli import output

        output.write_json(
            {
                "shifts": [
                    {
                        "schedule": s.schedule,
                        "person": s.person,
                        "starts": s.starts.isoformat(),
                        "ends": s.ends.isoformat(),
                        "why": s.why,
                    }
                    for s in items
                ]
            }
        )
    elif fmt is OncallFormat.ics:
        sys.stdout.write(_ics(matrix, items))
    else:
        lines = [
            f"{_local(ctx, s.starts)} → {_local(ctx, s.ends)}  {s.schedule}: "
            f"{matrix.people[s.person].name if s.person in matrix.people else 'nobody'}"
            for s in items
        ]
        sys.stdout.write("\n".join(lines) + "\n" if lines else "no shifts\n")


def _ics(matrix: Matrix, items: list[Shift]) -> str:
    import icalendar  # only here: nothing else needs it

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//escmatrix//oncall//EN")
    calendar.add("version", "2.0")
    for shift in items:
        if shift.person is None:
            continue
        event = icalendar.Event()
        name = matrix.people[shift.person].name if shift.person in matrix.people else shift.person
        event.add("uid", f"{shift.schedule}-{shift.person}-{shift.starts:%Y%m%dT%H%M%SZ}@escmatrix")
        event.add("dtstamp", shift.starts)
        event.add("dtstart", shift.starts)
        event.add("dtend", shift.ends)
        event.add("summary", f"On call: {shift.schedule} — {name}")
        event.add("description", shift.why)
        calendar.add_component(event)
    return str(calendar.to_ical().decode())


def register(app: typer.Typer) -> None:
    app.command("oncall")(oncall)
