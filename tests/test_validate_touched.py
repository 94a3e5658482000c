"""The pre-commit hook validates only what a commit touches (`validate --touched PATHS`), unless
`--all`: a matrix change checks the matrix and the active issues it may strand; event files
check their own issue."""

from __future__ import annotations

import os
import subprocess

from tests.support import TIMES, Repo, executable


def validate(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*executable(), "--now", TIMES[7], "validate", *args],
        cwd=repo.path,
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def break_event(repo: Repo, issue: str) -> str:
    """Give the issue's opened event an owner the matrix does not know; returns its path."""
    (path,) = [p for p in repo.event_files(issue) if p.endswith("-opened.yaml")]
    text = (repo.path / path).read_text(encoding="utf-8")
    owner = repo.show(issue, now=TIMES[7])["owner"]
    (repo.path / path).write_text(text.replace(f"owner: {owner}", "owner: nobody-here"))
    return path


def test_touched_checks_only_what_the_commit_touches(tmp_repo: Repo) -> None:
    active = tmp_repo.open("Checkout returns 500", now=TIMES[0])
    closed = tmp_repo.open("Old export bug", now=TIMES[1])
    tmp_repo.ok("resolve", closed, "-m", "fixed", now=TIMES[2])
    tmp_repo.ok("close", closed, now=TIMES[3])
    fresh = tmp_repo.open("Another one", now=TIMES[4])
    broken_closed = break_event(tmp_repo, closed)
    (fresh_event,) = tmp_repo.event_files(fresh)

    # an event file of one issue: that issue alone (the closed issue's problem is not looked at)
    done = validate(tmp_repo, "--touched", fresh_event)
    assert done.returncode == 0, done.stdout + done.stderr
    # the broken file itself, touched: reported
    done = validate(tmp_repo, "--touched", broken_closed)
    assert done.returncode in (0, 1)
    assert "nobody-here" in done.stdout and broken_closed in done.stdout

    # a matrix change: the matrix and the ACTIVE issues it may strand, not closed history
    broken_active = break_event(tmp_repo, active)
    done = validate(tmp_repo, "--touched", "matrix/people.yaml")
    assert done.returncode == 1, done.stdout
    assert broken_active in done.stdout and broken_closed not in done.stdout

    # --all: the whole repository, as without --touched
    done = validate(tmp_repo, "--touched", "--all", fresh_event)
    assert broken_active in done.stdout and broken_closed in done.stdout
    whole = validate(tmp_repo)
    assert broken_active in whole.stdout and broken_closed in whole.stdout

    # files escmatrix does not check touch nothing
    done = validate(tmp_repo, "--touched", "README.md")
    assert done.returncode == 0 and "no problems" in done.stdout
