"""Routing rules that name an on-call schedule: the holder at that moment gets the issue."""

from __future__ import annotations

import json

from tests.support import Repo

SCHEDULES = """\
schedules:
  - id: night
    name: Night desk
    layers:
      - {id: all, rotation: [sam, kim], timezone: Europe/London, handoff: "09:00",
         length: daily, starts: 2026-03-01}
    overrides:
      - {person: pat, from: 2026-03-04T12:00:00Z, until: 2026-03-04T13:00:00Z}
"""


def _with_schedule(repo: Repo) -> None:
    (repo.path / "matrix" / "schedules.yaml").write_text(SCHEDULES)
    text = (repo.path / "matrix" / "routing.yaml").read_text()
    rule = (
        "rules:\n  - id: on-call\n    when: {category: [service-downtime], severity: [sev1]}\n"
        "    schedule: night\n"
    )
    (repo.path / "matrix" / "routing.yaml").write_text(text.replace("rules:\n", rule, 1))


def test_rule_with_schedule_routes_to_the_holder_and_says_why(tmp_repo: Repo) -> None:
    """Day 3 of a daily rotation of sam and kim is sam's, day 4 kim's; the reason says which."""
    _with_schedule(tmp_repo)
    data = tmp_repo.json(
        "route", "-c", "service-downtime", "-s", "sev1", now="2026-03-03T10:00:00Z"
    )
    assert data["rule"] == "on-call"
    assert data["owner"] == "sam"
    assert "daily rotation, day 3" in data["owner_reason"]
    later = tmp_repo.json(
        "route", "-c", "service-downtime", "-s", "sev1", now="2026-03-04T10:00:00Z"
    )
    assert later["owner"] == "kim"


def test_override_wins_and_is_named(tmp_repo: Repo) -> None:
    """Inside the override's hour, pat holds it, and the reason says until when."""
    _with_schedule(tmp_repo)
    data = tmp_repo.json(
        "route", "-c", "service-downtime", "-s", "sev1", now="2026-03-04T12:30:00Z"
    )
    assert data["owner"] == "pat"
    assert "override by pat until" in data["owner_reason"]


def test_unknown_schedule_in_a_rule_fails_validate(tmp_repo: Repo) -> None:
    """A rule naming a schedule that does not exist: unknown-reference, with the line."""
    _with_schedule(tmp_repo)
    path = tmp_repo.path / "matrix" / "routing.yaml"
    path.write_text(path.read_text().replace("schedule: night", "schedule: nite"))
    result = tmp_repo.cli("validate")
    assert result.exit_code == 1
    assert "unknown schedule 'nite'" in result.output
    assert "routing.yaml" in result.output


def test_schedule_with_uncovered_hours_is_a_schedule_gap(tmp_repo: Repo) -> None:
    """Only a 09:00-17:00 London layer: validate names the empty hours, also in JSON."""
    _with_schedule(tmp_repo)
    path = tmp_repo.path / "matrix" / "schedules.yaml"
    path.write_text(
        path.read_text().replace("length: daily,", 'length: daily, hours: "09:00-17:00",')
    )
    result = tmp_repo.cli("validate", "--format", "json", now="2026-03-04T10:00:00Z")
    assert result.exit_code == 1, result.output
    findings = [f for f in json.loads(result.stdout) if f["rule"] == "schedule-gap"]
    assert len(findings) == 1, result.stdout
    assert "Mon 17:00–" in findings[0]["message"]
    assert "schedules.yaml" in findings[0]["file"]
