"""Setting up and checking a repository: init, validate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from escmatrix.cli.context import Format


def init(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Where to lay out the new repository.")] = Path(
        "."
    ),
) -> None:
    """Lay out a new escalation-matrix repository: git init, a starter matrix, issues/, playbooks/."""
    from escmatrix.cli import output
    from escmatrix.store.scaffold import lay_out

    result = lay_out(directory.resolve())
    console = output.stdout()
    for path in result.written:
        console.print(output.safe(f"  wrote {path}"))
    if result.commit:
        console.print(
            output.safe(f"initialised {result.root} — commit {result.commit[:10]}", "bold")
        )
    else:
        console.print(
            output.safe(f"initialised {result.root} (not committed: {result.note})", "bold")
        )
    console.print("next: edit matrix/*.yaml, then `escmatrix validate` and `escmatrix matrix`")


def validate(
    ctx: typer.Context,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="table (text) or json.")
    ] = Format.table,
) -> None:
    """Check the matrix and every issue; each problem named by file:line:column. Exit 1 on errors."""
    from escmatrix.checks import check_repository
    from escmatrix.cli import output
    from escmatrix.store.repository import find_root

    root = find_root(ctx.find_root().obj.repo)
    _, problems = check_repository(root)
    if fmt is Format.json:
        output.write_json(
            [
                {
                    "rule": p.rule,
                    "severity": p.severity,
                    "file": p.location.file if p.location else None,
                    "line": p.location.line if p.location else None,
                    "column": p.location.column if p.location else None,
                    "message": p.message,
                    "hint": p.hint,
                }
                for p in problems
            ]
        )
    else:
        console = output.stdout()
        for p in problems:
            console.print(output.safe(str(p)))
        errors = sum(p.severity == "error" for p in problems)
        console.print(
            f"{errors} error(s), {len(problems) - errors} warning(s)"
            if problems
            else "valid: no problems found"
        )
    if any(p.severity == "error" for p in problems):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("validate")(validate)
