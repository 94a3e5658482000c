"""Rotation arithmetic both vendors share: shift lengths, start instants and daily windows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo


def length_text(seconds: int) -> str | None:
    """A matrix shift length for a vendor's turn length in seconds; None: not whole hours."""
    if seconds == 86400:
        return "daily"
    if seconds == 7 * 86400:
        return "weekly"
    if seconds > 0 and seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    if seconds > 0 and seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    return None


def length_seconds(text: str) -> int:
    """The inverse of `length_text`."""
    if text == "daily":
        return 86400
    if text == "weekly":
        return 7 * 86400
    count = int(text[:-1])
    return count * (86400 if text.endswith("d") else 3600)


def parse_instant(text: str) -> datetime:
    found = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return found if found.tzinfo else found.replace(tzinfo=ZoneInfo("UTC"))


def layer(
    layer_id: str, rotation: list[str], zone: str, start: datetime, length: str, hours: str | None
) -> dict[str, Any]:
    """A matrix layer whose first shift begins at `start` (any offset), handing off in `zone`."""
    local = start.astimezone(ZoneInfo(zone))
    found: dict[str, Any] = {
        "id": layer_id,
        "rotation": rotation,
        "timezone": zone,
        "handoff": f"{local:%H:%M}",
        "length": length,
        "starts": local.date().isoformat(),
    }
    if hours:
        found["hours"] = hours
    return found


def layer_start(item: dict[str, Any]) -> datetime:
    """When a matrix layer's first shift begins."""
    hour, minute = (int(x) for x in str(item["handoff"]).split(":"))
    day = datetime.fromisoformat(str(item["starts"]))
    return day.replace(hour=hour, minute=minute, tzinfo=ZoneInfo(str(item["timezone"])))


def window(start_minutes: int, duration_minutes: int) -> str | None:
    """'HH:MM-HH:MM' for a daily window; None when it covers the whole day."""
    if duration_minutes >= 24 * 60 or duration_minutes <= 0:
        return None
    end = (start_minutes + duration_minutes) % (24 * 60)
    end_text = "24:00" if end == 0 else f"{end // 60:02d}:{end % 60:02d}"
    return f"{start_minutes // 60:02d}:{start_minutes % 60:02d}-{end_text}"


def window_minutes(hours: str) -> tuple[int, int]:
    """(start minute of the day, duration in minutes) of 'HH:MM-HH:MM' (overnight wraps)."""
    start_text, end_text = hours.split("-")
    start = int(start_text[:2]) * 60 + int(start_text[3:])
    end = int(end_text[:2]) * 60 + int(end_text[3:])
    return start, (end - start) % (24 * 60) or 24 * 60


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def local_iso(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).isoformat()


def add(moment: datetime, seconds: int) -> datetime:
    return moment + timedelta(seconds=seconds)
