"""The escalation sweep: clock-driven, one tier at a time, idempotent, dry by default (issue 4, point 2)."""

from __future__ import annotations

from tests.support import Repo

OPENED = "2026-03-02T09:00:00Z"  # sev2 starts at frontline (30m response time)


def _sweep(repo: Repo, now: str, *extra: str) -> dict[str, object]:
    data = repo.json("sweep", *extra, now=now)
    assert isinstance(data, dict)
    return data


def test_sweep_escalates_exactly_one_tier_naming_the_clock(tmp_repo: Repo) -> None:
    """Frontline's 30m response time passes unacknowledged: --apply moves the issue to team-lead only."""
    issue = tmp_repo.open(severity="sev2", now=OPENED)
    commits = tmp_repo.commit_count()
    result = _sweep(tmp_repo, "2026-03-02T09:40:00Z", "--apply")
    assert tmp_repo.commit_count() == commits + 1
    state = tmp_repo.show(issue, now="2026-03-02T09:40:00Z")
    assert state["tier"] == "team-lead"
    assert state["engaged"] == "kim"
    assert state["escalations"] == 1
    escalation = next(t for t in state["timeline"] if t["event"] == "escalated")
    assert "frontline response time 30m passed without acknowledgement" in escalation["summary"]
    assert escalation["actor"] == "automation"
    assert result["commits"] and tmp_repo.trailers()["Escmatrix-Action"] == "sweep"
    assert "escmatrix-bot@example.com" in tmp_repo.git("log", "-1", "--format=%ae")


def test_second_sweep_at_the_same_time_changes_nothing(tmp_repo: Repo) -> None:
    """Running the sweep twice at the same --now: the second run plans nothing and commits nothing."""
    tmp_repo.open(severity="sev2", now=OPENED)
    _sweep(tmp_repo, "2026-03-02T09:40:00Z", "--apply")
    files, commits = tmp_repo.event_files(), tmp_repo.commit_count()
    again = _sweep(tmp_repo, "2026-03-02T09:40:00Z", "--apply")
    assert again["issues"] == []
    assert again["commits"] == []
    assert tmp_repo.event_files() == files
    assert tmp_repo.commit_count() == commits


def test_sweep_without_apply_writes_nothing(tmp_repo: Repo) -> None:
    """A dry sweep lists the escalation it would make, and leaves files and history untouched."""
    issue = tmp_repo.open(severity="sev2", now=OPENED)
    files, commits = tmp_repo.event_files(), tmp_repo.commit_count()
    plan = _sweep(tmp_repo, "2026-03-02T09:40:00Z")
    assert plan["applied"] is False
    [entry] = plan["issues"]
    assert entry["id"] == issue
    assert any(a.startswith("escalate frontline → team-lead") for a in entry["actions"])
    assert tmp_repo.event_files() == files
    assert tmp_repo.commit_count() == commits
    assert tmp_repo.status() == ""


def test_acknowledged_issue_is_not_escalated_by_the_response_clock(tmp_repo: Repo) -> None:
    """Once the frontline acknowledged in time, the tier's response trigger does not fire."""
    issue = tmp_repo.open(severity="sev2", now=OPENED)
    tmp_repo.ok("ack", issue, now="2026-03-02T09:10:00Z")
    plan = _sweep(tmp_repo, "2026-03-02T09:45:00Z")
    assert all(not a.startswith("escalate") for i in plan["issues"] for a in i["actions"])


def test_escalation_climbs_one_tier_per_elapsed_response_time(tmp_repo: Repo) -> None:
    """Unacknowledged sev2: frontline (30m) → team-lead (1h) → manager (2h) → executive, by the clock."""
    issue = tmp_repo.open(severity="sev2", now=OPENED)
    expected = [
        ("2026-03-02T09:31:00Z", "team-lead"),
        ("2026-03-02T10:32:00Z", "manager"),
        ("2026-03-02T12:33:00Z", "executive"),
    ]
    for now, tier in expected:
        _sweep(tmp_repo, now, "--apply")
        assert tmp_repo.show(issue, now=now)["tier"] == tier
    top = _sweep(tmp_repo, "2026-03-02T20:00:00Z")
    assert not any(a.startswith("escalate") for i in top["issues"] for a in i["actions"])


def test_tier_whose_holder_is_away_is_skipped_with_a_note(tmp_repo: Repo) -> None:
    """With the team lead out of office the sweep goes from frontline straight to manager, saying why."""
    tmp_repo.edit(
        "matrix/people.yaml",
        "    roles: [team-lead]\n",
        "    roles: [team-lead]\n    out_of_office: [{from: 2026-03-01, until: 2026-03-06}]\n",
    )
    tmp_repo.git("commit", "-qam", "kim away")
    issue = tmp_repo.open(severity="sev2", now=OPENED)
    _sweep(tmp_repo, "2026-03-02T09:40:00Z", "--apply")
    state = tmp_repo.show(issue, now="2026-03-02T09:40:00Z")
    assert state["tier"] == "manager"
    escalation = next(t for t in state["timeline"] if t["event"] == "escalated")
    assert "team-lead skipped: kim is out of office" in escalation["summary"]


def test_resolution_share_escalates_an_acknowledged_issue(tmp_repo: Repo) -> None:
    """At team-lead, 50% of the sev1 4h resolution target elapsed moves the issue up even if acked."""
    issue = tmp_repo.open(severity="sev1", now=OPENED)  # sev1 starts at team-lead
    tmp_repo.ok("ack", issue, now="2026-03-02T09:05:00Z")
    tmp_repo.ok(
        "update",
        issue,
        "--status",
        "investigating",
        "--next",
        "rollback",
        now="2026-03-02T10:50:00Z",
    )
    early = _sweep(tmp_repo, "2026-03-02T10:55:00Z")  # 1h55m of 4h: under half
    assert not any(a.startswith("escalate") for i in early["issues"] for a in i["actions"])
    _sweep(tmp_repo, "2026-03-02T11:01:00Z", "--apply")
    state = tmp_repo.show(issue, now="2026-03-02T11:01:00Z")
    assert state["tier"] == "manager"
    escalation = next(t for t in state["timeline"] if t["event"] == "escalated")
    assert "50% of the 4h resolution target" in escalation["summary"]


def test_breach_alert_is_recorded_once(tmp_repo: Repo) -> None:
    """A breached first-response clock is alerted once; later sweeps do not repeat it."""
    issue = tmp_repo.open(severity="sev2", now=OPENED)
    _sweep(tmp_repo, "2026-03-02T10:05:00Z", "--apply")
    _sweep(tmp_repo, "2026-03-02T10:10:00Z", "--apply")
    alerts = [
        t
        for t in tmp_repo.show(issue, now="2026-03-02T10:10:00Z")["timeline"]
        if t["event"] == "alerted" and "first response" in t["summary"]
    ]
    assert len(alerts) == 1
    assert alerts[0]["summary"].startswith("breached")


def test_paused_issue_is_left_alone(tmp_repo: Repo) -> None:
    """While waiting on the customer, the sweep neither escalates nor alerts."""
    issue = tmp_repo.open(severity="sev2", now=OPENED)
    tmp_repo.ok(
        "pause",
        issue,
        "--waiting-on",
        "customer",
        "--reason",
        "need logs",
        now="2026-03-02T09:05:00Z",
    )
    assert _sweep(tmp_repo, "2026-03-02T15:00:00Z")["issues"] == []


def test_sweep_table_output_says_dry_run(tmp_repo: Repo) -> None:
    """The human output of a dry sweep says nothing was written."""
    tmp_repo.open(severity="sev2", now=OPENED)
    result = tmp_repo.ok("sweep", now="2026-03-02T09:40:00Z")
    assert "dry run: nothing written" in result.stdout


def test_init_writes_a_scheduled_sweep_workflow(tmp_repo: Repo) -> None:
    """`init` lays out a GitHub workflow that runs the sweep on a schedule and records it."""
    import yaml

    workflow = tmp_repo.path / ".github" / "workflows" / "escmatrix-sweep.yaml"
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    assert data[True]["schedule"][0]["cron"]  # YAML 1.1 reads the key `on` as true
    steps = [step.get("run", "") for step in data["jobs"]["sweep"]["steps"]]
    assert any("escmatrix sweep --apply" in run for run in steps)
