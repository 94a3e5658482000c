"""The report in each format: CSV rows, the Markdown review, the HTML dashboard, Rich views.

HTML and Markdown come from Jinja2 templates (HTML autoescaped; Markdown through the `md`
filter); charts are pygal SVG inlined in the page, with pygal's script and wall-clock comment
removed so the page runs no script, loads nothing, and is the same bytes for the same input.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from escmatrix.core.metrics.current_status import AGE_BUCKETS
from escmatrix.core.metrics.report import Report
from escmatrix.core.metrics.summary import Summary
from escmatrix.core.metrics.trends import Trend, bucket_length
from escmatrix.core.types import format_duration

if TYPE_CHECKING:
    from jinja2 import Environment
    from rich.console import RenderableType

# -- plain values -------------------------------------------------------------------------------


def dur(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if 0 < seconds < 60:
        return f"{seconds:.0f}s"
    return format_duration(timedelta(seconds=seconds))


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def stamp(at: datetime | None) -> str:
    return "—" if at is None else at.strftime("%Y-%m-%d %H:%M UTC")


def day(at: datetime | None) -> str:
    return "—" if at is None else at.strftime("%Y-%m-%d")


def trend_value(t: Trend, which: str) -> str:
    value = t.current if which == "current" else t.previous
    if t.unit == "seconds":
        return dur(value)
    if t.unit == "ratio":
        return pct(value)
    return num(value)


def trend_change(t: Trend) -> str:
    if t.change is None:
        return "—"
    sign = "+" if t.change > 0 else "−" if t.change < 0 else "±"
    size = abs(t.change)
    if t.unit == "seconds":
        text = dur(size)
    elif t.unit == "ratio":
        text = f"{size * 100:.0f} pts"
    else:
        text = num(size)
    return f"{sign}{text}"


def attain(s: Summary, clock: str) -> str:
    for a in s.sla:
        if a.clock == clock:
            return pct(a.attainment)
    return "—"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!])")


def md(value: object) -> str:
    """User text made inert in Markdown: no HTML, no links, no emphasis, no table breaks."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


# -- CSV ----------------------------------------------------------------------------------------

CSV_FIELDS = [
    "dimension",
    "key",
    "issues",
    "open",
    "resolved",
    "unacknowledged",
    "time_to_aid_median_s",
    "time_to_aid_p90_s",
    "time_to_resolution_median_s",
    "time_to_resolution_p90_s",
    "open_age_median_s",
    "escalations",
    "escalations_per_issue",
    "handoffs",
    "handoffs_per_issue",
    "reopened",
    "reopen_rate",
    "overrides",
    "overrides_unreconciled",
    "breached_issues",
    "first_response_attainment",
    "resolution_attainment",
    "customer_satisfaction_mean",
    "customer_response_rate",
    "partner_satisfaction_mean",
    "partner_response_rate",
]


def _cell(value: float | int | None) -> str:
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


def summary_row(dimension: str, key: str, s: Summary) -> dict[str, str]:
    sla = {a.clock: a.attainment for a in s.sla}
    values: dict[str, float | int | str | None] = {
        "dimension": dimension,
        "key": key,
        "issues": s.issues,
        "open": s.open,
        "resolved": s.resolved,
        "unacknowledged": s.unacknowledged,
        "time_to_aid_median_s": s.time_to_aid.median,
        "time_to_aid_p90_s": s.time_to_aid.p90,
        "time_to_resolution_median_s": s.time_to_resolution.median,
        "time_to_resolution_p90_s": s.time_to_resolution.p90,
        "open_age_median_s": s.open_age.median,
        "escalations": s.escalations,
        "escalations_per_issue": s.escalations_per_issue,
        "handoffs": s.handoffs,
        "handoffs_per_issue": s.handoffs_per_issue,
        "reopened": s.reopened,
        "reopen_rate": s.reopen_rate,
        "overrides": s.overrides,
        "overrides_unreconciled": s.overrides_unreconciled,
        "breached_issues": s.breached_issues,
        "first_response_attainment": sla.get("first response"),
        "resolution_attainment": sla.get("resolution"),
        "customer_satisfaction_mean": s.customer_satisfaction.mean,
        "customer_response_rate": s.customer_satisfaction.response_rate,
        "partner_satisfaction_mean": s.partner_satisfaction.mean,
        "partner_response_rate": s.partner_satisfaction.response_rate,
    }
    return {k: v if isinstance(v, str) else _cell(v) for k, v in values.items()}


def csv_rows(report: Report) -> list[dict[str, str]]:
    """One row for all issues of the window, then one per group (durations in seconds)."""
    rows = [summary_row("all", "all", report.headline)]
    rows += [summary_row(g.dimension, g.key, g.summary) for g in report.groups]
    return rows


# -- templates ----------------------------------------------------------------------------------


def _environment(autoescape: bool) -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("escmatrix", "templates"),
        autoescape=autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(
        dur=dur,
        pct=pct,
        num=num,
        stamp=stamp,
        day=day,
        md=md,
        trend_value=trend_value,
        trend_change=trend_change,
        attain=attain,
    )
    return env


def markdown(report: Report) -> str:
    """The quarterly review document."""
    template = _environment(autoescape=False).get_template("review.md.j2")
    return template.render(r=report, h=report.headline)


# -- charts (pygal) -----------------------------------------------------------------------------

_PYGAL_SCRIPT = re.compile(r"<script[^>]*>.*?</script>", re.S)
_PYGAL_STAMP = re.compile(r"<!--Generated with pygal[^>]*-->")
_CHART_ID = re.compile(r'id="chart-([0-9a-f-]{36})"')


def _svg(chart: Any, name: str) -> str:
    """Render a pygal chart as inline SVG: no script, no wall-clock comment, a stable id."""
    svg = str(chart.render(is_unicode=True))
    found = _CHART_ID.search(svg)
    if found:
        svg = svg.replace(found[1], name)
    return _PYGAL_SCRIPT.sub("", _PYGAL_STAMP.sub("", svg))


def _config(**extra: Any) -> dict[str, Any]:
    from pygal.style import Style  # type: ignore[import-untyped]

    style = Style(
        background="transparent",
        plot_background="transparent",
        font_family="system-ui, sans-serif",
        colors=("#2f6fbd", "#e08a1e", "#5aa469", "#c2413b", "#7a5bb5", "#8c8c8c"),
        no_data_font_size=18,
        title_font_size=15,
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=12,
    )
    return {
        "style": style,
        "js": [],
        "disable_xml_declaration": True,
        "width": 800,
        "height": 360,
        "legend_at_bottom": True,
        "print_values": False,
        "no_data_text": "no data in this window",
        **extra,
    }


def charts(report: Report) -> dict[str, str]:
    """The dashboard's charts as inline SVG strings."""
    import pygal  # type: ignore[import-untyped]

    hours = 3600.0
    current = report.current
    tiers = pygal.StackedBar(
        **_config(title="Open issues by tier and age", y_title="issues", width=560)
    )
    tiers.x_labels = [row.tier for row in current.by_tier_age]
    for label, _ in AGE_BUCKETS:
        tiers.add(label, [row.buckets[label] for row in current.by_tier_age])

    def h(value: float | None) -> float | None:
        return None if value is None else round(value / hours, 2)

    over = pygal.Line(
        **_config(
            title="Time to aid and time to resolution (hours)",
            x_label_rotation=30,
            allow_interruptions=True,
        )
    )
    over.x_labels = [f"{p.start:%Y-%m-%d}" for p in report.series]
    over.add("time to aid, median", [h(p.time_to_aid.median) for p in report.series])
    over.add("time to aid, p90", [h(p.time_to_aid.p90) for p in report.series])
    over.add("time to resolution, median", [h(p.time_to_resolution.median) for p in report.series])
    over.add("time to resolution, p90", [h(p.time_to_resolution.p90) for p in report.series])

    csat = pygal.Bar(
        **_config(title="Satisfaction scores (1-5)", y_title="closed issues", width=560)
    )
    csat.x_labels = ["1", "2", "3", "4", "5"]
    head = report.headline
    csat.add("customers", [head.customer_satisfaction.distribution[k] for k in csat.x_labels])
    csat.add("partners", [head.partner_satisfaction.distribution[k] for k in csat.x_labels])

    slow = [p for p in report.slowest_paths if p.time_to_resolution.median is not None][:8]
    paths = pygal.HorizontalBar(
        **_config(
            title="Median time to resolution by escalation path (hours)",
            show_legend=False,
            height=140 + 40 * max(1, len(slow)),
        )
    )
    paths.x_labels = [p.path for p in reversed(slow)]
    paths.add("median", [h(p.time_to_resolution.median) for p in reversed(slow)])
    return {
        "open_by_tier": _svg(tiers, "open-by-tier"),
        "over_time": _svg(over, "over-time"),
        "csat": _svg(csat, "csat"),
        "paths": _svg(paths, "paths"),
    }


def html(report: Report) -> str:
    """The static dashboard: one page, works offline."""
    from markupsafe import Markup

    step = bucket_length(report.window)
    bucket = {1: "day", 7: "week"}.get(step.days, f"{step.days} days")
    template = _environment(autoescape=True).get_template("dashboard.html.j2")
    return template.render(
        r=report,
        h=report.headline,
        # pygal writes its SVG with an XML serialiser, so labels in it are escaped already
        charts={name: Markup(svg) for name, svg in charts(report).items()},
        age_labels=[label for label, _ in AGE_BUCKETS],
        bucket=bucket,
    )


# -- Rich ---------------------------------------------------------------------------------------


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
    if report.suggestions:
        suggest = Table(title="Suggested matrix changes", box=box.SIMPLE, title_justify="left")
        suggest.add_column("file")
        suggest.add_column("change")
        suggest.add_column("evidence", style="dim")
        for s2 in report.suggestions:
            suggest.add_row(safe(s2.file), safe(s2.change), safe(s2.evidence))
        parts.append(suggest)
    return Group(*parts)


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
    """`escmatrix dashboard`: the HTML dashboard's picture in panels."""
    from rich import box
    from rich.columns import Columns
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table

    from escmatrix.cli.output import safe

    current = report.current
    labels = [label for label, _ in AGE_BUCKETS]
    tiers = Table(box=box.SIMPLE, pad_edge=False)
    tiers.add_column("tier")
    for label in labels:
        tiers.add_column(label, justify="right")
    tiers.add_column("total", justify="right")
    tiers.add_column("")
    most = max((row.total for row in current.by_tier_age), default=0)
    for row in current.by_tier_age:
        tiers.add_row(
            safe(row.tier),
            *(str(row.buckets[label]) for label in labels),
            str(row.total),
            safe(_bar(row.total, most, 16), "cyan"),
        )
    risk = Table(box=box.SIMPLE, pad_edge=False)
    for column in ("issue", "title", "owner", "clock", "due"):
        risk.add_column(column)
    for c in [*current.breached, *current.at_risk][:12]:
        style = "bold red" if c.state == "breached" else "yellow"
        risk.add_row(
            safe(c.issue[:7]),
            safe(c.title[:40]),
            safe(c.owner),
            safe(f"{c.clock}: {c.state}", style),
            safe(stamp(c.due)),
        )
    handoffs = Table(box=box.SIMPLE, pad_edge=False)
    for column in ("when", "issue", "from → to"):
        handoffs.add_column(column)
    for ho in current.recent_handoffs[:8]:
        handoffs.add_row(
            safe(stamp(ho.at)), safe(ho.issue[:7]), safe(f"{ho.previous} → {ho.owner}")
        )
    over = Table(box=box.SIMPLE, pad_edge=False)
    for column in ("from", "opened", "aid median", "aid p90", "resolution median", ""):
        over.add_column(column, justify="left" if column in ("from", "") else "right")
    slowest = max((p.time_to_resolution.median or 0 for p in report.series), default=0)
    for p in report.series[-13:]:
        over.add_row(
            day(p.start),
            str(p.opened),
            dur(p.time_to_aid.median),
            dur(p.time_to_aid.p90),
            dur(p.time_to_resolution.median),
            safe(_bar(p.time_to_resolution.median or 0, slowest, 16), "magenta"),
        )
    csat = Table(box=box.SIMPLE, pad_edge=False)
    csat.add_column("score")
    csat.add_column("customers", justify="right")
    csat.add_column("")
    csat.add_column("partners", justify="right")
    cust = report.headline.customer_satisfaction
    part = report.headline.partner_satisfaction
    top = max([*cust.distribution.values(), *part.distribution.values(), 0])
    for k in ("5", "4", "3", "2", "1"):
        csat.add_row(
            k,
            str(cust.distribution[k]),
            safe(_bar(cust.distribution[k], top, 12), "green"),
            str(part.distribution[k]),
        )
    head = safe(
        f"{current.active} open now ({current.paused} paused, {current.flagged} flagged) · "
        f"{len(current.at_risk)} clocks at risk · {len(current.breached)} breached · "
        f"window {report.window.label} · at {stamp(current.at)}",
        "bold",
    )
    return Group(
        head,
        Columns(
            [
                Panel(tiers, title="Open by tier and age"),
                Panel(risk, title="At risk and breached"),
            ]
        ),
        Columns(
            [
                Panel(over, title="Time to aid / resolution by opening period"),
                Panel(
                    csat,
                    title=f"CSAT (customers mean {num(cust.mean)}, partners {num(part.mean)})",
                ),
            ]
        ),
        Columns([Panel(handoffs, title="Recent handoffs"), Panel(_paths_table(report))]),
    )
