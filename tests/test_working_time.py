"""Every deadline shown says which calendar it counts on (24x7 or a business-hours calendar)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

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


LONDON = ZoneInfo("Europe/London")


def _resolution_in_working_days(repo: Repo, days: int) -> None:
    """The starter's sev3 (office calendar: London, Mon-Fri 09:00-17:00, GB holidays)."""
    repo.edit("matrix/severity.yaml", "    resolution: 5bd", f"    resolution: {days}bd")
    repo.git("commit", "-qam", f"sev3 resolves in {days} working days")


def _resolve_by(repo: Repo, at: datetime) -> tuple[datetime, dict[str, Any]]:
    data = repo.json(
        "route", "-c", "product-defect", "-s", "sev3", "--at", at.isoformat(), now=None
    )
    return datetime.fromisoformat(data["resolution_due"].replace("Z", "+00:00")), data


def test_three_working_days_from_friday_afternoon_is_wednesday(tmp_repo: Repo) -> None:
    """3bd from Friday 16:30 is Wednesday 16:30: the weekend does not count, and a working
    day is the calendar's (8 hours), not 24."""
    _resolution_in_working_days(tmp_repo, 3)
    due, data = _resolve_by(tmp_repo, datetime(2026, 3, 6, 16, 30, tzinfo=LONDON))
    assert due.astimezone(LONDON) == datetime(2026, 3, 11, 16, 30, tzinfo=LONDON)
    assert data["targets"]["resolution"] == "3bd"
    assert data["targets"]["calendar"] == "office"


def test_working_days_skip_public_holidays(tmp_repo: Repo) -> None:
    """Friday 1 May 2026 16:30: Monday 4 May is a GB bank holiday, so 3bd ends on Thursday."""
    _resolution_in_working_days(tmp_repo, 3)
    due, _ = _resolve_by(tmp_repo, datetime(2026, 5, 1, 16, 30, tzinfo=LONDON))
    assert due.astimezone(LONDON) == datetime(2026, 5, 7, 16, 30, tzinfo=LONDON)


def test_working_hours_unit_counts_hours_of_the_calendar(tmp_repo: Repo) -> None:
    """4bh from Friday 16:30 is Monday 12:30 (half an hour on Friday, 3.5 on Monday)."""
    tmp_repo.edit("matrix/severity.yaml", "    resolution: 5bd", "    resolution: 4bh")
    tmp_repo.git("commit", "-qam", "sev3 resolves in 4 working hours")
    due, data = _resolve_by(tmp_repo, datetime(2026, 3, 6, 16, 30, tzinfo=LONDON))
    assert due.astimezone(LONDON) == datetime(2026, 3, 9, 12, 30, tzinfo=LONDON)
    assert data["targets"]["resolution"] == "4bh"


def test_plain_days_on_a_business_calendar_are_refused_with_place_and_hint(
    tmp_repo: Repo,
) -> None:
    """`4d` on the office calendar would count 96 working hours: validate refuses it."""
    tmp_repo.edit("matrix/severity.yaml", "    resolution: 5bd", "    resolution: 4d")
    line = tmp_repo.line_of("matrix/severity.yaml", "resolution: 4d")
    result = tmp_repo.cli("validate")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    text = " ".join(result.output.split())
    assert "matrix/severity.yaml" in result.output and f"{line}:" in result.output
    assert "[ambiguous-duration]" in text
    assert "96h of working time" in text and "'4bd' for 4 working days" in text
    data = json.loads(tmp_repo.cli("validate", "--format", "json").stdout)
    found = [f for f in data if f["rule"] == "ambiguous-duration"]
    assert found and found[0]["line"] == line and found[0]["file"] == "matrix/severity.yaml"


def test_plain_days_stay_valid_on_24x7_and_hours_stay_valid_on_business_time(
    tmp_repo: Repo,
) -> None:
    """sev2 `1d` counts 24x7 (no ambiguity); sev3 `4h` on office means 4 working hours."""
    result = tmp_repo.cli("validate")
    assert result.exit_code == 0, result.output
    text = (tmp_repo.path / "matrix" / "severity.yaml").read_text()
    assert "resolution: 1d" in text and "first_response: 4h" in text


def test_a_contract_moving_a_day_target_onto_business_hours_is_refused(tmp_repo: Repo) -> None:
    """A partner contract that puts sev2 (24x7, resolution 1d) on the office calendar inherits a
    plain day count there: refused at the contract's calendar."""
    tmp_repo.edit(
        "matrix/accounts.yaml",
        "partners: []",
        "partners:\n  - id: parcel-post\n    name: Parcel Post\n    targets:\n"
        "      sev2: {first_response: 2h, calendar: office}\n",
    )
    result = tmp_repo.cli("validate")
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    assert "parcel-post's sev2 resolution (the sev2 default" in text
    assert "matrix/accounts.yaml" in result.output


def test_show_says_working_days_and_calendar_for_each_clock(tmp_repo: Repo) -> None:
    issue = tmp_repo.open("Typo on the invoice page", "product-defect", "sev3", now=NOW)
    text = " ".join(tmp_repo.ok("show", issue, now=NOW).stdout.split())
    assert "5 working days · business hours (office)" in text, text
    assert "1 working day · business hours (office)" in text, text
