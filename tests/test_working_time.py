"""Every deadline shown says which calendar it counts on (24x7 or a business-hours calendar)."""

from __future__ import annotations

from tests.support import Repo

NOW = "2026-03-06T16:30:00Z"  # a Friday afternoon


def test_show_names_the_calendar_beside_every_deadline(tmp_repo: Repo) -> None:
    """A sev3 counts on the office calendar: each clock's target says so."""
    issue = tmp_repo.open("Typo on the invoice page", "product-defect", "sev3", now=NOW)
    text = " ".join(tmp_repo.ok("show", issue, now=NOW).stdout.split())
    assert text.count("· business hours (office)") >= 2, text


def test_route_names_the_calendar_beside_both_deadlines(tmp_repo: Repo) -> None:
    """respond by and resolve by each carry the calendar id."""
    out = tmp_repo.ok("route", "-c", "product-defect", "-s", "sev3", now=NOW).stdout
    lines = [line for line in out.splitlines() if " by " in line]
    assert len(lines) == 2 and all("office" in line for line in lines), out
    out = tmp_repo.ok("route", "-c", "product-defect", "-s", "sev1", now=NOW).stdout
    lines = [line for line in out.splitlines() if " by " in line]
    assert len(lines) == 2 and all("24x7" in line for line in lines), out
