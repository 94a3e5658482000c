"""A matrix diff out: plain text (Rich), Markdown for a pull-request comment, or JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from functools import partial
from itertools import groupby
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # core.change pulls in pydantic; keep `escmatrix --help` light
    from escmatrix.core.change.explain import Change
    from escmatrix.core.change.probing import Outcome, ProbeEffect

AREAS = {
    "people": "People",
    "teams": "Teams",
    "categories": "Categories",
    "ladder": "Ladder",
    "severity": "Impact and severity",
    "routing": "Routing",
    "accounts": "Customers and partners",
    "comms": "Communication",
    "governance": "Governance",
    "calendars": "Calendars",
    "schedules": "On-call schedules",
}


class DiffFormat(StrEnum):
    text = "text"
    table = "table"  # the name other commands use for their human format
    markdown = "markdown"
    json = "json"


@dataclass(frozen=True)
class DiffReport:
    base_label: str
    head_label: str
    base: str
    head: str | None
    changes: Sequence[Change]
    effects: Sequence[ProbeEffect]
    probe_count: int


def render(fmt: DiffFormat, report: DiffReport) -> None:
    if fmt is DiffFormat.json:
        sys.stdout.write(json.dumps(as_data(report), indent=2, ensure_ascii=False) + "\n")
    elif fmt is DiffFormat.markdown:
        sys.stdout.write(markdown(report))
    else:
        _text(report)
    sys.stdout.flush()


def _area(change: Change) -> str:
    return AREAS.get(change.area, change.area.capitalize())


def _grouped(changes: Sequence[Change]) -> list[tuple[str, list[Change]]]:
    order = list(AREAS)
    ranked = sorted(changes, key=lambda c: order.index(c.area) if c.area in order else len(order))
    return [(area, list(items)) for area, items in groupby(ranked, key=_area)]


def markdown(report: DiffReport) -> str:
    lines = [
        "### escmatrix: what this matrix change does",
        "",
        f"Comparing {_md(report.base_label)} with {_md(report.head_label)}.",
        "",
    ]
    if not report.changes:
        lines += ["No change to the matrix.", ""]
    for area, items in _grouped(report.changes):
        lines.append(f"**{area}**")
        lines += [f"- {_md(c.text)}" for c in items]
        lines.append("")
    affected = len(report.effects)
    lines.append(
        f"**What-if**: {affected} of {report.probe_count} probe issues would route differently."
    )
    if report.effects:
        lines += ["", "| probe issue | what changes |", "| --- | --- |"]
        for effect in report.effects:
            lines.append(f"| {_cell(effect.probe.label)} | {_cell('; '.join(effect.changes))} |")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Text with Markdown's HTML and table syntax neutralised (backticks are kept for ids)."""
    return text.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _cell(text: str) -> str:
    return _md(text).replace("|", "\\|")


def _text(report: DiffReport) -> None:
    from escmatrix.cli import output

    console = output.stdout()
    say = partial(console.print, soft_wrap=True)  # whole lines: logs are not terminals
    say(output.safe(f"Matrix changes from {report.base_label} to {report.head_label}", "bold"))
    if not report.changes:
        say(output.safe("  no change to the matrix"))
    for area, items in _grouped(report.changes):
        say(output.safe(area, "bold underline"))
        for change in items:
            say(output.safe(f"  • {change.text}"))
    say()
    say(
        output.safe(
            f"What-if: {len(report.effects)} of {report.probe_count} probe issues would route "
            "differently",
            "bold",
        )
    )
    for effect in report.effects:
        say(output.safe(f"  • {effect.probe.label}: {'; '.join(effect.changes)}"))


def _outcome(outcome: Outcome) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in vars(outcome).items():
        data[key] = int(value.total_seconds()) if isinstance(value, timedelta) else value
    return data


def as_data(report: DiffReport) -> dict[str, Any]:
    return {
        "base": {"commit": report.base, "label": report.base_label},
        "head": {"commit": report.head, "label": report.head_label},
        "changes": [{"area": c.area, "text": c.text} for c in report.changes],
        "what_if": {
            "probes": report.probe_count,
            "affected": [
                {
                    "probe": e.probe.label,
                    "source": e.probe.source,
                    "facts": {
                        "category": e.probe.facts.category,
                        "severity": e.probe.facts.severity,
                        "impact": e.probe.facts.impact,
                        "customer": e.probe.facts.customer,
                        "partner": e.probe.facts.partner,
                        "tags": list(e.probe.facts.tags),
                    },
                    "changes": list(e.changes),
                    "before": _outcome(e.before),
                    "after": _outcome(e.after),
                }
                for e in report.effects
            ],
        },
    }
