"""oncall: follow-the-sun schedules across a DST change, overrides, the agenda and iCalendar."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from tests.support import Repo, executable, git

SCHEDULES = """\
schedules:
  - id: sre
    name: SRE follow-the-sun
    layers:
      - {id: base, rotation: [lena, sofia], timezone: Europe/Berlin, handoff: "09:00",
         length: daily, starts: 2026-10-01}
      - {id: apac, rotation: [jack, arjun], timezone: Australia/Sydney, handoff: "09:00",
         length: daily, starts: 2026-10-01, hours: "09:00-17:00"}
      - {id: emea, rotation: [hannah, stefan], timezone: Europe/Berlin, handoff: "09:00",
         length: weekly, starts: 2026-10-05, hours: "09:00-17:00"}
      - {id: americas, rotation: [marcus, daniel], timezone: America/New_York,
         handoff: "09:00", length: weekly, starts: 2026-10-05, hours: "09:00-17:00"}
    overrides:
      - {person: felix, from: 2026-10-25T02:00:00Z, until: 2026-10-25T05:00:00Z, note: swap}
  - id: support-frontline   # the example's routing pages it for sev2 after hours
    name: Customer Support frontline
    layers:
      - {id: daily, rotation: [lena, jack, marcus], timezone: Europe/Berlin, handoff: "08:00",
         length: daily, starts: 2026-11-02}
"""

# (rotation, zone, days per shift, first day, local hours or None), in layer order
LAYERS = [
    (["lena", "sofia"], "Europe/Berlin", 1, date(2026, 10, 1), None),
    (["jack", "arjun"], "Australia/Sydney", 1, date(2026, 10, 1), (9, 17)),
    (["hannah", "stefan"], "Europe/Berlin", 7, date(2026, 10, 5), (9, 17)),
    (["marcus", "daniel"], "America/New_York", 7, date(2026, 10, 5), (9, 17)),
]
OVERRIDE = ("felix", datetime(2026, 10, 25, 2, tzinfo=UTC), datetime(2026, 10, 25, 5, tzinfo=UTC))


def expected_holder(at: datetime) -> str:
    """Computed apart from the tool: walk the handoff instants until the next one is after `at`."""
    if OVERRIDE[1] <= at < OVERRIDE[2]:
        return OVERRIDE[0]
    holder = ""
    for rotation, zone, days, first, hours in LAYERS:
        local = at.astimezone(ZoneInfo(zone))
        if hours and not hours[0] <= local.hour < hours[1]:
            continue
        k = 0
        while (
            datetime.combine(first + timedelta(days=(k + 1) * days), time(9), ZoneInfo(zone)) <= at
        ):
            k += 1
        holder = rotation[k % len(rotation)]
    return holder


def _repo(example_repo: Repo) -> Path:
    (example_repo.path / "matrix" / "schedules.yaml").write_text(SCHEDULES)
    git(example_repo.path, "add", "--", "matrix/schedules.yaml")
    git(example_repo.path, "commit", "-q", "-m", "schedules")
    return example_repo.path


def _run(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*executable(), *args], cwd=path, capture_output=True, text=True, check=False
    )


def test_follow_the_sun_across_dst_names_the_expected_holder(example_repo: Repo) -> None:
    """24 hourly moments across Berlin's DST end (2026-10-25 01:00Z): each holder matches."""
    path = _repo(example_repo)
    start = datetime(2026, 10, 24, 14, tzinfo=UTC)
    seen = set()
    for hour in range(24):
        at = start + timedelta(hours=hour)
        result = _run(
            path, "oncall", "--at", at.isoformat(), "--schedule", "sre", "--format", "json"
        )
        assert result.returncode == 0, result.stderr
        row = json.loads(result.stdout)["schedules"][0]
        assert row["person"] == expected_holder(at), (at, row)
        assert row["why"], row
        seen.add(row["person"])
    assert {"felix", "marcus"} <= seen  # the override and the Americas layer both showed


def test_why_names_rotation_layer_and_override(example_repo: Repo) -> None:
    """The explanation says which rotation, which layer and hours, and the override's end."""
    path = _repo(example_repo)
    result = _run(path, "oncall", "--at", "2026-10-25T03:00:00Z", "--schedule", "sre")
    assert result.returncode == 0, result.stderr
    assert "layer 'apac' 09:00–17:00 Australia/Sydney" in result.stdout
    assert "override by felix until" in result.stdout


def test_agenda_as_icalendar_parses(example_repo: Repo) -> None:
    """--from/--until --format ics gives shifts that icalendar reads back, in order."""
    path = _repo(example_repo)
    result = _run(
        path, "oncall", "--schedule", "sre", "--from", "2026-10-24T00:00:00Z",
        "--until", "2026-10-26T00:00:00Z", "--format", "ics",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    calendar = icalendar.Calendar.from_ical(result.stdout)
    events = list(calendar.walk("VEVENT"))
    assert len(events) > 4
    starts = [e.decoded("dtstart") for e in events]
    assert starts == sorted(starts)
    assert any("felix" in str(e.get("summary")).lower() or "Felix" in str(e.get("summary"))
               for e in events)  # fmt: skip


def test_unknown_schedule_and_missing_window_end_are_refused(example_repo: Repo) -> None:
    """A usage error with a hint, never a traceback."""
    path = _repo(example_repo)
    result = _run(path, "oncall", "--schedule", "nope")
    assert result.returncode == 2, result.stderr
    assert "sre" in result.stderr
    result = _run(path, "oncall", "--from", "2026-10-24T00:00:00Z")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_schedule_naming_an_unknown_person_fails_validate(example_repo: Repo) -> None:
    """A rotation member who is not in people.yaml is an unknown-reference with the line."""
    path = example_repo.path
    (path / "matrix" / "schedules.yaml").write_text(
        SCHEDULES.replace("[lena, sofia]", "[lena, zed]")
    )
    result = _run(path, "validate")
    assert result.returncode == 1
    assert "matrix/schedules.yaml" in result.stdout
    assert "5:37" in result.stdout  # line 5, the rotation's second name
    assert "unknown person 'zed'" in result.stdout
