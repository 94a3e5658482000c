"""Plain values as a report shows them: durations, shares, numbers, times, trends, Markdown-safe text."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from escmatrix.core.durations import format_duration
from escmatrix.core.metrics.summary import Summary
from escmatrix.core.metrics.trends import Trend

if TYPE_CHECKING:
    pass


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
