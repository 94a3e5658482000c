"""`list` sorts active issues by their next deadline, shows a "due" column, and filters on it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.support import Repo, executable


def run(repo: Path, *args: str, now: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [*executable(), "--repo", str(repo), "--now", now, *args],
        env=dict(os.environ) | (env or {}),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def three_issues(repo: Repo) -> tuple[str, str, str]:
    """sev1 (first response due 09:15), sev2 (frontline response due 09:30), sev3 paused."""
    minor = repo.open("Typo on the pricing page", "product-defect", "sev3")
    major = repo.open("Exports are slow", "product-defect", "sev2")
    critical = repo.open("Checkout is down", "product-defect", "sev1")
    repo.ok(
        "pause",
        minor,
        "--waiting-on",
        "customer",
        "--reason",
        "asked for a HAR file",
        now="2026-03-02T09:01:00Z",
    )
    return critical, major, minor


def test_list_sorts_by_next_deadline_and_filters(tmp_repo: Repo) -> None:
    critical, major, minor = three_issues(tmp_repo)
    at_1212 = "2026-03-02T09:12:00Z"

    rows = json.loads(run(tmp_repo.path, "list", "--format", "json", now=at_1212))
    assert [r["id"] for r in rows] == [critical, major, minor]  # soonest first, paused last
    assert rows[0]["due"] == "2026-03-02T09:15:00Z"
    assert (rows[0]["due_clock"], rows[0]["due_state"], rows[0]["due_in"]) == (
        "response",
        "at risk",
        "in 3m",
    )
    assert rows[1]["due_in"] == "in 18m" and rows[1]["due_state"] == "running"
    assert rows[2]["due_state"] == "paused" and rows[2]["waiting_on"] == "customer"

    table = run(tmp_repo.path, "list", now=at_1212)
    header, _rule, *lines = table.splitlines()
    assert "due" in header.split()
    assert "in 3m response" in lines[0] and "Checkout is down" in lines[0]
    assert "paused (customer)" in lines[2]

    def ids(*args: str, now: str = at_1212) -> list[str]:
        return [
            r["id"] for r in json.loads(run(tmp_repo.path, "list", *args, "-f", "json", now=now))
        ]

    assert ids("--at-risk") == [critical]
    assert ids("--due-within", "10m") == [critical]
    assert ids("--due-within", "2h") == [critical, major]
    assert ids("--waiting-on", "customer") == [minor]
    assert ids("--waiting-on", "partner") == []
    assert ids("--breached") == []
    assert ids("--breached", now="2026-03-02T09:20:00Z") == [critical]
    assert ids("--breached", "--at-risk", now="2026-03-02T09:25:00Z") == [critical, major]

    csv = run(tmp_repo.path, "list", "--format", "csv", now=at_1212).splitlines()
    assert csv[0].endswith("due,due_clock,due_state,due_in,waiting_on")


def test_due_column_is_red_when_breached_and_amber_at_risk(tmp_repo: Repo) -> None:
    three_issues(tmp_repo)
    coloured = run(
        tmp_repo.path,
        "list",
        now="2026-03-02T09:25:00Z",
        env={"FORCE_COLOR": "1", "COLUMNS": "160"},
    )
    breached = next(line for line in coloured.splitlines() if "Checkout is down" in line)
    at_risk = next(line for line in coloured.splitlines() if "Exports are slow" in line)
    assert "\x1b[1;31m10m ago response" in breached  # bold red
    assert "\x1b[33min 5m tier frontline" in at_risk  # amber (yellow)


def test_bad_deadline_filters_are_usage_errors(tmp_repo: Repo) -> None:
    for args, says in (
        (("--due-within", "soon"), "--due-within"),
        (("--waiting-on", "vendor"), "customer or partner"),
    ):
        result = tmp_repo.cli("list", *args)
        assert result.exit_code == 2, result.output
        assert says in result.output and "Traceback" not in result.output
