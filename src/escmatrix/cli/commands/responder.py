"""The responder loop: open, route, ack, update, assign, escalate, override and the rest.

Each command parses its options, makes one call into the workspace and renders the result.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from escmatrix.cli import complete
from escmatrix.cli.context import Format, FormatOpt, IssueArg, timezone, workspace

if TYPE_CHECKING:
    from escmatrix.app.workspace import Recorded, Workspace
    from escmatrix.core.routing import IssueFacts

ReasonOpt = Annotated[
    str, typer.Option("--reason", "-r", help="Why (required; it goes in the audit trail).")
]


def _finish(ctx: typer.Context, ws: Workspace, done: Recorded, fmt: Format, message: str) -> None:
    from escmatrix.cli import output, present

    if fmt is Format.json:
        data = present.issue_data(done.state, ws.matrix, ws.clock.now(), timeline=False)
        data["commit"] = done.commit
        data["files"] = [str(p.relative_to(ws.root)) for p in done.files]
        data["notifications"] = _notify(ws, done)
        output.write_json(data)
        return
    s = done.state
    output.stdout().print(
        output.safe(
            f"{message} {s.id}: {s.status}, owner {s.owner}, tier {s.tier} "
            f"(engaged {s.engaged}) — commit {done.commit[:10]}"
        )
    )
    _print_notes(_notify(ws, done))


def _notify(ws: Workspace, done: Recorded) -> list[str]:
    """Tell the channels the matrix names (after the commit, outside the lock); lines to show."""
    from escmatrix.app.notify import after_record

    return after_record(ws, done, done.before)


def _print_notes(lines: list[str]) -> None:
    from escmatrix.cli import output

    for line in lines:
        output.stderr().print(output.safe(line, "dim"))


def _facts(
    category: str,
    severity: str | None,
    impact: list[str],
    customer: str | None,
    partner: str | None,
    tags: list[str],
) -> IssueFacts:
    from escmatrix.core.errors import UsageError
    from escmatrix.core.routing import IssueFacts

    levels: dict[str, str] = {}
    for item in impact:
        dim, sep, level = item.partition("=")
        if not sep or not dim.strip() or not level.strip():
            raise UsageError(
                f"--impact {item!r} is not DIMENSION=LEVEL", hint="e.g. --impact customers=high"
            )
        levels[dim.strip()] = level.strip()
    return IssueFacts(category, severity, levels, customer, partner, tuple(tags))


CategoryOpt = Annotated[
    str | None,
    typer.Option(
        "--category",
        "-c",
        help="Issue category id.",
        autocompletion=complete.categories,
        show_default=False,
    ),
]
SeverityOpt = Annotated[
    str | None,
    typer.Option(
        "--severity",
        "-s",
        help="Severity id (or give --impact).",
        autocompletion=complete.severities,
        show_default=False,
    ),
]
ImpactOpt = Annotated[
    list[str],
    typer.Option(
        "--impact",
        "-i",
        help="DIMENSION=LEVEL, repeatable; scored into a severity by the matrix.",
        show_default=False,
    ),
]
CustomerOpt = Annotated[
    str | None,
    typer.Option(
        "--customer", help="Customer id.", autocompletion=complete.customers, show_default=False
    ),
]
PartnerOpt = Annotated[
    str | None,
    typer.Option(
        "--partner", help="Partner id.", autocompletion=complete.partners, show_default=False
    ),
]
TagOpt = Annotated[list[str], typer.Option("--tag", help="Tag, repeatable.", show_default=False)]


def open_(
    ctx: typer.Context,
    title: Annotated[
        str | None,
        typer.Option("--title", "-t", help="One line: what is wrong.", show_default=False),
    ] = None,
    category: CategoryOpt = None,
    severity: SeverityOpt = None,
    impact: ImpactOpt = [],  # noqa: B006 - Typer reads the default
    description: Annotated[str, typer.Option("--description", "-d", help="More detail.")] = "",
    customer: CustomerOpt = None,
    partner: PartnerOpt = None,
    tag: TagOpt = [],  # noqa: B006
    fmt: FormatOpt = Format.table,
) -> None:
    """Open an issue: route it, record it, commit it, and say who owns it by when.

    In a terminal, missing title, category and severity are asked for; never when piped.
    """
    from escmatrix.cli import output, present, render
    from escmatrix.core.errors import UsageError

    ws = workspace(ctx)
    if title is None or category is None or (severity is None and not impact):
        if not sys.stdin.isatty():
            missing = [n for n, v in (("--title", title), ("--category", category)) if v is None]
            if severity is None and not impact:
                missing.append("--severity or --impact")
            raise UsageError(f"missing {', '.join(missing)}", hint="see `escmatrix open --help`")
        title, category, severity = _ask(ws, title, category, severity, bool(impact))
    done, decision = ws.open_issue(
        _facts(category, severity, impact, customer, partner, tag), title, description
    )
    if fmt is Format.json:
        data = present.issue_data(done.state, ws.matrix, ws.clock.now(), timeline=False)
        data |= {"commit": done.commit, "route": present.decision_data(decision)}
        data["notifications"] = _notify(ws, done)
        output.write_json(data)
        return
    console = output.stdout()
    console.print(output.safe(f"opened {done.state.id}: {done.state.title}", "bold"))
    console.print(render.decision(decision, ws.matrix, timezone(ctx), title="Routed"))
    console.print(output.safe(f"commit {done.commit[:10]}", "dim"))
    from escmatrix.cli.commands.playbooks import print_first_steps

    print_first_steps(ws, done.state, timezone(ctx))
    _print_notes(_notify(ws, done))


def _ask(
    ws: Workspace, title: str | None, category: str | None, severity: str | None, has_impact: bool
) -> tuple[str, str, str | None]:
    from rich.prompt import Prompt

    from escmatrix.cli.output import stdout

    console = stdout()
    matrix = ws.matrix
    while not title or not title.strip():
        title = Prompt.ask("Title", console=console)
    if category is None:
        for c in matrix.categories.values():
            console.print(f"  {c.id:<24} {c.name}", markup=False)
        category = Prompt.ask(
            "Category", choices=list(matrix.categories), console=console, show_choices=False
        )
    if severity is None and not has_impact:
        for s in matrix.severities.values():
            console.print(f"  {s.id:<8} {s.name}", markup=False)
        severity = Prompt.ask(
            "Severity", choices=list(matrix.severities), console=console, show_choices=False
        )
    return title, category, severity


def route_(
    ctx: typer.Context,
    issue: Annotated[
        str | None,
        typer.Argument(
            help="Re-route this open issue under the current "
            "matrix (records it). Without it: a preview.",
            autocompletion=complete.open_issues,
            show_default=False,
        ),
    ] = None,
    category: CategoryOpt = None,
    severity: SeverityOpt = None,
    impact: ImpactOpt = [],  # noqa: B006
    customer: CustomerOpt = None,
    partner: PartnerOpt = None,
    tag: TagOpt = [],  # noqa: B006
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Preview as if the issue arrived at this time (ISO 8601), e.g. Saturday 03:00.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Preview who would get an issue and by when, with the rule that matched and why. Writes nothing.

    With an ISSUE, re-route that open issue under the current matrix and record it.
    """
    from escmatrix.app.clock import Clock, parse_instant
    from escmatrix.cli import output, present, render
    from escmatrix.core.errors import UsageError

    ws = workspace(ctx, leave_no_trace=issue is None)  # a preview writes nothing, cache included
    if issue is not None:
        done, decision = ws.reroute(issue)
        if fmt is Format.table:
            output.stdout().print(
                render.decision(decision, ws.matrix, timezone(ctx), title="Re-routed")
            )
        _finish(ctx, ws, done, fmt, "re-routed")
        return
    if category is None:
        raise UsageError("a preview needs --category", hint="and --severity or --impact")
    if at is not None:
        ws.clock = Clock(parse_instant(at, what="--at"))
    decision = ws.preview(_facts(category, severity, impact, customer, partner, tag))
    if fmt is Format.json:
        output.write_json(present.decision_data(decision))
    else:
        output.stdout().print(render.decision(decision, ws.matrix, timezone(ctx), title="Preview"))


def ack(
    ctx: typer.Context,
    issue: IssueArg,
    note: Annotated[str, typer.Option("--note", "-n", help="Optional note.")] = "",
    fmt: FormatOpt = Format.table,
) -> None:
    """Acknowledge an issue: you have it, the first-response clock stops."""
    from escmatrix.core import responder as r

    ws = workspace(ctx)
    done = ws.act(issue, "ack", lambda c, s: r.acknowledge(c, s, note), lambda s: "acknowledged")
    _finish(ctx, ws, done, fmt, "acknowledged")


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
    _finish(ctx, ws, done, fmt, "updated")


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
    _finish(ctx, ws, done, fmt, "assigned")


def escalate(
    ctx: typer.Context,
    issue: IssueArg,
    reason: ReasonOpt,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Jump to this tier instead of the next one.",
            autocompletion=complete.tiers,
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Move an issue up the ladder (next tier, or --to TIER), with the reason."""
    from escmatrix.core import responder as r

    ws = workspace(ctx)
    done = ws.act(
        issue,
        "escalate",
        lambda c, s: r.escalate(c, s, reason, to),
        lambda s: f"escalate from {s.tier}",
    )
    _finish(ctx, ws, done, fmt, "escalated")


def deescalate(
    ctx: typer.Context,
    issue: IssueArg,
    reason: ReasonOpt,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Go down to this tier instead of the one below.",
            autocompletion=complete.tiers,
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Move an issue down the ladder, with the reason."""
    from escmatrix.core import responder as r

    ws = workspace(ctx)
    done = ws.act(
        issue,
        "deescalate",
        lambda c, s: r.deescalate(c, s, reason, to),
        lambda s: f"de-escalate from {s.tier}",
    )
    _finish(ctx, ws, done, fmt, "de-escalated")


def override(
    ctx: typer.Context,
    issue: IssueArg,
    reason: ReasonOpt,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            help="Route to this person outside the matrix.",
            autocompletion=complete.people,
            show_default=False,
        ),
    ] = None,
    tier: Annotated[
        str | None,
        typer.Option(
            "--tier",
            help="Put the issue at this tier.",
            autocompletion=complete.tiers,
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Route outside the matrix. Governance decides who may; the issue stays flagged until reconciled."""
    from escmatrix.core import responder as r

    ws = workspace(ctx)
    done = ws.act(
        issue,
        "override",
        lambda c, s: r.override(c, s, reason, owner, tier),
        lambda s: f"override to {owner or s.owner} at {tier or s.tier}",
    )
    _finish(ctx, ws, done, fmt, "overridden")


def reconcile(
    ctx: typer.Context,
    issue: IssueArg,
    learning: Annotated[
        str,
        typer.Option("--learning", "-l", help="What the override taught us (kept for the review)."),
    ],
    fmt: FormatOpt = Format.table,
) -> None:
    """Close an override's flag, recording the learning point."""
    from escmatrix.core import responder as r

    ws = workspace(ctx)
    done = ws.act(
        issue,
        "reconcile",
        lambda c, s: r.reconcile(c, s, learning),
        lambda s: "override reconciled",
    )
    _finish(ctx, ws, done, fmt, "reconciled")


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
    _finish(ctx, ws, done, fmt, "paused")


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
    _finish(ctx, ws, done, fmt, "resumed")


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
    _finish(ctx, ws, done, fmt, "resolved")


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
    _finish(ctx, ws, done, fmt, "closed")


def reopen(
    ctx: typer.Context, issue: IssueArg, reason: ReasonOpt, fmt: FormatOpt = Format.table
) -> None:
    """Reopen a resolved or closed issue, with the reason."""
    from escmatrix.core import responder as r

    ws = workspace(ctx)
    done = ws.act(issue, "reopen", lambda c, s: r.reopen(c, s, reason), lambda s: "reopened")
    _finish(ctx, ws, done, fmt, "reopened")


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
    _finish(ctx, ws, done, fmt, "commented on")


def register(app: typer.Typer) -> None:
    app.command("open")(open_)
    app.command("route")(route_)
    app.command("ack")(ack)
    app.command("update")(update)
    app.command("assign")(assign)
    app.command("escalate")(escalate)
    app.command("deescalate")(deescalate)
    app.command("override")(override)
    app.command("reconcile")(reconcile)
    app.command("pause")(pause)
    app.command("resume")(resume)
    app.command("resolve")(resolve)
    app.command("close")(close)
    app.command("reopen")(reopen)
    app.command("comment")(comment)
