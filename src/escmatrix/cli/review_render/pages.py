"""The Markdown review and the HTML dashboard from Jinja2 templates, with pygal charts inlined.

HTML is autoescaped and Markdown goes through the `md` filter; charts are pygal SVG with pygal's
script and wall-clock comment removed, so the page runs no script, loads nothing, and is the same
bytes for the same input."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from escmatrix.core.metrics.current_status import AGE_BUCKETS
from escmatrix.core.metrics.report import Report
from escmatrix.core.metrics.trends import bucket_length

if TYPE_CHECKING:
    from datetime import datetime

    from jinja2 import Environment

    from escmatrix.core.issue import IssueState
    from escmatrix.core.sla import Clock
from escmatrix.cli.review_render.values import (
    attain,
    day,
    dur,
    md,
    num,
    pct,
    stamp,
    trend_change,
    trend_value,
)


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


def _whole_numbers(most: float) -> list[int]:
    """Y-axis labels for a chart of counts: whole numbers, at most about eight of them."""
    top = max(1, int(most))
    step = max(1, -(-top // 8))
    return list(range(0, top + step, step))


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
    tiers.y_labels = _whole_numbers(max((row.total for row in current.by_tier_age), default=0))

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
    csat.y_labels = _whole_numbers(
        max(
            (
                max(
                    head.customer_satisfaction.distribution[k],
                    head.partner_satisfaction.distribution[k],
                )
                for k in csat.x_labels
            ),
            default=0,
        )
    )

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


def attention(report: Report) -> list[dict[str, Any]]:
    """One row per open issue with a clock breached or at risk (breached first), naming its
    clocks, instead of one row per clock."""
    rows: dict[str, dict[str, Any]] = {}
    for c in [*report.current.breached, *report.current.at_risk]:
        row = rows.setdefault(
            c.issue,
            {
                "issue": c.issue,
                "title": c.title,
                "owner": c.owner,
                "tier": c.tier,
                "state": c.state,
                "clocks": [],
                "due": c.due,
            },
        )
        row["clocks"].append(c.clock)
        if c.due is not None and (row["due"] is None or c.due < row["due"]):
            row["due"] = c.due
    return list(rows.values())


def linked_issues(report: Report) -> list[str]:
    """The issues the dashboard links to a page of their own."""
    ids = [m.issue for m in report.current.open_issues]
    ids += [c.issue for c in [*report.current.breached, *report.current.at_risk]]
    ids += [h.issue for h in report.current.recent_handoffs]
    return list(dict.fromkeys(ids))


def html(report: Report, refresh: int | None = None) -> str:
    """The static dashboard: one page, works offline; `refresh` seconds adds a meta refresh."""
    from markupsafe import Markup

    step = bucket_length(report.window)
    bucket = {1: "day", 7: "week"}.get(step.days, f"{step.days} days")
    from escmatrix.cli.output import without_bidi

    template = _environment(autoescape=True).get_template("dashboard.html.j2")
    return without_bidi(
        template.render(
            r=report,
            h=report.headline,
            # pygal writes its SVG with an XML serialiser, so labels in it are escaped already
            charts={name: Markup(svg) for name, svg in charts(report).items()},
            age_labels=[label for label, _ in AGE_BUCKETS],
            bucket=bucket,
            attention=attention(report),
            refresh=refresh,
        )
    )


def issue_page(state: IssueState, clocks: list[Clock], at: datetime) -> str:
    """One issue's page (issues/<id>.html): its facts, clocks and timeline, autoescaped."""
    from escmatrix.core.durations import format_duration

    template = _environment(autoescape=True).get_template("issue.html.j2")
    rows = [
        {
            "name": c.name,
            "state": c.state,
            "target": format_duration(c.target),
            "elapsed": format_duration(c.elapsed),
            "due": c.due,
        }
        for c in clocks
    ]
    from escmatrix.cli.output import without_bidi

    return without_bidi(template.render(s=state, clocks=rows, at=at))
