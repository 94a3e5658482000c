"""`escmatrix dashboard` (and so `--watch`) fits a 100x45 terminal: six equal panels of a few
rows, the busiest first, and a plain line where a table would be empty."""

from __future__ import annotations

import os
import subprocess

from rich.cells import cell_len

from tests.support import Repo, executable

TITLES = (
    "Open by tier and age",
    "At risk and breached",
    "Time to aid / resolution by opening period",
    "CSAT",
    "Recent handoffs",
    "Slowest escalation paths",
)


def dashboard(repo: Repo, now: str) -> list[str]:
    done = subprocess.run(
        [*executable(), "--repo", str(repo.path), "--now", now, "dashboard"],
        env=dict(os.environ) | {"COLUMNS": "100", "LINES": "45"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.rstrip("\n").splitlines()


def test_an_empty_repository_shows_no_bare_headers(tmp_repo: Repo) -> None:
    lines = dashboard(tmp_repo, "2026-03-02T09:00:00Z")
    text = "\n".join(lines)
    for title in TITLES:
        assert title in text, title
    for empty in ("no clock at risk or breached", "no issue opened in this window",
                  "no satisfaction scores yet", "no handoffs on open issues"):  # fmt: skip
        assert empty in text, empty
    assert "issue   title" not in text  # no header row over nothing


def test_a_busy_repository_fits_100_by_45(tmp_repo: Repo) -> None:
    for n in range(10):
        tmp_repo.open(f"Checkout failure number {n} with a long title that will not fit", "product-defect",
                      "sev1", now=f"2026-03-02T0{n % 9}:00:00Z")  # fmt: skip
    lines = dashboard(tmp_repo, "2026-03-02T12:00:00Z")
    assert len(lines) <= 45, len(lines)
    assert max(cell_len(line) for line in lines) <= 100
    text = "\n".join(lines)
    for title in TITLES:
        assert title in text, title
    assert "+4" in text and "more" in text  # one row per issue, six shown
    # the two panels of a row are the same width
    tops = [line for line in lines if line.startswith("╭")]
    for top in tops:
        left, right = top.split("╮ ╭")
        assert abs(cell_len(left) - cell_len(right)) <= 2, top
