"""Learning from the issues: `report` (review, dashboard page, data), `dashboard`, `friction`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from escmatrix.cli import complete
from escmatrix.cli.context import Format, workspace

if TYPE_CHECKING:
    from escmatrix.app.workspace import Workspace
    from escmatrix.core.metrics.report import Report
    from escmatrix.core.metrics.windows import Window


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    html = "html"


SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Window start (ISO date or time, UTC unless an offset is given).",
        show_default=False,
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option("--until", help="Window end, exclusive (default: now).", show_default=False),
]
QuarterOpt = Annotated[
    str | None,
    typer.Option("--quarter", help="A calendar quarter in UTC, e.g. 2026Q3.", show_default=False),
]


def _window(ws: Workspace, since: str | None, until: str | None, quarter: str | None) -> Window:
    from escmatrix.app.review import resolve_window

    return resolve_window(since, until, quarter, ws.clock.now(), ws.matrix.governance.review.period)


def _build(
    ctx: typer.Context, since: str | None, until: str | None, q: str | None, once: bool = False
) -> Report:
    """The report; `once`: this process makes no other, so what it is made from is kept to the
    end instead of freed (`cli.lifetime`)."""
    import gc

    from escmatrix.app.review import build
    from escmatrix.cli.lifetime import keep_until_exit

    ws = workspace(ctx)
    window = _window(ws, since, until, q)
    # Every issue's events stay alive for the whole build and little garbage forms cycles, so the
    # cyclic collector would only re-scan them, again and again: about half the run's time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return build(ws, window, keep_until_exit if once else None)
    finally:
        if enabled:
            gc.enable()


def report(
    ctx: typer.Context,
    since: SinceOpt = None,
    until: UntilOpt = None,
    quarter: QuarterOpt = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="table, json, csv (one row per group), markdown (the quarterly review) or "
            "html (the static dashboard; needs --out).",
        ),
    ] = ReportFormat.table,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder to write index.html into (for --format html).",
            show_default=False,
        ),
    ] = None,
    schema: Annotated[
        bool, typer.Option("--schema", help="Print the JSON Schema of --format json and exit.")
    ] = False,
    refresh: Annotated[
        int | None,
        typer.Option(
            "--refresh",
            min=10,
            help="For --format html: the page reloads itself every this many seconds "
            "(for a wall screen fed by a job that rewrites it).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Metrics over a window (default: the review period up to now): time to aid and to
    resolution, tier dwell, escalations, handoffs, SLA attainment, reopens, overrides,
    satisfaction, by category, severity, team, owner, customer, partner and escalation path."""
    import sys

    from escmatrix.cli import output, review_render
    from escmatrix.core.errors import UsageError

    if schema:
        from escmatrix.app.review import shipped_schema

        sys.stdout.write(shipped_schema())
        return
    if fmt is ReportFormat.html and out is None:
        raise UsageError("--format html writes a folder: give --out DIR", hint="e.g. --out site")
    if out is not None and fmt is not ReportFormat.html:
        raise UsageError("--out applies to --format html only")
    if refresh is not None and fmt is not ReportFormat.html:
        raise UsageError("--refresh applies to --format html only")
    data = _build(ctx, since, until, quarter, once=True)
    if fmt is ReportFormat.json:
        import msgspec

        output.write_json(msgspec.to_builtins(data))
    elif fmt is ReportFormat.csv:
        import csv

        writer = csv.DictWriter(
            sys.stdout, fieldnames=review_render.CSV_FIELDS, lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(
            {k: output.csv_cell(v) for k, v in row.items()} for row in review_render.csv_rows(data)
        )
    elif fmt is ReportFormat.markdown:
        sys.stdout.write(review_render.markdown(data))
    elif fmt is ReportFormat.html:
        from escmatrix.store.outpaths import output_folder, write_failed
        from escmatrix.store.yamlio import write_atomic

        assert out is not None
        page = output_folder(out, what="index.html") / "index.html"
        pages = {page: review_render.html(data, refresh)}
        pages |= _issue_pages(ctx, data, out)
        for path, text in pages.items():
            try:
                write_atomic(path, text)  # as readable as any file the user writes (the umask)
            except OSError as exc:
                raise write_failed(path, exc) from None
        output.stderr().print(output.safe(f"wrote {page} and {len(pages) - 1} issue page(s)"))
    else:
        output.stdout().print(review_render.rich_report(data))


def dashboard(
    ctx: typer.Context,
    since: SinceOpt = None,
    until: UntilOpt = None,
    quarter: QuarterOpt = None,
    watch: Annotated[
        float | None,
        typer.Option(
            "--watch",
            "-w",
            min=1.0,
            help="Refresh every N seconds until Ctrl-C.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The dashboard in the terminal: open issues by tier and age, at risk and breached,
    handoffs, time to aid and resolution over time, satisfaction, slowest paths."""
    import time

    from escmatrix.cli import output, review_render

    console = output.stdout()
    if watch is None:
        console.print(review_render.rich_dashboard(_build(ctx, since, until, quarter, once=True)))
        return
    import gc

    from rich.live import Live

    try:
        with Live(console=console, screen=False, auto_refresh=False) as live:
            while True:
                live.update(review_render.rich_dashboard(_build(ctx, since, until, quarter)))
                live.refresh()
                gc.collect()  # main() turned the automatic collector off
                time.sleep(watch)
    except KeyboardInterrupt:
        return


def friction(
    ctx: typer.Context,
    text: Annotated[
        str, typer.Argument(help="What got in the way, in a sentence or two.", show_default=False)
    ],
    category: Annotated[
        str | None,
        typer.Option(
            "--category",
            "-c",
            help="The category it concerns (default: the issue's).",
            autocompletion=complete.categories,
            show_default=False,
        ),
    ] = None,
    issue: Annotated[
        str | None,
        typer.Option(
            "--issue",
            "-i",
            help="The issue it happened on (id or unique prefix).",
            autocompletion=complete.open_issues,
            show_default=False,
        ),
    ] = None,
    tier: Annotated[
        str | None,
        typer.Option(
            "--tier",
            help="The tier it concerns (default: the issue's current tier).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="table for people, json for scripts.")
    ] = Format.table,
) -> None:
    """Record a note about process friction (a backup never reachable, a threshold that fires too
    late) as a commit; the quarterly review groups the notes by category and tier."""
    from escmatrix.cli import output

    ws = workspace(ctx)
    note_id, note, path, commit = ws.record_friction(text, category, issue, tier)
    if fmt is Format.json:
        output.write_json(
            note.model_dump(mode="json")
            | {"id": note_id, "file": str(path.relative_to(ws.root)), "commit": commit}
        )
        return
    where = ", ".join(
        f"{k} {v}"
        for k, v in (("category", note.category), ("tier", note.tier), ("issue", note.issue))
        if v
    )
    output.stdout().print(
        output.safe(
            f"friction note {note_id} recorded"
            + (f" ({where})" if where else "")
            + f" — commit {commit[:10]}"
        )
    )


def _issue_pages(ctx: typer.Context, data: Report, out: Path) -> dict[Path, str]:
    """issues/<id>.html for every issue the dashboard links to, as it stands now."""
    from escmatrix.cli.review_render.pages import issue_page, linked_issues
    from escmatrix.core.sla import clocks

    ws = workspace(ctx, leave_no_trace=True)
    now = data.generated_at
    pages: dict[Path, str] = {}
    for issue_id in linked_issues(data):
        state = ws.issue(issue_id)
        pages[out / "issues" / f"{state.id}.html"] = issue_page(
            state, clocks(ws.matrix, state, now), now
        )
    return pages


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("dashboard")(dashboard)
    app.command("friction")(friction)
