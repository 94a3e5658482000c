"""Debriefs and their follow-ups, listed until each is closed (issue 6, point 3)."""

from __future__ import annotations

from datetime import date

from escmatrix.app.clock import Clock
from escmatrix.app.workspace import Workspace
from tests.support import Repo

OPENED = "2026-11-24T09:00:00Z"
RESOLVED = "2026-11-24T15:00:00Z"
DEBRIEF = "2026-11-26T10:00:00Z"


def resolved_issue(repo: Repo) -> str:
    repo.git("config", "user.email", "noah.fischer@ledgerline.example")
    repo.git("config", "user.name", "Noah Fischer")
    issue = repo.open(
        "Card payouts stuck in pending", "partner-integration-failure", "sev2",
        "--partner", "kestrel-payments", now=OPENED,
    )  # fmt: skip
    repo.ok("resolve", issue, "-m", "Kestrel fixed their gateway",
            "--root-cause", "Kestrel's gateway timed out under load", now=RESOLVED)  # fmt: skip
    return issue


def debrief(repo: Repo, issue: str) -> dict[str, object]:
    data = repo.json(
        "debrief", issue,
        "--went-well", "Our side was ruled out within 40 minutes",
        "--went-badly", "Kestrel's escalation contact was out of date",
        "--repair", "noah contacts kestrel-payments by 2026-11-30: agree a joint load test",
        "--follow-up", "grace by 2026-12-04: update Kestrel's escalation contacts",
        "--follow-up", "emily by +14d: alert on payout timeouts",
        now=DEBRIEF,
    )  # fmt: skip
    assert isinstance(data, dict)
    return data


def follow_ups(repo: Repo, now: str = DEBRIEF) -> list[dict[str, object]]:
    rows = repo.json("list", "--follow-ups", now=now)
    assert isinstance(rows, list)
    return rows


def test_follow_ups_are_listed_until_each_is_closed(example_repo: Repo) -> None:
    """Two follow-ups appear in `list --follow-ups`; each disappears once closed, not before."""
    issue = resolved_issue(example_repo)
    assert follow_ups(example_repo) == []
    debrief(example_repo, issue)
    rows = follow_ups(example_repo)
    assert [(r["issue"], r["number"], r["owner"], r["due"]) for r in rows] == [
        (issue, 1, "grace", "2026-12-04"),
        (issue, 2, "emily", "2026-12-10"),
    ]
    commits = example_repo.commit_count()
    example_repo.ok("followup", "close", issue, "2", "--note", "alert added",
                    now="2026-11-27T10:00:00Z")  # fmt: skip
    assert example_repo.commit_count() == commits + 1
    assert [r["number"] for r in follow_ups(example_repo)] == [1]
    assert follow_ups(example_repo, now="2026-12-05T10:00:00Z")[0]["overdue"] is True
    example_repo.ok("followup", "close", issue, "1", now="2026-12-05T10:00:00Z")
    assert follow_ups(example_repo) == []
    table = example_repo.ok("list", "--follow-ups", now=DEBRIEF)
    assert "no open follow-ups" in table.stdout


def test_debrief_records_root_cause_lessons_and_repair(example_repo: Repo) -> None:
    """One `debriefed` event in one commit; the root cause defaults to the resolution's."""
    issue = resolved_issue(example_repo)
    commits = example_repo.commit_count()
    debrief(example_repo, issue)
    assert example_repo.commit_count() == commits + 1
    [path] = example_repo.changed_in()
    assert path.endswith("-debriefed.yaml")
    assert example_repo.trailers()["Escmatrix-Action"] == "debrief"
    data = example_repo.json("debrief", issue, now=DEBRIEF)
    [entry] = data["debriefs"]
    assert entry["root_cause"] == "Kestrel's gateway timed out under load"
    assert entry["went_well"] == ["Our side was ruled out within 40 minutes"]
    assert entry["went_badly"] == ["Kestrel's escalation contact was out of date"]
    assert entry["repair"] == [
        {"who": "noah", "contact": "kestrel-payments", "by": "2026-11-30",
         "action": "agree a joint load test"},
    ]  # fmt: skip
    shown = example_repo.ok("debrief", issue, now=DEBRIEF).stdout
    assert "Repair: Noah Fischer (noah) contacts kestrel-payments by 2026-11-30" in shown


def test_debrief_before_resolution_is_refused(example_repo: Repo) -> None:
    example_repo.git("config", "user.email", "lena.vogel@ledgerline.example")
    issue = example_repo.open("Exports fail", "product-defect", "sev3", now=OPENED)
    result = example_repo.cli("debrief", issue, "--root-cause", "x", now=DEBRIEF)
    assert result.exit_code == 1, result.output
    assert "resolve the issue first" in result.output


def test_bad_assignments_and_numbers(example_repo: Repo) -> None:
    """A malformed --follow-up is a usage error; closing an unknown or closed item is refused."""
    issue = resolved_issue(example_repo)
    bad = example_repo.cli("debrief", issue, "--follow-up", "grace: do it", now=DEBRIEF)
    assert bad.exit_code == 2 and "PERSON by DATE: WHAT" in bad.output
    nobody = example_repo.cli("debrief", issue, "--follow-up", "zed by +1d: x", now=DEBRIEF)
    assert nobody.exit_code == 1 and "unknown person 'zed'" in nobody.output
    none_yet = example_repo.cli("followup", "close", issue, "1", now=DEBRIEF)
    assert none_yet.exit_code == 1, none_yet.output
    debrief(example_repo, issue)
    assert example_repo.cli("followup", "close", issue, "3", now=DEBRIEF).exit_code == 1
    example_repo.ok("followup", "close", issue, "1", now=DEBRIEF)
    twice = example_repo.cli("followup", "close", issue, "1", now=DEBRIEF)
    assert twice.exit_code == 1 and "already closed" in twice.output


def test_a_second_debrief_numbers_on(example_repo: Repo) -> None:
    """Follow-ups from a later debrief continue the numbering and join the list."""
    issue = resolved_issue(example_repo)
    debrief(example_repo, issue)
    example_repo.ok("debrief", issue, "--follow-up", "noah by 2026-12-20: share the load test results",
                    now="2026-11-27T10:00:00Z")  # fmt: skip
    assert [r["number"] for r in follow_ups(example_repo)] == [1, 2, 3]


def test_open_follow_ups_are_callable_for_the_report(example_repo: Repo) -> None:
    """`Workspace.open_follow_ups()` gives the same rows to other code (the report)."""
    issue = resolved_issue(example_repo)
    debrief(example_repo, issue)
    ws = Workspace(example_repo.path, Clock.from_option("2026-12-05T00:00:00Z"))
    rows = ws.open_follow_ups()
    assert [(r.issue_id, r.number, r.due, r.overdue) for r in rows] == [
        (issue, 1, date(2026, 12, 4), True),
        (issue, 2, date(2026, 12, 10), False),
    ]
