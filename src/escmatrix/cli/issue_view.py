"""`show`'s view of one issue, laid out by hand as `list`'s lines are: piped, it is printed without
importing Rich (a Rich panel of tables cost `show` ~40 ms of ~135 at 10k issues); on a terminal
Rich only styles it. Times are shown in the reader's zone (`--tz`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from escmatrix.cli.issue_lines import STATE_STYLE, STATUS_STYLE, Line, cells, fit
from escmatrix.core.durations import describe_duration, format_duration

if TYPE_CHECKING:
    from escmatrix.core.issue import IssueState
    from escmatrix.core.sla import Clock

Piece = tuple[str, str]  # (text, Rich style)


class Named(Protocol):
    """A person as an issue shows them: the matrix's `Person`, or the cache's plain copy."""

    @property
    def name(self) -> str: ...
    @property
    def left(self) -> date | None: ...


def when(at: datetime | None, tz: str) -> str:
    if at is None:
        return "—"
    local = at.astimezone(ZoneInfo(tz))
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or tz)


def when_both(at: datetime, tz: str) -> str:
    utc = at.strftime("%H:%M UTC")
    return when(at, tz) if tz in ("UTC", "Etc/UTC") else f"{when(at, tz)} ({utc})"


def person(people: Mapping[str, Named] | None, person_id: str | None) -> list[Piece]:
    """`Name (id)`, and when they have left, the day, in red."""
    if person_id is None:
        return [("—", "")]
    found = people.get(person_id) if people else None
    if found is None:
        return [(person_id, "")]
    shown = [(f"{found.name} ({person_id})", "")]
    return [*shown, (f" — left on {found.left}", "bold red")] if found.left else shown


def _fields(
    state: IssueState, people: Mapping[str, Named], tz: str
) -> list[tuple[str, list[Piece]]]:
    status: list[Piece] = [(state.status, STATUS_STYLE.get(state.status, ""))]
    if state.flagged:
        status.append(("  OVERRIDE NOT RECONCILED", "bold magenta"))
    score = f" (impact score {state.score})" if state.score is not None else ""
    rows: list[tuple[str, list[Piece]]] = [
        ("status", status),
        ("category", [(state.category, "")]),
        ("severity", [(state.severity + score, "")]),
        ("owner", person(people, state.owner)),
        ("tier", [(state.tier, ""), ("  engaged: ", ""), *person(people, state.engaged)]),
    ]
    for label, value in (("customer", state.customer), ("partner", state.partner)):
        if value:
            rows.append((label, [(value, "")]))
    if state.tags:
        rows.append(("tags", [(", ".join(state.tags), "")]))
    rows.append(("routed by", [(state.rule, "")]))
    opened = [(when(state.opened_at, tz), ""), (" by ", ""), *person(people, state.opened_by)]
    rows.append(("opened", opened))
    for label, text in (
        ("last status", state.last_status),
        ("next steps", state.next_steps),
        ("dependencies", state.dependencies),
        ("resolution", state.resolution),
        ("description", state.description),
    ):
        if text:
            rows.append((label, [(text, "")]))
    for link in getattr(state, "links", ()):
        rows.append(("link", [(f"{link.kind} {link.ref} {link.url}".replace("  ", " "), "")]))
    return rows


def grid(rows: list[tuple[str, list[Piece]]]) -> list[Line]:
    """Labels in bold in a column; a value's further lines start under its first."""
    width = max(len(label) for label, _ in rows) + 2
    lines: list[Line] = []
    for label, pieces in rows:
        line: Line = [(label.ljust(width), "bold")]
        for text, style in pieces:
            first, *more = text.split("\n")
            line.append((first, style))
            for extra in more:
                lines.append(line)
                line = [(" " * width, ""), (extra, style)]
        lines.append(line)
    return lines


def table(title: str | None, head: list[str], rows: list[list[Piece]]) -> list[Line]:
    """A title (if any), a bold header and rows in columns as wide as their widest cell; the last
    column is as long as it is, its further lines under its first."""
    rows = [[(h, "bold") for h in head], *rows]
    flat = [[text.replace("\n", " ") for text, _ in row[:-1]] for row in rows]
    widths = [max(cells(row[n]) for row in flat) for n in range(len(head) - 1)]
    indent = " " * (sum(widths) + 2 * len(widths))
    lines: list[Line] = [[(title, "bold")]] if title else []
    for row, texts in zip(rows, flat, strict=True):
        line: Line = []
        for (_, style), text, width in zip(row, texts, widths, strict=False):
            line += [(fit(text, width), style), ("  ", "")]
        last, style = row[-1]
        first, *more = last.split("\n")
        lines.append([*line, (first, style)])
        lines += [[(indent, ""), (extra, style)] for extra in more]
    return lines


def issue_view(
    state: IssueState, people: Mapping[str, Named], items: list[Clock], tz: str
) -> list[Line]:
    """The issue's title, its facts, its clocks (if any) and its timeline, as lines."""
    lines: list[Line] = [[(f"{state.id}  {state.title}", "bold")], []]
    lines += grid(_fields(state, people, tz))
    if items:
        clocks = [
            [
                (c.name, ""),
                (f"{describe_duration(c.target)} · {c.hours}", ""),  # the calendar it counts on
                (when_both(c.due, tz), ""),
                (format_duration(c.elapsed), ""),
                (format_duration(c.remaining), ""),
                (c.state, STATE_STYLE.get(c.state, "")),
            ]
            for c in items
        ]
        head = ["clock", "target", "due", "elapsed", "remaining", "state"]
        lines += [[], *table("Clocks", head, clocks)]
    timeline = [[(when(e.at, tz), ""), (e.actor, ""), (e.summary, "")] for e in state.timeline]
    lines += [[], *table("Timeline", ["when", "who", "what"], timeline)]
    return lines
