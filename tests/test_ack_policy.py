"""Who may acknowledge (issue 13, point 6): the owner, the person engaged or the holder of the
issue's tier. Anyone else is refused with a hint unless `--on-behalf --reason`, recorded in the
event, the commit and the timeline."""

from __future__ import annotations

import os
import subprocess

import yaml

from tests.support import T0, Repo, executable

LATER = "2026-03-02T09:05:00Z"


def act_as(repo: Repo, who: str) -> None:
    repo.git("config", "user.email", f"{who}@example.com")
    repo.git("config", "user.name", who)


def ack_event(repo: Repo, issue: str) -> dict[str, object]:
    files = [f for f in repo.event_files(issue) if f.endswith("-acknowledged.yaml")]
    assert len(files) == 1, files
    data = yaml.safe_load((repo.path / files[0]).read_text())
    assert isinstance(data, dict)
    return data


def test_a_foreign_ack_is_refused_with_a_hint_and_writes_nothing(tmp_repo: Repo) -> None:
    """product-defect sev2 goes to alex at frontline; sam (a teammate, not on it) is refused.
    Run as the installed tool: exit 1, one message on stderr, no traceback, nothing written."""
    issue = tmp_repo.open("Checkout returns 500", "product-defect", "sev2")
    act_as(tmp_repo, "sam")
    commits, files = tmp_repo.commit_count(), tmp_repo.event_files(issue)
    done = subprocess.run(
        [*executable(), "ack", issue],
        cwd=tmp_repo.path,
        env=dict(os.environ, ESCMATRIX_NOW=LATER),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "sam may not acknowledge issue" in done.stderr
    assert "owner alex" in done.stderr and "--on-behalf --reason" in done.stderr
    assert tmp_repo.commit_count() == commits and tmp_repo.event_files(issue) == files
    assert tmp_repo.show(issue, now=LATER)["status"] == "open"


def test_on_behalf_needs_a_reason(tmp_repo: Repo) -> None:
    issue = tmp_repo.open("Checkout returns 500", "product-defect", "sev2")
    act_as(tmp_repo, "sam")
    result = tmp_repo.cli("ack", issue, "--on-behalf", now=LATER)
    assert result.exit_code == 2, result.output
    assert "needs --reason" in result.output and "Traceback" not in result.output
    assert not [f for f in tmp_repo.event_files(issue) if "acknowledged" in f]


def test_on_behalf_with_a_reason_records_who_and_why(tmp_repo: Repo) -> None:
    issue = tmp_repo.open("Checkout returns 500", "product-defect", "sev2")
    act_as(tmp_repo, "sam")
    tmp_repo.ok("ack", issue, "--on-behalf", "--reason", "Alex is on a flight", now=LATER)
    event = ack_event(tmp_repo, issue)
    assert event["actor"] == "sam"
    assert event["on_behalf_of"] == "alex" and event["reason"] == "Alex is on a flight"
    message = tmp_repo.git("log", "-1", "--format=%B")
    assert "acknowledged by sam on behalf of alex" in message
    assert "Alex is on a flight" in message
    state = tmp_repo.show(issue, now=LATER)
    assert state["status"] == "acknowledged"
    shown = " ".join(tmp_repo.ok("show", issue, now=LATER).stdout.split())
    assert "on behalf of alex (Alex is on a flight)" in shown
    assert tmp_repo.cli("audit").exit_code == 0


def test_the_owner_acks_and_the_file_has_no_new_keys(tmp_repo: Repo) -> None:
    """A plain ack writes exactly the keys it always did: files from before read the same."""
    issue = tmp_repo.open("Checkout returns 500", "product-defect", "sev2")
    tmp_repo.ok("ack", issue, now=LATER)
    event = ack_event(tmp_repo, issue)
    assert "on_behalf_of" not in event and "reason" not in event
    assert event["actor"] == "alex"


def test_the_tier_holder_may_ack_and_on_behalf_is_refused_for_them(tmp_repo: Repo) -> None:
    """service-downtime sev1 starts at team-lead: owner alex, engaged kim (the team's lead)."""
    issue = tmp_repo.open("Checkout down", "service-downtime", "sev1")
    state = tmp_repo.show(issue, now=T0)
    assert (state["owner"], state["engaged"], state["tier"]) == ("alex", "kim", "team-lead")
    act_as(tmp_repo, "kim")
    result = tmp_repo.cli("ack", issue, "--on-behalf", "--reason", "x", now=LATER)
    assert result.exit_code == 2 and "--on-behalf is for acknowledging" in result.output
    tmp_repo.ok("ack", issue, now=LATER)
    assert ack_event(tmp_repo, issue)["actor"] == "kim"
