"""Issues in: `open` (routed by the matrix) and `route` (what routing would decide, or a re-route)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from escmatrix.cli import complete
from escmatrix.cli.context import Format, FormatOpt, timezone, workspace

if TYPE_CHECKING:
    from escmatrix.app.workspace import Workspace
    from escmatrix.core.routing import IssueFacts
from escmatrix.cli.recording import finish, notify, print_notes


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
    from escmatrix.cli import output, present
    from escmatrix.cli.route_view import decision_view
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
        data = present.issue_data(done.state, ws.acting_matrix, ws.clock.now(), timeline=False)
        data |= {"commit": done.commit, "route": present.decision_data(decision)}
        data["notifications"] = notify(ws, done)
        output.write_json(data)
        return
    routed = decision_view(decision, ws.acting_matrix.people, timezone(ctx), title="Routed")
    opened = [(f"opened {done.state.id}: {done.state.title}", "bold")]
    output.print_laid_out([opened, *routed, [(f"commit {done.commit[:10]}", "dim")]], wrap=True)
    from escmatrix.cli.commands.playbooks import print_first_steps

    print_first_steps(ws, done.state, timezone(ctx))
    print_notes(notify(ws, done))


def _ask(
    ws: Workspace, title: str | None, category: str | None, severity: str | None, has_impact: bool
) -> tuple[str, str, str | None]:
    from rich.prompt import Prompt

    from escmatrix.cli.choices import choose
    from escmatrix.cli.output import stdout
    from escmatrix.core.durations import describe_duration as describe
    from escmatrix.core.errors import UsageError

    console = stdout()
    matrix = ws.matrix
    try:
        while not title or not title.strip():
            title = Prompt.ask("Title", console=console)
        if category is None:
            category = choose(
                console, "Category", [(c.id, c.name) for c in matrix.categories.values()]
            )
        if severity is None and not has_impact:
            severity = choose(
                console,
                "Severity",
                [
                    (
                        s.id,
                        f"{s.name} — respond {describe(s.first_response)}, update every "
                        f"{describe(s.update_every)}, resolve in {describe(s.resolution)}"
                        + (f" ({s.calendar} hours)" if s.calendar != "24x7" else ""),
                    )
                    for s in matrix.severities.values()
                ],
            )
    except EOFError:
        raise UsageError(
            "the input ended before the issue was complete; nothing was recorded",
            hint="give --title, --category and --severity to open without questions",
        ) from None
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
            help="Preview as if the issue arrived at this time: ISO 8601 "
            "(2026-03-07T03:00:00Z, 2026-03-07T04:00+01:00) or relative to now (+3h, -30m).",
            show_default=False,
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            "-r",
            help="With an ISSUE and --severity, --impact or --category: why it is re-rated "
            "(required then; it goes in the audit trail).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Preview who would get an issue and by when, with the rule that matched and why. Writes nothing.

    With an ISSUE, re-route that open issue under the current matrix and record it; with
    --severity, --impact or --category (and --reason) re-rate it too: its clocks then count
    against the new severity's targets from the opening.
    """
    from escmatrix.app.clock import Clock, parse_instant
    from escmatrix.cli import output, present
    from escmatrix.cli.route_view import decision_view
    from escmatrix.core.errors import UsageError

    ws = workspace(ctx, leave_no_trace=issue is None)  # a preview writes nothing, cache included
    if issue is not None:
        if customer or partner or tag or at:
            raise UsageError(
                "with an ISSUE, route takes only --severity, --impact, --category and --reason",
                hint="customer, partner and tags stay as the issue was opened",
            )
        change: dict[str, object] = {}
        if severity is not None:
            change["severity"] = severity
        if impact:
            change["impact"] = _facts(category or "-", None, impact, None, None, []).impact
        if category is not None:
            change["category"] = category
        if reason is not None:
            change["reason"] = reason
        done, decision = ws.reroute(issue, change)
        if fmt is Format.table:
            view = decision_view(decision, ws.matrix.people, timezone(ctx), title="Re-routed")
            output.print_laid_out(view, wrap=True)
        finish(ctx, ws, done, fmt, "re-routed")
        return
    if category is None:
        raise UsageError("a preview needs --category", hint="and --severity or --impact")
    if at is not None:
        ws.clock = Clock(parse_instant(at, what="--at", base=ws.clock.now()))
    decision = ws.preview(_facts(category, severity, impact, customer, partner, tag))
    if fmt is Format.json:
        output.write_json(present.decision_data(decision))
    else:
        view = decision_view(decision, ws.matrix.people, timezone(ctx), title="Preview")
        output.print_laid_out(view, wrap=True)


def register(app: typer.Typer) -> None:
    app.command("open")(open_)
    app.command("route")(route_)
