"""`list` of active issues and the sweep read the active issues' summary rows from a file of
their own (`active.pickle`, a tenth of the whole in a long-lived repository), kept with the full
summaries at the same issues/ tree: they answer what `--no-cache` answers, follow every change,
and need not read the full file."""

from __future__ import annotations

import json

from tests.support import Repo

NOW = "2026-03-05T09:00:00Z"


def same_lists(repo: Repo, *args: str) -> str:
    cached = repo.ok("list", *args, "--format", "json", now=NOW).stdout
    assert cached == repo.ok("--no-cache", "list", *args, "--format", "json", now=NOW).stdout
    return cached


def test_an_active_list_reads_the_active_rows_alone(example_repo: Repo) -> None:
    cache = example_repo.path / ".git" / "escmatrix" / "cache"
    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    opened = example_repo.open("listed from the active rows", severity="sev2", now=NOW)
    first = same_lists(example_repo)
    assert (cache / "active.pickle").is_file()
    (cache / "summaries.pickle").unlink()
    # the active rows and their short ids come from active.pickle: the full file is not needed
    assert same_lists(example_repo) == first
    assert not (cache / "summaries.pickle").exists()
    rows = {row["id"]: row for row in json.loads(first)}
    assert rows[opened]["short_id"] == opened[: len(rows[opened]["short_id"])]
    # every other status reads (and writes again) the full summaries
    same_lists(example_repo, "--status", "all")
    assert (cache / "summaries.pickle").is_file()
    # and, the tree unchanged, writes neither file again
    kept = {
        name: (cache / name).stat().st_mtime_ns for name in ("active.pickle", "summaries.pickle")
    }
    same_lists(example_repo, "--status", "all")
    same_lists(example_repo)
    assert kept == {name: (cache / name).stat().st_mtime_ns for name in kept}


def test_the_active_rows_follow_every_change(example_repo: Repo) -> None:
    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    issue = example_repo.open("resolved while listed", severity="sev3", now=NOW)
    assert issue in same_lists(example_repo)
    example_repo.ok("resolve", issue, "--summary", "fixed", now=NOW)
    assert issue not in same_lists(example_repo)
    assert issue in same_lists(example_repo, "--status", "resolved")
    example_repo.ok("reopen", issue, "--reason", "back again", now=NOW)
    assert issue in same_lists(example_repo)
    example_repo.git("reset", "-q", "--hard", "HEAD~2")
    listed = same_lists(example_repo)
    assert issue in listed and json.loads(listed)  # as opened, before the resolve
    sweep = example_repo.ok("sweep", "--format", "json", now=NOW).stdout
    assert sweep == example_repo.ok("--no-cache", "sweep", "--format", "json", now=NOW).stdout
