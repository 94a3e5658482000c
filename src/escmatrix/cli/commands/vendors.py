"""Coming from PagerDuty or Opsgenie: import their saved API JSON into a matrix, export back."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from escmatrix.cli.context import Format, FormatOpt, workspace


class VendorName(StrEnum):
    pagerduty = "pagerduty"
    opsgenie = "opsgenie"


def import_(
    ctx: typer.Context,
    vendor: Annotated[VendorName, typer.Argument(help="pagerduty or opsgenie.")],
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Saved API responses (JSON): users, teams, schedules, policies, ...",
            show_default=False,
        ),
    ],
    into: Annotated[
        Path, typer.Option("--into", help="The repository to write (a new one is laid out).")
    ] = Path("."),
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing: say what a re-import would change (exit 1 if anything)."
        ),
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Import PagerDuty or Opsgenie (saved API JSON) into matrix files, with what did not map."""
    from escmatrix.app.clock import Clock
    from escmatrix.app.vendors import run_import
    from escmatrix.cli import output

    today = Clock.from_option(ctx.find_root().obj.now).now().date()
    result = run_import(vendor.value, files, into.resolve(), check=check, today=today)
    if fmt == "json":
        output.write_json(
            {
                "vendor": result.vendor,
                "check": check,
                "changes": sorted(result.changes),
                "written": result.written,
                "not_mapped": [n.as_dict() for n in result.notes],
            }
        )
    elif check:
        for diff in result.changes.values():
            sys.stdout.write(diff)
        changed = ", ".join(sorted(result.changes)) or "nothing"
        sys.stdout.write(f"a re-import would change: {changed}\n")
    else:
        console = output.stdout()
        for path in result.written:
            console.print(output.safe(f"  wrote {path}"))
        console.print(
            output.safe(
                f"{len(result.notes)} vendor settings did not map (import-notes.md):", "bold"
            )
        )
        for note in result.notes:
            console.print(output.safe(f"  {note.where}: {note.field} -> {note.instead}"))
        console.print("next: `escmatrix validate --strict`, review with `git diff`, then commit")
    if check and result.changes:
        raise typer.Exit(1)


def export(
    ctx: typer.Context,
    vendor: Annotated[VendorName, typer.Argument(help="pagerduty or opsgenie.")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the JSON files (one per API endpoint).")
    ] = Path("."),
    fmt: FormatOpt = Format.table,
) -> None:
    """Export people, teams, schedules, the ladder and routing as PagerDuty or Opsgenie JSON."""
    from escmatrix.app.vendors import run_export
    from escmatrix.cli import output

    root = workspace(ctx, leave_no_trace=True).root
    written, notes = run_export(vendor.value, root, out)
    if fmt == "json":
        output.write_json({"written": written, "not_exported": [n.as_dict() for n in notes]})
        return
    console = output.stdout()
    for path in written:
        console.print(output.safe(f"  wrote {path}"))
    for note in notes:
        console.print(output.safe(f"  not exported: {note.where}: {note.field} -> {note.instead}"))


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
    app.command("export")(export)
