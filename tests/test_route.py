"""Route previews: a pure function of facts, matrix and time, explained, and never written down."""

from __future__ import annotations

import pytest

from tests.support import T0, Repo, snapshot

AWAY = """    out_of_office:
      - from: 2026-03-01
        until: 2026-03-06
        note: Conference
"""


def alex_away(repo: Repo) -> None:
    """Mark alex out of office for the first week of March 2026 in the repo's people.yaml."""
    repo.edit(
        "matrix/people.yaml",
        '    channels: {slack: "@alex"}\n',
        '    channels: {slack: "@alex"}\n' + AWAY,
    )


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_preview_is_byte_identical_and_writes_nothing(tmp_repo: Repo, fmt: str) -> None:
    """Same facts and --now twice: identical stdout, no file anywhere changed, no commit."""
    tmp_repo.open(now=T0)  # an existing issue, so issues/ is not empty
    before, head = snapshot(tmp_repo.path), tmp_repo.head()
    args = ("route", "-c", "service-downtime", "-s", "sev1", "--format", fmt)
    first = tmp_repo.ok(*args, now=T0)
    second = tmp_repo.ok(*args, now=T0)
    assert first.stdout == second.stdout
    assert first.stdout.encode() == second.stdout.encode()
    assert "downtime-to-support" in first.stdout
    assert snapshot(tmp_repo.path) == before
    assert tmp_repo.head() == head
    assert tmp_repo.status() == ""


def test_preview_names_the_rule_and_why_earlier_rules_did_not_match(tmp_repo: Repo) -> None:
    """The explanation says which rule matched and why the ones before it were skipped."""
    data = tmp_repo.json("route", "-c", "product-defect", "-s", "sev2", now=T0)
    assert data["rule"] == "catch-all"
    assert data["checks"][0]["rule"] == "downtime-to-support"
    assert data["checks"][0]["matched"] is False
    assert "product-defect" in data["checks"][0]["reason"]
    assert data["checks"][-1] == {
        "rule": "catch-all",
        "matched": True,
        "reason": "catch-all: matches every issue",
    }
    assert (data["owner"], data["tier"]) == ("alex", "frontline")
    out = tmp_repo.ok("route", "-c", "product-defect", "-s", "sev2", now=T0).stdout
    assert "catch-all" in out
    assert "matched" in out
    assert "skipped" in out


def test_preview_gives_deadlines_from_the_severity(tmp_repo: Repo) -> None:
    """sev1 at T0: respond within 15 minutes, resolve within 4 hours."""
    data = tmp_repo.json("route", "-c", "service-downtime", "-s", "sev1", now=T0)
    assert data["at"] == T0
    assert data["first_response_due"] == "2026-03-02T09:15:00Z"
    assert data["resolution_due"] == "2026-03-02T13:00:00Z"
    assert (data["tier"], data["engaged"]) == ("team-lead", "kim")


def test_at_changes_the_decision_time(tmp_repo: Repo) -> None:
    """`--at` sets the time the preview decides for, whatever --now says."""
    at = "2026-03-07T03:00:00Z"  # Saturday 03:00
    data = tmp_repo.json("route", "-c", "product-defect", "-s", "sev2", "--at", at, now=T0)
    assert data["at"] == at
    assert data["first_response_due"] == "2026-03-07T04:00:00Z"
    out = tmp_repo.ok("route", "-c", "product-defect", "-s", "sev2", "--at", at, now=T0).stdout
    assert "2026-03-07 03:00 UTC" in out


def test_at_with_offset_is_converted_to_utc(tmp_repo: Repo) -> None:
    """An --at time with an offset is read as that instant, stored and shown in UTC."""
    data = tmp_repo.json(
        "route", "-c", "product-defect", "-s", "sev2", "--at", "2026-03-02T10:30:00+01:00", now=T0
    )
    assert data["at"] == "2026-03-02T09:30:00Z"


def test_out_of_office_primary_routes_to_backup_and_says_so(tmp_repo: Repo) -> None:
    """While alex is out of office, a product defect goes to the backup sam, and the reason says so."""
    alex_away(tmp_repo)
    data = tmp_repo.json(
        "route", "-c", "product-defect", "-s", "sev2", "--at", "2026-03-03T10:00:00Z", now=T0
    )
    assert data["owner"] == "sam"
    assert "alex" in data["owner_reason"]
    assert "out of office" in data["owner_reason"]
    assert "backup" in data["owner_reason"]
    out = tmp_repo.ok(
        "route", "-c", "product-defect", "-s", "sev2", "--at", "2026-03-03T10:00:00Z", now=T0
    ).stdout
    assert "Sam Roe (sam)" in out
    assert "out of office" in out


def test_out_of_office_ends_after_the_absence(tmp_repo: Repo) -> None:
    """After the absence, the same facts route back to the primary owner."""
    alex_away(tmp_repo)
    data = tmp_repo.json(
        "route", "-c", "product-defect", "-s", "sev2", "--at", "2026-03-09T10:00:00Z", now=T0
    )
    assert data["owner"] == "alex"
    assert "out of office" not in data["owner_reason"]


def test_out_of_office_team_member_skipped_for_team_rule(tmp_repo: Repo) -> None:
    """A team rule skips the away member and names who got it instead."""
    alex_away(tmp_repo)
    # 15:00Z: sam (New York) and kim (London) both at work, so only the absence decides
    data = tmp_repo.json(
        "route", "-c", "service-downtime", "-s", "sev2", now="2026-03-04T15:00:00Z"
    )
    assert data["rule"] == "downtime-to-support"
    assert data["owner"] == "sam"
    assert "alex out of office" in data["owner_reason"]


def test_open_while_primary_away_records_the_backup(tmp_repo: Repo) -> None:
    """Opening an issue while the primary is away makes the backup its owner."""
    alex_away(tmp_repo)
    tmp_repo.git("commit", "-q", "-am", "alex at a conference")
    issue_id = tmp_repo.open(now="2026-03-03T10:00:00Z")
    assert tmp_repo.show(issue_id, now="2026-03-03T10:00:00Z")["owner"] == "sam"


def test_preview_with_impact_explains_the_score(tmp_repo: Repo) -> None:
    """Impact levels are scored and the explanation shows the arithmetic."""
    data = tmp_repo.json(
        "route", "-c", "product-defect", "-i", "customers=many", "-i", "uptime=degraded", now=T0
    )
    assert (data["severity"], data["score"]) == ("sev2", 8)
    assert "customers=many (3×2)" in data["severity_reason"]
    assert "uptime=degraded (2×1)" in data["severity_reason"]


def test_preview_needs_a_category(tmp_repo: Repo) -> None:
    """A preview without --category is a usage error, with no traceback."""
    result = tmp_repo.cli("route", "-s", "sev1")
    assert result.exit_code == 2, result.output
    assert "--category" in result.output
    assert "Traceback" not in result.output


def test_preview_with_bad_at_is_a_usage_error(tmp_repo: Repo) -> None:
    """`--at` that is not ISO 8601 is a usage error saying so."""
    result = tmp_repo.cli("route", "-c", "product-defect", "-s", "sev2", "--at", "Saturday 3am")
    assert result.exit_code == 2, result.output
    assert "ISO 8601" in result.output
    assert "Traceback" not in result.output


def test_preview_with_unknown_impact_level_names_the_valid_levels(tmp_repo: Repo) -> None:
    """An impact level the matrix does not know is refused with the known levels."""
    result = tmp_repo.cli("route", "-c", "product-defect", "-i", "customers=everyone")
    assert result.exit_code == 2, result.output
    assert "everyone" in result.output
    assert "none, few, many, all" in result.output


def test_preview_does_not_need_a_git_identity(tmp_repo: Repo) -> None:
    """A preview works with no git identity: it only reads."""
    tmp_repo.git("config", "--unset", "user.email")
    data = tmp_repo.json("route", "-c", "product-defect", "-s", "sev3", now=T0)
    assert data["owner"] == "alex"
