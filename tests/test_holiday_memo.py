"""Public holidays kept beside the cached matrix: clocks on a business-hours calendar answer the
same as with --no-cache, and a warm read does not import the `holidays` package again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support import Repo

FRIDAY_BEFORE_BANK_HOLIDAY = "2026-05-01T15:30:00Z"  # GB: Monday 4 May 2026 is a bank holiday


def _holidays_file(repo: Repo) -> Path:
    return repo.path / ".git" / "escmatrix" / "cache" / "holidays.pickle"


def _imports_holidays(repo: Repo, *args: str) -> tuple[bool, str]:
    """Run `python -X importtime -m escmatrix ARGS` as its own process: whether it imported the
    `holidays` package, and its stdout."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "escmatrix", "--repo", str(repo.path), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "ESCMATRIX_NO_NOTIFY": "1"},
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    return "holidays" in imported, done.stdout


def test_business_hours_clocks_read_holidays_from_the_cache(tmp_repo: Repo) -> None:
    """A sev3 (office calendar, GB holidays) opened the Friday before a bank holiday: its due
    times skip the Monday. The first cached read keeps the holidays; later ones use them
    without importing `holidays`, and every answer equals --no-cache's, byte for byte."""
    issue = tmp_repo.open("slow page", "product-defect", "sev3", now=FRIDAY_BEFORE_BANK_HOLIDAY)
    now = "2026-05-05T10:00:00Z"
    read = ("--now", now, "show", issue, "--format", "json")
    # `open` (in this process) kept them, with the matrix and in the facts its decision read
    _holidays_file(tmp_repo).unlink(missing_ok=True)
    (_holidays_file(tmp_repo).parent / "read-facts.pickle").unlink(missing_ok=True)
    first_imported, first = _imports_holidays(tmp_repo, *read)
    assert first_imported and _holidays_file(tmp_repo).is_file()
    warm_imported, warm = _imports_holidays(tmp_repo, *read)
    assert not warm_imported
    cold_imported, uncached = _imports_holidays(tmp_repo, "--no-cache", *read)
    assert cold_imported
    assert first == warm == uncached
    listed = ("--now", now, "list", "--format", "json")
    assert (
        _imports_holidays(tmp_repo, *listed)[1]
        == _imports_holidays(tmp_repo, "--no-cache", *listed)[1]
    )
    due = {d["name"]: d["due"] for d in json.loads(warm)["deadlines"]}
    # 4 working hours from Friday 16:30 BST: half an hour Friday, the rest on Tuesday
    assert due["first response"] == "2026-05-05T11:30:00Z", due


def test_holidays_follow_the_calendar_edit(tmp_repo: Repo) -> None:
    """Another country in calendars.yaml: the kept holidays are for the old code, so the next
    read works them out again (answers still equal --no-cache's)."""
    issue = tmp_repo.open("slow page", "product-defect", "sev3", now=FRIDAY_BEFORE_BANK_HOLIDAY)
    read = ("--now", "2026-05-05T10:00:00Z", "show", issue, "--format", "json")
    _imports_holidays(tmp_repo, *read)
    tmp_repo.edit("matrix/calendars.yaml", "holidays: GB", "holidays: DE")
    tmp_repo.git("commit", "-qam", "office follows German holidays")
    imported, cached = _imports_holidays(tmp_repo, *read)
    assert imported
    assert cached == _imports_holidays(tmp_repo, "--no-cache", *read)[1]
    assert not _imports_holidays(tmp_repo, *read)[0]
