"""A command that changes an issue decides on its state from the local cache while the issue's
folder holds what was folded (the file listing kept with the state, or every file hashed against
the folder's tree), and records the state its files fold to.

The store is the real one; the tests count its `read_event` calls by wrapping it, to tell a
decision made from the cache from one made by reading the files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from escmatrix.app.clock import Clock
from escmatrix.app.workspace import Recorded, Workspace
from escmatrix.core import responder
from escmatrix.core.events import EventBase
from escmatrix.store.issues import EventFile, IssueStore
from tests.support import T0, Repo

LATER = "2026-03-02T11:15:30.250000+02:00"  # a fraction of a second, at an offset


def _update(ws: Workspace, issue: str, status: str) -> Recorded:
    return ws.act(
        issue,
        "update",
        lambda c, s: responder.status_update(
            c, s, status=status, next_steps="Ship the fix", owner=None, dependencies=""
        ),
        lambda s: "updated",
    )


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The event files the store reads from now on, by name."""
    seen: list[str] = []
    real = IssueStore.read_event

    def counted(self: IssueStore, file: EventFile) -> EventBase:
        seen.append(file.path.name)
        return real(self, file)

    monkeypatch.setattr(IssueStore, "read_event", counted)
    return seen


def test_a_command_decides_on_the_cached_state_and_records_what_its_files_fold_to(
    tmp_repo: Repo, reads: list[str]
) -> None:
    issue = tmp_repo.open()
    tmp_repo.ok("ack", issue, now=T0)
    tmp_repo.ok("sweep")  # keeps every active issue's state, with no file listing
    reads.clear()
    ws = Workspace(tmp_repo.path, Clock.from_option(LATER))
    done = _update(ws, issue, "Reproduced on a test account")
    assert reads == []  # decided on the cached state, checked against the folder's tree
    assert done.before is not None and done.before.status == "acknowledged"
    again = Workspace(tmp_repo.path, Clock.from_option(LATER))
    assert done.state == again.store.load(issue)  # what the files fold to, to the second
    assert list(done.events) == again.store.events(issue)[-1:]
    assert done.state.last_status == "Reproduced on a test account"


def test_an_uncommitted_edit_is_decided_on_from_the_files(tmp_repo: Repo, reads: list[str]) -> None:
    """A hand edit the cache has not seen: the folder no longer holds the tree's files, so the
    command reads them, and decides on what they say."""
    issue = tmp_repo.open()
    tmp_repo.ok("sweep")
    opened = next((tmp_repo.path / "issues" / issue).glob("*-opened.yaml"))
    text = opened.read_text(encoding="utf-8")
    opened.write_text(text.replace("Checkout returns 500", "Checkout returns 502"), "utf-8")
    reads.clear()
    ws = Workspace(tmp_repo.path, Clock.from_option(LATER))
    done = _update(ws, issue, "Looking into it")
    assert Path(opened).name in reads
    assert done.before is not None and done.before.title == "Checkout returns 502"
    assert done.state == Workspace(tmp_repo.path, Clock.from_option(LATER)).store.load(issue)


def test_without_the_cache_every_decision_reads_the_files(tmp_repo: Repo, reads: list[str]) -> None:
    issue = tmp_repo.open()
    tmp_repo.ok("sweep")
    reads.clear()
    ws = Workspace(tmp_repo.path, Clock.from_option(LATER), use_cache=False)
    done = _update(ws, issue, "Looking into it")
    assert reads  # the opened event at least
    assert done.state == ws.store.load(issue)


def test_after_show_the_listing_kept_with_the_state_is_enough(
    tmp_repo: Repo, reads: list[str]
) -> None:
    """`show` keeps the folder's file listing with the state; while it holds, no file is read
    or hashed. A file written since (even with the same bytes) no longer matches: read again."""
    issue = tmp_repo.open()
    tmp_repo.ok("show", issue)
    reads.clear()
    ws = Workspace(tmp_repo.path, Clock.from_option(LATER))
    assert ws.cache.state_on_disk(issue) == ws.store.load(issue)
    reads.clear()
    assert ws.cache.state_on_disk(issue) is not None and reads == []
    opened = next((tmp_repo.path / "issues" / issue).glob("*-opened.yaml"))
    opened.write_bytes(opened.read_bytes())  # the same bytes, a new change time
    state = ws.cache.state_on_disk(issue)
    assert (reads == [] and state is None) or state == ws.store.load(issue)


def test_the_state_a_command_records_is_kept_for_the_next_one(
    tmp_repo: Repo, reads: list[str]
) -> None:
    """A command keeps the state it recorded, under its folder's new tree and the files as
    written: a second command on the issue and `show` read no event file, and see what the files
    fold to. A hand edit after it is seen: the files are read again."""
    issue = tmp_repo.open()
    reads.clear()
    first = _update(Workspace(tmp_repo.path, Clock.from_option(LATER)), issue, "First look")
    reads.clear()
    ws = Workspace(tmp_repo.path, Clock.from_option(LATER))
    second = _update(ws, issue, "Second look")
    assert reads == []
    assert second.before == first.state
    fresh = Workspace(tmp_repo.path, Clock.from_option(LATER))
    assert fresh.cache.state(issue, fresh.store.load) == fresh.store.load(issue)
    reads.clear()
    shown = Workspace(tmp_repo.path, Clock.from_option(LATER))
    assert shown.cache.state(issue, shown.store.load) == second.state and reads == []
    latest = sorted((tmp_repo.path / "issues" / issue).glob("*-updated.yaml"))[-1]
    latest.write_text(latest.read_text("utf-8").replace("Second look", "Edited"), "utf-8")
    reads.clear()
    edited = Workspace(tmp_repo.path, Clock.from_option(LATER))
    done = _update(edited, issue, "Third look")
    assert reads and done.before is not None and done.before.last_status == "Edited"


def test_without_the_cache_nothing_is_kept(tmp_repo: Repo) -> None:
    """With `--no-cache` a command keeps no state: the cached one it left behind no longer
    matches the folder, so the next cached command folds the files."""
    issue = tmp_repo.open()
    cached = Workspace(tmp_repo.path, Clock.from_option(LATER))
    assert cached.cache.state_on_disk(issue) is not None  # kept by `open`
    _update(Workspace(tmp_repo.path, Clock.from_option(LATER), use_cache=False), issue, "Off")
    assert Workspace(tmp_repo.path, Clock.from_option(LATER)).cache.state_on_disk(issue) is None


def test_the_summaries_after_a_command_take_its_kept_state(
    tmp_repo: Repo, reads: list[str]
) -> None:
    """After a command, the summaries (`list`) refold only its issue, from the state it kept,
    and give the rows the files give; a folder changed by hand since is folded from its files."""
    first, second = tmp_repo.open(), tmp_repo.open()
    tmp_repo.ok("list")
    _update(Workspace(tmp_repo.path, Clock.from_option(LATER)), first, "Kept")
    reads.clear()
    rows = Workspace(tmp_repo.path, Clock.from_option(LATER)).summaries()
    assert reads == []
    files = Workspace(tmp_repo.path, Clock.from_option(LATER), use_cache=False)
    assert rows == files.summaries()
    _update(Workspace(tmp_repo.path, Clock.from_option(LATER)), second, "Then edited")
    latest = sorted((tmp_repo.path / "issues" / second).glob("*-updated.yaml"))[-1]
    latest.write_text(latest.read_text("utf-8").replace("Then edited", "By hand"), "utf-8")
    tmp_repo.git("commit", "-qam", "edit by hand")
    reads.clear()
    rows = Workspace(tmp_repo.path, Clock.from_option(LATER)).summaries()
    assert latest.name in reads and rows == files.summaries()


def test_open_records_the_state_its_file_folds_to_without_reading_it(
    tmp_repo: Repo, reads: list[str]
) -> None:
    """A new issue's folder holds just the event `open` wrote: its state is folded from that
    event as written, which is what reading the file back gives, to the second."""
    from escmatrix.core.routing import IssueFacts

    ws = Workspace(tmp_repo.path, Clock.from_option(LATER))
    done, _ = ws.open_issue(IssueFacts("product-defect", "sev2"), "Export drops totals", "")
    assert reads == []
    again = Workspace(tmp_repo.path, Clock.from_option(LATER))
    assert done.state == again.store.load(done.state.id)
    assert done.state.opened_at == again.store.load(done.state.id).opened_at


def test_a_sweep_keeps_the_states_it_recorded_at_once(
    tmp_repo: Repo, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sweep --apply` commits once an issue and keeps the states it recorded in the cache in one
    save at the end (each save rewrites the states file); each is what its files fold to, and the
    next command on the issue reads no event file."""
    from escmatrix.store.cache import IssueCache

    issues = [
        tmp_repo.open(f"Checkout returns 50{n}", now="2026-03-02T09:00:00Z") for n in range(3)
    ]
    saves: list[list[str]] = []
    real = IssueCache.keep_written

    def counted(self: IssueCache, written: list[Any]) -> None:
        saves.append([issue for issue, _ in written])
        real(self, written)

    monkeypatch.setattr(IssueCache, "keep_written", counted)
    commits = tmp_repo.commit_count()
    tmp_repo.ok("sweep", "--apply", now="2026-03-02T09:40:00Z")
    assert tmp_repo.commit_count() == commits + 3  # still a commit an issue
    # each commit started from the trees the one before wrote: HEAD holds every event written
    assert tmp_repo.git("status", "--porcelain", "--untracked-files=all").strip() == ""
    assert [sorted(saved) for saved in saves] == [sorted(issues)]
    reads.clear()
    ws = Workspace(tmp_repo.path, Clock.from_option("2026-03-02T09:40:00Z"))
    kept = {issue: ws.cache.state_on_disk(issue) for issue in issues}
    assert reads == []
    for issue, state in kept.items():
        assert state is not None and state.tier == "team-lead"
        assert state == ws.store.load(issue)


def test_update_decides_without_routing_or_the_escalation_planner(tmp_repo: Repo) -> None:
    """`update` imports neither routing nor the escalation planner (the responder imports them
    where `open`, `ack` and `escalate` use them); `escalate` still plans with the ladder."""
    issue = tmp_repo.open()
    flags = ["-m", "Reproduced", "--next", "Ship the fix", "--dependencies", "none"]
    _, loaded = tmp_repo.imports("update", issue, *flags, now=T0)
    assert "escmatrix.core.routing" not in loaded
    assert "escmatrix.core.escalation" not in loaded
    _, loaded = tmp_repo.imports("escalate", issue, "--reason", "Customer asked", now=T0)
    assert "escmatrix.core.escalation" in loaded


def test_writes_make_plain_events_without_the_files_models(tmp_repo: Repo) -> None:
    """`update` and `escalate` decide on the cached state and write plain events: the event files'
    pydantic models (`core.event_models`) are never imported, as no event file is read."""
    issue = tmp_repo.open()
    flags = ["-m", "Reproduced", "--next", "Ship the fix", "--dependencies", "none"]
    out, loaded = tmp_repo.imports("update", issue, *flags, now=T0)
    assert out.startswith("updated"), out
    assert "escmatrix.core.events" in loaded
    assert "escmatrix.core.event_models" not in loaded
    out, loaded = tmp_repo.imports("escalate", issue, "--reason", "Customer asked", now=T0)
    assert out.startswith("escalated"), out
    assert "escmatrix.core.event_models" not in loaded
    _, loaded = tmp_repo.imports("--no-cache", "show", issue, now=T0)
    assert "escmatrix.core.event_models" in loaded  # reading the files validates them
