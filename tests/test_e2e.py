"""End to end: the installed `escmatrix` executable, run in a subprocess with a controlled env."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import T0, TIMES, Repo, executable, git, init_git, snapshot


def run(
    cwd: Path, *args: str, now: str | None = T0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed tool in `cwd`, stdin not a terminal, with the test's isolated env."""
    full_env = dict(os.environ)
    if now is not None:
        full_env["ESCMATRIX_NOW"] = now
    full_env |= env or {}
    return subprocess.run(
        [*executable(), *args],
        cwd=cwd,
        env=full_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def ok(cwd: Path, *args: str, now: str | None = T0) -> subprocess.CompletedProcess[str]:
    done = run(cwd, *args, now=now)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done


def test_open_then_show_from_a_subfolder(tmp_repo: Repo) -> None:
    """`open` in the repo and `show` from issues/ (found by walking up) agree on the issue."""
    opened = json.loads(
        ok(
            tmp_repo.path,
            "open",
            "-t",
            "Invoices page blank",
            "-c",
            "product-defect",
            "-s",
            "sev2",
            "--format",
            "json",
        ).stdout
    )
    issue_id = opened["id"]
    assert tmp_repo.trailers() == {
        "Escmatrix-Issue": issue_id,
        "Escmatrix-Action": "open",
        "Escmatrix-Actor": "alex",
    }
    shown = json.loads(
        ok(tmp_repo.path / "issues", "show", issue_id[:5], "--format", "json", now=TIMES[1]).stdout
    )
    assert (shown["id"], shown["title"], shown["owner"]) == (
        issue_id,
        "Invoices page blank",
        "alex",
    )
    assert shown["timestamps"]["opened"] == T0


def test_escmatrix_now_env_dates_the_event_and_the_commit(tmp_repo: Repo) -> None:
    """ESCMATRIX_NOW in the environment is the clock for the event and the commit."""
    issue_id = json.loads(
        ok(
            tmp_repo.path, "open", "-t", "x", "-c", "product-defect", "-s", "sev3", "-f", "json"
        ).stdout
    )["id"]
    assert tmp_repo.git("log", "-1", "--format=%aI").strip() == "2026-03-02T09:00:00+00:00"
    assert tmp_repo.show(issue_id)["timestamps"]["opened"] == T0


def test_route_preview_twice_is_byte_identical_and_writes_nothing(tmp_repo: Repo) -> None:
    """The executable's preview prints the same bytes twice and changes no file."""
    before = snapshot(tmp_repo.path)
    args = ("route", "-c", "service-downtime", "-s", "sev1", "--at", "2026-03-07T03:00:00Z")
    first = ok(tmp_repo.path, *args)
    second = ok(tmp_repo.path, *args)
    assert first.stdout == second.stdout
    assert "downtime-to-support" in first.stdout
    assert first.stderr == second.stderr == ""
    assert snapshot(tmp_repo.path) == before


def test_repo_from_env_variable(tmp_repo: Repo, tmp_path: Path) -> None:
    """ESCMATRIX_REPO points the tool at a repository from anywhere."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = run(elsewhere, "matrix", "--format", "json", env={"ESCMATRIX_REPO": str(tmp_repo.path)})
    assert done.returncode == 0, done.stderr
    assert [c["id"] for c in json.loads(done.stdout)["categories"]] == [
        "product-defect",
        "service-downtime",
    ]


def test_errors_go_to_stderr_with_exit_codes(tmp_repo: Repo) -> None:
    """A refusal exits 1 and a usage error 2, message on stderr, stdout empty, no traceback."""
    refused = run(tmp_repo.path, "ack", "zzzz")
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.startswith("error: no issue matches 'zzzz'")
    usage = run(tmp_repo.path, "list", now="next tuesday")
    assert usage.returncode == 2
    assert "not an ISO 8601 time" in usage.stderr
    for done in (refused, usage):
        assert "Traceback" not in done.stderr


def test_open_without_options_when_piped_does_not_prompt(tmp_repo: Repo) -> None:
    """Piped, `open` with nothing given exits 2 at once, naming what is missing."""
    done = run(tmp_repo.path, "open")
    assert done.returncode == 2
    assert "missing --title" in done.stderr
    assert "Title" not in done.stdout
    assert tmp_repo.event_files() == []


def test_outside_any_repository_is_a_usage_error(tmp_path: Path, isolated_home: Path) -> None:
    """Run where no folder above holds matrix/, the tool says how to get one."""
    nowhere = tmp_path / "nowhere"
    nowhere.mkdir()
    done = run(nowhere, "list")
    assert done.returncode == 2
    assert "no escmatrix repository here" in done.stderr
    assert "escmatrix init" in done.stderr


def test_module_entry_point_reports_version(isolated_home: Path, tmp_path: Path) -> None:
    """`python -m escmatrix --version` works like the console script."""
    done = subprocess.run(
        [sys.executable, "-m", "escmatrix", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("escmatrix ")


def test_init_lays_out_a_repository_that_validates(tmp_path: Path, isolated_home: Path) -> None:
    """`escmatrix init DIR` in a git repo with an identity commits a starter matrix that validates."""
    target = tmp_path / "team"
    init_git(target, "alex")
    done = ok(tmp_path, "init", str(target), now=None)
    assert "initialised" in done.stdout
    for folder in ("matrix", "issues", "playbooks"):
        assert (target / folder).is_dir()
    assert git(target, "status", "--porcelain") == ""
    assert git(target, "rev-list", "--count", "HEAD").strip() == "1"
    ok(target, "validate", now=None)
    again = run(tmp_path, "init", str(target), now=None)
    assert again.returncode == 1
    assert "already has a matrix/ folder" in again.stderr


def test_init_without_identity_lays_out_but_does_not_commit(
    tmp_path: Path, isolated_home: Path
) -> None:
    """With no git identity, `init` still lays out the files and says why it did not commit."""
    target = tmp_path / "fresh"
    done = ok(tmp_path, "init", str(target), now=None)
    assert (target / ".git").is_dir()
    assert (target / "matrix" / "people.yaml").is_file()
    assert "not committed" in done.stdout
    assert "user.email" in done.stdout
    assert git(target, "log", "--oneline", check=False) == ""


@pytest.mark.parametrize("command", ["list", "matrix", "validate"])
def test_read_commands_write_nothing(tmp_repo: Repo, command: str) -> None:
    """Read commands change no file in the repository or in git (bar escmatrix's private cache)."""
    tmp_repo.open(now=T0)

    def files() -> dict[str, str]:
        return {
            path: digest
            for path, digest in snapshot(tmp_repo.path).items()
            if not path.startswith(".git/escmatrix/cache/")
        }

    before = files()
    ok(tmp_repo.path, command)
    assert files() == before
