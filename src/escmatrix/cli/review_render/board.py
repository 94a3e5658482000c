"""`escmatrix dashboard`: the HTML dashboard's picture in six equal panels that fit a 100x45
terminal (so `--watch` shows all of it): a few rows each, the busiest first, and a plain line
instead of an empty table's bare header."""

from __future__ import annotations

from typing import TYPE_CHECKING

from escmatrix.cli.review_render.values import day, dur, num, stamp
from escmatrix.core.metrics.current_status import AGE_BUCKETS
from escmatrix.core.metrics.report import Report

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

ROWS = 6  # per panel: three rows of two panels, with borders and headers, fit 45 lines


def _bar(value: float, most: float, width: int) -> str:
    return "█" * max(1 if value else 0, round(width * value / most)) if most else ""


def _table(*columns: str, right: tuple[str, ...] = (), flexible: str = "") -> Table:
    """Columns one space apart, never wrapped; the `flexible` one takes what width is left."""
    from rich import box
    from rich.table import Table

    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
        expand=True,
    )
    for column in columns:
        table.add_column(
            column,
            justify="right" if column in right else "left",
            no_wrap=True,
            overflow="ellipsis",
            ratio=1 if column == flexible else None,
        )
    return table


def _clocks(names: list[str]) -> str:
    """'update +2': the first late clock, shortly named, and how many more."""
    first = names[0].replace("first response", "response").replace("next update", "update")
    first = first.removesuffix(" response") if first.startswith("tier ") else first
    return first[:14] + (f" +{len(names) - 1}" if len(names) > 1 else "")


def _or_none(table: Table, empty: str) -> RenderableType:
    from escmatrix.cli.output import safe

    return table if table.row_count else safe(empty, "dim")


def rich_dashboard(report: Report) -> RenderableType:
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table

    from escmatrix.cli.output import safe
    from escmatrix.cli.review_render.pages import attention

    current = report.current
    labels = [label for label, _ in AGE_BUCKETS]
    tiers = _table("tier", *labels, "total", right=(*labels, "total"), flexible="tier")
    for row in current.by_tier_age:
        tiers.add_row(safe(row.tier), *(str(row.buckets[x]) for x in labels), str(row.total))

    late = attention(report)
    risk = _table("issue", "title", "clocks", "due", flexible="title")
    for a in late[:ROWS]:
        style = "bold red" if a["state"] == "breached" else "yellow"
        risk.add_row(
            safe(a["issue"][:6]),
            safe(a["title"]),
            safe(_clocks(a["clocks"]), style),
            safe(stamp(a["due"])[5:16]),
        )
    if len(late) > ROWS:
        risk.add_row(
            safe(f"+{len(late) - ROWS}", "dim"),
            safe("more: list --breached", "dim"),
            "",
            "",
        )

    busy = [p for p in report.series if p.opened][-ROWS:]  # periods in which something opened
    over = _table(
        "from",
        "opened",
        "aid p50",
        "res. p50",
        right=("opened", "aid p50", "res. p50"),
        flexible="from",
    )
    for p in busy:
        over.add_row(
            day(p.start),
            str(p.opened),
            dur(p.time_to_aid.median),
            dur(p.time_to_resolution.median),
        )

    cust = report.headline.customer_satisfaction
    part = report.headline.partner_satisfaction
    csat = _table(
        "score", "customers", "", "partners", right=("customers", "partners"), flexible=""
    )
    top = max([*cust.distribution.values(), *part.distribution.values(), 0])
    if cust.scored or part.scored:
        for k in ("5", "4", "3", "2", "1"):
            csat.add_row(
                k,
                str(cust.distribution[k]),
                safe(_bar(cust.distribution[k], top, 10), "green"),
                str(part.distribution[k]),
            )

    handoffs = _table("when", "issue", "from → to", flexible="from → to")
    for ho in current.recent_handoffs[:ROWS]:
        handoffs.add_row(
            safe(stamp(ho.at)[5:16]), safe(ho.issue[:6]), safe(f"{ho.previous} → {ho.owner}")
        )

    paths = _table(
        "path",
        "issues",
        "median",
        "breached",
        right=("issues", "median", "breached"),
        flexible="path",
    )
    for sp in report.slowest_paths[:ROWS]:
        paths.add_row(
            safe(sp.path),
            str(sp.issues),
            dur(sp.time_to_resolution.median),
            str(sp.breached_issues),
        )

    panels = [
        Panel(_or_none(tiers, "no open issues"), title="Open by tier and age"),
        Panel(_or_none(risk, "no clock at risk or breached"), title="At risk and breached"),
        Panel(
            _or_none(over, "no issue opened in this window"),
            title="Time to aid / resolution by opening period",
        ),
        Panel(
            _or_none(csat, "no satisfaction scores yet"),
            title=f"CSAT (customers {num(cust.mean)}, partners {num(part.mean)})",
        ),
        Panel(_or_none(handoffs, "no handoffs on open issues"), title="Recent handoffs"),
        Panel(_or_none(paths, "no escalation paths yet"), title="Slowest escalation paths"),
    ]
    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(ratio=1)
    grid.add_column(ratio=1)
    for left, right in zip(panels[::2], panels[1::2], strict=True):
        grid.add_row(left, right)
    head = safe(
        f"{current.active} open now ({current.paused} paused, {current.flagged} flagged) · "
        f"{len(current.at_risk)} clocks at risk · {len(current.breached)} breached · "
        f"at {stamp(current.at)}",
        "bold",
    )
    return Group(head, grid)
