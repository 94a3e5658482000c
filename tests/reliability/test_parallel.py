"""Parallel processes in one clone: 8 workers, each running `escmatrix update` 20 times in a row on
a few issues at once. Every update becomes one event and one commit; nothing is lost."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.reliability.figures import record
from tests.reliability.sandbox import T0, Run, Sandbox

WORKERS = 8
UPDATES_EACH = 20
ISSUES = 3


def instant(seconds: int) -> str:
    start = datetime.fromisoformat(T0.replace("Z", "+00:00"))
    return (start + timedelta(hours=1, seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_texts(repo: Path) -> str:
    """All event files' text, concatenated (to look each update's marker up)."""
    return "\n".join(p.read_text(encoding="utf-8") for p in (repo / "issues").rglob("*.yaml"))


def test_parallel_updates_lose_nothing(
    sandbox: Sandbox, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """8 processes x 20 updates at once: 160 new event files, 160 new commits, a clean work tree,
    and every update's text in the fold of its issue."""
    repo = sandbox.new_repo(tmp_path / "repo")
    issues = [sandbox.open_issue(repo, f"Parallel issue {n}") for n in range(ISSUES)]
    commits_before = sandbox.commit_count(repo)
    files_before = len(list((repo / "issues").rglob("*.yaml")))

    def worker(number: int) -> list[tuple[str, str, Run]]:
        done = []
        for step in range(UPDATES_EACH):
            marker = f"w{number}-u{step:02d}"
            issue = issues[(number + step) % ISSUES]
            run = sandbox.run(
                repo,
                "update",
                issue,
                "--status",
                f"status {marker}",
                "--next",
                f"next {marker}",
                now=instant(number * UPDATES_EACH + step),
            )
            done.append((marker, issue, run))
        return done

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = [item for batch in pool.map(worker, range(WORKERS)) for item in batch]

    expected = WORKERS * UPDATES_EACH
    failed = [run for _, _, run in results if run.code != 0]
    stored = event_texts(repo)
    folded: dict[str, str] = {}
    for issue in issues:
        shown = sandbox.ok(repo, "show", issue, "--format", "json", now=instant(expected + 60))
        folded[issue] = json.dumps(json.loads(shown.stdout)["timeline"])
    missing = [
        (marker, run)
        for marker, issue, run in results
        if f"status {marker}" not in stored or f"status {marker}" not in folded[issue]
    ]
    lost = [marker for marker, run in missing if run.code == 0]  # said done, yet not there
    record(
        request,
        "parallel",
        f"parallel: {expected} events expected, {len(lost)} lost "
        f"({WORKERS} processes x {UPDATES_EACH} updates; {expected - len(missing)} recorded, "
        f"{len(failed)} commands refused)",
    )
    assert not lost, lost
    assert not failed, "\n".join(run.describe() for run in failed[:5])
    assert len(list((repo / "issues").rglob("*.yaml"))) - files_before == expected
    assert sandbox.commit_count(repo) - commits_before == expected
    assert sandbox.status(repo) == ""
    assert not list((repo / "issues").rglob(".tmp-*"))
    checked = sandbox.run(repo, "validate", now=None)
    assert checked.code == 0, checked.describe()
