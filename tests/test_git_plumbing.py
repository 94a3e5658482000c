"""Commits made with git's plumbing: the same commits `git commit` makes, index and work tree kept
consistent, and `git commit` itself where hooks, signing or git's own states call for it."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

import escmatrix.store.git as gitmodule
from escmatrix.core.errors import GitFailure, Refused
from escmatrix.store.git import GitRepo, Identity
from tests.support import T0, TIMES, Repo, git, init_git

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ALEX = Identity("Alex Doe", "alex@example.com")
TRAILERS = {
    "Escmatrix-Issue": "b7k3fx9qa",
    "Escmatrix-Action": "comment",
    "Escmatrix-Actor": "alex",
}


def write(path: Path, text: str = "kind: comment\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def plain(tmp_path: Path, isolated_home: Path) -> Path:
    """A git repository with one commit holding names that sort in git's awkward ways."""
    top = tmp_path / "plain"
    init_git(top)
    for name in ("a", "a.b", "a-b", "a0", "a.c/x", "ab/x", "issues/b7k3fx9qa/000001-aaaaaa-opened.yaml",
                 "issues/b7k3fx9qb/000001-bbbbbb-opened.yaml", "with space/x", "zz"):  # fmt: skip
        write(top / name, f"{name}\n")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "start")
    return top


def consistent(top: Path) -> None:
    """Nothing staged or modified, and the index builds exactly HEAD's tree."""
    assert git(top, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(top, "diff", "--cached", "--name-only") == ""
    assert git(top, "write-tree").strip() == git(top, "rev-parse", "HEAD^{tree}").strip()
    assert git(top, "fsck", "--no-dangling", "--strict") == ""


def test_plumbing_commit_is_byte_identical_to_git_commit(plain: Path) -> None:
    """The same files, message, identity and fixed clock give the very commit `git commit` gives."""
    event = write(plain / "issues/b7k3fx9qa/000002-cccccc-comment.yaml")
    subject, body = "comment b7k3fx9qa: trailing space  ", "First line.\n\n\n\nSecond line.  "
    ours = GitRepo(plain).commit_files([event], subject, body, TRAILERS, ALEX, AT)
    parent = git(plain, "rev-parse", "HEAD~1").strip()
    git(plain, "update-ref", "HEAD", parent)
    git(plain, "reset", "-q")
    hook = write(plain / ".git/hooks/post-commit", "#!/bin/sh\nexit 0\n")
    hook.chmod(0o755)  # a commit hook: the commit goes through `git commit`
    theirs = GitRepo(plain).commit_files([event], subject, body, TRAILERS, ALEX, AT)
    assert theirs == ours
    text = git(plain, "cat-file", "commit", ours)
    assert "\n\ncomment b7k3fx9qa: trailing space\n\nFirst line.\n\nSecond line.\n\n" in text
    trailers = git(plain, "log", "-1", "--format=%(trailers:only,unfold)")
    assert list(filter(None, trailers.splitlines())) == [f"{k}: {v}" for k, v in TRAILERS.items()]
    consistent(plain)


def test_trees_are_the_ones_git_builds_from_the_index(plain: Path) -> None:
    """New and existing folders, names sorting around files and folders alike, below the top."""
    paths = [
        write(plain / name)
        for name in (
            "issues/b7k3fx9qa/000002-cccccc-comment.yaml",  # existing folder
            "issues/b7k3fx9qa/000002-bbbbbb-comment.yaml",  # two in one folder, out of order
            "issues/b7k3fx9q0/000001-dddddd-opened.yaml",  # new folder between existing ones
            "a.a/new",  # folder sorting between the files a-b and a.b
            "a1",  # a file right after a0
            "with space/y",
            "n/e/w/deep.yaml",
        )
    ]
    repo = GitRepo(plain / "issues")  # the escmatrix root below the top of the work tree
    before = git(plain, "rev-parse", "HEAD").strip()
    commit = repo.commit_files(paths, "several", "", TRAILERS, ALEX, AT)
    assert git(plain, "rev-parse", "HEAD").strip() == commit
    assert git(plain, "rev-parse", "HEAD~1").strip() == before
    changed = git(plain, "show", "--name-only", "--format=", "HEAD").split("\n")
    assert sorted(filter(None, changed)) == sorted(repo.rel(p) for p in paths)
    consistent(plain)


def test_other_staged_changes_are_refused_and_stay_staged(plain: Path) -> None:
    """Refused before HEAD moves (git lists what is staged while the commit is made; what it
    staged of ours is unstaged), also right after a commit of ours (the quick check)."""
    repo = GitRepo(plain)
    repo.commit_files(
        [write(plain / "issues/b7k3fx9qa/000002-c-comment.yaml")], "one", "", TRAILERS
    )
    write(plain / "notes.txt", "private\n")
    git(plain, "add", "notes.txt")
    head = git(plain, "rev-parse", "HEAD").strip()
    event = write(plain / "issues/b7k3fx9qa/000003-d-comment.yaml")
    with pytest.raises(Refused, match=r"other changes are staged in git \(notes.txt\)"):
        repo.commit_files([event], "two", "", TRAILERS)
    assert git(plain, "rev-parse", "HEAD").strip() == head
    assert git(plain, "diff", "--cached", "--name-only").split() == ["notes.txt"]
    git(plain, "reset", "-q", "notes.txt")
    repo.commit_files([event], "two", "", TRAILERS)  # the same index bytes as before: no check
    assert git(plain, "status", "--porcelain") == "?? notes.txt\n"


def test_a_commit_by_plain_git_in_between_is_noticed(plain: Path) -> None:
    """After someone else's commit the index and HEAD changed; the staged check runs again."""
    repo = GitRepo(plain)
    repo.commit_files(
        [write(plain / "issues/b7k3fx9qa/000002-c-comment.yaml")], "one", "", TRAILERS
    )
    write(plain / "other.txt")
    git(plain, "add", "other.txt")
    git(plain, "commit", "-q", "-m", "someone else")
    write(plain / "staged.txt")
    git(plain, "add", "staged.txt")
    with pytest.raises(Refused, match=r"staged\.txt"):
        repo.commit_files([write(plain / "issues/b7k3fx9qa/000003-d-x.yaml")], "two", "", TRAILERS)


def test_first_commit_on_an_unborn_branch(tmp_path: Path, isolated_home: Path) -> None:
    """No HEAD yet: the commit is a root commit, logged as git logs an initial commit."""
    top = tmp_path / "new"
    init_git(top)
    write(top / "notes.txt")
    git(top, "add", "notes.txt")
    event = write(top / "issues/b7k3fx9qa/000001-aaaaaa-opened.yaml")
    repo = GitRepo(top)
    with pytest.raises(Refused, match=r"notes\.txt"):
        repo.commit_files([event], "open b7k3fx9qa: first", "", TRAILERS, ALEX, AT)
    git(top, "rm", "-q", "--cached", "notes.txt")
    (top / "notes.txt").unlink()
    commit = repo.commit_files([event], "open b7k3fx9qa: first", "", TRAILERS, ALEX, AT)
    assert git(top, "rev-list", "--parents", "HEAD").split() == [commit]
    assert git(top, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    assert git(top, "reflog", "-1", "--format=%gs").strip() == (
        "commit (initial): open b7k3fx9qa: first"
    )
    consistent(top)


def test_detached_head_is_refused(plain: Path) -> None:
    """On a detached HEAD nothing is committed (a `git switch` would leave it behind): refused with
    a hint, nothing staged, the branch and HEAD where they were (issue 15, case 11)."""
    branch = git(plain, "rev-parse", "main").strip()
    git(plain, "checkout", "-q", "--detach")
    with pytest.raises(Refused, match="HEAD is detached"):
        GitRepo(plain).commit_files([write(plain / "x/y.yaml")], "detached", "", TRAILERS)
    assert git(plain, "rev-parse", "HEAD").strip() == branch
    assert git(plain, "rev-parse", "main").strip() == branch
    assert git(plain, "status", "--porcelain") == "?? x/\n"  # written by the test, never staged


def test_a_moved_head_fails_safely_and_unstages(plain: Path) -> None:
    """update-ref checks the old value: a HEAD that moved meanwhile is not overwritten."""
    repo = GitRepo(plain)
    event = write(plain / "issues/b7k3fx9qa/000002-c-comment.yaml")
    stale_head, stale_tree = repo._head()
    write(plain / "other.txt")
    git(plain, "add", "other.txt")
    git(plain, "commit", "-q", "-m", "moved meanwhile")
    moved = git(plain, "rev-parse", "HEAD").strip()
    settings = repo._read_settings()
    with pytest.raises(GitFailure, match="git refused the commit"):
        repo._commit_plumbing([repo.rel(event)], stale_head, stale_tree, "late\n", {}, settings)
    assert git(plain, "rev-parse", "HEAD").strip() == moved
    assert git(plain, "status", "--porcelain") == "?? issues/b7k3fx9qa/000002-c-comment.yaml\n"


def test_a_commit_that_fails_while_git_stages_unstages(plain: Path) -> None:
    """update-index runs beside the commit: when commit-tree fails (here, a parent that does not
    exist), the files git staged meanwhile are unstaged, HEAD stays and nothing is left staged."""
    repo = GitRepo(plain)
    event = write(plain / "issues/b7k3fx9qa/000002-d-comment.yaml")
    head, tree = repo._head()
    settings = repo._read_settings()
    missing = "1" * 40
    with pytest.raises(GitFailure, match="git refused the commit"):
        repo._commit_plumbing([repo.rel(event)], missing, tree, "orphan\n", {}, settings)
    assert git(plain, "rev-parse", "HEAD").strip() == head
    assert git(plain, "diff", "--cached", "--name-only") == ""
    assert git(plain, "status", "--porcelain") == "?? issues/b7k3fx9qa/000002-d-comment.yaml\n"


def test_a_locked_index_waits_then_fails(plain: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """index.lock present: wait the configured time, then say what is wrong; nothing recorded."""
    monkeypatch.setattr(gitmodule, "INDEX_LOCK_WAIT_SECONDS", 0.2)
    (plain / ".git/index.lock").write_text("")
    head = git(plain, "rev-parse", "HEAD").strip()
    with pytest.raises(GitFailure, match="index is locked") as failure:
        GitRepo(plain).commit_files([write(plain / "x/y.yaml")], "locked", "", TRAILERS)
    assert failure.value.hint and "remove that file" in failure.value.hint
    assert git(plain, "rev-parse", "HEAD").strip() == head
    (plain / ".git/index.lock").unlink()
    assert git(plain, "status", "--porcelain", "-uall") == "?? x/y.yaml\n"


def test_commit_hooks_run_through_git_commit(plain: Path) -> None:
    """A pre-commit hook runs; a commit-msg hook that says no leaves nothing staged or committed."""
    marker = plain.parent / "pre-commit-ran"
    hooks = plain / ".git/hooks"
    write(hooks / "pre-commit", f"#!/bin/sh\ntouch '{marker}'\n").chmod(0o755)
    GitRepo(plain).commit_files([write(plain / "x/one.yaml")], "one", "", TRAILERS)
    assert marker.exists()
    consistent(plain)
    write(hooks / "commit-msg", "#!/bin/sh\necho 'no, says the hook' >&2\nexit 1\n").chmod(0o755)
    head = git(plain, "rev-parse", "HEAD").strip()
    with pytest.raises(GitFailure, match="no, says the hook"):
        GitRepo(plain).commit_files([write(plain / "x/two.yaml")], "two", "", TRAILERS)
    assert git(plain, "rev-parse", "HEAD").strip() == head
    assert git(plain, "status", "--porcelain") == "?? x/two.yaml\n"


def test_a_core_hooks_path_is_honoured(plain: Path) -> None:
    """Hooks found through core.hooksPath (relative to the top) count as much as .git/hooks."""
    marker = plain.parent / "hook-ran"
    write(plain / "githooks/post-commit", f"#!/bin/sh\ntouch '{marker}'\n").chmod(0o755)
    git(plain, "add", "githooks")
    git(plain, "commit", "-q", "-m", "hooks")
    git(plain, "config", "core.hooksPath", "githooks")
    GitRepo(plain).commit_files([write(plain / "x/one.yaml")], "one", "", TRAILERS)
    assert marker.exists()
    consistent(plain)


def test_an_executable_file_goes_through_git_add(plain: Path) -> None:
    """A file that is not a plain 0644 file is left to `git add`, which knows its mode."""
    script = write(plain / "tools/run.sh", "#!/bin/sh\n")
    script.chmod(0o755)
    GitRepo(plain).commit_files([script], "tool", "", TRAILERS)
    assert git(plain, "ls-tree", "HEAD", "tools/run.sh").startswith("100755 blob ")
    consistent(plain)


def test_a_path_that_is_a_file_in_git_is_refused_cleanly(plain: Path) -> None:
    """Committing a/x where git has a file `a` fails with a sentence and leaves nothing staged."""
    (plain / "a").unlink()
    with pytest.raises(GitFailure, match="a is a file in git, not a folder"):
        GitRepo(plain).commit_files([write(plain / "a/x")], "clash", "", TRAILERS)
    assert git(plain, "diff", "--cached", "--name-only") == ""


def test_identity_comes_from_one_config_call_and_the_environment(
    plain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """user.email and user.name from git's config; GIT_AUTHOR_* first; no email is refused."""
    repo = GitRepo(plain)
    assert repo.identity() == Identity("Alex Doe", "alex@example.com")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "sam@example.com")
    assert repo.identity() == Identity("Alex Doe", "sam@example.com")
    monkeypatch.delenv("GIT_AUTHOR_EMAIL")
    git(plain, "config", "--unset", "user.email")
    with pytest.raises(Refused, match="no git identity"):
        repo.identity()


def test_doctor_finishes_a_commit_interrupted_after_staging(tmp_repo: Repo) -> None:
    """Killed between `update-index` and `update-ref`: the event is staged, doctor commits it."""
    issue = tmp_repo.open(now=T0)
    tmp_repo.ok("comment", issue, "checking the logs", now=TIMES[1])
    (event,) = tmp_repo.changed_in("HEAD")
    for reset in ("--soft", "--mixed"):  # staged (after update-index), untracked (before it)
        git(tmp_repo.path, "reset", "-q", reset, "HEAD~1")
        journal = tmp_repo.path / ".git/escmatrix/journal"
        journal.mkdir(parents=True, exist_ok=True)
        entry = {
            "issue": issue,
            "action": "comment",
            "actor": "alex",
            "name": "Alex Doe",
            "email": "alex@example.com",
            "subject": f"comment {issue}: checking the logs",
            "files": [event],
        }
        (journal / f"{issue}-0000abcd.json").write_text(json.dumps(entry), encoding="utf-8")
        refused = tmp_repo.cli("comment", issue, "another", now=TIMES[2])
        assert refused.exit_code == 1 and "escmatrix doctor" in refused.output
        result = tmp_repo.ok("doctor", now=None)
        assert "committed 1 orphaned event file(s)" in result.output
        assert tmp_repo.changed_in("HEAD") == [event]
        assert tmp_repo.trailers()["Escmatrix-Action"] == "comment"
        assert "Recovered by escmatrix doctor" in git(tmp_repo.path, "log", "-1", "--format=%b")
        assert tmp_repo.status() == ""
        assert not list(journal.iterdir())
    tmp_repo.ok("comment", issue, "another", now=TIMES[2])
    assert tmp_repo.status() == ""


def test_doctor_removes_the_empty_folder_of_an_open_killed_before_its_file(
    tmp_repo: Repo,
) -> None:
    """`open` killed after making the new issue's folder and before writing its event: doctor
    removes the empty folder (no issue without events), and validate passes."""
    folder = tmp_repo.path / "issues" / "26cemptyx"
    folder.mkdir(parents=True)
    journal = tmp_repo.path / ".git/escmatrix/journal"
    journal.mkdir(parents=True, exist_ok=True)
    entry = {
        "issue": "26cemptyx",
        "action": "open",
        "actor": "alex",
        "name": "Alex Doe",
        "email": "alex@example.com",
        "subject": "open 26cemptyx: never written",
        "files": ["issues/26cemptyx/000001-abcdef-opened.yaml"],
    }
    (journal / "26cemptyx-0000abcd.json").write_text(json.dumps(entry), encoding="utf-8")
    assert "nothing had been written" in tmp_repo.ok("doctor", now=None).output
    assert not folder.exists()
    tmp_repo.ok("validate")


def test_a_mutating_command_does_not_import_gitpython(tmp_repo: Repo) -> None:
    """GitPython costs more to import than the commit costs; the write path runs git directly."""
    import subprocess
    import sys

    issue = tmp_repo.open(now=T0)
    code = (
        "import sys\nfrom escmatrix.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code\n"
        "print('GITPYTHON' if 'git' in sys.modules else 'NO-GITPYTHON', code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--repo", str(tmp_repo.path), "--now", TIMES[1], "ack", issue],
        capture_output=True,
        text=True,
        env={**os.environ, "ESCMATRIX_NO_NOTIFY": "1"},
        check=False,
    )
    assert done.stdout.strip().splitlines()[-1] == "NO-GITPYTHON 0", done.stdout + done.stderr


@pytest.mark.parametrize("seed", range(6))
def test_random_names_give_the_trees_git_gives(plain: Path, seed: int) -> None:
    """Names made of the characters that sort around '/' ('-', '.', '0', 'a') land where git puts them."""
    import random

    rng = random.Random(seed)
    existing = [p for p in plain.rglob("*") if ".git" not in p.relative_to(plain).parts]
    files = {p.relative_to(plain).as_posix() for p in existing if p.is_file()}
    folders = {p.relative_to(plain).as_posix() for p in existing if p.is_dir()}
    paths = []
    while len(paths) < 8:
        parts = [
            "".join(rng.choice("-.0a") for _ in range(rng.randint(1, 3)))
            for _ in range(rng.randint(1, 3))
        ]
        if len(parts) > 1 and rng.random() < 0.5:  # into a folder git already has
            parts[0] = rng.choice(sorted(folders))
        name = "/".join(parts)
        above = {"/".join(parts[:n]) for n in range(1, len(parts))}
        if {".", ".."} & set(parts) or above & files or name in files | folders:
            continue
        files.add(name)
        folders |= above
        paths.append(write(plain / name, f"{seed} {name}\n"))
    GitRepo(plain).commit_files(paths, f"random {seed}", "", TRAILERS)
    consistent(plain)
