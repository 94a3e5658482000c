"""Global options after the command, and relative times for --now and --at (as drills write them)."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from escmatrix.cli.app import all_commands
from tests.support import Repo, executable


def run(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*executable(), *args],
        cwd=cwd,
        env=dict(os.environ) | (env or {}),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_global_options_work_after_the_command(tmp_repo: Repo, tmp_path: Path) -> None:
    issue = tmp_repo.open()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # --repo and --now after the command, both spellings, from a folder that is not the repo
    done = run(
        elsewhere,
        "sweep",
        "--repo",
        str(tmp_repo.path),
        "--now=2026-03-02T12:00:00Z",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    assert "No such option" not in done.stderr
    assert issue in done.stdout
    done = run(
        elsewhere,
        "show",
        issue,
        "--format",
        "json",
        "--now",
        "2026-03-02T09:30:00Z",
        "--repo",
        str(tmp_repo.path),
        "--tz",
        "Europe/Berlin",
        "--no-cache",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == issue
    # nested commands too, and a missing value is still a usage error, not a traceback
    done = run(elsewhere, "playbook", "list", "--repo", str(tmp_repo.path))
    assert done.returncode == 0, done.stderr
    done = run(elsewhere, "list", "--repo", str(tmp_repo.path), "--now")
    assert done.returncode == 2 and "requires an argument" in done.stderr


def test_now_and_at_accept_relative_times(tmp_repo: Repo) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    done = run(
        tmp_repo.path,
        "route",
        "--category",
        "product-defect",
        "--severity",
        "sev1",
        "--format",
        "json",
        "--now",
        "-30m",
    )
    after = datetime.now(UTC)
    assert done.returncode == 0, done.stderr
    at = datetime.fromisoformat(json.loads(done.stdout)["at"].replace("Z", "+00:00"))
    assert before - timedelta(minutes=30) <= at <= after - timedelta(minutes=30)

    # --at is relative to --now (which drills and tests fix)
    done = run(
        tmp_repo.path,
        "route",
        "--category",
        "product-defect",
        "--severity",
        "sev1",
        "--at",
        "+3h",
        "--now",
        "2026-03-06T23:30:00Z",
        "-f",
        "json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["at"] == "2026-03-07T02:30:00Z"
    # ESCMATRIX_NOW may be relative as well
    done = run(tmp_repo.path, "list", "-f", "json", env={"ESCMATRIX_NOW": "+1d"})
    assert done.returncode == 0, done.stderr

    done = run(
        tmp_repo.path,
        "route",
        "--category",
        "product-defect",
        "--severity",
        "sev1",
        "--at",
        "Saturday 03:00",
    )
    assert done.returncode == 2
    assert "+3h" in done.stderr and "Traceback" not in done.stderr


def test_route_at_help_shows_only_examples_that_work(tmp_repo: Repo) -> None:
    route = all_commands()["route"]
    at_help = next(p.help for p in route.params if "--at" in p.opts)
    assert "Saturday" not in at_help
    examples = ["2026-03-07T03:00:00Z", "2026-03-07T04:00+01:00", "+3h", "-30m"]
    for example in examples:
        assert example in at_help
        done = run(
            tmp_repo.path,
            "route",
            "--category",
            "product-defect",
            "--severity",
            "sev2",
            "--at",
            example,
            "--now",
            "2026-03-06T12:00:00Z",
        )
        assert done.returncode == 0, (example, done.stderr)
