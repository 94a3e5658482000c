"""`list`'s lines, laid out by hand: a Rich Table is far too slow for thousands of rows, and
piped output (the common case of scripts) is printed without importing Rich at all."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from escmatrix.cli.output import literal

if TYPE_CHECKING:
    from escmatrix.core.summary import IssueSummary

STATE_STYLE = {
    "running": "green",
    "met": "green",
    "at risk": "yellow",
    "paused": "cyan",
    "breached": "bold red",
    "stopped": "dim",
}
STATUS_STYLE = {
    "open": "bold yellow",
    "acknowledged": "green",
    "paused": "cyan",
    "resolved": "blue",
    "closed": "dim",
}


def cells(text: str) -> int:
    """How many terminal cells `text` takes (wide characters two, combining ones none)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def fit(text: str, width: int) -> str:
    """`text` cut or padded to exactly `width` terminal cells, with an ellipsis when cut."""
    if text.isascii():  # one cell per character: plain string operations (thousands of rows)
        return text[: width - 1] + "…" if len(text) > width else text.ljust(width)
    from rich.cells import set_cell_size  # wide and combining characters

    if cells(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


Line = list[tuple[str, str]]  # (text, Rich style) pieces of one output line


def issue_list(
    rows: list[IssueSummary],
    short: dict[str, str],
    tz: str,
    width: int,
    due: dict[str, tuple[str, str]] | None = None,
    departed: frozenset[str] = frozenset(),
) -> list[Line]:
    """One line per issue, laid out by hand: a Rich Table is far too slow for thousands of rows.

    `due` (issue id -> text and clock state) adds a "due" column, red when breached and amber
    at risk. The title takes what width is left; on a narrow terminal the category is shortened
    and the opened and tier columns are dropped first.
    """
    zone = ZoneInfo(tz)
    utc = tz in ("UTC", "Etc/UTC")

    def opened(at: str) -> str:  # at: "YYYY-MM-DDTHH:MM:SSZ"
        if utc:
            return f"{at[5:10]} {at[11:16]}"
        when = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(zone)
        return when.strftime("%m-%d %H:%M")

    widths = {
        "id": max(len(short.get(r.id, r.id)) for r in rows),
        "status": max(len(r.status) for r in rows),
        "sev": max(len(r.severity) for r in rows),
        "category": min(22, max(len(r.category) for r in rows)),
        "owner": min(16, max(len(r.owner) + (7 if r.owner in departed else 0) for r in rows)),
        "tier": min(16, max(len(r.tier) for r in rows)),
        "opened": 11,
    }
    if due is not None:  # right after the severity: what a responder looks at first
        head = ("id", "status", "sev")
        widths = {
            **{col: widths[col] for col in head},
            "due": max((len(due[r.id][0]) for r in rows if r.id in due), default=1),
            **{col: w for col, w in widths.items() if col not in head},
        }
    fixed = {col: max(w, len(col)) for col, w in widths.items()}

    def room() -> int:
        return width - sum(fixed.values()) - 2 * len(fixed) - 1

    if room() < 30:
        fixed["category"] = min(fixed["category"], 14)
    for optional in ("opened", "tier"):
        if room() < 30:
            del fixed[optional]
    title_width = max(12, room())
    lines: list[Line] = [
        [(fit(col, w) + "  ", "bold") for col, w in fixed.items()]
        + [(fit("title", title_width), "bold")],
        [("─" * (sum(fixed.values()) + 2 * len(fixed) + title_width), "dim")],
    ]
    for r in rows:
        cells = {
            "id": (short.get(r.id, r.id), "bold"),
            "status": (r.status, STATUS_STYLE.get(r.status, "")),
            "sev": (r.severity, ""),
            "category": (r.category, ""),
            "owner": (r.owner + (" (left)" if r.owner in departed else ""), ""),
            "tier": (r.tier, ""),
            "opened": (opened(r.opened_at), ""),
        }
        if due is not None:
            text, state = due.get(r.id, ("—", ""))
            cells["due"] = (text, STATE_STYLE.get(state, "") if state != "running" else "")
        line = [(fit(literal(cells[col][0]), w) + "  ", cells[col][1]) for col, w in fixed.items()]
        flag = " ⚑" if r.flagged else ""
        line.append((fit(literal(r.title) + flag, title_width).rstrip(), ""))
        lines.append(line)
    return lines
