"""A cache built from nothing folds issue folders on every core, with the answers and the errors of
folding them one by one."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import msgspec
import pytest

from escmatrix.core import events as ev
from escmatrix.core.errors import InvalidInput
from escmatrix.store import rebuild
from escmatrix.store.atomic import durability
from escmatrix.store.cache_files import compact_row
from escmatrix.store.issues import IssueStore
from tests.test_properties_fold import EXAMPLES, T0


def many_issues(root: Path, count: int) -> tuple[IssueStore, list[str]]:
    """`count` issues, every third one resolved, written through the store."""
    store = IssueStore(root)
    ids = [f"26c{n:06d}"[:9] for n in range(count)]
    with durability(False):
        for n, issue_id in enumerate(ids):
            at = T0 + timedelta(minutes=n)
            opened = msgspec.structs.replace(EXAMPLES["opened"], at=at, title=f"issue {n}")
            later: list[ev.EventBase] = [msgspec.structs.replace(EXAMPLES["acknowledged"], at=at)]
            if n % 3 == 0:
                later.append(msgspec.structs.replace(EXAMPLES["resolved"], at=at))
            store.append(issue_id, [opened, *later])
    return store, ids


def test_the_pool_folds_what_one_by_one_folds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, ids = many_issues(tmp_path, 60)
    one_by_one = {i: rebuild.fold_one(i, store.load, compact_row) for i in ids}
    pooled = rebuild._in_pool(ids, store.load, compact_row, 2)
    assert pooled == one_by_one
    monkeypatch.setattr(rebuild, "PARALLEL_FROM", 10)
    assert rebuild.fold_many(ids, store.load, compact_row) == one_by_one
    active = {i for i, (row, encoded) in one_by_one.items() if encoded is not None}
    assert len(active) == 40  # the two in three not resolved carry their state for the cache


def test_a_broken_event_file_fails_as_it_does_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, ids = many_issues(tmp_path, 30)
    broken = next((tmp_path / "issues" / ids[17]).glob("*-acknowledged.yaml"))
    broken.write_text(broken.read_text(encoding="utf-8") + "note: [unclosed\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as alone:
        store.load(ids[17])
    monkeypatch.setattr(rebuild, "PARALLEL_FROM", 10)
    with pytest.raises(InvalidInput) as pooled:
        rebuild.fold_many(ids, store.load, compact_row)
    assert str(pooled.value) == str(alone.value)
    assert pooled.value.problems == alone.value.problems


def test_a_few_changed_folders_take_their_kept_states(tmp_path: Path) -> None:
    """Up to KEPT_FIRST folders: a state kept for one is taken instead of folding its files;
    None folds them."""
    store, ids = many_issues(tmp_path, 3)
    kept = {ids[0]: store.load(ids[1])}  # a kept state, told apart by its title
    folded = rebuild.fold_many(ids, store.load, compact_row, kept=kept.get)
    assert folded[ids[0]] == rebuild.fold_one(ids[1], store.load, compact_row)
    assert folded[ids[2]] == rebuild.fold_one(ids[2], store.load, compact_row)
