"""Business-hours arithmetic without pauses takes a one-loop path: it must give what the general
path (working intervals with pauses cut out) gives, for any calendar, start, end and amount."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from escmatrix.core.calendar import FOREVER, WEEKDAYS, Hours, WorkClock

# A pause after every instant the arithmetic can reach: the general path runs, and cuts nothing.
NEVER = [(datetime(9000, 1, 1, tzinfo=UTC), datetime(9000, 1, 2, tzinfo=UTC))]
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]


@st.composite
def calendars(draw: st.DrawFn) -> Hours:
    opens = draw(st.integers(0, 22))
    closes = draw(st.one_of(st.none(), st.integers(opens + 1, 23)))
    closures = draw(st.frozensets(st.dates(date(2026, 1, 1), date(2026, 6, 30)), max_size=6))
    return Hours(
        id="c",
        timezone=draw(st.sampled_from(ZONES)),
        days=draw(st.frozensets(st.sampled_from(WEEKDAYS), min_size=1)),
        holidays=None,
        closures=closures,
        opening=(
            time(opens, draw(st.sampled_from([0, 30]))),
            None if closes is None else time(closes),
        ),
    )


instants = st.datetimes(datetime(2026, 1, 1), datetime(2026, 6, 30)).map(
    lambda at: at.replace(second=0, microsecond=0, tzinfo=UTC)
)


@settings(max_examples=300, deadline=None)
@given(
    calendars(),
    instants,
    st.timedeltas(timedelta(0), timedelta(days=60)),
    st.timedeltas(timedelta(0), timedelta(days=20)),
)
def test_without_pauses_elapsed_and_add_agree_with_the_general_path(
    calendar: Hours, start: datetime, length: timedelta, amount: timedelta
) -> None:
    clock = WorkClock(calendar)
    end = start + length
    assert clock.elapsed(start, end) == clock.elapsed(start, end, NEVER)
    due = clock.add(start, amount)
    assert due == clock.add(start, amount, NEVER)
    if due != FOREVER:
        assert clock.elapsed(start, due) == amount
