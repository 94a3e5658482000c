"""Debrief follow-ups in `report`, in every format: open, overdue, done in the window, by owner."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.support import Repo, executable

WINDOW = ("--since", "2026-03-01", "--until", "2026-03-31")
NOW = "2026-03-20T12:00:00Z"


def run(repo: Path, *args: str, now: str = NOW) -> str:
    done = subprocess.run(
        [*executable(), "--repo", str(repo), "--now", now, *args],
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def debriefed(repo: Repo) -> str:
    issue = repo.open("Checkout returns 500", "product-defect", "sev2")
    run(repo.path, "resolve", issue, "-m", "rolled back", now="2026-03-02T12:00:00Z")
    run(
        repo.path,
        "debrief",
        issue,
        "--root-cause",
        "a bad deploy",
        "--follow-up",
        "sam by 2026-03-10: add a canary <stage>",
        "--follow-up",
        "kim by 2026-04-01: alert on 5xx rate",
        "--follow-up",
        "sam by 2026-03-30: write the runbook",
        now="2026-03-03T10:00:00Z",
    )
    run(repo.path, "followup", "close", issue, "3", "-n", "written", now="2026-03-05T10:00:00Z")
    return issue


def test_report_json_counts_follow_ups_by_owner(tmp_repo: Repo) -> None:
    issue = debriefed(tmp_repo)
    data = json.loads(run(tmp_repo.path, "report", *WINDOW, "--format", "json"))["follow_ups"]
    assert [(r["issue"], r["number"], r["overdue"]) for r in data["open"]] == [
        (issue, 1, True),  # due 03-10, open on 03-20
        (issue, 2, False),
    ]
    assert data["overdue"] == 1
    assert [(r["number"], r["done_at"]) for r in data["done"]] == [(3, "2026-03-05T10:00:00Z")]
    assert data["by_owner"] == [
        {"owner": "sam", "open": 1, "overdue": 1, "done": 1},
        {"owner": "kim", "open": 1, "overdue": 0, "done": 0},
    ]
    # a window that ends before the follow-up was closed does not count it as done in it
    early = json.loads(
        run(tmp_repo.path, "report", "--since", "2026-03-01", "--until", "2026-03-04", "-f", "json")
    )["follow_ups"]
    assert early["done"] == []


def test_follow_ups_in_table_markdown_and_html(tmp_repo: Repo, tmp_path: Path) -> None:
    debriefed(tmp_repo)
    table = run(tmp_repo.path, "report", *WINDOW)
    assert "Debrief follow-ups: 2 open, 1 overdue, 1 done in the window" in table
    assert "add a canary <stage>" in table and "overdue" in table
    markdown = run(tmp_repo.path, "report", *WINDOW, "--format", "markdown")
    assert "## Debrief follow-ups" in markdown
    assert "2 open (1 overdue), 1 done in this window." in markdown
    assert "| sam | 1 | 1 | 1 |" in markdown
    run(tmp_repo.path, "report", *WINDOW, "--format", "html", "--out", str(tmp_path / "site"))
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Debrief follow-ups: 2 open, 1 overdue, 1 done in the window" in html
    assert "add a canary &lt;stage&gt;" in html and "<stage>" not in html
