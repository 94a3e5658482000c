"""Helpers that commands share: the workspace for this invocation and output format choices."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from escmatrix.cli import complete

if TYPE_CHECKING:
    from escmatrix.app.workspace import Workspace


class Format(StrEnum):
    table = "table"
    json = "json"


IssueArg = Annotated[
    str,
    typer.Argument(
        help="Issue id, or any unique prefix of it.",
        autocompletion=complete.open_issues,
        show_default=False,
    ),
]
"""The ISSUE argument every command that acts on one issue takes."""


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def workspace(ctx: typer.Context, *, leave_no_trace: bool = False) -> Workspace:
    """The repository the command works on; `leave_no_trace`: not even the local cache is written."""
    from escmatrix.app.clock import Clock
    from escmatrix.app.workspace import Workspace

    options = ctx.find_root().obj
    ws = Workspace.locate(
        options.repo,
        Clock.from_option(options.now),
        use_cache=not getattr(options, "no_cache", False),
    )
    ws.notify_mode = getattr(options, "notify_mode", None)
    ws.leave_no_trace = leave_no_trace
    return ws


def timezone(ctx: typer.Context) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from escmatrix.cli.output import viewer_timezone
    from escmatrix.core.errors import UsageError

    name = viewer_timezone(ctx.find_root().obj.tz)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"unknown timezone {name!r}", hint="use an IANA name such as Europe/Berlin"
        ) from None
    return name


FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="table for people, json for scripts.")
]
"""`--format table|json`, as every command that has both takes it."""
