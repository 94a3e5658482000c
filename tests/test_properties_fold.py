"""Property-based tests over the fold: the same event files, whatever order they were written or
listed in, give the same state once sorted by (seq, random) as the store does."""

from __future__ import annotations

import random
import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escmatrix.core import events as ev
from escmatrix.core.errors import EscmatrixError
from escmatrix.core.issue import IssueState, fold
from escmatrix.store.issues import EVENT_NAME, EventFile, IssueStore

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Examples that write event files through the store (temp file, fsync, rename) cost real disk
# time: fewer of them.
STORE_SETTINGS = settings(SETTINGS, max_examples=60)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ISSUE = "26c0000aa"
STAMP = {"at": T0, "actor": "alex", "matrix": "c0ffee"}

# One valid event of every kind (the loader tests start their edits from these).
EXAMPLES: dict[str, ev.EventBase] = {
    "opened": ev.Opened(
        **STAMP,
        title="Checkout returns 500",
        category="product-defect",
        severity="sev2",
        rule="catch-all",
        owner="alex",
        tier="frontline",
        engaged="alex",
    ),
    "acknowledged": ev.Acknowledged(**STAMP, note="on it"),
    "updated": ev.Updated(**STAMP, status="Rolled back", next_steps="Watch"),
    "assigned": ev.Assigned(**STAMP, owner="sam", previous="alex", reason="Sam knows it"),
    "escalated": ev.Escalated(
        **STAMP, tier="team-lead", previous="frontline", engaged="kim", reason="stuck"
    ),
    "deescalated": ev.Deescalated(
        **STAMP, tier="frontline", previous="team-lead", engaged="alex", reason="calm"
    ),
    "overridden": ev.Overridden(
        **STAMP,
        owner="sam",
        tier="manager",
        engaged="pat",
        previous_owner="alex",
        previous_tier="frontline",
        reason="cannot act in time",
    ),
    "reconciled": ev.Reconciled(**STAMP, learning="add a backup"),
    "rerouted": ev.Rerouted(
        **STAMP, rule="catch-all", owner="sam", tier="frontline", engaged="sam", severity="sev1"
    ),
    "paused": ev.Paused(**STAMP, waiting_on="customer", reason="logs"),
    "resumed": ev.Resumed(**STAMP, note="logs came"),
    "resolved": ev.Resolved(**STAMP, summary="fixed", root_cause="a bad deploy"),
    "reopened": ev.Reopened(**STAMP, reason="it came back"),
    "closed": ev.Closed(**STAMP, customer_satisfaction=4, partner_satisfaction=None),
    "alerted": ev.Alerted(
        **STAMP, alert="at-risk", clock="first response", due=T0 + timedelta(hours=1)
    ),
    "commented": ev.Commented(**STAMP, text="hello"),
    "noted": ev.Noted(**STAMP, text="internal only"),
    "communicated": ev.Communicated(
        **STAMP, audience="customer", recipient="acme", text="We are on it", sha256="0" * 64
    ),
    "debriefed": msgspec.convert(
        {
            **STAMP,
            "root_cause": "a bad deploy",
            "went_well": ["fast rollback"],
            "repair": [{"who": "alex", "contact": "acme", "by": "2026-03-09", "action": "call"}],
            "follow_ups": [{"item": "add a canary", "owner": "sam", "due": "2026-03-16"}],
        },
        ev.Debriefed,
    ),
    "fulfilled": ev.Fulfilled(**STAMP, item=1, note="canary added"),
    "linked": ev.Linked(
        **STAMP, kind="jira", url="https://acme.atlassian.net/browse/OPS-1", ref="OPS-1"
    ),
}
FIXED_TEXT = ("waiting_on", "alert", "audience", "sha256", "rule", "severity", "kind")

PEOPLE = st.sampled_from(["alex", "sam", "kim", "pat", "jo", "automation"])
TIERS = st.sampled_from(["frontline", "team-lead", "manager", "executive"])
TEXT = st.text(min_size=1, max_size=40)
TIMES = st.integers(0, 14 * 24 * 3600).map(lambda s: T0 + timedelta(seconds=s))


@st.composite
def later_event(draw: st.DrawFn) -> ev.EventBase:
    """Any event but `opened`, with a random actor, time and text (whole seconds, UTC)."""
    kind = draw(st.sampled_from([k for k in EXAMPLES if k != "opened"]))
    stamp = {
        "at": draw(TIMES),
        "actor": draw(PEOPLE),
        "matrix": draw(st.sampled_from(["", "c0ffee", "beef"])),
    }
    example = EXAMPLES[kind]
    changes: dict[str, object] = {}
    for name, value in msgspec.structs.asdict(example).items():
        if name in stamp or name == "event":
            continue
        if isinstance(value, str) and name not in FIXED_TEXT:
            if name in ("owner", "previous", "engaged", "previous_owner", "recipient"):
                changes[name] = draw(PEOPLE)
            elif name in ("tier", "previous_tier"):
                changes[name] = draw(TIERS)
            else:
                changes[name] = draw(TEXT)
    if kind == "paused":
        changes["waiting_on"] = draw(st.sampled_from(["customer", "partner"]))
    if kind == "alerted":
        changes["alert"] = draw(st.sampled_from(["at-risk", "breached", "update-due"]))
        changes["due"] = draw(TIMES)
    if kind == "closed":
        changes["customer_satisfaction"] = draw(st.none() | st.integers(1, 5))
    if kind == "escalated":
        changes["automatic"] = draw(st.booleans())
    return msgspec.structs.replace(example, **stamp, **changes)


OPENED = st.builds(
    lambda at, title: msgspec.structs.replace(EXAMPLES["opened"], at=at, title=title),
    TIMES,
    st.text(min_size=1, max_size=60),
)


def test_every_event_kind_has_an_example() -> None:
    """The property tests draw from EXAMPLES: a new event kind needs one here to be covered."""
    assert set(EXAMPLES) == set(ev.EVENT_KINDS)


def copy_in_order(files: list[Path], dest: Path) -> None:
    """Create the same files in `dest`, in the given order (directory order follows creation)."""
    dest.mkdir(parents=True)
    for path in files:
        shutil.copyfile(path, dest / path.name)


def state_of(root: Path) -> IssueState:
    return IssueStore(root).load(ISSUE)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fold")


def fresh(scratch: Path, name: str) -> Path:
    root = scratch / name
    shutil.rmtree(root, ignore_errors=True)
    (root / "issues").mkdir(parents=True)
    return root


@STORE_SETTINGS
@given(
    opened=OPENED,
    common=st.lists(later_event(), max_size=4),
    mine=st.lists(later_event(), max_size=5),
    theirs=st.lists(later_event(), max_size=5),
    seed=st.integers(0, 2**32 - 1),
)
def test_two_clones_fold_identically_in_any_file_order(
    scratch: Path,
    opened: ev.Opened,
    common: list[ev.EventBase],
    mine: list[ev.EventBase],
    theirs: list[ev.EventBase],
    seed: int,
) -> None:
    """Two clones append after a shared history (colliding seqs); the merged folder, its files
    created in two different orders, folds to one state; so does any shuffle sorted by the key."""
    a, b = fresh(scratch, "a"), fresh(scratch, "b")
    store_a = IssueStore(a)
    store_a.append(ISSUE, [opened])
    for event in common:
        store_a.append(ISSUE, [event])
    shutil.copytree(a / "issues" / ISSUE, b / "issues" / ISSUE)
    store_b = IssueStore(b)
    for event in mine:
        store_a.append(ISSUE, [event])
    store_b.append(ISSUE, theirs)  # one call, several files: the batch path of append
    merged = sorted(
        {
            p.name: p
            for p in [*(a / "issues" / ISSUE).iterdir(), *(b / "issues" / ISSUE).iterdir()]
        }.values()
    )
    assert len(merged) == 1 + len(common) + len(mine) + len(theirs)
    shuffled = merged[:]
    random.Random(seed).shuffle(shuffled)
    one, two = fresh(scratch, "one"), fresh(scratch, "two")
    copy_in_order(merged, one / "issues" / ISSUE)
    copy_in_order(shuffled, two / "issues" / ISSUE)
    first, second = state_of(one), state_of(two)
    assert first == second

    store = IssueStore(one)
    files = store.event_files(ISSUE)
    events = {f.path.name: store.read_event(f) for f in files}
    for attempt in range(3):
        order = files[:]
        random.Random(seed + attempt).shuffle(order)
        order.sort(key=lambda f: f.sort_key)
        assert fold(ISSUE, [events[f.path.name] for f in order]) == first
    # Events written after seeing others sort after them: each clone's own events keep their order.
    positions = {f.path.name: i for i, f in enumerate(files)}
    for folder in (a, b):
        own = sorted((folder / "issues" / ISSUE).iterdir(), key=lambda p: int(p.name[:6]))
        assert [positions[p.name] for p in own] == sorted(positions[p.name] for p in own)


@SETTINGS
@given(opened=OPENED, later=st.lists(later_event(), max_size=12), seed=st.integers(0, 2**32 - 1))
def test_fold_is_deterministic_and_total(
    opened: ev.Opened, later: list[ev.EventBase], seed: int
) -> None:
    """Any sequence of valid events after `opened` folds (no error) and folds the same way twice."""
    events: list[ev.EventBase] = [opened, *later]
    state = fold(ISSUE, events)
    assert fold(ISSUE, list(events)) == state
    assert len(state.timeline) == len(events)
    assert state.status in ("open", "acknowledged", "paused", "resolved", "closed")
    rng = random.Random(seed)
    if later:
        shuffled = later[:]
        rng.shuffle(shuffled)
        fold(ISSUE, [opened, *shuffled])  # any order of valid events folds without error


@STORE_SETTINGS
@given(later=st.lists(later_event(), min_size=1, max_size=5))
def test_a_folder_without_opened_first_is_our_error(
    scratch: Path, later: list[ev.EventBase]
) -> None:
    """Events without `opened` first: the store refuses with InvalidInput naming the folder."""
    root = fresh(scratch, "headless")
    IssueStore(root).append(ISSUE, later)
    with pytest.raises(EscmatrixError) as caught:
        IssueStore(root).load(ISSUE)
    assert ISSUE in str(caught.value)


@STORE_SETTINGS
@given(opened=OPENED, later=st.lists(later_event(), max_size=6))
def test_events_round_trip_through_the_store(
    scratch: Path, opened: ev.Opened, later: list[ev.EventBase]
) -> None:
    """What `append` writes, `read_event` reads back as the same events (text exactly)."""
    root = fresh(scratch, "round-trip")
    store = IssueStore(root)
    written = [opened, *later]
    store.append(ISSUE, written)
    assert store.events(ISSUE) == written


@STORE_SETTINGS
@given(
    opened=OPENED,
    later=st.lists(later_event(), max_size=5),
    micros=st.lists(st.integers(0, 999_999), min_size=6, max_size=6),
    offsets=st.lists(st.integers(-14 * 60, 14 * 60), min_size=6, max_size=6),
)
def test_events_as_written_are_what_the_store_reads_back(
    scratch: Path,
    opened: ev.Opened,
    later: list[ev.EventBase],
    micros: list[int],
    offsets: list[int],
) -> None:
    """A command works out the state it recorded and its notices from its events `as_written`,
    not from its files read back: they are the same events, whatever the times' offsets and
    fractions of a second, and they fold to the state the files fold to."""
    events = [
        msgspec.structs.replace(
            e, at=e.at.replace(microsecond=u).astimezone(timezone(timedelta(minutes=m)))
        )
        for e, u, m in zip([opened, *later], micros, offsets, strict=False)
    ]
    root = fresh(scratch, "as-written")
    store = IssueStore(root)
    store.append(ISSUE, events)
    written = [ev.as_written(e) for e in events]
    assert store.events(ISSUE) == written
    assert all(e.at.utcoffset() == timedelta(0) and e.at.microsecond == 0 for e in written)
    assert fold(ISSUE, written) == store.load(ISSUE)


names = st.builds(
    lambda seq, rand, kind: f"{seq:06d}-{rand}-{kind}.yaml",
    st.integers(1, 3),
    st.sampled_from(["aaaaaa", "bbbbbb", "000000"]),
    st.sampled_from(ev.EVENT_KINDS),
)


@SETTINGS
@given(first=names, second=names)
def test_the_sort_key_orders_every_two_event_files(first: str, second: str) -> None:
    """Two different event file names never tie on the store's sort key, so the order (and the
    fold) cannot depend on the order the directory lists them in."""

    def key(name: str) -> tuple[int, str]:
        match = EVENT_NAME.match(name)
        assert match
        return EventFile(Path(name), int(match[1]), match[2], match[3]).sort_key

    if first != second:
        assert key(first) != key(second), (
            f"{first} and {second} tie on the sort key: their order follows the directory listing"
        )


@settings(database=None)
@given(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    st.integers(min_value=-23 * 60, max_value=23 * 60),
)
def test_summary_stamps_a_time_as_strftime_does(moment: datetime, minutes: int) -> None:
    """The summary's opening time, made by `isoformat`, is strftime's text for every year and
    offset (its own fields, then Z)."""
    from escmatrix.core.summary import stamp

    at = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    assert stamp(at) == at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert stamp(at.astimezone(UTC)) == at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
