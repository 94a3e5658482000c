"""Read commands: matrix, list, show, log. None of them writes anything."""

from __future__ import annotations

from typing import Annotated

import typer

from escmatrix.cli import complete
from escmatrix.cli.context import Format, FormatOpt, IssueArg, ListFormat, timezone, workspace

STATUSES = ("active", "open", "acknowledged", "paused", "resolved", "closed", "all")


def matrix(
    ctx: typer.Context,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="table (a grid) or json.")
    ] = Format.table,
    ladder: Annotated[
        bool,
        typer.Option(
            "--ladder",
            help="Show each tier's holder, response time, responsibilities and when to escalate.",
        ),
    ] = False,
    tier: Annotated[
        str | None,
        typer.Option("--tier", help="Show one tier of the ladder in detail.", show_default=False),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Whose cells at this moment (default now): ISO 8601 or relative (+3h, -30m). "
            "Schedules, working hours and absences are resolved as `route` does.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Show the escalation matrix as it runs: categories down, tiers across; in each cell, for
    every severity that starts there, who routing engages at --at (default now), and who the
    ladder would engage on the tiers above. `--format json` carries the same as `cells`.
    `--ladder` (or `--tier T`) shows the ladder itself: responsibilities and escalation criteria."""
    from escmatrix.app.clock import parse_instant
    from escmatrix.app.grid import route_grid
    from escmatrix.cli import output, present, render
    from escmatrix.core.errors import NotFound

    ws = workspace(ctx)
    tiers = [t.id for t in ws.matrix.tiers]
    if tier is not None and tier not in tiers:
        raise NotFound(f"unknown tier {tier!r}", hint=f"tiers: {', '.join(tiers)}")
    moment = ws.clock.now() if at is None else parse_instant(at, what="--at", base=ws.clock.now())
    if fmt is Format.json:
        data = present.matrix_data(ws.matrix)
        if tier is not None:
            data = next(t for t in data["tiers"] if t["id"] == tier)
        else:
            data |= {"at": moment, "cells": present.grid_data(route_grid(ws, moment))}
        output.write_json(data)
    elif ladder or tier is not None:
        from escmatrix.cli.ladder_view import ladder as ladder_view

        output.stdout().print(ladder_view(ws.matrix, tier))
    else:
        cells = route_grid(ws, moment)
        output.stdout().print(render.matrix_grid(ws.matrix, cells, moment, timezone(ctx)))


def list_(
    ctx: typer.Context,
    status: Annotated[
        str, typer.Option("--status", help=f"One of: {', '.join(STATUSES)}.")
    ] = "active",
    mine: Annotated[
        bool, typer.Option("--mine", help="Only issues I own or am engaged on (git user.email).")
    ] = False,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner", help="Owner person id.", autocompletion=complete.people, show_default=False
        ),
    ] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="Owner's team id.", show_default=False)
    ] = None,
    category: Annotated[
        str | None,
        typer.Option(
            "--category",
            "-c",
            help="Category id.",
            autocompletion=complete.categories,
            show_default=False,
        ),
    ] = None,
    severity: Annotated[
        str | None,
        typer.Option(
            "--severity",
            "-s",
            help="Severity id.",
            autocompletion=complete.severities,
            show_default=False,
        ),
    ] = None,
    customer: Annotated[
        str | None,
        typer.Option(
            "--customer", help="Customer id.", autocompletion=complete.customers, show_default=False
        ),
    ] = None,
    partner: Annotated[
        str | None,
        typer.Option(
            "--partner", help="Partner id.", autocompletion=complete.partners, show_default=False
        ),
    ] = None,
    fmt: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table, json or csv.")
    ] = ListFormat.table,
    breached: Annotated[
        bool, typer.Option("--breached", help="Only active issues with a breached clock.")
    ] = False,
    at_risk: Annotated[
        bool,
        typer.Option(
            "--at-risk", help="Only active issues with a clock at risk (with --breached: either)."
        ),
    ] = False,
    due_within: Annotated[
        str | None,
        typer.Option(
            "--due-within",
            help="Only active issues with a deadline within this time, overdue ones included "
            "(e.g. 2h, 30m, 1d).",
            show_default=False,
        ),
    ] = None,
    waiting_on: Annotated[
        str | None,
        typer.Option(
            "--waiting-on",
            help="Only issues paused waiting on: customer or partner.",
            show_default=False,
        ),
    ] = None,
    follow_ups: Annotated[
        bool,
        typer.Option(
            "--follow-ups",
            help="List open debrief follow-ups instead (soonest due first; --owner filters).",
        ),
    ] = False,
) -> None:
    """List issues (active ones by default, next deadline first), with filters; ids shown by their
    shortest unique prefix. The "due" column says when each active issue's next clock comes due:
    red when breached, amber when at risk."""
    from escmatrix.app.listing import ReadView
    from escmatrix.cli import issue_lines, output, present
    from escmatrix.cli.deadline_list import DeadlineFilter, due_data
    from escmatrix.core.errors import UsageError
    from escmatrix.core.summary import IssueFilter, select

    if status not in STATUSES:
        raise UsageError(f"unknown --status {status!r}", hint=f"one of: {', '.join(STATUSES)}")
    if follow_ups:
        from escmatrix.cli.commands.debrief import list_follow_ups

        list_follow_ups(ctx, fmt, owner)
        return
    ws = workspace(ctx)
    view = ReadView(ws)
    facts = view.facts
    if team is not None and team not in facts.teams:
        raise UsageError(f"unknown team {team!r}", hint=f"teams: {', '.join(facts.teams)}")
    members = facts.teams[team] if team else None
    wanted = IssueFilter(
        status,
        ws.actor()[0] if mine else None,
        owner,
        members,
        category,
        severity,
        customer,
        partner,
    )
    by_deadline = DeadlineFilter.of(breached, at_risk, due_within, waiting_on)
    rows = ws.summaries(active=wanted.active_only)
    short = ws.short_ids()
    chosen = select(rows, wanted, list(facts.severities))
    now = ws.clock.now()
    due = view.deadlines(chosen, now)
    chosen = by_deadline.apply(
        chosen, due, now, sort=status in ("active", "open", "acknowledged", "paused")
    )
    if fmt in (ListFormat.json, ListFormat.csv):
        data = [
            present.summary_data(r) | {"short_id": short[r.id]} | due_data(due.get(r.id), now)
            for r in chosen
        ]
        if fmt is ListFormat.json:
            output.write_json(data)
        else:
            output.write_csv(data, present.CSV_FIELDS + list(due_data(None, now)))
    elif not chosen:
        output.stdout().print("no issues match", style="dim")
    else:
        labels = {i: (d.label(now), d.state) for i, d in due.items()}
        lines = issue_lines.issue_list(
            chosen,
            short,
            timezone(ctx),
            output.width(),
            labels if due else None,
            facts.departed,
        )
        output.print_laid_out(lines)


def show(
    ctx: typer.Context,
    issue: IssueArg,
    fmt: FormatOpt = Format.table,
) -> None:
    """Show an issue: facts, owner and tier, every clock with its deadline, and the timeline."""
    from escmatrix.app.listing import ReadView
    from escmatrix.cli import output, present
    from escmatrix.cli.issue_view import issue_view
    from escmatrix.core.sla import clocks

    ws = workspace(ctx)
    state = ws.issue(issue)
    now = ws.clock.now()
    facts = ReadView(ws).facts
    if fmt is Format.json:
        output.write_json(present.issue_data(state, facts.clocks, now))
    else:
        items = clocks(facts.clocks, state, now)
        output.print_laid_out(issue_view(state, facts.people, items, timezone(ctx)), wrap=True)


def log(
    ctx: typer.Context,
    issue: IssueArg,
    fmt: FormatOpt = Format.table,
) -> None:
    """Show an issue's git history: commit, author, time and action (one `git log` call)."""
    from escmatrix.cli import output, render

    ws = workspace(ctx)
    entries = ws.history(issue)
    if fmt is Format.json:
        output.write_json(
            [
                {
                    "commit": e.commit,
                    "author": e.author,
                    "email": e.email,
                    "at": e.at,
                    "action": e.action,
                    "actor": e.actor,
                    "subject": e.subject,
                    "note": e.note,
                }
                for e in entries
            ]
        )
    else:
        output.stdout().print(render.log(entries, timezone(ctx)))
        for e in entries:
            if e.note:
                output.stderr().print(output.safe(f"{e.commit[:10]}: {e.note}", "yellow"))


def register(app: typer.Typer) -> None:
    app.command("matrix")(matrix)
    app.command("list")(list_)
    app.command("show")(show)
    app.command("log")(log)
