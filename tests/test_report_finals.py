"""A finished issue's measurement is kept as a final record (`core.metrics.final`) and read back
by the next report instead of the issue's events: read back from MessagePack as the cache keeps
it, it measures at every later time what the events measure, a report built from final records
where they settle it equals the report built from every event, and a warm `report` answers what
`--no-cache` answers however the issues, the window and `--now` move."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import msgspec
from hypothesis import event, given
from hypothesis import strategies as st

from escmatrix.app.report_records import keep, read_back
from escmatrix.core import events as ev
from escmatrix.core.metrics.durations import Measured, measure_issue
from escmatrix.core.metrics.final import Final, Horizon, final, matters_now, unfinished
from escmatrix.core.metrics.follow_ups import follow_up_items
from escmatrix.core.metrics.report import IssueSource, build_report
from escmatrix.core.metrics.windows import Window
from escmatrix.store.event_cache import read_file, write_file
from tests.test_clock_plans import CUSTOMERS, SEVERITIES, events_of, example
from tests.test_metrics_scenario import NOW, SINCE, UNTIL, build_scenario, isolated_env
from tests.test_properties_fold import EXAMPLES, OPENED, SETTINGS, T0, later_event
from tests.test_state_codec import OFFSETS, shifted

DAY = 24 * 3600
LATER = st.lists(st.tuples(later_event(), OFFSETS), max_size=8)
FINISH = st.sampled_from(["no", "resolved", "closed"])


def stream(
    opened: ev.Opened,
    severity: str,
    customer: str | None,
    later: list[tuple[ev.EventBase, int]],
    finish: str,
) -> list[ev.EventBase]:
    """The events, opened with that severity and customer; `finish`: acknowledged and then
    resolved (and closed) after every other event, so that many streams end finished."""
    events = events_of(opened, severity, customer, later)
    if finish != "no":
        last = max(e.at for e in events)
        kinds = ["acknowledged", "resolved", "closed"][: 2 if finish == "resolved" else 3]
        for n, kind in enumerate(kinds, start=1):
            events.append(msgspec.structs.replace(EXAMPLES[kind], at=last + timedelta(hours=n)))
    return events


def kept(record: Final | None) -> Final | None:
    """The record as the cache gives it back."""
    return msgspec.msgpack.decode(msgspec.msgpack.encode(record), type=Final | None)


# One issue's events, and times after its last event to measure it at.
ONE_ISSUE = given(
    drawn=st.tuples(OPENED, SEVERITIES, CUSTOMERS, LATER, FINISH),
    after=st.lists(st.integers(0, 60 * DAY), min_size=1, max_size=4),
)
Drawn = tuple[ev.Opened, str, str | None, list[tuple[ev.EventBase, int]], str]


@SETTINGS
@ONE_ISSUE
def test_a_final_record_measures_as_the_events_do_at_every_later_time(
    drawn: Drawn, after: list[int]
) -> None:
    matrix = example()
    events, finish = stream(*drawn), drawn[4]
    record = kept(final(matrix, "26c0000f1", events))
    overridden = any(isinstance(e, ev.Overridden) for e in events)
    shifted_times = any(e.at.utcoffset() != timedelta(0) for e in events)
    if finish != "no" and not overridden and not shifted_times:
        assert record is not None  # acknowledged, resolved, nothing to reconcile: finished
    if record is None:
        return
    assert record.last == max(e.at for e in events)
    for seconds in after:
        at = record.last + timedelta(seconds=seconds)
        measured = measure_issue(matrix, "26c0000f1", events, at)
        assert record.measured(at) == measured
        assert measured is not None and record.measured(at).facts == measured.facts
        assert record.follow_ups == follow_up_items(events, at)


ISSUES = st.lists(st.tuples(OPENED, SEVERITIES, CUSTOMERS, LATER, FINISH), min_size=1, max_size=4)


@SETTINGS
@given(
    issues=ISSUES,
    start=st.integers(-7 * DAY, 14 * DAY),
    length=st.integers(DAY, 14 * DAY),
    now=st.integers(0, 40 * DAY),
)
def test_a_report_from_final_records_is_the_report_from_every_event(
    issues: list[tuple[ev.Opened, str, str | None, list[tuple[ev.EventBase, int]], str]],
    start: int,
    length: int,
    now: int,
) -> None:
    """Any issues, any window, any time: each issue given as its final record where the record
    settles the report (as `report` does), else as its unfinished record read back from the
    cache's bytes where that settles it, else as its events, gives the same report."""
    matrix = example()
    begin = T0 + timedelta(seconds=start)
    window = Window(start=begin, end=begin + timedelta(seconds=length), label="w")
    at = T0 + timedelta(seconds=now)
    if window.start >= at:
        return
    horizon = Horizon.of(window, at)
    every: list[IssueSource] = []
    mixed: list[IssueSource] = []
    settled = settled_running = 0
    for n, drawn in enumerate(issues):
        issue_id, events = f"26c0000e{n}", stream(*drawn)
        record = kept(final(matrix, issue_id, events))
        every.append((issue_id, events))
        running = unfinished(issue_id, events) if record is None else None
        back = read_back(kept_bytes, horizon) if running and (kept_bytes := keep(running)) else None
        if record is not None and record.settles(horizon):
            settled += 1
            mixed.append((issue_id, record))
        elif back is not None:
            settled_running += 1
            mixed.append((issue_id, back))
        else:
            mixed.append((issue_id, events))
    event("some issue settled by its record" if settled else "no issue settled")
    event("some unfinished issue taken from its record" if settled_running else "none unfinished")
    expected = msgspec.to_builtins(build_report(matrix, every, window, at))
    assert msgspec.to_builtins(build_report(matrix, mixed, window, at)) == expected


@SETTINGS
@ONE_ISSUE
def test_an_unfinished_record_measures_as_the_events_do_at_every_later_time(
    drawn: Drawn, after: list[int]
) -> None:
    """Any issue, finished or not, kept as its fold and moves (in the cache's bytes) measures at
    every time from its last event on what its events measure, with the same follow-ups and the
    same answer to whether it matters then."""
    matrix = example()
    events = stream(*drawn)
    running = unfinished("26c0000f1", events)
    assert running is not None
    data = keep(running)
    shifted_times = any(e.at.utcoffset() != timedelta(0) for e in events)
    if data is None:
        assert shifted_times  # kept unless a time is written at another offset
        return
    back = read_back(data)
    assert back is not None and back.last == max(e.at for e in events)
    for seconds in after:
        at = back.last + timedelta(seconds=seconds)
        measured = measure_issue(matrix, "26c0000f1", events, at)
        assert back.measured(matrix, at) == measured
        assert measured is not None and back.measured(matrix, at).facts == measured.facts
        assert back.follow_ups == follow_up_items(events, at)
        assert back.matters == matters_now(events, at)


def test_a_final_record_holds_every_field_of_a_measure_but_its_time() -> None:
    """A field added to `Measured` must be kept in `Final` too, or records would drop it."""
    kept = tuple(name for name in Measured.__struct_fields__ if name != "at")
    assert Final._fields == ("last", *kept, "follow_ups", "facts")


def test_the_horizon_is_the_earliest_time_the_report_measures_at() -> None:
    window = Window(start=T0, end=T0 + timedelta(days=7), label="w")
    now = T0 + timedelta(days=10)
    horizon = Horizon.of(window, now)
    assert horizon.limit(T0 + timedelta(days=1)) == window.end  # in the window: at its end
    assert horizon.limit(T0 - timedelta(days=1)) == T0  # the window before: at its end
    assert horizon.limit(T0 - timedelta(days=8)) == now  # older: only now
    early = Horizon.of(window, T0 + timedelta(days=2))
    assert early.limit(T0 + timedelta(days=1)) == T0 + timedelta(days=2)  # the window's at: now


WINDOW = ("--since", SINCE, "--until", UNTIL)


def test_a_warm_report_reads_final_records_and_answers_what_the_files_answer(
    tmp_path: Path,
) -> None:
    """The scenario's issues A, B and E finish (D keeps an override to reconcile, C was never
    acknowledged, F is open): their records are kept, and reports at other times, including
    before their last events, still answer what `--no-cache` answers."""
    with isolated_env(tmp_path / "home"):
        scenario = build_scenario(tmp_path / "repo")
        repo = scenario.repo

        def same(now: str, *window: str) -> str:
            cached = repo.ok("report", *window, "--format", "json", now=now).stdout
            uncached = repo.ok("--no-cache", "report", *window, "--format", "json", now=now)
            assert cached == uncached.stdout
            return cached

        same(NOW, *WINDOW)
        records = repo.path / ".git" / "escmatrix" / "cache" / "final-records.msgpack"
        assert records.is_file()
        stored = msgspec.msgpack.decode(records.read_bytes())
        entries = {issue_id: value for issue_id, (_, value) in stored[3].items()}
        kinds = {key: type(entries[issue_id]) for key, issue_id in scenario.ids.items()}
        # final records are arrays; the unfinished issues' fold and moves, bytes
        assert {key for key, kind in kinds.items() if kind is list} == {"A", "B", "E"}
        assert {key for key, kind in kinds.items() if kind is bytes} == {"C", "D", "F"}
        # before B's reopening and A's closing, the day after, a week later, a default window
        for now in ("2026-03-02T12:15:00Z", "2026-03-02T14:30:00Z", "2026-03-03T00:00:00Z"):
            same(now, "--since", "2026-02-20T00:00:00Z", "--until", "2026-03-05T00:00:00Z")
        same("2026-03-20T00:00:00Z")
        same(NOW, *WINDOW)


def test_a_warm_report_at_the_same_head_needs_no_list_of_issues(tmp_path: Path) -> None:
    """The records were kept for every issue at HEAD's issues/ tree: while it is the same, a
    report takes the issues from them, without the summaries; once HEAD moves, from the
    summaries again, and answers what `--no-cache` answers."""
    with isolated_env(tmp_path / "home"):
        scenario = build_scenario(tmp_path / "repo")
        repo = scenario.repo
        first = repo.ok("report", *WINDOW, "--format", "json", now=NOW).stdout
        cache = repo.path / ".git" / "escmatrix" / "cache"
        (cache / "summaries.pickle").unlink()
        assert repo.ok("report", *WINDOW, "--format", "json", now=NOW).stdout == first
        assert not (cache / "summaries.pickle").exists()
        repo.ok("update", scenario.ids["F"], "--status", "Still on it", "--next", "Ship", now=NOW)
        cached = repo.ok("report", *WINDOW, "--format", "json", now=NOW).stdout
        assert (cache / "summaries.pickle").is_file()
        uncached = repo.ok("--no-cache", "report", *WINDOW, "--format", "json", now=NOW).stdout
        assert cached == uncached != first


def test_an_unreadable_cached_issue_is_read_from_its_files(tmp_path: Path) -> None:
    """events.pickle keeps each issue's events apart: one that no longer unpickles (written by
    other code) is read from the files, and the rest from the cache."""
    with isolated_env(tmp_path / "home"):
        scenario = build_scenario(tmp_path / "repo")
        repo = scenario.repo
        first = repo.ok("report", *WINDOW, "--format", "json", now=NOW).stdout
        path = repo.path / ".git" / "escmatrix" / "cache" / "events.pickle"
        stored = read_file(path)
        entries: dict[str, tuple[str, bytes | memoryview]] = {
            issue_id: (key, stored.data(issue_id) or b"")
            for issue_id, (key, _, _) in stored.index.items()
        }
        for issue_id in scenario.ids.values():
            tree, _ = entries[issue_id]
            entries[issue_id] = (tree, b"\x80\x05not a pickle")
        assert write_file(path, stored.tree, entries)
        assert read_file(path).data(next(iter(scenario.ids.values()))) == b"\x80\x05not a pickle"
        (path.parent / "final-records.msgpack").unlink()
        assert repo.ok("report", *WINDOW, "--format", "json", now=NOW).stdout == first


def test_a_time_written_at_another_offset_is_printed_as_written() -> None:
    """MessagePack keeps instants, not offsets: an issue holding a `+02:00` time has no record
    and is measured from its events, so the report prints the time as the file gives it."""
    events = stream(
        msgspec.structs.replace(EXAMPLES["opened"], at=T0), "sev2", None, [], "resolved"
    )
    assert final(example(), "26c0000f2", events) is not None
    moved = [events[0], shifted(events[1], 120), *events[2:]]
    assert final(example(), "26c0000f2", moved) is None
    at = datetime.fromisoformat("2026-04-01T00:00:00+00:00")
    assert measure_issue(example(), "26c0000f2", moved, at) is not None
