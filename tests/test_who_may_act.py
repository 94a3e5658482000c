"""Who may act: satisfaction only from parties the issue has."""

from __future__ import annotations

from tests.support import Repo

T = ["2026-03-02T15:00:00Z", "2026-03-02T15:10:00Z", "2026-03-02T16:00:00Z", "2026-03-02T16:10:00Z"]


def _resolved(repo: Repo) -> str:
    issue = repo.open(now=T[0])
    repo.ok("ack", issue, now=T[1])
    repo.ok("resolve", issue, "--summary", "Patched", "--root-cause", "Bug", now=T[2])
    return issue


def test_partner_satisfaction_on_an_issue_without_partner_is_refused(tmp_repo: Repo) -> None:
    """close --partner-satisfaction without a partner: exit 1, a hint, nothing written."""
    issue = _resolved(tmp_repo)
    before = tmp_repo.commit_count()
    result = tmp_repo.cli("close", issue, "--partner-satisfaction", "3", now=T[3])
    assert result.exit_code == 1, result.output
    assert "has no partner" in result.output
    assert "leave out --partner-satisfaction" in result.output
    assert tmp_repo.commit_count() == before


def test_customer_satisfaction_is_still_accepted(tmp_repo: Repo) -> None:
    """Every issue has some customer, named account or not: its score is recorded."""
    issue = _resolved(tmp_repo)
    data = tmp_repo.json("close", issue, "--customer-satisfaction", "4", now=T[3])
    assert data["status"] == "closed"
