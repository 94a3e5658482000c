"""Setting up a repository: init."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def init(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Where to lay out the new repository.")] = Path(
        "."
    ),
) -> None:
    """Lay out a new escalation-matrix repository: git init, a starter matrix, issues/, playbooks/."""
    from escmatrix.app.clock import Clock
    from escmatrix.cli import output
    from escmatrix.store.scaffold import lay_out

    today = Clock.from_option(ctx.find_root().obj.now).now().date()
    result = lay_out(directory.resolve(), today=today)
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
    for step in next_steps(result.written):
        console.print(output.safe(f"next: {step}"))


def next_steps(written: list[str]) -> list[str]:
    """What a new team does after `init`, in order."""
    steps = [
        "add yourself, with your git email (git config user.email), to matrix/people.yaml: "
        "every command acts as the person with that email",
        "edit matrix/*.yaml (customers and partners: matrix/accounts.yaml), then "
        "`escmatrix validate` and `escmatrix matrix`",
    ]
    if ".pre-commit-config.yaml" in written:
        steps.append("`pre-commit install`: every commit is validated before it is made")
    if any(path.startswith(".github/workflows/") for path in written):
        steps.append(
            "push to GitHub and turn on the workflows (Actions tab): validation on every pull "
            "request, and the sweep that escalates on its own"
        )
    return steps


def register(app: typer.Typer) -> None:
    app.command("init")(init)
