"""The half-open period a report covers: `Window`, a calendar quarter, a span between two times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from escmatrix.core.metrics.doc import Doc, Instant


class Window(Doc):
    """The half-open period `[start, end)` a report covers."""

    start: Instant
    end: Instant
    label: str

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end

    def previous(self) -> Window:
        """The window of the same length just before this one (for trends)."""
        start = self.start - self.length
        return Window(
            start=start, end=self.start, label=f"{start:%Y-%m-%d} – {self.start:%Y-%m-%d}"
        )


def quarter_window(text: str) -> Window:
    """`2026Q3` → 2026-07-01 00:00 UTC up to 2026-10-01 00:00 UTC."""
    cleaned = text.strip().upper()
    year, sep, quarter = cleaned.partition("Q")
    if not sep or not year.isdigit() or quarter not in ("1", "2", "3", "4"):
        raise ValueError(f"{text!r} is not a quarter; write e.g. 2026Q3")
    first_month = 3 * (int(quarter) - 1) + 1
    start = datetime(int(year), first_month, 1, tzinfo=UTC)
    end = (
        datetime(int(year) + 1, 1, 1, tzinfo=UTC)
        if quarter == "4"
        else datetime(int(year), first_month + 3, 1, tzinfo=UTC)
    )
    return Window(start=start, end=end, label=f"{year}Q{quarter}")


def window_between(start: datetime, end: datetime) -> Window:
    return Window(start=start, end=end, label=f"{start:%Y-%m-%d} – {end:%Y-%m-%d}")
