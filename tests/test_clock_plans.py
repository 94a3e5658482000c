"""`list` reads each active issue's next deadline from a clock plan kept in the local cache, and
`show` measures an issue's clocks against a plain copy of the matrix kept there too: both give at
any moment what the matrix gives, and the cache is never stale after an edit to the matrix or to
an issue."""

from __future__ import annotations

import json
import pickle
from datetime import datetime, timedelta
from functools import cache

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from escmatrix.core import events as ev
from escmatrix.core.calendar import Hours, WorkClock
from escmatrix.core.clock_facts import ClockFacts
from escmatrix.core.deadlines import ClockPlan, coarse, next_deadline, plan, planned_deadline
from escmatrix.core.durations import format_duration
from escmatrix.core.issue import IssueState, fold
from escmatrix.core.matrix import Matrix
from escmatrix.core.sla import clocks
from escmatrix.store.matrix_loader import load_matrix
from tests.conftest import PROJECT
from tests.support import Repo
from tests.test_properties_fold import OPENED, SETTINGS, T0, later_event
from tests.test_state_codec import OFFSETS, shifted

ISSUE = "26c0000dd"
# moments from before the issue opens to well past every target (weeks on business hours)
MOMENTS = st.lists(
    st.integers(-2 * 24 * 3600, 40 * 24 * 3600).map(lambda s: T0 + timedelta(seconds=s)),
    min_size=1,
    max_size=6,
)


@cache
def example() -> Matrix:
    """The project's example matrix: 24x7 and office-hours severities, customer contracts."""
    return load_matrix(PROJECT)


def accounts() -> list[str | None]:
    return [None, *example().customers]


SEVERITIES = st.sampled_from(sorted(example().severities))
CUSTOMERS = st.sampled_from(accounts())
# any event stream on the example matrix: any severity and contract, events at any offset
STREAMS = {
    "opened": OPENED,
    "severity": SEVERITIES,
    "customer": CUSTOMERS,
    "later": st.lists(st.tuples(later_event(), OFFSETS), max_size=10),
    "moments": MOMENTS,
}


def events_of(
    opened: ev.Opened, severity: str, customer: str | None, later: list[tuple[ev.EventBase, int]]
) -> list[ev.EventBase]:
    """The stream, opened with that severity and customer, later events at their offsets."""
    first = msgspec.structs.replace(opened, severity=severity, customer=customer)
    return [first, *(shifted(e, minutes) for e, minutes in later)]


def folded(
    opened: ev.Opened, severity: str, customer: str | None, later: list[tuple[ev.EventBase, int]]
) -> IssueState:
    """The state of the stream, opened with that severity and customer."""
    return fold(ISSUE, events_of(opened, severity, customer, later))


@SETTINGS
@given(**STREAMS)
def test_a_plan_read_back_gives_the_deadline_the_matrix_gives(
    opened: ev.Opened,
    severity: str,
    customer: str | None,
    later: list[tuple[ev.EventBase, int]],
    moments: list[datetime],
) -> None:
    """Any event stream, any severity and contract, any moment (paused or not, before the issue
    opened, long after every target): the plan, written and read as the cache does, says the
    same next deadline as the clocks measured from the matrix."""
    matrix = example()
    state = folded(opened, severity, customer, later)
    planned = plan(matrix, state)
    kept = msgspec.msgpack.decode(msgspec.msgpack.encode(planned), type=ClockPlan | None)
    calendars = {cal_id: Hours.of(cal) for cal_id, cal in matrix.calendars.items()}
    for now in moments:
        expected = next_deadline(matrix, state, now)
        got = None if kept is None else planned_deadline(kept, now, calendars)
        assert got == expected, (now, state.status)
        if got is not None and expected is not None:  # the same instant, and printed alike
            assert got.due.timestamp() == expected.due.timestamp()


@SETTINGS
@given(
    opened=OPENED,
    severity=SEVERITIES,
    customer=CUSTOMERS,
    later=st.lists(later_event(), max_size=8),
    paused_after=st.integers(0, 10 * 24 * 3600),
    moments=st.lists(st.integers(-3 * 24 * 3600, 30 * 24 * 3600), min_size=1, max_size=6),
)
def test_a_paused_issue_is_due_where_the_matrix_says(
    opened: ev.Opened,
    severity: str,
    customer: str | None,
    later: list[ev.EventBase],
    paused_after: int,
    moments: list[int],
) -> None:
    """An issue whose last event opened a pause (its due times move with now): at moments before
    and after the pause, the plan's answer, past every pause bound counted from the working time
    frozen at the pause, is the matrix's."""
    matrix = example()
    first = msgspec.structs.replace(opened, severity=severity, customer=customer)
    events: list[ev.EventBase] = [first, *later]
    last = max(e.at for e in events)
    pause = ev.Paused(
        at=last + timedelta(seconds=paused_after),
        actor="alex",
        matrix="",
        waiting_on="partner",
        reason="waiting on the partner's logs",
    )
    state = fold(ISSUE, [*events, pause])
    planned = msgspec.msgpack.decode(
        msgspec.msgpack.encode(plan(matrix, state)), type=ClockPlan | None
    )
    calendars = {cal_id: Hours.of(cal) for cal_id, cal in matrix.calendars.items()}
    for offset in moments:
        now = pause.at + timedelta(seconds=offset)
        expected = next_deadline(matrix, state, now)
        assert (planned and planned_deadline(planned, now, calendars)) == expected, now


@SETTINGS
@given(**STREAMS)
def test_clocks_on_the_plain_copy_are_the_clocks_on_the_matrix(
    opened: ev.Opened,
    severity: str,
    customer: str | None,
    later: list[tuple[ev.EventBase, int]],
    moments: list[datetime],
) -> None:
    """`show` measures clocks against `ClockFacts`, pickled and read back as the cache keeps it:
    every clock (name, target as written, start, due, state, elapsed, hours) is the one measured
    against the matrix, at any moment; and `list` plans an issue's clocks on it as on the matrix."""
    matrix = example()
    plain = pickle.loads(pickle.dumps(ClockFacts.of(matrix, [t.id for t in matrix.tiers])))
    state = folded(opened, severity, customer, later)
    assert plan(plain, state) == plan(matrix, state)
    for now in moments:
        expected, got = clocks(matrix, state, now), clocks(plain, state, now)
        assert got == expected
        assert [format_duration(c.target) for c in got] == [
            format_duration(c.target) for c in expected
        ]


def test_plain_hours_count_as_the_calendar_does() -> None:
    """A clock on a calendar's plain `Hours` adds and measures working time as on the model."""
    calendar = example().calendars["office"]
    plain, model = WorkClock(Hours.of(calendar)), WorkClock(calendar)
    for hours in (1, 7, 30, 200):
        start = T0 + timedelta(hours=hours * 5)
        assert plain.add(start, timedelta(hours=hours)) == model.add(start, timedelta(hours=hours))
        end = start + timedelta(days=hours)
        assert plain.elapsed(start, end) == model.elapsed(start, end)
    assert Hours.of(calendar).working_day == calendar.working_day


def test_list_follows_an_edit_to_the_matrix(example_repo: Repo) -> None:
    """The plans are kept per version of the matrix: a changed target changes the due time at
    once, cached or not, and the cached list is the uncached one byte for byte."""
    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    issue = example_repo.open("plans follow the matrix", severity="sev2")
    example_repo.ok("list")  # warm: facts and plans kept
    before = {r["id"]: r for r in example_repo.json("list", "--format", "json")}[issue]
    assert before["due_clock"] == "tier frontline"
    example_repo.edit("matrix/ladder.yaml", "response_time: 30m\n", "response_time: 20m\n")
    example_repo.git("commit", "-q", "-am", "the frontline answers sooner")
    cached = example_repo.ok("list", "--status", "all", "--format", "json").stdout
    uncached = example_repo.ok("--no-cache", "list", "--status", "all", "--format", "json").stdout
    assert cached == uncached
    after = {r["id"]: r for r in json.loads(cached)}[issue]
    assert after["due"] != before["due"]


def test_list_follows_a_pause_and_reads_no_models_from_a_warm_cache(example_repo: Repo) -> None:
    """A paused issue's due time moves with now (measured on the plan's calendar), as `--no-cache`
    says; from a warm cache `list` imports neither pydantic nor YAML nor the matrix models."""
    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    paused = example_repo.open("waiting on the customer", severity="sev3")
    example_repo.ok("pause", paused, "--waiting-on", "customer", "--reason", "logs")
    for now in ("2026-03-02T10:00:00Z", "2026-03-04T16:30:00Z", "2026-03-09T08:00:00Z"):
        cached = example_repo.ok("list", "--format", "json", now=now).stdout
        uncached = example_repo.ok("--no-cache", "list", "--format", "json", now=now).stdout
        assert cached == uncached
        row = {r["id"]: r for r in json.loads(cached)}[paused]
        assert row["due_state"] == "paused"
    example_repo.imports("list", now="2026-03-05T09:00:00Z")  # warm at this moment
    stdout, loaded = example_repo.imports("list", now="2026-03-05T09:00:00Z")
    assert "waiting on the customer" in stdout
    assert not {"pydantic", "yaml", "escmatrix.core.matrix"} & loaded


def test_show_reads_no_models_from_a_warm_cache(example_repo: Repo) -> None:
    """From a warm cache `show` imports neither pydantic, YAML nor the matrix or event models,
    and says what `--no-cache` says, in the table and in JSON."""
    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    issue = example_repo.open("shown without models", severity="sev3")
    example_repo.ok("ack", issue)
    for fmt in ("table", "json"):
        cached = example_repo.ok("show", issue, "--format", fmt).stdout
        uncached = example_repo.ok("--no-cache", "show", issue, "--format", fmt).stdout
        assert cached == uncached
    example_repo.imports("show", issue, now="2026-03-05T09:00:00Z")  # warm at this moment
    stdout, loaded = example_repo.imports("show", issue, now="2026-03-05T09:00:00Z")
    assert "shown without models" in stdout
    assert "business hours (office)" in stdout
    assert not {"pydantic", "yaml", "escmatrix.core.matrix", "escmatrix.core.events"} & loaded


@given(st.timedeltas(min_value=timedelta(days=-4000), max_value=timedelta(days=4000)))
def test_a_deadline_label_is_the_two_largest_units_format_duration_writes(delta: timedelta) -> None:
    """`list`'s "in 3d4h" is worked out without formatting: it must read as the first two units
    of the full duration (one unit, after the sign, for a negative one)."""
    units, number = [], ""
    for ch in format_duration(delta):
        number += ch
        if not ch.isdigit():
            units.append(number)
            number = ""
    assert coarse(delta) == "".join(units[:2])  # a sign is a unit of its own: "-3d"
