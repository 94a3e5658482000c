"""The responder loop: each command appends events, makes exactly one commit, and folds as expected."""

from __future__ import annotations

import csv
import io
import json

import yaml

from tests.support import TIMES, Repo

TRAILER_KEYS = ("Escmatrix-Issue", "Escmatrix-Action", "Escmatrix-Actor")


def step(repo: Repo, issue_id: str, action: str, now: str, *args: str) -> dict[str, object]:
    """Run one mutating command and check it left one new event file and exactly one commit."""
    files_before = repo.event_files(issue_id)
    count_before = repo.commit_count()
    data = repo.json(action, issue_id, *args, now=now)
    new_files = sorted(set(repo.event_files(issue_id)) - set(files_before))
    assert len(new_files) == 1, new_files
    assert repo.commit_count() == count_before + 1
    assert repo.changed_in("HEAD") == new_files
    assert repo.status() == ""
    assert data["commit"] == repo.head()
    assert data["id"] == issue_id
    return data


def test_full_loop_one_event_and_one_commit_per_command(tmp_repo: Repo) -> None:
    """open → ack → update → escalate → resolve → close: one file and one trailed commit each."""
    count = tmp_repo.commit_count()
    issue_id = tmp_repo.open(now=TIMES[0])
    assert tmp_repo.commit_count() == count + 1
    assert len(tmp_repo.event_files(issue_id)) == 1
    assert tmp_repo.changed_in() == tmp_repo.event_files(issue_id)
    assert tmp_repo.status() == ""
    assert tmp_repo.trailers() == {
        "Escmatrix-Issue": issue_id,
        "Escmatrix-Action": "open",
        "Escmatrix-Actor": "alex",
    }
    step(tmp_repo, issue_id, "ack", TIMES[1])
    step(tmp_repo, issue_id, "update", TIMES[2], "--status", "Rolled back", "--next", "Watch")
    step(tmp_repo, issue_id, "escalate", TIMES[3], "--reason", "Fix not in sight")
    step(tmp_repo, issue_id, "resolve", TIMES[4], "--summary", "Patched", "--root-cause", "Bug")
    step(
        tmp_repo,
        issue_id,
        "close",
        TIMES[5],
        "--customer-satisfaction",
        "4",  # no partner score: the issue has no partner (refused; see test_who_may_act.py)
    )
    assert len(tmp_repo.event_files(issue_id)) == 6
    actions = ["open", "ack", "update", "escalate", "resolve", "close"]
    for back, action in enumerate(reversed(actions)):
        assert tmp_repo.trailers(f"HEAD~{back}") == {
            "Escmatrix-Issue": issue_id,
            "Escmatrix-Action": action,
            "Escmatrix-Actor": "alex",
        }
    state = tmp_repo.show(issue_id, now=TIMES[6])
    assert (state["status"], state["owner"], state["tier"], state["engaged"]) == (
        "closed",
        "alex",
        "team-lead",
        "kim",
    )
    assert state["timestamps"]["opened"] == TIMES[0]
    assert state["timestamps"]["acknowledged"] == TIMES[1]
    assert state["timestamps"]["last_update"] == TIMES[2]
    assert state["timestamps"]["escalated"] == TIMES[3]
    assert state["timestamps"]["resolved"] == TIMES[4]
    assert state["timestamps"]["closed"] == TIMES[5]
    assert state["satisfaction"] == {"customer": 4, "partner": None}
    assert state["tier_path"] == ["frontline", "team-lead"]
    assert state["resolution"] == "Patched"
    assert [entry["event"] for entry in state["timeline"]] == [
        "opened",
        "acknowledged",
        "updated",
        "escalated",
        "resolved",
        "closed",
    ]


def test_commit_trailers_read_by_git_log(tmp_repo: Repo) -> None:
    """`git log --format=%(trailers)` shows issue, action and actor on every escmatrix commit."""
    issue_id = tmp_repo.open(now=TIMES[0])
    tmp_repo.ok("ack", issue_id, now=TIMES[1])
    raw = tmp_repo.git("log", "-2", "--format=%(trailers)%x00")
    blocks = [b.strip() for b in raw.split("\x00") if b.strip()]
    assert len(blocks) == 2
    for block, action in zip(blocks, ("ack", "open"), strict=True):
        assert f"Escmatrix-Issue: {issue_id}" in block.splitlines()
        assert f"Escmatrix-Action: {action}" in block.splitlines()
        assert "Escmatrix-Actor: alex" in block.splitlines()


def test_commit_author_and_date_follow_identity_and_clock(tmp_repo: Repo) -> None:
    """The commit is authored by the git identity and dated by the injected clock."""
    tmp_repo.open(now=TIMES[0])
    author = tmp_repo.git("log", "-1", "--format=%an <%ae> %aI").strip()
    assert author == "Alex Doe <alex@example.com> 2026-03-02T09:00:00+00:00"


def test_event_file_is_plain_yaml_with_actor_time_and_matrix_commit(tmp_repo: Repo) -> None:
    """The opened event records who, when (UTC) and the matrix commit it was decided under."""
    matrix_commit = tmp_repo.head()
    issue_id = tmp_repo.open(now=TIMES[0])
    (path,) = tmp_repo.event_files(issue_id)
    assert path.startswith(f"issues/{issue_id}/000001-")
    assert path.endswith("-opened.yaml")
    data = yaml.safe_load((tmp_repo.path / path).read_text(encoding="utf-8"))
    assert data["event"] == "opened"
    assert data["actor"] == "alex"
    assert data["at"] == TIMES[0]
    assert data["matrix"] == matrix_commit


def test_open_table_names_owner_tier_and_due_time(tmp_repo: Repo) -> None:
    """`open` in table form prints the id, the owner, the tier, the rule and the respond-by time."""
    result = tmp_repo.ok(
        "open", "-t", "Login broken", "-c", "product-defect", "-s", "sev2", now=TIMES[0]
    )
    (folder,) = [p for p in (tmp_repo.path / "issues").iterdir() if p.is_dir()]
    assert f"opened {folder.name}: Login broken" in result.stdout
    assert "Alex Doe (alex)" in result.stdout
    assert "frontline" in result.stdout
    assert "catch-all" in result.stdout
    assert "2026-03-02 10:00 UTC" in result.stdout  # sev2: first response within 1h


def test_open_with_impact_scores_a_severity(tmp_repo: Repo) -> None:
    """`--impact` levels are scored by the matrix into a severity and a starting tier."""
    data = tmp_repo.json(
        "open",
        "-t",
        "Everything is down",
        "-c",
        "service-downtime",
        "--impact",
        "customers=all",
        "--impact",
        "uptime=down",
        now=TIMES[0],
    )
    assert (data["severity"], data["score"], data["tier"]) == ("sev1", 15, "team-lead")
    assert data["route"]["rule"] == "downtime-to-support"


def test_assign_hands_off_with_reason(tmp_repo: Repo) -> None:
    """`assign --to sam` makes sam the owner and counts a handoff."""
    issue_id = tmp_repo.open(now=TIMES[0])
    data = step(tmp_repo, issue_id, "assign", TIMES[1], "--to", "sam", "--reason", "Sam knows it")
    assert data["owner"] == "sam"
    state = tmp_repo.show(issue_id, now=TIMES[1])
    assert state["handoffs"] == 1
    assert state["timeline"][-1]["summary"] == "handed off from alex to sam: Sam knows it"
    assert tmp_repo.trailers()["Escmatrix-Action"] == "assign"


def test_escalate_to_named_tier_then_deescalate(tmp_repo: Repo) -> None:
    """`escalate --to manager` jumps two tiers; `deescalate` goes one down."""
    issue_id = tmp_repo.open(now=TIMES[0])
    data = step(tmp_repo, issue_id, "escalate", TIMES[1], "--to", "manager", "--reason", "Risk")
    assert (data["tier"], data["engaged"]) == ("manager", "pat")
    data = step(tmp_repo, issue_id, "deescalate", TIMES[2], "--reason", "Contained")
    assert (data["tier"], data["engaged"]) == ("team-lead", "kim")
    state = tmp_repo.show(issue_id, now=TIMES[2])
    assert state["tier_path"] == ["frontline", "manager", "team-lead"]
    assert state["escalations"] == 1
    assert tmp_repo.trailers()["Escmatrix-Action"] == "deescalate"


def test_pause_and_resume(tmp_repo: Repo) -> None:
    """`pause` stops the clocks waiting on the customer; `resume` restores the previous status."""
    issue_id = tmp_repo.open(now=TIMES[0])
    tmp_repo.ok("ack", issue_id, now=TIMES[1])
    data = step(
        tmp_repo, issue_id, "pause", TIMES[2], "--waiting-on", "customer", "--reason", "Need logs"
    )
    assert data["status"] == "paused"
    data = step(tmp_repo, issue_id, "resume", TIMES[3], "--note", "Logs arrived")
    assert data["status"] == "acknowledged"
    state = tmp_repo.show(issue_id, now=TIMES[3])
    assert state["pauses"] == [
        {"start": TIMES[2], "end": TIMES[3], "waiting_on": "customer", "reason": "Need logs"}
    ]


def test_resolve_then_reopen(tmp_repo: Repo) -> None:
    """`reopen` puts a resolved issue back to open and clears its resolution time."""
    issue_id = tmp_repo.open(now=TIMES[0])
    step(tmp_repo, issue_id, "resolve", TIMES[1], "--summary", "Restarted")
    data = step(tmp_repo, issue_id, "reopen", TIMES[2], "--reason", "Came back")
    assert data["status"] == "open"
    state = tmp_repo.show(issue_id, now=TIMES[2])
    assert state["timestamps"]["resolved"] is None
    assert state["reopened"] == 1


def test_comment_goes_on_the_timeline(tmp_repo: Repo) -> None:
    """`comment` appends a commented event and shows it on the timeline."""
    issue_id = tmp_repo.open(now=TIMES[0])
    step(tmp_repo, issue_id, "comment", TIMES[1], "Customer called back")
    state = tmp_repo.show(issue_id, now=TIMES[1])
    assert state["timeline"][-1] == {
        "at": TIMES[1],
        "actor": "alex",
        "event": "commented",
        "summary": "comment: Customer called back",
    }
    assert tmp_repo.event_files(issue_id)[-1].endswith("-commented.yaml")


def test_override_flags_until_reconciled(tmp_repo: Repo) -> None:
    """A manager's override moves owner and tier and flags the issue until reconciled."""
    issue_id = tmp_repo.open(now=TIMES[0])
    tmp_repo.identify("pat")
    data = step(
        tmp_repo,
        issue_id,
        "override",
        TIMES[1],
        "--owner",
        "sam",
        "--tier",
        "manager",
        "--reason",
        "Alex is at the dentist",
    )
    assert (data["owner"], data["tier"], data["flagged"]) == ("sam", "manager", True)
    assert tmp_repo.trailers()["Escmatrix-Actor"] == "pat"
    data = step(tmp_repo, issue_id, "reconcile", TIMES[2], "--learning", "Add dentist calendar")
    assert data["flagged"] is False
    (override,) = tmp_repo.show(issue_id, now=TIMES[2])["overrides"]
    assert override["actor"] == "pat"
    assert override["reconciled_by"] == "pat"
    assert override["learning"] == "Add dentist calendar"


def test_route_issue_reroutes_under_the_changed_matrix(tmp_repo: Repo) -> None:
    """`route ID` re-routes an open issue after the matrix changed, as one recorded commit."""
    issue_id = tmp_repo.open(now=TIMES[0])
    tmp_repo.edit("matrix/categories.yaml", "primary: alex\n", "primary: kim\n")
    tmp_repo.git("commit", "-q", "-am", "product defects now go to kim")
    data = step(tmp_repo, issue_id, "route", TIMES[1])
    assert data["owner"] == "kim"
    assert tmp_repo.trailers()["Escmatrix-Action"] == "route"
    assert tmp_repo.event_files(issue_id)[-1].endswith("-rerouted.yaml")


def test_log_json_lists_each_commit_in_order(tmp_repo: Repo) -> None:
    """`log ID --format json` gives commit, author, time and action for each command, oldest first."""
    issue_id = tmp_repo.open(now=TIMES[0])
    tmp_repo.ok("ack", issue_id, now=TIMES[1])
    tmp_repo.identify("sam")
    tmp_repo.ok("comment", issue_id, "Seen it too", now=TIMES[2])
    entries = tmp_repo.json("log", issue_id, now=TIMES[3])
    assert [e["action"] for e in entries] == ["open", "ack", "comment"]
    assert [e["actor"] for e in entries] == ["alex", "alex", "sam"]
    assert [e["email"] for e in entries] == [
        "alex@example.com",
        "alex@example.com",
        "sam@example.com",
    ]
    assert entries[-1]["commit"] == tmp_repo.head()
    assert [e["at"] for e in entries] == TIMES[:3]


def test_log_table_shows_actions(tmp_repo: Repo) -> None:
    """`log ID` as a table names each action and the author."""
    issue_id = tmp_repo.open(now=TIMES[0])
    tmp_repo.ok("ack", issue_id, now=TIMES[1])
    out = tmp_repo.ok("log", issue_id, now=TIMES[2]).stdout
    assert "Alex Doe <alex@example.com>" in out
    assert "open" in out
    assert "ack" in out
    assert tmp_repo.head()[:10] in out


def make_portfolio(repo: Repo) -> dict[str, str]:
    """Four issues in different categories, severities, owners and states."""
    ids = {
        "defect": repo.open("Defect", "product-defect", "sev2", now=TIMES[0]),
        "outage": repo.open("Outage", "service-downtime", "sev1", now=TIMES[1]),
        "minor": repo.open("Minor", "product-defect", "sev3", now=TIMES[2]),
        "handed": repo.open("Handed", "product-defect", "sev2", now=TIMES[3]),
    }
    repo.ok("resolve", ids["minor"], "--summary", "Fixed", now=TIMES[4])
    repo.ok("assign", ids["handed"], "--to", "sam", "--reason", "Cover", now=TIMES[5])
    return ids


def listed(repo: Repo, *args: str) -> set[str]:
    return {row["id"] for row in repo.json("list", *args, now=TIMES[6])}


def test_list_filters(tmp_repo: Repo) -> None:
    """`list` filters by status, owner, category and severity; active issues by default."""
    ids = make_portfolio(tmp_repo)
    assert listed(tmp_repo) == {ids["defect"], ids["outage"], ids["handed"]}
    assert listed(tmp_repo, "--status", "resolved") == {ids["minor"]}
    assert listed(tmp_repo, "--status", "all") == set(ids.values())
    assert listed(tmp_repo, "--owner", "sam") == {ids["handed"]}
    assert listed(tmp_repo, "--category", "service-downtime") == {ids["outage"]}
    assert listed(tmp_repo, "--severity", "sev1") == {ids["outage"]}
    assert listed(tmp_repo, "--severity", "sev2", "--owner", "alex") == {ids["defect"]}
    tmp_repo.identify("sam")
    assert listed(tmp_repo, "--mine") == {ids["handed"]}


def test_list_orders_by_severity_and_gives_short_ids(tmp_repo: Repo) -> None:
    """`list` puts sev1 first and gives each issue a unique short id that resolves back to it."""
    ids = make_portfolio(tmp_repo)
    rows = tmp_repo.json("list", "--status", "all", now=TIMES[6])
    assert [r["severity"] for r in rows] == sorted(r["severity"] for r in rows)
    assert rows[0]["id"] == ids["outage"]
    for row in rows:
        assert row["id"].startswith(row["short_id"])
        assert tmp_repo.show(row["short_id"], now=TIMES[6])["id"] == row["id"]


def test_list_csv_round_trips_through_csv_module(tmp_repo: Repo) -> None:
    """`list --format csv` parses with the csv module and agrees with the JSON listing."""
    make_portfolio(tmp_repo)
    as_json = tmp_repo.json("list", "--status", "all", now=TIMES[6])
    result = tmp_repo.ok("list", "--status", "all", "--format", "csv", now=TIMES[6])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(as_json) == 4
    for row, item in zip(rows, as_json, strict=True):
        for key in ("id", "short_id", "status", "severity", "category", "owner", "tier", "title"):
            assert row[key] == item[key], key
        assert row["opened_at"] == item["opened_at"]


def test_list_table_shows_short_ids_and_titles(tmp_repo: Repo) -> None:
    """`list` as a table shows each active issue's short id and title."""
    ids = make_portfolio(tmp_repo)
    rows = {r["id"]: r for r in tmp_repo.json("list", "--status", "all", now=TIMES[6])}
    out = tmp_repo.ok("list", now=TIMES[6]).stdout
    assert rows[ids["outage"]]["short_id"] in out
    assert "Outage" in out
    assert "Minor" not in out


def test_list_rejects_unknown_status(tmp_repo: Repo) -> None:
    """`list --status nonsense` is a usage error naming the valid statuses."""
    result = tmp_repo.cli("list", "--status", "nonsense")
    assert result.exit_code == 2, result.output
    assert "active" in result.output
    assert "Traceback" not in result.output


def test_matrix_json_has_ids_of_everything(tmp_repo: Repo) -> None:
    """`matrix --format json` lists categories, tiers (in order), severities, people and rules."""
    data = tmp_repo.json("matrix")
    assert [t["id"] for t in data["tiers"]] == ["frontline", "team-lead", "manager", "executive"]
    assert [c["id"] for c in data["categories"]] == ["product-defect", "service-downtime"]
    assert [s["id"] for s in data["severities"]] == ["sev1", "sev2", "sev3"]
    assert {p["id"] for p in data["people"]} == {"alex", "sam", "kim", "pat", "jo"}
    assert [r["id"] for r in data["rules"]] == ["downtime-to-support", "catch-all"]
    defect = data["categories"][0]
    assert defect["primary"] == "alex"
    assert defect["backups"] == ["sam"]
    assert defect["holders"] == {
        "frontline": "alex",
        "team-lead": "kim",
        "manager": "pat",
        "executive": "jo",
    }


def test_matrix_table_is_a_grid_of_categories_and_tiers(tmp_repo: Repo) -> None:
    """`matrix` shows categories down and tiers across, with owner and backup."""
    out = tmp_repo.ok("matrix").stdout
    for text in ("Product defect", "Service downtime", "Frontline responder", "Executive sponsor"):
        assert text in out
    assert "backup: Sam Roe" in out
    assert "respond in 30m" in out


def test_show_table_has_facts_clocks_and_timeline(tmp_repo: Repo) -> None:
    """`show ID` in a table names the owner, tier, the clocks and the timeline."""
    issue_id = tmp_repo.open("Slow search", now=TIMES[0])
    out = tmp_repo.ok("show", issue_id, now=TIMES[1]).stdout
    assert f"{issue_id}  Slow search" in out
    assert "Alex Doe (alex)" in out
    assert "frontline" in out
    assert "Timeline" in out
    assert "routed by rule catch-all" in out


def test_mutating_command_json_output_is_pure_json(tmp_repo: Repo) -> None:
    """A mutating command with --format json prints one JSON document with state and deadlines."""
    issue_id = tmp_repo.open(now=TIMES[0])
    result = tmp_repo.ok("ack", issue_id, "--format", "json", now=TIMES[1])
    data = json.loads(result.stdout)
    assert data["status"] == "acknowledged"
    assert data["deadlines"], data
    assert {"id", "status", "owner", "tier", "deadlines", "commit"} <= set(data)


def test_tz_option_changes_display_not_storage(tmp_repo: Repo) -> None:
    """`--tz` shows times in the viewer's zone; JSON and stored times stay UTC."""
    issue_id = tmp_repo.open(now=TIMES[0])
    out = tmp_repo.ok("--tz", "Europe/Berlin", "show", issue_id, now=TIMES[1]).stdout
    assert "2026-03-02 10:00 CET" in out
    data = tmp_repo.json("--tz", "Europe/Berlin", "show", issue_id, now=TIMES[1])
    assert data["timestamps"]["opened"] == TIMES[0]


def test_unknown_tz_is_a_usage_error(tmp_repo: Repo) -> None:
    """An unknown --tz is a usage error suggesting an IANA name."""
    issue_id = tmp_repo.open(now=TIMES[0])
    result = tmp_repo.cli("--tz", "Mars/Olympus", "show", issue_id)
    assert result.exit_code == 2, result.output
    assert "unknown timezone 'Mars/Olympus'" in result.output
    assert "Traceback" not in result.output
