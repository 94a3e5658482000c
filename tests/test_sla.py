"""SLA clocks: business hours, holidays, 24x7, pauses and contract overrides (issue 4, point 1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from escmatrix.core.calendar import WorkClock
from escmatrix.core.matrix import Calendar
from tests.support import Repo

BERLIN = ZoneInfo("Europe/Berlin")

BERLIN_CALENDAR = """\
  - id: berlin
    timezone: Europe/Berlin
    days: [mon, tue, wed, thu, fri]
    hours: "09:00-17:00"
    holidays: DE
"""


def _add_calendar(repo: Repo, entry: str) -> None:
    path = repo.path / "matrix" / "calendars.yaml"
    path.write_text(path.read_text(encoding="utf-8") + entry, encoding="utf-8")


def _business_matrix(repo: Repo) -> None:
    """Give sev2 a 4-business-hour first response on the Berlin calendar; sev1 30m stays 24x7."""
    _add_calendar(repo, BERLIN_CALENDAR)
    repo.edit(
        "matrix/severity.yaml",
        "    first_response: 1h\n",
        "    first_response: 4h\n    calendar: berlin\n",
    )
    repo.edit("matrix/severity.yaml", "    first_response: 15m\n", "    first_response: 30m\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "business hours")


def _due(repo: Repo, at: datetime, severity: str, *extra: str) -> datetime:
    data = repo.json(
        "route",
        "--category",
        "product-defect",
        "--severity",
        severity,
        "--at",
        at.isoformat(),
        *extra,
    )
    return datetime.fromisoformat(data["first_response_due"].replace("Z", "+00:00"))


def test_friday_afternoon_business_target_lands_on_monday(tmp_repo: Repo) -> None:
    """Friday 16:30 Berlin + 4 business hours on Mon-Fri 09:00-17:00 is Monday 12:30 Berlin."""
    _business_matrix(tmp_repo)
    due = _due(tmp_repo, datetime(2026, 11, 27, 16, 30, tzinfo=BERLIN), "sev2")
    assert due.astimezone(BERLIN) == datetime(2026, 11, 30, 12, 30, tzinfo=BERLIN)


def test_holiday_monday_moves_the_due_time_to_tuesday(tmp_repo: Repo) -> None:
    """The same on the Friday before Whit Monday (a German public holiday) is Tuesday 12:30."""
    _business_matrix(tmp_repo)
    due = _due(tmp_repo, datetime(2026, 5, 22, 16, 30, tzinfo=BERLIN), "sev2")
    assert due.astimezone(BERLIN) == datetime(2026, 5, 26, 12, 30, tzinfo=BERLIN)


def test_24x7_target_ignores_the_calendar(tmp_repo: Repo) -> None:
    """A 30-minute 24x7 target opened Friday 16:30 Berlin is due 17:00 the same evening."""
    _business_matrix(tmp_repo)
    due = _due(tmp_repo, datetime(2026, 11, 27, 16, 30, tzinfo=BERLIN), "sev1")
    assert due.astimezone(BERLIN) == datetime(2026, 11, 27, 17, 0, tzinfo=BERLIN)


def test_a_two_hour_pause_moves_the_due_time_by_two_hours(tmp_repo: Repo) -> None:
    """Pausing for two hours before the first response pushes its due time two hours later."""
    issue = tmp_repo.open(severity="sev1", now="2026-03-02T09:00:00Z")  # 15m, 24x7
    before = tmp_repo.show(issue, now="2026-03-02T09:05:00Z")
    tmp_repo.ok(
        "pause", issue, "--waiting-on", "customer", "--reason", "logs", now="2026-03-02T09:05:00Z"
    )
    tmp_repo.ok("resume", issue, now="2026-03-02T11:05:00Z")
    after = tmp_repo.show(issue, now="2026-03-02T11:06:00Z")

    def due(data: dict[str, object]) -> datetime:
        clock = next(c for c in data["deadlines"] if c["name"] == "first response")  # type: ignore[attr-defined]
        return datetime.fromisoformat(clock["due"].replace("Z", "+00:00"))

    assert due(before) == datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    assert due(after) - due(before) == timedelta(hours=2)


def test_paused_clock_shows_paused_and_elapsed_stops(tmp_repo: Repo) -> None:
    """While paused the resolution clock is 'paused' and its elapsed time does not grow."""
    issue = tmp_repo.open(severity="sev1", now="2026-03-02T09:00:00Z")
    tmp_repo.ok("ack", issue, now="2026-03-02T09:05:00Z")
    tmp_repo.ok(
        "pause",
        issue,
        "--waiting-on",
        "partner",
        "--reason",
        "API keys",
        now="2026-03-02T09:10:00Z",
    )
    early = tmp_repo.show(issue, now="2026-03-02T10:00:00Z")
    late = tmp_repo.show(issue, now="2026-03-02T12:00:00Z")
    for data in (early, late):
        clock = next(c for c in data["deadlines"] if c["name"] == "resolution")
        assert clock["state"] == "paused"
        assert clock["elapsed_seconds"] == 600


def test_partner_contract_beats_the_default_target(tmp_repo: Repo) -> None:
    """A partner whose contract says sev2 first response 15m, 24x7 wins over the 1h default."""
    (tmp_repo.path / "matrix" / "accounts.yaml").write_text(
        "partners:\n  - id: acme-pay\n    name: Acme Pay\n    targets:\n"
        "      sev2: {first_response: 15m, calendar: 24x7}\n",
        encoding="utf-8",
    )
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with_partner = tmp_repo.json(
        "route",
        "--category",
        "product-defect",
        "--severity",
        "sev2",
        "--partner",
        "acme-pay",
        "--at",
        at.isoformat(),
    )
    without = tmp_repo.json(
        "route", "--category", "product-defect", "--severity", "sev2", "--at", at.isoformat()
    )
    assert with_partner["targets"]["first_response"] == "15m"
    assert "partner acme-pay contract" in with_partner["targets"]["source"]
    assert with_partner["first_response_due"] == "2026-03-02T09:15:00Z"
    assert without["first_response_due"] == "2026-03-02T10:00:00Z"


def test_show_lists_every_clock_with_state(tmp_repo: Repo) -> None:
    """`show --format json` lists first response, next update, resolution and tier clocks."""
    issue = tmp_repo.open(severity="sev2", now="2026-03-02T09:00:00Z")
    data = tmp_repo.show(issue, now="2026-03-02T09:50:00Z")
    states = {c["name"]: c["state"] for c in data["deadlines"]}
    assert states == {
        "first response": "at risk",  # 50m of 1h
        "next update": "running",  # 50m of 2h
        "resolution": "running",
        "tier frontline response": "breached",  # 30m
    }


def test_work_clock_counts_only_open_hours() -> None:
    """Elapsed business time from Friday 16:30 to Monday 12:30 Berlin is four hours."""
    clock = WorkClock(Calendar(id="b", timezone="Europe/Berlin", holidays="DE"))
    start = datetime(2026, 11, 27, 16, 30, tzinfo=BERLIN)
    end = datetime(2026, 11, 30, 12, 30, tzinfo=BERLIN)
    assert clock.elapsed(start, end) == timedelta(hours=4)
    assert clock.add(start, timedelta(hours=4)) == end


def test_closure_dates_are_not_working_days() -> None:
    """A closure date in the calendar is skipped like a weekend."""
    clock = WorkClock(Calendar(id="b", timezone="UTC", closures=["2026-12-24"]))  # type: ignore[list-item]
    start = datetime(2026, 12, 23, 16, 0, tzinfo=UTC)
    assert clock.add(start, timedelta(hours=2)) == datetime(2026, 12, 25, 10, 0, tzinfo=UTC)


def test_unknown_holiday_country_is_a_clear_error(tmp_repo: Repo) -> None:
    """A country the holidays package does not know fails with the code named, not a traceback."""
    _add_calendar(tmp_repo, BERLIN_CALENDAR.replace("holidays: DE", "holidays: QQ"))
    tmp_repo.edit(
        "matrix/severity.yaml",
        "    first_response: 1h\n",
        "    first_response: 4h\n    calendar: berlin\n",
    )
    result = tmp_repo.cli("route", "--category", "product-defect", "--severity", "sev2")
    assert result.exit_code == 1
    assert "'QQ'" in result.output
    assert "Traceback" not in result.output
