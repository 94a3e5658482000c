"""The fold: an issue's state is a pure function of its set of event files, whatever their order."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escmatrix.core import events as ev
from escmatrix.core.errors import InvalidInput
from escmatrix.core.issue import FoldError, fold
from escmatrix.store.issues import IssueStore
from escmatrix.store.yamlio import dump_yaml
from tests.support import T0, Repo

ISSUE = "26c0000aa"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def opened(minutes: int = 0) -> ev.Opened:
    return ev.Opened(
        at=at(minutes),
        actor="alex",
        title="Checkout returns 500",
        category="product-defect",
        severity="sev2",
        rule="catch-all",
        owner="alex",
        tier="frontline",
        engaged="alex",
    )


# (seq, random part, event): two updates share seq 2, as when two clones act concurrently.
HISTORY: list[tuple[int, str, ev.EventBase]] = [
    (1, "m3k9aa", opened()),
    (2, "b00000", ev.Updated(at=at(20), actor="sam", status="From sam", next_steps="s")),
    (2, "x00000", ev.Updated(at=at(10), actor="alex", status="From alex", next_steps="a")),
    (3, "c4d5e6", ev.Acknowledged(at=at(25), actor="alex")),
    (
        4,
        "f7g8h9",
        ev.Escalated(
            at=at(30),
            actor="alex",
            tier="team-lead",
            previous="frontline",
            engaged="kim",
            reason="Slow",
        ),
    ),
    (5, "0aa0aa", ev.Paused(at=at(40), actor="alex", waiting_on="partner", reason="Vendor")),
    (6, "1bb1bb", ev.Resumed(at=at(70), actor="alex")),
    (7, "2cc2cc", ev.Commented(at=at(75), actor="kim", text="Watching")),
    (8, "3dd3dd", ev.Resolved(at=at(90), actor="alex", summary="Patched")),
]


def write_history(root: Path, issue_id: str, order: list[int]) -> IssueStore:
    """Write the history's event files in the given creation order."""
    folder = root / "issues" / issue_id
    folder.mkdir(parents=True)
    for index in order:
        seq, rand, event = HISTORY[index]
        name = f"{seq:06d}-{rand}-{event.event}.yaml"  # type: ignore[attr-defined]
        (folder / name).write_text(dump_yaml(ev.event_to_data(event)), encoding="utf-8")
    return IssueStore(root)


def reference_state() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        store = write_history(Path(tmp), ISSUE, list(range(len(HISTORY))))
        return msgspec.structs.asdict(store.load(ISSUE))


@settings(max_examples=40, deadline=None, database=None)
@given(st.permutations(list(range(len(HISTORY)))))
def test_fold_is_the_same_whatever_order_files_were_written(order: list[int]) -> None:
    """Writing the same event files in any order gives the same folded state."""
    with tempfile.TemporaryDirectory() as tmp:
        store = write_history(Path(tmp), ISSUE, order)
        assert [f.sort_key[:2] for f in store.event_files(ISSUE)] == [(s, r) for s, r, _ in HISTORY]
        assert msgspec.structs.asdict(store.load(ISSUE)) == reference_state()


def test_concurrent_events_sort_by_random_part_not_by_clock(tmp_path: Path) -> None:
    """Two events with the same seq apply in random-part order, even if the clocks disagree."""
    store = write_history(tmp_path, ISSUE, [2, 0, 1])
    state = store.load(ISSUE)
    assert state.last_status == "From alex"  # x00000 sorts after b00000 though stamped earlier
    assert [t.actor for t in state.timeline] == ["alex", "sam", "alex"]


def test_fold_of_the_full_history() -> None:
    """The fold derives status, tier, clocks and counts from the events alone."""
    state = fold(ISSUE, [e for _, _, e in HISTORY])
    assert state.status == "resolved"
    assert (state.owner, state.tier, state.engaged) == ("alex", "team-lead", "kim")
    assert state.first_acknowledged_at == at(25)
    assert state.escalated_at == at(30)
    assert state.resolved_at == at(90)
    assert state.escalations == 1
    assert len(state.pauses) == 1
    assert (state.pauses[0].start, state.pauses[0].end) == (at(40), at(70))
    assert len(state.timeline) == len(HISTORY)


def test_fold_is_pure() -> None:
    """Folding the same events twice gives equal states and leaves the events unchanged."""
    events = [e for _, _, e in HISTORY]
    dumped = [msgspec.structs.asdict(e) for e in events]
    assert msgspec.structs.asdict(fold(ISSUE, events)) == msgspec.structs.asdict(
        fold(ISSUE, events)
    )
    assert [msgspec.structs.asdict(e) for e in events] == dumped


def test_fold_needs_opened_first() -> None:
    """A history that does not start with `opened` has no state."""
    with pytest.raises(FoldError):
        fold(ISSUE, [ev.Acknowledged(at=at(1), actor="alex")])
    with pytest.raises(FoldError):
        fold(ISSUE, [])


def test_second_opened_event_is_ignored() -> None:
    """A second `opened` (a bad merge) does not reset the issue."""
    events = [opened(), ev.Acknowledged(at=at(5), actor="alex"), opened(10)]
    state = fold(ISSUE, events)
    assert state.status == "acknowledged"
    assert state.opened_at == at(0)


def test_reopen_clears_resolution_and_acknowledgement() -> None:
    """Reopening puts the issue back to open and restarts acknowledgement."""
    events = [
        opened(),
        ev.Acknowledged(at=at(5), actor="alex"),
        ev.Resolved(at=at(10), actor="alex", summary="ok"),
        ev.Closed(at=at(20), actor="alex", customer_satisfaction=2),
        ev.Reopened(at=at(30), actor="sam", reason="Back"),
    ]
    state = fold(ISSUE, events)
    assert state.status == "open"
    assert (state.resolved_at, state.closed_at, state.acknowledged_at) == (None, None, None)
    assert state.first_acknowledged_at == at(5)
    assert state.reopened == 1


def test_issue_folder_without_opened_is_reported_by_show(tmp_repo: Repo) -> None:
    """`show` on an issue whose opened event is missing says which folder, with no traceback."""
    issue_id = tmp_repo.open(now=T0)
    tmp_repo.ok("ack", issue_id, now="2026-03-02T09:05:00Z")
    (first, _) = tmp_repo.event_files(issue_id)
    (tmp_repo.path / first).unlink()
    result = tmp_repo.cli("show", issue_id)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"issues/{issue_id}/" in result.output
    assert "opened" in result.output


def test_store_load_raises_invalid_input_for_a_renamed_event(tmp_path: Path) -> None:
    """An event file whose name disagrees with its content is refused with its place."""
    store = write_history(tmp_path, ISSUE, [0, 1])
    wrong = tmp_path / "issues" / ISSUE / "000002-b00000-commented.yaml"
    (tmp_path / "issues" / ISSUE / "000002-b00000-updated.yaml").rename(wrong)
    with pytest.raises(InvalidInput) as caught:
        store.load(ISSUE)
    assert f"issues/{ISSUE}/000002-b00000-commented.yaml:1:1" in str(caught.value)
