"""Issue ids: unique without coordination, sortable by day, and resolvable by unique prefix."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escmatrix.core import ids
from escmatrix.core.errors import NotFound, UsageError
from escmatrix.store.issues import IssueStore
from tests.support import TIMES, Repo

ID = st.text(alphabet=ids.ALPHABET, min_size=9, max_size=9)


def test_new_id_shape() -> None:
    """An id is 9 characters of lower-case Crockford base32, day first."""
    issue_id = ids.new_issue_id(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    assert len(issue_id) == 9
    assert ids.is_issue_id(issue_id)
    assert issue_id[:3] == "26c"  # 2252 days after 2020-01-01
    assert not set(issue_id) & set("ilou")


def test_new_ids_on_one_day_share_the_day_and_differ() -> None:
    """Ids made the same day share the first three characters and are all different."""
    when = datetime(2026, 3, 2, 23, 59, tzinfo=UTC)
    made = [ids.new_issue_id(when) for _ in range(100)]
    assert len(set(made)) == 100
    assert {m[:3] for m in made} == {"26c"}


def test_day_part_uses_utc() -> None:
    """The day is the UTC day, so two laptops in different timezones agree."""
    from zoneinfo import ZoneInfo

    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # already 3 March in Berlin
    berlin = late.astimezone(ZoneInfo("Europe/Berlin"))
    assert berlin.day == 3
    assert ids.new_issue_id(berlin)[:3] == ids.new_issue_id(late)[:3] == "26c"


@settings(database=None)
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2100, 1, 1)), st.integers(1, 4000))
def test_ids_sort_by_day(day: date, later: int) -> None:
    """An id made on a later day sorts after one made on an earlier day."""
    first = datetime(day.year, day.month, day.day, tzinfo=UTC)
    second = first + timedelta(days=later)
    if second.date() > date(2109, 1, 1):  # the 3-character day counter wraps after ~89 years
        return
    assert ids.new_issue_id(first)[:3] < ids.new_issue_id(second)[:3]


def test_shortest_unique_examples() -> None:
    """Each id gets the shortest prefix (at least 4) no other id shares."""
    short = ids.shortest_unique(["26cpjn4xn", "26cpjq111", "27aaaaaaa"])
    assert short == {"26cpjn4xn": "26cpjn", "26cpjq111": "26cpjq", "27aaaaaaa": "27aa"}
    assert ids.shortest_unique(["26cpjn4xn"]) == {"26cpjn4xn": "26cp"}
    assert ids.shortest_unique([]) == {}


@settings(database=None)
@given(st.sets(ID, min_size=1, max_size=30))
def test_shortest_unique_is_unique_and_minimal(all_ids: set[str]) -> None:
    """Every short id names exactly its issue, and one character less would not (above 4)."""
    short = ids.shortest_unique(all_ids)
    assert set(short) == all_ids
    for full, prefix in short.items():
        assert full.startswith(prefix)
        assert len(prefix) >= 4
        assert [i for i in all_ids if i.startswith(prefix)] == [full]
        if len(prefix) > 4:
            assert len([i for i in all_ids if i.startswith(prefix[:-1])]) > 1


def test_random_bits_fill_exactly_their_width() -> None:
    """Drawn from os.urandom: never past the width asked for, and the top bit is used."""
    draws = [ids.random_bits(30) for _ in range(400)]
    assert all(0 <= d < 2**30 for d in draws)
    assert any(d >= 2**29 for d in draws) and any(d < 2**29 for d in draws)
    assert len(set(draws)) > 390
    assert all(
        ids.is_issue_id(ids.new_issue_id(datetime(2026, 11, 2, tzinfo=UTC))) for _ in range(50)
    )
    assert {len(ids.random_part(w)) for w in (1, 6, 13)} == {1, 6, 13}


@settings(database=None)
@given(st.sets(ID, min_size=1, max_size=30), st.data())
def test_commit_subjects_name_the_issue_by_its_short_id(
    tmp_path_factory: pytest.TempPathFactory, all_ids: set[str], data: st.DataObject
) -> None:
    """The commit's short id, worked out from the ids sharing four characters, is the one
    `shortest_unique` gives over every issue on disk."""
    from escmatrix.app.commit_text import commit_text

    folder = tmp_path_factory.mktemp("issues")
    for name in [*all_ids, "notes", "README.md"]:
        (folder / name).mkdir()
    issue_id = data.draw(st.sampled_from(sorted(all_ids)))
    subject, _ = commit_text(folder, "comment", issue_id, [], fallback="looked")
    assert subject.split()[1] == ids.shortest_unique(all_ids)[issue_id] + ":"


def store_with(tmp_path: Path, *names: str) -> IssueStore:
    for name in names:
        (tmp_path / "issues" / name).mkdir(parents=True)
    return IssueStore(tmp_path)


def test_resolve_unique_prefix(tmp_path: Path) -> None:
    """A unique prefix, in any case, resolves to the one full id."""
    store = store_with(tmp_path, "26cabc123", "26cabd456", "27c000000")
    assert store.resolve("26cabc") == "26cabc123"
    assert store.resolve("26CABD") == "26cabd456"
    assert store.resolve("27") == "27c000000"
    assert store.resolve("26cabc123") == "26cabc123"


def test_resolve_ambiguous_prefix_lists_candidates(tmp_path: Path) -> None:
    """A shared prefix is a usage error listing every candidate."""
    store = store_with(tmp_path, "26cabc123", "26cabd456", "27c000000")
    with pytest.raises(UsageError) as caught:
        store.resolve("26cab")
    assert "26cabc123" in caught.value.message
    assert "26cabd456" in caught.value.message
    assert "27c000000" not in caught.value.message


def test_resolve_unknown_and_invalid(tmp_path: Path) -> None:
    """No match is NotFound (exit 1); a prefix with characters ids never use is a usage error."""
    store = store_with(tmp_path, "26cabc123")
    with pytest.raises(NotFound):
        store.resolve("27")
    for bad in ("", "26c/..", "26cl", "..", "26 c"):
        with pytest.raises(UsageError):
            store.resolve(bad)


def test_resolve_ignores_folders_that_are_not_issues(tmp_path: Path) -> None:
    """A stray folder under issues/ is never taken for an issue."""
    store = store_with(tmp_path, "26cabc123", "26cnotes", "26cabc1234")
    assert store.issue_ids() == ["26cabc123"]
    assert store.resolve("26c") == "26cabc123"


def test_cli_accepts_a_prefix_and_refuses_an_ambiguous_one(tmp_repo: Repo) -> None:
    """Commands take any unique prefix; the day part alone is ambiguous once two issues exist."""
    first = tmp_repo.open("One", now=TIMES[0])
    assert tmp_repo.show(first[:5])["id"] == first
    assert tmp_repo.show(first[:3])["id"] == first
    second = tmp_repo.open("Two", now=TIMES[1])
    result = tmp_repo.cli("show", first[:3])
    assert result.exit_code == 2, result.output
    assert first in result.output
    assert second in result.output
    short = ids.shortest_unique([first, second])
    assert tmp_repo.show(short[second])["id"] == second


def test_issue_ids_are_folders_named_as_ids_from_one_listing(tmp_path: Path) -> None:
    """A file named like an id, or a folder that is not an id, is no issue; `start` keeps the ids
    that start with it (what a prefix resolves among), sorted."""
    store = store_with(tmp_path, "26cabc123", "26cabd456", "26cnotes", "27xyz7890")
    (tmp_path / "issues" / "26cabc999").write_text("not a folder", encoding="utf-8")
    assert store.issue_ids() == ["26cabc123", "26cabd456", "27xyz7890"]
    assert store.issue_ids("26cab") == ["26cabc123", "26cabd456"]
    assert store.issue_ids("26cabc") == ["26cabc123"]
    assert store.resolve("26cabc") == "26cabc123"
    assert IssueStore(tmp_path / "elsewhere").issue_ids() == []
