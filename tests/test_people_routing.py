"""People-aware routing: among a category's owners, someone inside their working hours wins."""

from __future__ import annotations

import subprocess

from tests.support import Repo, executable


def _berlin_and_chicago(repo: Repo) -> None:
    """alex (product-defect's primary) in Berlin; sam (its backup) in Chicago on a late shift."""
    repo.edit(
        "matrix/people.yaml", "    timezone: Europe/London\n", "    timezone: Europe/Berlin\n"
    )
    repo.edit(
        "matrix/people.yaml",
        "    timezone: America/New_York\n    team: support\n",
        '    timezone: America/Chicago\n    working_hours: "13:00-22:00"\n    team: support\n',
    )


def test_sev1_at_night_in_berlin_goes_to_the_owner_at_work_in_chicago(tmp_repo: Repo) -> None:
    """03:10 Berlin (20:10 Chicago): the backup at work gets it, and the reason says so."""
    _berlin_and_chicago(tmp_repo)
    data = tmp_repo.json(
        "route", "-c", "product-defect", "-s", "sev1", "--at", "2026-12-01T02:10:00Z"
    )
    assert data["owner"] == "sam", data
    reason = data["owner_reason"]
    assert "alex 03:10 Europe/Berlin outside working hours" in reason
    assert "sam 20:10 America/Chicago at work" in reason


def test_sev1_in_the_berlin_afternoon_goes_to_the_berlin_owner(tmp_repo: Repo) -> None:
    """15:00 Berlin: the primary is at work, so the primary it is, with no detour."""
    _berlin_and_chicago(tmp_repo)
    data = tmp_repo.json(
        "route", "-c", "product-defect", "-s", "sev1", "--at", "2026-12-01T14:00:00Z"
    )
    assert data["owner"] == "alex", data
    assert "outside working hours" not in data["owner_reason"]


def test_nobody_at_work_keeps_the_listed_order(tmp_repo: Repo) -> None:
    """When no owner is inside working hours, the primary still gets it (order decides)."""
    _berlin_and_chicago(tmp_repo)
    data = tmp_repo.json(
        "route", "-c", "product-defect", "-s", "sev1", "--at", "2026-12-01T07:00:00Z"
    )
    assert data["owner"] == "alex", data


def test_route_table_explains_the_choice_end_to_end(tmp_repo: Repo) -> None:
    """The installed escmatrix prints the reason in the table too."""
    _berlin_and_chicago(tmp_repo)
    result = subprocess.run(
        [*executable(), "route", "-c", "product-defect", "-s", "sev1",
         "--at", "2026-12-01T02:10:00Z"],
        cwd=tmp_repo.path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "outside working hours" in " ".join(result.stdout.split())


def test_a_team_rule_spreads_issues_over_the_members_at_work(tmp_repo: Repo) -> None:
    """`owner: support` (alex, sam; lead kim) at 15:00Z, both members at work: the least loaded
    gets the next downtime issue, ties in listed order, so one person does not get them all."""
    at = "2026-03-02T15:00:00Z"
    owners = []
    for n in range(3):
        issue = tmp_repo.open(f"Checkout down {n}", "service-downtime", "sev2", now=at)
        owners.append(tmp_repo.show(issue, now=at)["owner"])
    assert owners == ["alex", "sam", "alex"]
    data = tmp_repo.json("route", "-c", "service-downtime", "-s", "sev2", "--at", at, now=at)
    assert "least loaded of those at work: alex 2 open, sam 1 open → sam" in data["owner_reason"]


def test_a_team_rule_still_prefers_who_is_at_work_over_load(tmp_repo: Repo) -> None:
    """At 20:00Z alex (London) is off and sam (New York) at work: sam, load or not."""
    day = "2026-03-02T15:00:00Z"
    for n in range(2):  # alex 1 open, sam 1 open: a tie that load alone gives to alex
        tmp_repo.open(f"Checkout down {n}", "service-downtime", "sev2", now=day)
    data = tmp_repo.json(
        "route", "-c", "service-downtime", "-s", "sev2", "--at", "2026-03-02T20:00:00Z"
    )
    assert data["owner"] == "sam", data
