"""Business-time arithmetic: working intervals of a calendar, less pauses, added and measured.

A `WorkClock` is either 24x7 (every instant counts) or a `Calendar` (working days and hours in
its timezone, less public holidays from the maintained `holidays` package and closure dates).
Pauses (waiting on a customer or partner) never count. All instants are aware datetimes.

The arithmetic needs no pydantic model: it reads a calendar through `WorkingCalendar`, which the
matrix's `Calendar` and the plain `Hours` (kept in the local cache for `list`) both are.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from escmatrix.core.errors import InvalidInput, Problem

ALWAYS = "24x7"  # the calendar of a clock that counts every instant
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Interval = tuple[datetime, datetime | None]  # end None: still open
FOREVER = datetime(9999, 1, 1, tzinfo=UTC)
MAX_DAYS = 3 * 366  # a calendar that never opens would otherwise loop forever
ONE_DAY = timedelta(days=1)


_KNOWN: dict[tuple[str, int], frozenset[date]] = {}  # (code, year): public holidays, seeded


def known_holidays(known: dict[tuple[str, int], frozenset[date]]) -> None:
    """Public holidays worked out before (e.g. kept in the local cache), so that clocks need not
    import the `holidays` package (~25 ms) again."""
    _KNOWN.update(known)


def holidays_of(code: str, year: int) -> frozenset[date]:
    """The public holidays of `code` in `year` (InvalidInput when `holidays` does not know it)."""
    found = _KNOWN.get((code, year))
    if found is None:
        found = _KNOWN[code, year] = _holidays(code, year)
    return found


@cache
def _holidays(code: str, year: int) -> frozenset[date]:
    import holidays

    country, _, subdiv = code.partition("-")
    try:
        found = holidays.country_holidays(country, subdiv=subdiv or None, years=year)
    except NotImplementedError:
        raise InvalidInput(
            [
                Problem(
                    f"the holidays package does not know the country or subdivision {code!r}",
                    hint="use an ISO 3166 code it supports, e.g. DE, DE-BE, GB, US-CA, IN",
                    rule="unknown-holidays",
                )
            ]
        ) from None
    return frozenset(found.keys())


Span = tuple[datetime, datetime] | None  # a day's working interval in UTC (None: closed)


def working_day(opening: tuple[time, time | None]) -> timedelta:
    """How long a working day lasts (closing None: midnight): what one `bd` of a target counts."""
    opens, closes = opening
    end = 24 * 60 if closes is None else closes.hour * 60 + closes.minute
    return timedelta(minutes=end - opens.hour * 60 - opens.minute)


class WorkingCalendar(Protocol):
    """What a clock reads of a calendar: its days and hours in its timezone, and its days off."""

    @property
    def id(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def days(self) -> Collection[str]: ...
    @property
    def holidays(self) -> str | None: ...
    @property
    def closures(self) -> Collection[date]: ...
    @property
    def opening(self) -> tuple[time, time | None]: ...
    @property
    def spans(self) -> dict[date, Span]: ...


@dataclass(frozen=True)
class Hours:
    """A calendar's working hours as plain data: what `list` keeps of the matrix's calendars."""

    id: str
    timezone: str
    days: frozenset[str]
    holidays: str | None
    closures: frozenset[date]
    opening: tuple[time, time | None]
    spans: dict[date, Span] = field(default_factory=dict, compare=False, repr=False)

    @property
    def working_day(self) -> timedelta:
        return working_day(self.opening)

    @classmethod
    def of(cls, calendar: WorkingCalendar) -> Hours:
        return cls(
            calendar.id,
            calendar.timezone,
            frozenset(calendar.days),
            calendar.holidays,
            frozenset(calendar.closures),
            calendar.opening,
        )


class WorkClock:
    """Counts working time: 24x7 when `calendar` is None."""

    def __init__(self, calendar: WorkingCalendar | None) -> None:
        self.calendar = calendar
        if calendar is not None:
            self._zone = ZoneInfo(calendar.timezone)
            self._spans = calendar.spans

    @property
    def label(self) -> str:
        return "24x7" if self.calendar is None else f"business hours ({self.calendar.id})"

    def is_working_day(self, day: date) -> bool:
        cal = self.calendar
        if cal is None:
            return True
        if WEEKDAYS[day.weekday()] not in cal.days or day in cal.closures:
            return False
        return not (cal.holidays and day in holidays_of(cal.holidays, day.year))

    def is_open(self, at: datetime) -> bool:
        """Whether `at` falls inside working hours (always, for 24x7)."""
        for lo, _ in self.open_intervals(at):
            return lo <= at
        return False

    def open_intervals(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals from `start` on, in order, as UTC instants."""
        cal = self.calendar
        if cal is None:
            yield start, FOREVER
            return
        zone, spans = self._zone, self._spans
        day = start.astimezone(zone).date()
        for _ in range(MAX_DAYS):
            if day in spans:
                span = spans[day]
            else:
                span = spans[day] = self._span(day, zone)
            if span is not None and span[1] > start:
                yield max(span[0], start), span[1]
            day += timedelta(days=1)

    def _span(self, day: date, zone: ZoneInfo) -> Span:
        """The day's working interval in UTC, or None on a day off."""
        if self.calendar is None or not self.is_working_day(day):
            return None
        opens, closes = self.calendar.opening
        lo = datetime.combine(day, opens, zone).astimezone(UTC)
        closing_day, closing = (day, closes) if closes else (day + timedelta(days=1), time(0))
        return lo, datetime.combine(closing_day, closing, zone).astimezone(UTC)

    def _working(
        self, start: datetime, pauses: Sequence[Interval], until: datetime
    ) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals from `start`, with pauses cut out; open pauses last until `until`."""
        cuts = sorted((p_start, p_end or until) for p_start, p_end in pauses)
        for lo, hi in self.open_intervals(start):
            cursor = lo
            for p_lo, p_hi in cuts:
                if p_hi <= cursor or p_lo >= hi:
                    continue
                if p_lo > cursor:
                    yield cursor, p_lo
                cursor = max(cursor, p_hi)
                if cursor >= hi:
                    break
            if cursor < hi:
                yield cursor, hi

    def elapsed(self, start: datetime, end: datetime, pauses: Sequence[Interval] = ()) -> timedelta:
        """Working time in [start, end]."""
        total = timedelta(0)
        if end <= start:
            return total
        if self.calendar is None:
            return _always_elapsed(start, end, pauses)
        if not pauses:
            return self._open_elapsed(start, end)
        for lo, hi in self._working(start, pauses, end):
            if lo >= end:
                break
            total += min(hi, end) - lo
        return total

    def add(
        self,
        start: datetime,
        amount: timedelta,
        pauses: Sequence[Interval] = (),
        open_pause_until: datetime | None = None,
    ) -> datetime:
        """The instant when `amount` of working time has passed since `start`.

        A pause still open is assumed to end at `open_pause_until` (usually now): the due time
        is then a projection that moves while the pause lasts.
        """
        if self.calendar is None:
            return _always_add(start, amount, pauses, open_pause_until or start)
        if not pauses:
            return self._open_add(start, amount)
        left = amount
        for lo, hi in self._working(start, pauses, open_pause_until or start):
            span = hi - lo
            if span >= left:
                return lo + left
            left -= span
        return FOREVER

    # Without pauses (most clocks), `elapsed` and `add` walk the days' spans in one loop: the
    # same intervals `open_intervals` gives, without two generators and a sort per call.

    def _open_elapsed(self, start: datetime, end: datetime) -> timedelta:
        total = timedelta(0)
        zone, spans = self._zone, self._spans
        day = start.astimezone(zone).date()
        for _ in range(MAX_DAYS):
            span = spans[day] if day in spans else spans.setdefault(day, self._span(day, zone))
            if span is not None and span[1] > start and span[0] < span[1]:
                lo = span[0] if span[0] > start else start
                if lo >= end:
                    break
                total += (span[1] if span[1] < end else end) - lo
            day += ONE_DAY
        return total

    def _open_add(self, start: datetime, amount: timedelta) -> datetime:
        left = amount
        zone, spans = self._zone, self._spans
        day = start.astimezone(zone).date()
        for _ in range(MAX_DAYS):
            span = spans[day] if day in spans else spans.setdefault(day, self._span(day, zone))
            if span is not None and span[1] > start and span[0] < span[1]:
                lo = span[0] if span[0] > start else start
                if span[1] - lo >= left:
                    return lo + left
                left -= span[1] - lo
            day += ONE_DAY
        return FOREVER


# 24x7 is one endless working interval, so `elapsed` and `add` reduce to a walk over the sorted
# pauses: the same arithmetic as `_working` without its generators (most clocks are 24x7, and a
# report measures tens of thousands of them).


def _always_elapsed(start: datetime, end: datetime, pauses: Sequence[Interval]) -> timedelta:
    total = timedelta(0)
    cursor = start
    for p_lo, p_hi in sorted((p_start, p_end or end) for p_start, p_end in pauses):
        if p_hi <= cursor or p_lo >= FOREVER:
            continue
        if p_lo > cursor:
            if cursor >= end:
                return total
            total += min(p_lo, end) - cursor
        cursor = max(cursor, p_hi)
        if cursor >= FOREVER:
            return total
    if cursor < end:
        total += min(end, FOREVER) - cursor
    return total


def _always_add(
    start: datetime, amount: timedelta, pauses: Sequence[Interval], until: datetime
) -> datetime:
    left = amount
    cursor = start
    for p_lo, p_hi in sorted((p_start, p_end or until) for p_start, p_end in pauses):
        if p_hi <= cursor or p_lo >= FOREVER:
            continue
        if p_lo > cursor:
            span = p_lo - cursor
            if span >= left:
                return cursor + left
            left -= span
        cursor = max(cursor, p_hi)
        if cursor >= FOREVER:
            return FOREVER
    return cursor + left if FOREVER - cursor >= left else FOREVER
