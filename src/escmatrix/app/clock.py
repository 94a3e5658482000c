"""The one injectable clock: every read of the current time goes through here."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from escmatrix.core.errors import UsageError

ENV_VAR = "ESCMATRIX_NOW"
# Times escmatrix reasons about: far enough either side for any real issue, near enough that a
# deadline (a time plus the longest duration) still fits in a datetime.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def parse_offset(text: str) -> timedelta | None:
    """'+3h' or '-30m' (a duration with a sign, as drills write them) as a timedelta, else None."""
    from escmatrix.core.durations import parse_duration

    raw = text.strip()
    if len(raw) < 2 or raw[0] not in "+-" or not raw[1].isdigit():
        return None
    try:
        amount = parse_duration(raw[1:])
    except ValueError:
        return None
    return -amount if raw[0] == "-" else amount


def parse_instant(text: str, *, what: str = "time", base: datetime | None = None) -> datetime:
    """Parse ISO 8601 (a time without an offset is taken as UTC), or a time relative to `base`
    (default: the system clock) such as '+3h' or '-30m'. Returns an aware UTC datetime."""
    offset = parse_offset(text)
    if offset is not None:
        start = base if base is not None else datetime.now(UTC).replace(microsecond=0)
        try:
            return _bounded((start + offset).astimezone(UTC), what, text)
        except OverflowError:
            raise _out_of_range(what, text) from None
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise UsageError(
            f"{what} {text!r} is not an ISO 8601 time",
            hint="for example 2026-11-27T09:30:00Z, 2026-11-27T10:30+01:00, "
            "or relative: +3h, -30m, +1d",
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return _bounded(value.astimezone(UTC), what, text)
    except OverflowError:
        raise _out_of_range(what, text) from None


def _out_of_range(what: str, text: str) -> UsageError:
    return UsageError(
        f"{what} {text!r} is out of range: escmatrix works with times from "
        f"{EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d}",
        hint="give a time in that range, e.g. 2026-11-27T09:30:00Z",
    )


def _bounded(value: datetime, what: str, text: str) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise _out_of_range(what, text)
    return value


class Clock:
    """Fixed when `--now` or ESCMATRIX_NOW is given, otherwise the system clock."""

    def __init__(self, fixed: datetime | None = None) -> None:
        self._fixed = fixed

    @classmethod
    def from_option(cls, option: str | None) -> Clock:
        text = option or os.environ.get(ENV_VAR) or None
        return cls(parse_instant(text, what="--now") if text else None)

    @property
    def is_fixed(self) -> bool:
        return self._fixed is not None

    def now(self) -> datetime:
        if self._fixed is not None:
            return self._fixed
        return datetime.now(UTC).replace(microsecond=0)
