"""`escmatrix drill`: scenarios on a virtual clock in a throwaway copy (issue 6, point 1)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from escmatrix.core.matrix import Matrix
from escmatrix.store.matrix_loader import load_matrix
from tests.support import Repo, snapshot

START = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # a Saturday, 03:00 UTC
SCENARIO = """\
name: Saturday-night privacy breach, nobody acknowledges
start: 2026-11-28T03:00:00Z
duration: 12h
issues:
  - name: leak
    title: Customer contact export sent to the wrong workspace
    category: data-privacy-concern
    severity: sev1
"""


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def set_automatic_escalation(repo: Repo, on: bool) -> None:
    """Give every tier `auto_escalate: {no_acknowledgement: true}` (the top has nowhere to go), or none."""
    ladder = repo.path / "matrix" / "ladder.yaml"
    lines = [ln for ln in ladder.read_text().splitlines(keepends=True) if "auto_escalate" not in ln]
    out = []
    for line in lines:
        out.append(line)
        if on and line.startswith("    response_time:"):
            out.append("    auto_escalate: {no_acknowledgement: true}\n")
    ladder.write_text("".join(out))
    repo.git("commit", "-qam", "automatic escalation " + ("on" if on else "off"))


def escalate_without_acknowledgement(repo: Repo) -> None:
    """Turn on the ladder's automatic escalation on no acknowledgement (every tier but the top)."""
    set_automatic_escalation(repo, on=True)


def write(repo: Repo, text: str, name: str = "drill.yaml") -> Path:
    path = repo.path.parent / name
    path.write_text(text)
    return path


def run(repo: Repo, *args: str) -> tuple[int, dict[str, Any]]:
    result = repo.cli("drill", *args, "--format", "json", now=None)
    assert "Traceback" not in result.output, result.output
    return result.exit_code, json.loads(result.stdout)


def ladder_times(matrix: Matrix, start_tier: str, owner: str) -> list[tuple[datetime, str, str]]:
    """When each tier is engaged if nobody ever acknowledges: each tier's response time (24x7 for
    sev1) after the one before, up to the top; and who holds it for the owner."""
    index = matrix.tier_index(start_tier)
    at, expected = START, []
    for tier in matrix.tiers[index:]:
        expected.append((at, tier.id, matrix.holder(tier, owner)))
        at += tier.response_time
    return expected


def test_unacknowledged_sev1_privacy_issue_reaches_the_executive_sponsor(
    example_repo: Repo,
) -> None:
    """Acceptance 1: each engagement at the time the ladder says, listed with its time."""
    escalate_without_acknowledgement(example_repo)
    matrix = load_matrix(example_repo.path)
    route = example_repo.json(
        "route", "--category", "data-privacy-concern", "--severity", "sev1", "--at", iso(START)
    )
    expected = ladder_times(matrix, route["tier"], route["owner"])
    team = matrix.team_of(route["owner"])
    assert team is not None and expected[-1][1:] == (matrix.tiers[-1].id, team.sponsor)
    code, data = run(example_repo, str(write(example_repo, SCENARIO)))
    assert code == 0
    got = [(e["at"], e["tier"], e["engaged"]) for e in data["engagements"]]
    assert got == [(iso(at), tier, who) for at, tier, who in expected]
    for at, tier, who in expected[1:]:
        assert any(
            t["at"] == iso(at)
            and t["kind"] == "escalated"
            and f"{tier} ({who} engaged)" in t["detail"]
            for t in data["timeline"]
        ), (at, tier)
    missed = {d["clock"] for d in data["deadlines"] if d["state"] == "missed"}
    assert {"first response", "resolution"} <= missed
    assert data["score"]["deadlines_met"] == 0


def test_a_contradicting_expect_exits_1(example_repo: Repo) -> None:
    """Acceptance 1: --expect that the run contradicts fails it with a message; one that holds passes."""
    escalate_without_acknowledgement(example_repo)
    matrix = load_matrix(example_repo.path)
    route = example_repo.json(
        "route", "--category", "data-privacy-concern", "--severity", "sev1", "--at", iso(START)
    )
    at, top, sponsor = ladder_times(matrix, route["tier"], route["owner"])[-1]
    scenario = str(write(example_repo, SCENARIO))
    early = iso(at - timedelta(minutes=1))
    result = example_repo.cli(
        "drill", scenario, "--expect", f"{{at: {early}, tier: {top}}}", now=None
    )
    assert result.exit_code == 1, result.output
    assert f"expectation 1 failed: expected leak at tier {top} at" in result.output
    holds = example_repo.cli(
        "drill", scenario, "--expect", f"at={iso(at)} tier={top}",
        "--expect", f"{{engaged: {sponsor}, by: {iso(at)}}}", now=None,
    )  # fmt: skip
    assert holds.exit_code == 0, holds.output
    assert "✓ expectation 2" in holds.stdout


def test_expectations_in_the_scenario_fail_the_run(example_repo: Repo) -> None:
    """`expect:` in the file: every failed one is reported, exit 1, JSON still written."""
    text = SCENARIO + "expect:\n  - {by: +0m, engaged: amelia}\n  - {at: +1h, status: resolved}\n"
    code, data = run(example_repo, str(write(example_repo, text)))
    assert code == 1
    assert [e["passed"] for e in data["expectations"]] == [True, False]
    assert data["passed"] is False
    assert "expected leak status resolved" in data["expectations"][1]["message"]


def test_the_real_repository_is_never_touched(example_repo: Repo) -> None:
    """Every file (git's own included) is byte-for-byte the same after a drill."""
    scenario = write(example_repo, SCENARIO)
    before = snapshot(example_repo.path)
    run(example_repo, str(scenario))
    assert snapshot(example_repo.path) == before


def test_without_automatic_escalation_the_drill_reports_the_stall(example_repo: Repo) -> None:
    """A ladder that escalates only by hand: the drill says the issue stalls, as a gap."""
    set_automatic_escalation(example_repo, on=False)
    assert not load_matrix(example_repo.path).tier("team-lead").auto_escalate.no_acknowledgement
    code, data = run(example_repo, str(write(example_repo, SCENARIO)))
    assert code == 0
    assert [e["tier"] for e in data["engagements"]] == ["team-lead"]
    assert any(g["kind"] == "stalled" for g in data["gaps"])


def test_people_act_on_the_virtual_clock(example_repo: Repo) -> None:
    """Scripted ack and updates stop the clocks in time; a dispute takes the issue up a tier."""
    scenario = """\
name: payouts
start: 2026-11-24T09:00:00Z
duration: 6h
issues:
  - {name: payouts, title: Payouts stuck, category: partner-integration-failure, severity: sev2,
     partner: kestrel-payments}
events:
  - {at: +10m, do: ack}
  - {at: +1h, do: update, text: Kestrel times out, next: Ticket opened}
  - {at: +2h, do: dispute, text: Kestrel says our retries caused it}
  - {at: +2h10m, do: ack}
  - {at: +3h, do: resolve, text: Kestrel fixed the gateway}
expect:
  - {by: +10m, engaged: noah}
  - {at: +2h, tier: team-lead, engaged: grace}
  - {deadline: first response, met: true}
  - {notified: incidents-slack, notice: escalated, by: +2h}
"""
    code, data = run(example_repo, str(write(example_repo, scenario)))
    assert code == 0, data["expectations"]
    assert all(d["state"] == "met" for d in data["deadlines"])
    kinds = [t["kind"] for t in data["timeline"]]
    assert kinds.index("acknowledged") < kinds.index("updated") < kinds.index("dispute")


def test_coverage_gaps_owner_away_and_backups_away(example_repo: Repo) -> None:
    """Someone engaged out of hours, an owner who goes out of office, a category with nobody in."""
    scenario = """\
name: thanksgiving
start: 2026-11-26T15:00:00Z
duration: 8h
issues:
  - {name: charge, title: Charged twice, category: billing-error, severity: sev3}
events:
  - {at: +1h, do: ack}
  - {at: +2h, do: away, person: tariq}
"""
    code, data = run(example_repo, str(write(example_repo, scenario)))
    assert code == 0
    assert data["engagements"][0]["owner"] == "tariq"  # Olivia is away: her backup
    kinds = {g["kind"] for g in data["gaps"]}
    assert {"away", "backups-away"} <= kinds
    assert data["score"]["gaps"] == len(data["gaps"])
    assert data["score"]["value"] <= 100 - 10 * len(data["gaps"])


def test_notifications_are_captured_never_sent(
    example_repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With webhook variables set, nothing is sent: the notices are listed as captured."""
    monkeypatch.setenv("SLACK_INCIDENTS_WEBHOOK", "http://127.0.0.1:9/never")
    monkeypatch.setenv("ESCMATRIX_NOTIFY", "send")
    code, data = run(example_repo, str(write(example_repo, SCENARIO)))
    assert code == 0
    sev1 = set(load_matrix(example_repo.path).comms.by_severity["sev1"])
    opened = {n["channel"] for n in data["notifications"] if n["kind"] == "opened"}
    assert "incidents-slack" in opened and opened <= sev1
    assert not (example_repo.path / ".git" / "escmatrix" / "outbox").exists()


def test_shipped_drills_pass_on_the_example(example_repo: Repo) -> None:
    """Every scenario under playbooks/drills/ runs and meets its expectations."""
    drills = sorted((example_repo.path / "playbooks" / "drills").glob("*.yaml"))
    assert len(drills) >= 3
    for path in drills:
        code, data = run(example_repo, path.name)
        assert code == 0, (path.name, [e for e in data["expectations"] if not e["passed"]])
        assert data["expectations"], path.name


def test_a_bad_scenario_names_file_line_and_what_is_valid(example_repo: Repo) -> None:
    """Schema errors and names the matrix lacks are refused with file:line, before anything runs."""
    path = write(
        example_repo, SCENARIO.replace("severity: sev1", "severity: sev1\n    colour: red")
    )
    result = example_repo.cli("drill", str(path), now=None)
    assert result.exit_code == 1 and "drill.yaml:9:5: unknown key 'colour'" in result.output
    path = write(example_repo, SCENARIO.replace("data-privacy-concern", "data-leak"))
    result = example_repo.cli("drill", str(path), now=None)
    assert (
        result.exit_code == 1 and "drill.yaml:7:15: unknown category 'data-leak'" in result.output
    )
    path = write(example_repo, SCENARIO + "events:\n  - {at: +13h, do: ack}\n")
    result = example_repo.cli("drill", str(path), now=None)
    assert result.exit_code == 1 and "outside the drill" in result.output
    result = example_repo.cli("drill", "no-such-drill", now=None)
    assert result.exit_code == 2 and "saturday-privacy-breach.yaml" in result.output


def test_table_output_lists_engagements_deadlines_and_score(example_repo: Repo) -> None:
    result = example_repo.cli("drill", str(write(example_repo, SCENARIO)), now=None)
    assert result.exit_code == 0, result.output
    for heading in ("Who was engaged when", "Timeline", "Deadlines", "Score "):
        assert heading in result.stdout


def test_a_kept_drill_repository_holds_every_recorded_event(example_repo: Repo) -> None:
    """Drills play in memory; `--keep` writes what was recorded as real event files, committed
    once, and the kept repository reads back as the drill ended (`drill --keep --format json`
    used to crash on the kept path)."""
    import shutil

    from escmatrix.store.issues import IssueStore

    scenario = write(example_repo, SCENARIO)
    code, data = run(example_repo, str(scenario), "--keep")
    kept = Path(data["kept"])
    try:
        assert code in (0, 1)
        store = IssueStore(kept)
        ids = store.issue_ids()
        assert len(ids) == 1
        state = store.load(ids[0])
        last = [e for e in data["engagements"] if e["issue"] == "leak"][-1]
        assert (state.tier, state.engaged, state.owner) == (
            last["tier"],
            last["engaged"],
            last["owner"],
        )
        assert state.tier != "frontline"  # the drill escalated it, and the files say so
        kinds = [e.event for e in store.events(ids[0])]  # type: ignore[attr-defined]
        assert kinds[0] == "opened" and "escalated" in kinds
        status = example_repo.git("-C", str(kept), "status", "--porcelain")
        assert status.strip() == ""
    finally:
        shutil.rmtree(kept, ignore_errors=True)


def test_someone_on_call_at_night_is_no_off_hours_gap(example_repo: Repo) -> None:
    """Friday 23:00 in Berlin a sev2 pages the support-frontline rotation (lena's day): she is
    outside her working hours but on call, so the drill reports no gap for her."""
    scenario = """\
name: Friday-night billing error
start: 2026-11-20T22:00:00Z
duration: 20m
issues:
  - {name: bill, title: Invoices doubled, category: billing-error, severity: sev2}
"""
    _, data = run(example_repo, str(write(example_repo, scenario)))
    first = data["engagements"][0]
    assert (first["engaged"], first["how"].split(" to ")[0]) == (
        "lena",
        "opened as sev2, routed by rule sev2-after-hours",
    )
    assert [g for g in data["gaps"] if g["kind"] == "off-hours"] == []
