"""The two consoles and plain writers. Machine output (JSON, CSV) never goes through Rich."""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


@cache
def stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


@cache
def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


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
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=_default) + "\n")
    sys.stdout.flush()


def write_csv(rows: list[dict[str, Any]], fields: list[str]) -> None:
    import csv

    writer = csv.DictWriter(
        sys.stdout, fieldnames=fields, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    sys.stdout.flush()


def viewer_timezone(option: str | None = None) -> str:
    """The viewer's timezone: --tz, then ESCMATRIX_TZ, then TZ, else UTC."""
    return option or os.environ.get("ESCMATRIX_TZ") or os.environ.get("TZ") or "UTC"
