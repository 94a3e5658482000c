"""What every recording command does after its one workspace call: show the result, notify.

A command parses its options, makes one call into the workspace and hands the `Recorded` result
here: JSON for scripts (the issue, the commit, the files, the notifications) or one line for people,
then the channels the matrix names are told, after the commit and outside the lock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from escmatrix.cli.context import Format

if TYPE_CHECKING:
    from escmatrix.app.workspace import Recorded, Workspace

ReasonOpt = Annotated[
    str, typer.Option("--reason", "-r", help="Why (required; it goes in the audit trail).")
]


def finish(ctx: typer.Context, ws: Workspace, done: Recorded, fmt: Format, message: str) -> None:
    from escmatrix.cli import output, present

    for warning in done.warnings:  # a clock far ahead: said before anything else, not dimmed
        output.stderr().print(output.safe(warning))
    if fmt is Format.json:
        data = present.issue_data(done.state, ws.acting_matrix, ws.clock.now(), timeline=False)
        data["commit"] = done.commit
        data["files"] = [str(p.relative_to(ws.root)) for p in done.files]
        data["notifications"] = notify(ws, done)
        output.write_json(data)
        return
    s = done.state
    line = (
        f"{message} {s.id}: {s.status}, owner {s.owner}, tier {s.tier} "
        f"(engaged {s.engaged}) — commit {done.commit[:10]}"
    )
    # one line: piped, as it is (Rich's console is not even imported); on a terminal, wrapped
    output.print_laid_out([[(line, "")]], wrap=True)
    print_notes(notify(ws, done))


def notify(ws: Workspace, done: Recorded) -> list[str]:
    """Tell the channels the matrix names (after the commit, outside the lock); lines to show."""
    from escmatrix.app.notify import after_record

    return after_record(ws, done, done.before)


def print_notes(lines: list[str]) -> None:
    """The notifications' lines on stderr: dim on a terminal, as they are when piped (no Rich)."""
    from escmatrix.cli import output

    if lines:
        output.print_laid_out([[(line, "dim")] for line in lines], wrap=True, err=True)
