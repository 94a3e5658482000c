"""import / export of PagerDuty and Opsgenie: the fixtures (written from the vendors' public API
docs) become a matrix that validates, with the same ladder delays and the same people on call as
the vendors' own rules say, a report of what did not map, and a stable round trip."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.support import executable, init_git

FIXTURES = Path(__file__).parent / "fixtures"
NOW = "2026-12-01T00:00:00Z"
MOMENTS = [  # weekdays: the weekly restrictions that the matrix cannot hold are noted instead
    "2026-12-07T03:00:00Z",
    "2026-12-08T12:00:00Z",
    "2026-12-09T23:30:00Z",
    "2026-12-10T16:59:00Z",
    "2026-12-11T08:15:00Z",
]


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ESCMATRIX_NOW=NOW)
    return subprocess.run(
        [*executable(), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def ok(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = run(cwd, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def files(vendor: str) -> list[str]:
    return sorted(str(p) for p in (FIXTURES / vendor).glob("*.json"))


@pytest.fixture(params=["pagerduty", "opsgenie"])
def imported(
    request: pytest.FixtureRequest, tmp_path: Path, isolated_home: Path
) -> tuple[str, Path, Any]:
    """A new repository with one vendor's fixtures imported; the import's JSON report."""
    vendor: str = request.param
    root = tmp_path / vendor
    init_git(root, "alex")
    done = ok(root, "import", vendor, *files(vendor), "--into", ".", "--format", "json")
    return vendor, root, json.loads(done.stdout)


def test_imported_matrix_validates_strict(imported: tuple[str, Path, Any]) -> None:
    """The imported repository passes `validate --strict` and records what did not map."""
    _, root, report = imported
    ok(root, "validate", "--strict")
    assert (root / "import-notes.md").read_text().count("\n| ") - 1 == len(report["not_mapped"])
    assert "matrix/schedules.yaml" in report["written"]


def test_imported_ladder_delays(imported: tuple[str, Path, Any]) -> None:
    """Tiers take the longest policy's delays: PagerDuty's per level, Opsgenie's as gaps."""
    vendor, root, _ = imported
    matrix = json.loads(ok(root, "matrix", "--format", "json").stdout)
    tiers = [(t["id"], t["response_time"]) for t in matrix["tiers"]]
    expected = {
        # Platform Escalation: 15, 30, 60, 120 minutes per level
        "pagerduty": ["15m", "30m", "1h", "2h"],
        # SRE Escalation: rules at 0, 15, 45, 120 minutes; repeat every 20m (< 75m: doubled)
        "opsgenie": ["15m", "30m", "1h15m", "2h30m"],
    }[vendor]
    assert [t[0] for t in tiers] == ["frontline", "team-lead", "manager", "executive"]
    assert [t[1] for t in tiers] == expected


# -- the vendors' own semantics, computed from the fixtures without escmatrix ----------------


def _local_minutes(at: datetime, zone: str) -> tuple[int, int]:
    local = at.astimezone(ZoneInfo(zone))
    return local.isoweekday(), local.hour * 60 + local.minute


def pagerduty_on_call(schedule: dict[str, Any], users: dict[str, str], at: datetime) -> str | None:
    """PagerDuty: layers listed highest priority first; a turn is elapsed seconds from the
    virtual start; restrictions are daily or weekly windows in the schedule's zone."""
    zone = schedule["time_zone"]
    day, minute = _local_minutes(at, zone)
    for layer in schedule["schedule_layers"]:
        start = datetime.fromisoformat(layer["rotation_virtual_start"])
        turn = int((at - start).total_seconds() // layer["rotation_turn_length_seconds"])
        person = layer["users"][turn % len(layer["users"])]["user"]["id"]
        windows = layer["restrictions"]
        inside = not windows
        for window in windows:
            begin = int(window["start_time_of_day"][:2]) * 60 + int(
                window["start_time_of_day"][3:5]
            )
            length = window["duration_seconds"] // 60
            if window["type"] == "daily_restriction":
                inside |= (minute - begin) % 1440 < length
            else:
                week_minute = (day - 1) * 1440 + minute
                week_begin = (window["start_day_of_week"] - 1) * 1440 + begin
                inside |= (week_minute - week_begin) % (7 * 1440) < length
        if inside:
            return users[person]
    return None


def opsgenie_on_call(schedule: dict[str, Any], users: dict[str, str], at: datetime) -> set[str]:
    """Opsgenie: every rotation's current participant is on call together."""
    day, minute = _local_minutes(at, schedule["timezone"])
    names = ["", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    found = set()
    for rotation in schedule["rotations"]:
        unit = {"hourly": 3600, "daily": 86400, "weekly": 604800}[rotation["type"]]
        start = datetime.fromisoformat(rotation["startDate"].replace("Z", "+00:00"))
        turn = int((at - start).total_seconds() // (unit * rotation["length"]))
        person = rotation["participants"][turn % len(rotation["participants"])]
        restriction = rotation.get("timeRestriction")
        spans = []
        if restriction and restriction["type"] == "time-of-day":
            spans = [restriction["restriction"]]
        elif restriction:
            spans = [r for r in restriction["restrictions"] if r["startDay"] == names[day]]
        inside = not restriction or any(
            (minute - (s["startHour"] * 60 + s["startMin"])) % 1440
            < ((s["endHour"] * 60 + s["endMin"]) - (s["startHour"] * 60 + s["startMin"])) % 1440
            for s in spans
        )
        if inside and person["type"] == "user":
            found.add(users[person["id"]])
    return found


def _emails(vendor: str) -> dict[str, str]:
    """Vendor user id -> the matrix person id (the email's local part)."""
    data = json.loads((FIXTURES / vendor / "users.json").read_text())
    if vendor == "pagerduty":
        return {u["id"]: u["email"].split("@")[0] for u in data["users"]}
    return {u["id"]: u["username"].split("@")[0] for u in data["data"]}


def test_who_is_on_call_matches_the_vendor(imported: tuple[str, Path, Any]) -> None:
    """At five moments, each schedule's holder is who the vendor's own rules name."""
    vendor, root, _ = imported
    users = _emails(vendor)
    raw = json.loads((FIXTURES / vendor / "schedules.json").read_text())
    schedules = raw["schedules"] if vendor == "pagerduty" else raw["data"]
    compared = 0
    for moment in MOMENTS:
        at = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        shown = json.loads(ok(root, "oncall", "--at", moment, "--format", "json").stdout)
        holders = {row["name"]: row["person"] for row in shown["schedules"]}
        for schedule in schedules:
            if vendor == "pagerduty":
                expected = pagerduty_on_call(schedule, users, at)
            else:
                everyone = opsgenie_on_call(schedule, users, at)
                assert len(everyone) <= 1, f"fixture rotations overlap at {moment}"
                expected = next(iter(everyone), None)
            assert holders[schedule["name"]] == expected, (moment, schedule["name"])
            compared += 1
    assert compared == 5 * len(schedules) >= 15


NOT_MAPPED = {
    "pagerduty": [
        ("user 'ana@example.com'", "notification_rules (1)"),
        ("user 'ana@example.com'", "contact_methods (2)"),
        ("user 'ana@example.com'", "role 'user'"),
        ("user 'gus@example.com'", "more than one team"),
        ("schedule 'Platform Secondary' layer 'Weekdays'", "end 2027-06-30T09:00:00+01:00"),
        (
            "schedule 'Platform Secondary' layer 'Weekdays'",
            "weekly_restriction (days: Mon, Tue, Wed, Thu, Fri)",
        ),
        ("escalation policy 'Platform Escalation'", "num_loops 2 (repeat)"),
        ("escalation policy 'Payments Escalation'", "num_loops 1 (repeat)"),
        ("escalation policy 'Platform Escalation'", "on_call_handoff_notifications"),
        (
            "escalation policy 'Payments Escalation' level 1",
            "escalation_rule_assignment_strategy round_robin",
        ),
        ("escalation policy 'Payments Escalation' level 1", "escalation delay 10m"),
        ("service 'Checkout API'", "incident_urgency_rule (constant)"),
        ("service 'Checkout API'", "acknowledgement_timeout"),
        ("service 'Checkout API'", "auto_resolve_timeout"),
        ("service 'Core Platform'", "incident_urgency_rule (use_support_hours)"),
        ("service 'Core Platform'", "support_hours"),
    ],
    "opsgenie": [
        ("user 'ana@example.com'", "role Admin"),
        ("notification rule 'New Alert'", "actionType create-alert"),
        ("notification rule 'On-call starts'", "actionType schedule-start"),
        ("schedule 'SRE Follow the Sun'", "2 rotations on call together"),
        (
            "schedule 'Support Business Days' rotation 'Weekdays'",
            "timeRestriction weekday-and-time-of-day (monday, tuesday, wednesday, thursday, friday)",
        ),
        (
            "schedule 'Support Round the Clock' rotation 'Twelve hours'",
            "endDate 2027-03-31T12:00:00Z",
        ),
        ("escalation 'SRE Escalation'", "repeat (count 2, every 20m)"),
        ("escalation 'Support Escalation'", "repeat (count 1, every 30m)"),
        ("escalation 'Support Escalation' rule 2", "condition if-not-closed"),
        ("escalation 'Support Escalation' rule 2", "notifyType next"),
        ("routing rule 'Database'", "not source equals 'test'"),
        ("routing rule 'Payment failures'", "condition message contains 'checkout'"),
        ("routing rule 'Critical'", "timeRestriction"),
        ("routing rule 'Default'", "isDefault"),
    ],
}


def test_not_mapped_report_lists_each_field(imported: tuple[str, Path, Any]) -> None:
    """Notification rules, repeats, round robin, urgencies...: each is named with what was done."""
    vendor, root, report = imported
    listed = {(n["where"], n["field"]): n["instead"] for n in report["not_mapped"]}
    for where, field in NOT_MAPPED[vendor]:
        assert (where, field) in listed, (where, field)
        assert listed[(where, field)]
    notes = (root / "import-notes.md").read_text()
    assert all(field in notes for _, field in NOT_MAPPED[vendor])


def test_import_export_import_is_stable(imported: tuple[str, Path, Any], tmp_path: Path) -> None:
    """Export the imported matrix, import it again with --check: nothing would change."""
    vendor, root, _ = imported
    out = tmp_path / "exported"
    ok(root, "export", vendor, "--out", str(out))
    exported = sorted(str(p) for p in out.glob("*.json"))
    assert len(exported) == 5
    done = ok(root, "import", vendor, *exported, "--into", ".", "--check")
    assert "a re-import would change: nothing" in done.stdout
    ok(root, "import", vendor, *files(vendor), "--into", ".", "--check")


def test_check_reports_what_a_reimport_would_change(tmp_path: Path, isolated_home: Path) -> None:
    """A changed delay in the vendor shows as a diff of ladder.yaml and exit 1; nothing written."""
    root = tmp_path / "repo"
    init_git(root, "alex")
    ok(root, "import", "pagerduty", *files("pagerduty"), "--into", ".")
    changed = tmp_path / "vendor"
    changed.mkdir()
    for name in files("pagerduty"):
        text = Path(name).read_text()
        if name.endswith("escalation_policies.json"):
            text = text.replace(
                '"escalation_delay_in_minutes": 60', '"escalation_delay_in_minutes": 90'
            )
        (changed / Path(name).name).write_text(text)
    before = (root / "matrix" / "ladder.yaml").read_text()
    done = run(
        root,
        "import",
        "pagerduty",
        *sorted(str(p) for p in changed.glob("*.json")),
        "--into",
        ".",
        "--check",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "-  response_time: 1h\n+  response_time: 1h30m" in done.stdout
    assert "a re-import would change: matrix/ladder.yaml" in done.stdout
    assert (root / "matrix" / "ladder.yaml").read_text() == before


def test_bad_vendor_files_are_refused_with_the_place(tmp_path: Path, isolated_home: Path) -> None:
    """Not JSON, not a vendor response, a field of the wrong type: exit 1, file named, no trace."""
    root = tmp_path / "repo"
    init_git(root, "alex")
    broken = tmp_path / "users.json"
    broken.write_text('{"users": [\n  {"id": "P1",}\n]}')
    done = run(root, "import", "pagerduty", str(broken), "--into", ".")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{broken}:2:" in done.stderr and "not JSON" in done.stderr
    other = tmp_path / "other.json"
    other.write_text('{"incidents": []}')
    done = run(root, "import", "pagerduty", str(other), "--into", ".")
    assert done.returncode == 1 and "escalation_policies" in done.stderr
    wrong = tmp_path / "schedules.json"
    wrong.write_text(
        '{"schedules": [{"id": "S", "name": "X", "schedule_layers": [{"name": "L",'
        ' "users": [{"user": {"id": "PUSR001"}}], "rotation_turn_length_seconds": "weekly"}]}]}'
    )
    users = str(FIXTURES / "pagerduty" / "users.json")
    done = run(root, "import", "pagerduty", users, str(wrong), "--into", ".")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert (
        "schedules[0] schedule_layers[0]: 'rotation_turn_length_seconds' must be a whole number"
        in done.stderr
    )
    done = run(
        root, "import", "pagerduty", str(FIXTURES / "pagerduty" / "teams.json"), "--into", "."
    )
    assert done.returncode == 1 and "no users" in done.stderr, done.stderr
    assert not (root / "matrix").exists()


def test_opsgenie_gap_participant_is_reported(tmp_path: Path, isolated_home: Path) -> None:
    """A 'none' participant (a gap in the turn order) cannot be a matrix rotation slot: noted."""
    schedules = json.loads((FIXTURES / "opsgenie" / "schedules.json").read_text())
    schedules["data"][2]["rotations"][0]["participants"].append({"type": "none"})
    changed = tmp_path / "vendor"
    changed.mkdir()
    for name in files("opsgenie"):
        (changed / Path(name).name).write_text(Path(name).read_text())
    (changed / "schedules.json").write_text(json.dumps(schedules))
    root = tmp_path / "repo"
    init_git(root, "alex")
    done = ok(
        root,
        "import",
        "opsgenie",
        *sorted(str(p) for p in changed.glob("*.json")),
        "--into",
        ".",
        "--format",
        "json",
    )
    fields = {(n["where"], n["field"]) for n in json.loads(done.stdout)["not_mapped"]}
    assert (
        "schedule 'Support Round the Clock' rotation 'Twelve hours'",
        "participant of type none",
    ) in fields


def test_export_needs_a_matrix(tmp_path: Path, isolated_home: Path) -> None:
    """Export outside a repository is a clear error, not a trace."""
    done = run(tmp_path, "export", "pagerduty", "--out", str(tmp_path / "out"))
    assert done.returncode in (1, 2) and "Traceback" not in done.stderr


def test_shift_arithmetic_in_the_oracle_is_elapsed_time() -> None:
    """The oracle counts turns in elapsed seconds: a weekly turn is exactly 7 x 24 hours."""
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    schedule = {
        "time_zone": "UTC",
        "schedule_layers": [
            {
                "rotation_virtual_start": start.isoformat(),
                "rotation_turn_length_seconds": 604800,
                "users": [{"user": {"id": "A"}}, {"user": {"id": "B"}}],
                "restrictions": [],
            }
        ],
    }
    users = {"A": "a", "B": "b"}
    assert pagerduty_on_call(schedule, users, start + timedelta(days=7, seconds=-1)) == "a"
    assert pagerduty_on_call(schedule, users, start + timedelta(days=7)) == "b"


def test_users_alone_still_make_a_valid_matrix(tmp_path: Path, isolated_home: Path) -> None:
    """Only a users file, one with an unknown timezone: a one-tier ladder, UTC, all noted."""
    users = tmp_path / "users.json"
    users.write_text(
        '{"users": [{"id": "P1", "name": "Ana", "email": "ana@example.com", "time_zone": "Mars/Base"}]}'
    )
    root = tmp_path / "repo"
    init_git(root, "alex")
    done = ok(root, "import", "pagerduty", str(users), "--into", ".", "--format", "json")
    fields = {n["field"] for n in json.loads(done.stdout)["not_mapped"]}
    assert {"time_zone 'Mars/Base'", "no escalation policy", "(none)"} <= fields
    ok(root, "validate", "--strict")
    assert "timezone: UTC" in (root / "matrix" / "people.yaml").read_text()
