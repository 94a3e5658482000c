"""The read path without pydantic: a folded state written to the cache in MessagePack and read back
is the state the validating path folds from the event files, for any stream of events."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from escmatrix.core import events as ev
from escmatrix.core.issue import IssueState, fold
from escmatrix.store import state_codec
from escmatrix.store.cache import IssueCache
from escmatrix.store.issues import IssueStore
from tests.support import Repo, git, init_git
from tests.test_properties_fold import EXAMPLES, OPENED, SETTINGS, STORE_SETTINGS, later_event

ISSUE = "26c0000bb"
OFFSETS = st.sampled_from([0, 0, 0, 2 * 60, -5 * 60, 5 * 60 + 30])


def canonical(value: Any) -> Any:
    """The value with its types and every time's offset spelled out, so two states compare equal
    only if they would print the same (a tuple is not a list, +02:00 is not Z)."""
    if isinstance(value, datetime):
        return ("datetime", value.isoformat())
    if isinstance(value, date):
        return ("date", value.isoformat())
    if isinstance(value, list | tuple):
        return (type(value).__name__, [canonical(v) for v in value])
    if isinstance(value, set | frozenset):
        return (type(value).__name__, sorted(repr(canonical(v)) for v in value))
    if isinstance(value, dict):
        return ("dict", sorted((k, canonical(v)) for k, v in value.items()))
    if isinstance(value, msgspec.Struct):
        fields = [(name, canonical(getattr(value, name))) for name in value.__struct_fields__]
        return (type(value).__name__, fields)
    return (type(value).__name__, value)


def shifted(event: ev.EventBase, minutes: int) -> ev.EventBase:
    """The same event with its time written at another offset (a hand-written `+02:00`)."""
    if not minutes:
        return event
    zone = timezone(timedelta(minutes=minutes))
    return msgspec.structs.replace(event, at=event.at.astimezone(zone))


def assert_same(folded: IssueState, cached: IssueState) -> None:
    assert cached == folded
    assert canonical(cached) == canonical(folded)


@SETTINGS
@given(opened=OPENED, later=st.lists(st.tuples(later_event(), OFFSETS), max_size=12))
def test_a_state_read_back_from_the_cache_is_the_state_folded(
    opened: ev.Opened, later: list[tuple[ev.EventBase, int]]
) -> None:
    """Any event stream (every kind, times at any offset): fold, encode, decode: the same state,
    with the same types and offsets; plain UTC states without a debrief go as MessagePack."""
    events = [opened, *(shifted(event, minutes) for event, minutes in later)]
    folded = fold(ISSUE, events)
    kind, data = state_codec.encode(folded)
    assert_same(folded, state_codec.decode(kind, data))
    plain = not folded.debriefs and all(not minutes for _, minutes in later)
    assert kind == (state_codec.PLAIN if plain else state_codec.PICKLED)


def test_every_event_kind_folds_and_reads_back() -> None:
    """One stream with every kind of event: the fold's every branch goes through the codec."""
    events = [
        EXAMPLES["opened"],
        *(e for k, e in EXAMPLES.items() if k not in ("opened", "debriefed")),
    ]
    folded = fold(ISSUE, events)
    kind, data = state_codec.encode(folded)
    assert kind == state_codec.PLAIN
    assert_same(folded, state_codec.decode(kind, data))


def test_garbage_is_not_a_state() -> None:
    for kind in (state_codec.PLAIN, state_codec.PICKLED):
        try:
            state_codec.decode(kind, b"\x93\x01\x02")
        except ValueError:
            continue
        raise AssertionError("garbage decoded as a state")


def committed_repo(tmp_path: Path, events: list[ev.EventBase]) -> tuple[Path, IssueStore]:
    root = tmp_path / "repo"
    root.mkdir()
    init_git(root)
    store = IssueStore(root)
    store.append(ISSUE, events[:1])
    for event in events[1:]:
        store.append(ISSUE, [event])
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "events")
    return root, store


@STORE_SETTINGS
@given(opened=OPENED, later=st.lists(later_event(), max_size=8))
def test_the_cache_and_the_files_give_one_state(
    tmp_path_factory: Any, opened: ev.Opened, later: list[ev.EventBase]
) -> None:
    """Through real files in a real repository: the validating path (read and validate every
    event file, fold) and the cache (folded once, then read back without the models) agree."""
    root, store = committed_repo(tmp_path_factory.mktemp("codec"), [opened, *later])
    git_dir = root / ".git"
    from_files = store.load(ISSUE)
    first = IssueCache(root, git_dir, root).state(ISSUE, store.load)  # folds, keeps
    assert first is not None
    assert_same(from_files, first)

    def refuse(_: str) -> IssueState:
        raise AssertionError("the cache should have answered")

    again = IssueCache(root, git_dir, root).state(ISSUE, refuse)  # read back, no fold
    assert again is not None
    assert_same(from_files, again)


def test_show_reads_no_event_models_from_a_warm_cache(tmp_repo: Repo) -> None:
    """`show` from a warm cache imports neither pydantic's event models nor YAML."""
    issue = tmp_repo.open("warm")
    tmp_repo.ok("show", issue)
    stdout, loaded = tmp_repo.imports("show", issue, now="2026-03-02T09:00:00Z")
    assert "warm" in stdout
    assert "escmatrix.core.events" not in loaded
    assert "yaml" not in loaded


def test_show_trusts_a_state_a_bulk_read_kept_only_while_the_folder_is_committed(
    tmp_repo: Repo,
) -> None:
    """`sweep` keeps folded states without the folder's file listing: `show` then takes such a
    state without folding (no event models) while the folder on disk is HEAD's, and not once an
    event file git ignores was added, or an event file was edited by hand, after the bulk read."""
    one, two, three = (tmp_repo.open(f"bulk {n}") for n in ("one", "two", "three"))
    tmp_repo.ok("sweep", now="2026-03-02T09:10:00Z")  # reads every active state in bulk
    stdout, loaded = tmp_repo.imports("show", one, now="2026-03-02T09:20:00Z")
    assert "bulk one" in stdout
    assert "escmatrix.core.events" not in loaded
    (tmp_repo.path / ".gitignore").write_text("issues/*/000009-*\n", encoding="utf-8")
    hidden = tmp_repo.path / "issues" / two / "000009-zzzzzz-acknowledged.yaml"
    hidden.write_text(
        "event: acknowledged\nat: '2026-03-02T09:15:00Z'\nactor: alex\nmatrix: ''\n",
        encoding="utf-8",
    )
    uncached = tmp_repo.ok("--no-cache", "show", two, "--format", "json").stdout
    assert json.loads(uncached)["status"] == "acknowledged"
    assert tmp_repo.ok("show", two, "--format", "json").stdout == uncached
    opened = next((tmp_repo.path / "issues" / three).glob("*-opened.yaml"))
    text = opened.read_text(encoding="utf-8")
    opened.write_text(text.replace("title: bulk three", "title: edited by hand"), "utf-8")
    assert tmp_repo.show(three)["title"] == "edited by hand"


def test_show_sees_an_uncommitted_hand_edit(tmp_repo: Repo) -> None:
    """A cached state is used only while the folder's files are what was folded: an event file
    edited by hand and not committed is shown at once, as `--no-cache` shows it."""
    issue = tmp_repo.open("before edit")
    assert tmp_repo.show(issue)["title"] == "before edit"
    assert tmp_repo.show(issue)["title"] == "before edit"  # now from the cache
    opened = next((tmp_repo.path / "issues" / issue).glob("*-opened.yaml"))
    text = opened.read_text(encoding="utf-8")
    opened.write_text(text.replace("title: before edit", "title: after edit"), encoding="utf-8")
    cached = tmp_repo.ok("show", issue, "--format", "json").stdout
    uncached = tmp_repo.ok("--no-cache", "show", issue, "--format", "json").stdout
    assert cached == uncached
    assert json.loads(cached)["title"] == "after edit"


def test_show_follows_hand_commits_and_resets_after_a_list_checked_every_state(
    tmp_repo: Repo,
) -> None:
    """Once `list` has checked every active state against HEAD's issues/ tree, `show` takes the
    issue's folder tree from that check instead of asking git: until HEAD moves. A commit made by
    hand, a reset and a command on another issue are followed as `--no-cache` follows them."""
    issue = tmp_repo.open("checked")
    other = tmp_repo.open("other")

    def shown() -> str:
        cached = tmp_repo.ok("show", issue, "--format", "json").stdout
        assert cached == tmp_repo.ok("--no-cache", "show", issue, "--format", "json").stdout
        return str(json.loads(cached)["title"])

    tmp_repo.ok("list")
    assert shown() == "checked"
    assert shown() == "checked"  # the entry now lists the folder's files
    opened = next((tmp_repo.path / "issues" / issue).glob("*-opened.yaml"))
    text = opened.read_text(encoding="utf-8")
    opened.write_text(text.replace("title: checked", "title: edited"), encoding="utf-8")
    tmp_repo.git("commit", "-q", "-am", "edit by hand")
    assert shown() == "edited"
    tmp_repo.ok("list")
    assert shown() == "edited"
    tmp_repo.git("reset", "-q", "--hard", "HEAD~1")
    assert shown() == "checked"
    tmp_repo.ok("list")
    tmp_repo.ok("ack", other)
    assert shown() == "checked"


def test_cached_states_follow_commits_and_checkouts_whatever_was_asked_before(
    tmp_path: Path,
) -> None:
    """Each run asks for other issues (active ones for `list`, all for follow-ups): a state kept
    by one run is never served for another version of its folder by a later one."""
    root, store = committed_repo(tmp_path, [EXAMPLES["opened"]])
    other = "26c0000cc"
    store.append(other, [EXAMPLES["opened"]])
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "another")

    def states(wanted: Any) -> dict[str, IssueState]:
        found = IssueCache(root, root / ".git", root).states(store.load, wanted)
        assert found is not None
        return {s.id: s for s in found}

    def everything(_: Any) -> bool:
        return True

    def active(row: Any) -> bool:
        return bool(row.is_active)

    assert {s.status for s in states(everything).values()} == {"open"}
    store.append(ISSUE, [EXAMPLES["resolved"]])
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "resolve")
    assert set(states(active)) == {other}  # the resolved one is not asked for
    after = states(everything)
    assert after[ISSUE].status == "resolved"
    assert_same(store.load(ISSUE), after[ISSUE])
    git(root, "checkout", "-q", "HEAD~1")
    before = states(everything)
    assert before[ISSUE].status == "open"
    assert_same(store.load(ISSUE), before[ISSUE])
    assert states(everything)[ISSUE].status == "open"  # and again, from the cache
