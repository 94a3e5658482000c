"""`escmatrix sweep`: clock-driven escalation and alerts, shown first, recorded with --apply."""

from __future__ import annotations

from typing import Annotated

import typer

from escmatrix.cli.context import Format, workspace


def sweep(
    ctx: typer.Context,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply",
            help="Record the escalations and alerts "
            "(one commit per issue, as the matrix's automation identity).",
        ),
    ] = False,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="table for people, json for CI.")
    ] = Format.table,
) -> None:
    """Evaluate every open issue at --now: escalate where a tier's clock ran out, warn where a
    clock is at risk or breached, remind where an update is due. Without --apply it only shows
    what it would do; running it twice at the same time changes nothing the second time.
    """
    from escmatrix.app.notify import after_record
    from escmatrix.cli import output

    ws = workspace(ctx)
    plans, recorded = ws.sweep(apply)
    notes = [line for done in recorded for line in after_record(ws, done, done.before)]
    if fmt is Format.json:
        output.write_json(
            {
                "at": ws.clock.now(),
                "applied": apply,
                "issues": [
                    {
                        "id": p.issue.id,
                        "title": p.issue.title,
                        "severity": p.issue.severity,
                        "tier": p.issue.tier,
                        "actions": p.lines,
                        "events": [e.kind for e in p.planned],
                    }
                    for p in plans
                ],
                "commits": [d.commit for d in recorded],
                "notifications": notes,
            }
        )
        return
    if not plans:
        output.stdout().print("nothing to do: no clock needs attention", style="dim")
        return
    lines: list[list[tuple[str, str]]] = []
    for plan in plans:
        lines.append([(f"{plan.issue.id}  {plan.issue.severity}  {plan.issue.title}", "bold")])
        lines.extend([(f"  {line}", "")] for line in plan.lines)
    verb = (
        f"recorded {len(recorded)} commit(s)" if apply else "dry run: nothing written (add --apply)"
    )
    lines.append([(verb, "dim")])
    lines.extend([(line, "dim")] for line in notes)
    output.print_laid_out(lines, wrap=True)


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep)
