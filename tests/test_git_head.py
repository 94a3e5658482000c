"""HEAD's commit read from the ref files is git's own answer, or None where it is not plain; the
cache's `issues/` tree follows HEAD however it moves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from escmatrix.store.git_head import head_commit
from tests.support import Repo, git, init_git


def committed(path: Path, name: str = "a.txt") -> str:
    (path / name).write_text(name, encoding="utf-8")
    git(path, "add", name)
    git(path, "commit", "-q", "-m", name)
    return git(path, "rev-parse", "HEAD").strip()


def test_a_loose_branch_ref(tmp_path: Path) -> None:
    init_git(tmp_path)
    head = committed(tmp_path)
    assert head_commit(tmp_path / ".git") == head


def test_a_packed_branch_ref_and_a_loose_one_that_wins(tmp_path: Path) -> None:
    init_git(tmp_path)
    committed(tmp_path)
    git(tmp_path, "pack-refs", "--all")
    assert not (tmp_path / ".git" / "refs" / "heads" / "main").exists()
    assert head_commit(tmp_path / ".git") == git(tmp_path, "rev-parse", "HEAD").strip()
    newer = committed(tmp_path, "b.txt")  # written loose, beside the packed (older) one
    assert head_commit(tmp_path / ".git") == newer


def test_a_detached_head(tmp_path: Path) -> None:
    init_git(tmp_path)
    first = committed(tmp_path)
    committed(tmp_path, "b.txt")
    git(tmp_path, "checkout", "-q", "--detach", first)
    assert head_commit(tmp_path / ".git") == first


def test_a_linked_worktree(tmp_path: Path) -> None:
    main = tmp_path / "main"
    init_git(main)
    committed(main)
    git(main, "worktree", "add", "-q", "-b", "side", str(tmp_path / "side"))
    side = committed(tmp_path / "side", "b.txt")
    git_dir = Path(git(tmp_path / "side", "rev-parse", "--absolute-git-dir").strip())
    assert head_commit(git_dir) == side
    assert head_commit(main / ".git") == git(main, "rev-parse", "HEAD").strip() != side


def test_not_plain_is_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unborn branch, replace refs and the variables that change what HEAD resolves to."""
    init_git(tmp_path)
    assert head_commit(tmp_path / ".git") is None  # no commit yet
    first = committed(tmp_path)
    second = committed(tmp_path, "b.txt")
    monkeypatch.setenv("GIT_NO_REPLACE_OBJECTS", "1")
    assert head_commit(tmp_path / ".git") is None
    monkeypatch.delenv("GIT_NO_REPLACE_OBJECTS")
    git(tmp_path, "replace", second, first)
    assert head_commit(tmp_path / ".git") is None
    git(tmp_path, "pack-refs", "--all")
    assert head_commit(tmp_path / ".git") is None


def test_the_cached_list_follows_head_through_resets_and_checkouts(tmp_repo: Repo) -> None:
    """The issues/ tree is remembered per commit: moving HEAD back and forth (reset, checkout,
    a commit made by hand) gives what `--no-cache` gives each time."""
    first = tmp_repo.open("first")
    before = tmp_repo.head()
    tmp_repo.open("second")

    def titles() -> set[str]:
        cached = tmp_repo.ok("list", "--status", "all", "--format", "json").stdout
        assert (
            cached
            == tmp_repo.ok("--no-cache", "list", "--status", "all", "--format", "json").stdout
        )
        return {row["title"] for row in json.loads(cached)}

    assert titles() == {"first", "second"}
    assert (tmp_repo.path / ".git" / "escmatrix" / "cache" / "head-tree.pickle").is_file()
    tmp_repo.git("reset", "-q", "--hard", before)
    assert titles() == {"first"}
    tmp_repo.git("reset", "-q", "--hard", "HEAD@{1}")
    assert titles() == {"first", "second"}
    tmp_repo.git("checkout", "-q", "--detach", before)
    assert titles() == {"first"}
    tmp_repo.git("checkout", "-q", "main")
    opened = next((tmp_repo.path / "issues" / first).glob("*-opened.yaml"))
    opened.write_text(opened.read_text(encoding="utf-8").replace("title: first", "title: edited"))
    tmp_repo.git("commit", "-q", "-am", "edit by hand")
    assert titles() == {"edited", "second"}
