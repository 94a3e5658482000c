"""`escmatrix demo`: walk the responder loop on a temporary copy of this repository."""

from __future__ import annotations

from typing import Annotated

import typer

from escmatrix.cli.context import timezone, workspace


def demo(
    ctx: typer.Context,
    keep: Annotated[
        bool, typer.Option("--keep", help="Keep the temporary copy and print where it is.")
    ] = False,
) -> None:
    """Walk open → route → ack → update → escalate → resolve → close on a temporary copy of this
    repository's matrix, printing each step's command and result. The repository itself is untouched.
    """
    from escmatrix.app.tour import run_tour
    from escmatrix.cli import output
    from escmatrix.cli.issue_view import issue_view
    from escmatrix.cli.route_view import decision_view
    from escmatrix.core.sla import clocks

    source = workspace(ctx)
    console = output.stdout()
    tz = timezone(ctx)
    for step in run_tour(source, keep=keep):
        console.rule(output.safe(step.title))
        console.print(output.safe(f"$ {step.command}", "bold cyan"))
        if step.decision is not None:
            output.print_laid_out(decision_view(step.decision, step.matrix.people, tz), wrap=True)
        elif step.state is not None and step.final:
            items = clocks(step.matrix, step.state, step.at)
            output.print_laid_out(issue_view(step.state, step.matrix.people, items, tz), wrap=True)
        elif step.state is not None:
            s = step.state
            console.print(
                output.safe(
                    f"{s.id}: {s.status}, owner {s.owner}, tier {s.tier} "
                    f"(engaged {s.engaged}), commit {step.commit[:10]}"
                )
            )
        for line in step.notes:
            console.print(output.safe(line, "dim"))


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
