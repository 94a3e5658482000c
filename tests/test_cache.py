"""The local issue cache is never stale: cached answers match --no-cache after every git move."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.support import Repo, git, init_git


def _same(repo: Repo, *command: str) -> str:
    """Run a read command with and without the cache; both outputs must be identical."""
    cached = repo.ok(*command, "--format", "json")
    uncached = repo.ok("--no-cache", *command, "--format", "json")
    assert cached.stdout == uncached.stdout
    return cached.stdout


def _titles(repo: Repo) -> set[str]:
    out = _same(repo, "list", "--status", "all")
    return {row["title"] for row in json.loads(out)}


def _cache_file(repo: Repo) -> Path:
    return repo.path / ".git" / "escmatrix" / "cache" / "summaries.pickle"


def test_cache_is_written_and_used(tmp_repo: Repo) -> None:
    """A list writes the cache; the next list answers the same from it."""
    tmp_repo.open("first")
    assert _titles(tmp_repo) == {"first"}
    assert _cache_file(tmp_repo).is_file()
    assert _titles(tmp_repo) == {"first"}


def test_cache_follows_a_plain_git_pull(tmp_repo: Repo, tmp_path: Path, runner: CliRunner) -> None:
    """Events that arrive with `git pull` (not through escmatrix) show up in the cached list."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    tmp_repo.git("remote", "add", "origin", str(origin))
    tmp_repo.git("push", "-q", "-u", "origin", "main")
    other_path = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(origin), str(other_path))
    init_git(other_path, "sam")  # identity only; the clone is already a repository
    other = Repo(other_path, runner)
    tmp_repo.open("mine")
    assert _titles(tmp_repo) == {"mine"}
    issue = other.open("theirs")
    other.ok("update", issue, "--status", "pulled in", "--next", "check")
    other.git("push", "-q", "origin", "main")
    tmp_repo.git("pull", "-q", "--rebase", "origin", "main")
    assert _titles(tmp_repo) == {"mine", "theirs"}
    shown = json.loads(_same(tmp_repo, "show", issue))
    assert shown["last_status"] == "pulled in"


def test_cache_follows_a_checkout_of_an_older_commit(tmp_repo: Repo) -> None:
    """Checking out an older commit makes the later issue disappear from the cached list, and back."""
    tmp_repo.open("old")
    assert _titles(tmp_repo) == {"old"}
    tmp_repo.open("new")
    assert _titles(tmp_repo) == {"old", "new"}
    tmp_repo.git("checkout", "-q", "HEAD~1")
    assert _titles(tmp_repo) == {"old"}
    tmp_repo.git("checkout", "-q", "main")
    assert _titles(tmp_repo) == {"old", "new"}


def test_cache_follows_an_event_edited_and_committed_by_hand(tmp_repo: Repo) -> None:
    """An opened event edited with plain git (content only, no rename) changes the cached title."""
    issue = tmp_repo.open("before")
    assert _titles(tmp_repo) == {"before"}
    opened = next((tmp_repo.path / "issues" / issue).glob("*-opened.yaml"))
    opened.write_text(
        opened.read_text(encoding="utf-8").replace("title: before", "title: after"),
        encoding="utf-8",
    )
    tmp_repo.git("commit", "-q", "-am", "edit by hand")
    assert _titles(tmp_repo) == {"after"}


def test_cache_follows_a_reset_hard(tmp_repo: Repo) -> None:
    """After `git reset --hard` to before an acknowledgement, the cached status is open again."""
    issue = tmp_repo.open("reset me")
    tmp_repo.ok("ack", issue)
    assert json.loads(_same(tmp_repo, "list", "--status", "all"))[0]["status"] == "acknowledged"
    tmp_repo.git("reset", "-q", "--hard", "HEAD~1")
    assert json.loads(_same(tmp_repo, "list", "--status", "all"))[0]["status"] == "open"


def test_a_corrupt_cache_file_is_rebuilt(tmp_repo: Repo) -> None:
    """Garbage in the cache file is ignored and replaced, never shown."""
    tmp_repo.open("survivor")
    _titles(tmp_repo)
    _cache_file(tmp_repo).write_bytes(b"not a pickle")
    assert _titles(tmp_repo) == {"survivor"}


def test_cache_is_bypassed_while_a_command_is_unfinished(tmp_repo: Repo) -> None:
    """With an interrupted command's journal present, list reads the files (and says the same)."""
    tmp_repo.open("one")
    _titles(tmp_repo)
    journal = tmp_repo.path / ".git" / "escmatrix" / "journal"
    journal.mkdir(parents=True, exist_ok=True)
    (journal / "x.json").write_text("{}", encoding="utf-8")
    assert _titles(tmp_repo) == {"one"}


def test_matrix_snapshot_follows_every_edit_of_the_matrix(tmp_repo: Repo) -> None:
    """The cached matrix is used only while matrix/ is byte-for-byte the same: an edit (even an
    uncommitted one) is seen at once, and an edit that breaks the matrix is refused as before."""
    issue = tmp_repo.open("snapshot")
    snapshot = tmp_repo.path / ".git" / "escmatrix" / "cache" / "matrix.pickle"
    tmp_repo.ok("matrix")
    assert snapshot.is_file()
    severity = tmp_repo.path / "matrix" / "severity.yaml"
    people = tmp_repo.path / "matrix" / "people.yaml"
    before = json.loads(_same(tmp_repo, "matrix"))
    original = people.read_text(encoding="utf-8")
    assert tmp_repo.show(issue)["owner"]
    people.write_text(original.replace("name: ", "name: Renamed ", 1), encoding="utf-8")
    after = json.loads(_same(tmp_repo, "matrix"))
    assert after != before
    people.write_text(original, encoding="utf-8")
    assert json.loads(_same(tmp_repo, "matrix")) == before
    severity.write_text("severities: [oops\n", encoding="utf-8")
    for cached in (True, False):
        result = tmp_repo.cli(*(() if cached else ("--no-cache",)), "list")
        assert result.exit_code == 1
        assert "matrix/severity.yaml" in result.output
