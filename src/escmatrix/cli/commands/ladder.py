"""Moves on the ladder: escalate, de-escalate, override (routing or tier, governed) and reconcile."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from escmatrix.cli import complete
from escmatrix.cli.context import Format, FormatOpt, IssueArg, workspace

if TYPE_CHECKING:
    pass
from escmatrix.cli.recording import ReasonOpt, finish


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
    finish(ctx, ws, done, fmt, "escalated")


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
    finish(ctx, ws, done, fmt, "de-escalated")


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
    finish(ctx, ws, done, fmt, "overridden")


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
    finish(ctx, ws, done, fmt, "reconciled")


def register(app: typer.Typer) -> None:
    app.command("escalate")(escalate)
    app.command("deescalate")(deescalate)
    app.command("override")(override)
    app.command("reconcile")(reconcile)
