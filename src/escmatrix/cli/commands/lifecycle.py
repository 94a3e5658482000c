"""An issue's life after it opens: ack, update, assign, pause/resume, resolve, close, reopen, comment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from escmatrix.cli import complete
from escmatrix.cli.context import Format, FormatOpt, IssueArg, workspace

if TYPE_CHECKING:
    pass
from escmatrix.cli.recording import ReasonOpt, finish


def ack(
    ctx: typer.Context,
    issue: IssueArg,
    note: Annotated[str, typer.Option("--note", "-n", help="Optional note.")] = "",
    on_behalf: Annotated[
        bool,
        typer.Option(
            "--on-behalf",
            help="Acknowledge for the person engaged when you are not on the issue (needs "
            "--reason; both are recorded).",
        ),
    ] = False,
    reason: Annotated[
        str, typer.Option("--reason", "-r", help="Why you acknowledge on their behalf.")
    ] = "",
    fmt: FormatOpt = Format.table,
) -> None:
    """Acknowledge an issue: you have it, the first-response clock stops.

    The owner, the person engaged or the holder of the issue's tier acknowledges; anyone else is
    refused unless --on-behalf --reason "…", which the event and the commit record.
    """
    from escmatrix.core import responder as r

    ws = workspace(ctx)
    done = ws.act(
        issue,
        "ack",
        lambda c, s: r.acknowledge(c, s, note, on_behalf=on_behalf, reason=reason),
        lambda s: "acknowledged",
    )
    finish(ctx, ws, done, fmt, "acknowledged")


def update(
    ctx: typer.Context,
    issue: IssueArg,
    status: Annotated[
        str, typer.Option("--status", "-m", help="Where things stand, in a sentence.")
    ] = "",
    next_steps: Annotated[str, typer.Option("--next", help="What happens next.")] = "",
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            help="Who does the next steps (person id).",
            autocompletion=complete.people,
            show_default=False,
        ),
    ] = None,
    dependencies: Annotated[
        str, typer.Option("--dependencies", "--waiting-for", help="What we wait on.")
    ] = "",
    next_update_by: Annotated[
        str | None,
        typer.Option(
            "--next-update-by",
            help="When the next update is promised: a time (ISO 8601) or a duration from now "
            "(2h, 30m).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Post a short status update (status, next steps, owner, dependencies, next update by)."""
    from escmatrix.cli.commands.comms import promised_time
    from escmatrix.core import responder as r

    ws = workspace(ctx)
    promised = promised_time(next_update_by, ws.clock.now()) if next_update_by else None
    done = ws.act(
        issue,
        "update",
        lambda c, s: r.status_update(
            c,
            s,
            status=status,
            next_steps=next_steps,
            owner=owner,
            dependencies=dependencies,
            next_update_by=promised,
        ),
        lambda s: status.strip().splitlines()[0] if status.strip() else "status update",
    )
    finish(ctx, ws, done, fmt, "updated")


def assign(
    ctx: typer.Context,
    issue: IssueArg,
    to: Annotated[
        str, typer.Option("--to", help="The new owner (person id).", autocompletion=complete.people)
    ],
    reason: ReasonOpt,
    fmt: FormatOpt = Format.table,
) -> None:
    """Hand an issue off to another person, with the reason."""
    from escmatrix.core import responder as r

    ws = workspace(ctx)
    done = ws.act(
        issue,
        "assign",
        lambda c, s: r.assign(c, s, to, reason),
        lambda s: f"hand off {s.owner} → {to}",
    )
    finish(ctx, ws, done, fmt, "assigned")


def pause(
    ctx: typer.Context,
    issue: IssueArg,
    waiting_on: Annotated[str, typer.Option("--waiting-on", help="customer or partner.")],
    reason: ReasonOpt,
    fmt: FormatOpt = Format.table,
) -> None:
    """Stop the clocks while waiting on the customer or partner."""
    from escmatrix.core import responder as r

    ws = workspace(ctx)
    done = ws.act(
        issue,
        "pause",
        lambda c, s: r.pause(c, s, waiting_on, reason),
        lambda s: f"waiting on {waiting_on}",
    )
    finish(ctx, ws, done, fmt, "paused")


def resume(
    ctx: typer.Context,
    issue: IssueArg,
    note: Annotated[str, typer.Option("--note", "-n", help="Optional note.")] = "",
    fmt: FormatOpt = Format.table,
) -> None:
    """Restart the clocks of a paused issue."""
    from escmatrix.core import responder as r

    ws = workspace(ctx)
    done = ws.act(issue, "resume", lambda c, s: r.resume(c, s, note), lambda s: "resumed")
    finish(ctx, ws, done, fmt, "resumed")


def resolve(
    ctx: typer.Context,
    issue: IssueArg,
    summary: Annotated[str, typer.Option("--summary", "-m", help="What fixed it.")],
    root_cause: Annotated[str, typer.Option("--root-cause", help="Why it happened.")] = "",
    fmt: FormatOpt = Format.table,
) -> None:
    """Mark an issue resolved, with a resolution summary and root cause."""
    from escmatrix.core import responder as r

    ws = workspace(ctx)
    done = ws.act(
        issue, "resolve", lambda c, s: r.resolve(c, s, summary, root_cause), lambda s: "resolved"
    )
    finish(ctx, ws, done, fmt, "resolved")


def close(
    ctx: typer.Context,
    issue: IssueArg,
    customer_satisfaction: Annotated[
        int | None,
        typer.Option(
            "--customer-satisfaction",
            min=1,
            max=5,
            help="Customer's score, 1 to 5.",
            show_default=False,
        ),
    ] = None,
    partner_satisfaction: Annotated[
        int | None,
        typer.Option(
            "--partner-satisfaction",
            min=1,
            max=5,
            help="Partner's score, 1 to 5.",
            show_default=False,
        ),
    ] = None,
    note: Annotated[str, typer.Option("--note", "-n", help="Optional note.")] = "",
    fmt: FormatOpt = Format.table,
) -> None:
    """Close a resolved issue, with satisfaction scores from the customer and partner."""
    from escmatrix.core import responder as r

    ws = workspace(ctx)
    done = ws.act(
        issue,
        "close",
        lambda c, s: r.close(c, s, customer_satisfaction, partner_satisfaction, note),
        lambda s: "closed",
    )
    finish(ctx, ws, done, fmt, "closed")


def reopen(
    ctx: typer.Context, issue: IssueArg, reason: ReasonOpt, fmt: FormatOpt = Format.table
) -> None:
    """Reopen a resolved or closed issue, with the reason."""
    from escmatrix.core import responder as r

    ws = workspace(ctx)
    done = ws.act(issue, "reopen", lambda c, s: r.reopen(c, s, reason), lambda s: "reopened")
    finish(ctx, ws, done, fmt, "reopened")


def comment(
    ctx: typer.Context,
    issue: IssueArg,
    text: Annotated[str, typer.Argument(help="The comment.", show_default=False)],
    internal: Annotated[
        bool,
        typer.Option(
            "--internal",
            help="An internal note: kept in the log, never in a customer or partner draft.",
        ),
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Add a comment to an issue's timeline (--internal: an internal note)."""
    from escmatrix.core import responder as r
    from escmatrix.core.comms import internal_note

    ws = workspace(ctx)
    done = ws.act(
        issue,
        "comment",
        lambda c, s: internal_note(c.stamp(), text) if internal else r.comment(c, s, text),
        lambda s: text.strip().splitlines()[0] if text.strip() else "comment",
    )
    finish(ctx, ws, done, fmt, "commented on")


def register(app: typer.Typer) -> None:
    app.command("ack")(ack)
    app.command("update")(update)
    app.command("assign")(assign)
    app.command("pause")(pause)
    app.command("resume")(resume)
    app.command("resolve")(resolve)
    app.command("close")(close)
    app.command("reopen")(reopen)
    app.command("comment")(comment)
