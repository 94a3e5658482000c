"""The report and the dashboard as Rich renderables for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from escmatrix.core.metrics.report import Report

if TYPE_CHECKING:
    from rich.console import RenderableType
from escmatrix.cli.review_render.values import (
    attain,
    day,
    dur,
    num,
    stamp,
    trend_change,
    trend_value,
)


def _bar(value: float, most: float, width: int = 24) -> str:
    if most <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(width * value / most))


def rich_report(report: Report) -> RenderableType:
    """`report --format table`: headline, trends, groups, slowest paths, waits, suggestions."""
    from rich import box
    from rich.console import Group
    from rich.table import Table

    from escmatrix.cli.output import safe

    h = report.headline
    title = safe(
        f"Report {report.window.label}: {h.issues} issues opened, {h.open} open at "
        f"{stamp(report.evaluated_at)}",
        "bold",
    )
    trends = Table(title="Headline (vs previous window)", box=box.SIMPLE, title_justify="left")
    for column in ("metric", "this window", "previous", "change"):
        trends.add_column(column, justify="left" if column == "metric" else "right")
    for t in report.trends:
        style = "green" if t.better else "red" if t.better is False else ""
        trends.add_row(
            t.metric,
            trend_value(t, "current"),
            trend_value(t, "previous"),
            safe(trend_change(t), style),
        )
    groups = Table(title="By category, severity and team", box=box.SIMPLE, title_justify="left")
    groups.add_column("group", no_wrap=True)
    for column in (
        "issues",
        "open",
        "aid p50 / p90",
        "resolved p50 / p90",
        "1st resp. met",
        "CSAT",
    ):
        groups.add_column(column, justify="right", no_wrap=True)
    for g in report.groups:
        if g.dimension not in ("category", "severity", "team"):
            continue
        s = g.summary
        groups.add_row(
            safe(f"{g.dimension}: {g.key}"),
            str(s.issues),
            str(s.open),
            f"{dur(s.time_to_aid.median)} / {dur(s.time_to_aid.p90)}",
            f"{dur(s.time_to_resolution.median)} / {dur(s.time_to_resolution.p90)}",
            attain(s, "first response"),
            num(s.customer_satisfaction.mean),
        )
    parts: list[RenderableType] = [title, trends, groups, _paths_table(report), _waits(report)]
    parts.append(_follow_ups(report))
    if report.suggestions:
        suggest = Table(title="Suggested matrix changes", box=box.SIMPLE, title_justify="left")
        suggest.add_column("file")
        suggest.add_column("change")
        suggest.add_column("evidence", style="dim")
        for s2 in report.suggestions:
            suggest.add_row(safe(s2.file), safe(s2.change), safe(s2.evidence))
        parts.append(suggest)
    return Group(*parts)


def _follow_ups(report: Report) -> RenderableType:
    """Debrief follow-ups: open (overdue in red) and done in the window, then per owner."""
    from rich import box
    from rich.console import Group
    from rich.table import Table

    from escmatrix.cli.output import safe

    f = report.follow_ups
    title = (
        f"Debrief follow-ups: {len(f.open)} open, {f.overdue} overdue, "
        f"{len(f.done)} done in the window"
    )
    if not f.open and not f.done:
        return safe(title, "bold")
    items = Table(title=title, box=box.SIMPLE, title_justify="left")
    for column in ("issue", "#", "item", "owner", "due", "state"):
        items.add_column(column)
    for row in [*f.open, *f.done]:
        state = (
            ("overdue", "bold red")
            if row.overdue
            else (f"done {day(row.done_at)}", "green")
            if row.done_at
            else ("open", "")
        )
        items.add_row(
            row.issue,
            str(row.number),
            safe(row.item),
            safe(row.owner),
            str(row.due),
            safe(*state),
        )
    owners = Table(title="Follow-ups by owner", box=box.SIMPLE, title_justify="left")
    for column in ("owner", "open", "overdue", "done in window"):
        owners.add_column(column, justify="left" if column == "owner" else "right")
    for o in f.by_owner:
        owners.add_row(safe(o.owner), str(o.open), str(o.overdue), str(o.done))
    return Group(items, owners)


def _paths_table(report: Report) -> RenderableType:
    from rich import box
    from rich.table import Table

    from escmatrix.cli.output import safe

    table = Table(title="Slowest escalation paths", box=box.SIMPLE, title_justify="left")
    for column in ("path", "issues", "median", "p90", "", "breached"):
        table.add_column(column, justify="left" if column in ("path", "") else "right")
    rows = report.slowest_paths[:8]
    most = max((p.time_to_resolution.median or 0 for p in rows), default=0)
    for p in rows:
        table.add_row(
            safe(p.path),
            str(p.issues),
            dur(p.time_to_resolution.median),
            dur(p.time_to_resolution.p90),
            safe(_bar(p.time_to_resolution.median or 0, most), "magenta"),
            str(p.breached_issues),
        )
    return table


def _waits(report: Report) -> RenderableType:
    from rich import box
    from rich.table import Table

    from escmatrix.cli.output import safe

    table = Table(title="Where issues wait", box=box.SIMPLE, title_justify="left")
    for column in ("where", "who / what", "issues", "total", "median"):
        table.add_column(column, justify="left" if column in ("where", "who / what") else "right")
    for w in report.bottlenecks:
        table.add_row(w.kind, safe(w.name), str(w.issues), dur(w.total), dur(w.median))
    return table


def rich_dashboard(report: Report) -> RenderableType:
    """`escmatrix dashboard`: the HTML dashboard's picture in panels (see `board`)."""
    from escmatrix.cli.review_render.board import rich_dashboard as board

    return board(report)
