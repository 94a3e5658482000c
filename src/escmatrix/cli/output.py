"""The two consoles and plain writers. Machine output (JSON, CSV) never goes through Rich."""

from __future__ import annotations

import os
import sys
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


@cache
def stdout() -> Console:
    from rich.console import Console

    # no emoji codes: ":fire:" in a label stays text, and the code table is never loaded
    return Console(highlight=False, soft_wrap=False, emoji=False)


@cache
def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, emoji=False)


def print_laid_out(
    lines: list[list[tuple[str, str]]], *, wrap: bool = False, err: bool = False
) -> None:
    """Print lines as (text, style) pieces, text shown literally, on stdout (stderr with `err`).
    Piped or without colour they go straight to the stream, one per line and never wrapped,
    because Rich takes ~0.2 s per thousand lines; on a colour terminal Rich styles them (and wraps
    them, with `wrap`)."""
    stream, console = (sys.stderr, stderr) if err else (sys.stdout, stdout)
    if no_terminal(stream) or console().color_system is None:
        # `literal` maps character by character: once per line is the same as once per piece
        stream.write("".join(literal("".join(t for t, _ in line)) + "\n" for line in lines))
        return
    from rich.text import Text

    text = Text(no_wrap=not wrap, overflow="fold" if wrap else "crop", end="")
    for line in lines:
        for piece, style in line:
            text.append(literal(piece), style)
        text.append("\n")
    text.rstrip()
    console().print(text)


def width() -> int:
    """stdout's width in cells, as Rich gives it: without a terminal worked out as Rich does it
    (COLUMNS, else the size of the first of stdin, stdout and stderr that has one, else 80)
    without importing Rich."""
    if not no_terminal():
        return stdout().width
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    for descriptor in (0, 1, 2):
        try:
            return os.get_terminal_size(descriptor).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def no_terminal(stream: TextIO | None = None) -> bool:
    """Whether Rich would find no terminal on stdout (or `stream`), and so use no colour: decided
    from the settings it reads (TTY_COMPATIBLE, FORCE_COLOR, then whether the stream is a TTY)
    without importing it (~20 ms), since output piped to a script or a file is the common case.
    Anything else (a terminal, a Jupyter kernel, where Rich colours without one) is left to Rich."""
    import builtins

    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible == "1" or hasattr(builtins, "get_ipython"):
        return False
    if compatible == "0":
        return True
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force == ""
    try:
        return not (stream or sys.stdout).isatty()
    except ValueError:  # closed
        return True


def literal(value: object) -> str:
    """Text with control characters made visible, so ANSI escapes are shown, not obeyed."""
    text = str(value)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in "\n\t" else f"\\x{ord(ch):02x}" for ch in text)


def safe(value: object, style: str = "") -> Text:
    """A Rich Text holding `value` literally: no markup parsed, no escapes obeyed."""
    from rich.text import Text

    return Text(literal(value), style=style)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def write_json(data: Any) -> None:
    import json  # not at import: a table (the common case) needs none of it

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=_default) + "\n")
    sys.stdout.flush()


# Text direction controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM): they
# make a cell or a page read differently from what it holds ("Trojan Source").
BIDI = dict.fromkeys([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)], None)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def without_bidi(text: str) -> str:
    return text.translate(BIDI)


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: control characters made visible, direction controls
    dropped, and a leading = + - @ tab or CR (a formula, e.g. =HYPERLINK(...)) quoted with ' as
    OWASP's CSV injection advice says. Numbers stay numbers."""
    if not isinstance(value, str):
        return value
    text = literal(without_bidi(value)).replace("\n", " ").replace("\t", " ")
    return "'" + text if value.startswith(FORMULA_START) else text


def write_csv(rows: list[dict[str, Any]], fields: list[str]) -> None:
    import csv

    writer = csv.DictWriter(
        sys.stdout, fieldnames=fields, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    sys.stdout.flush()


def viewer_timezone(option: str | None = None) -> str:
    """The viewer's timezone: --tz, then ESCMATRIX_TZ, then TZ, else UTC."""
    return option or os.environ.get("ESCMATRIX_TZ") or os.environ.get("TZ") or "UTC"
