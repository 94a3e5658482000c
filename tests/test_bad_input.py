"""Bad input is refused with a clear message, the right exit code, and nothing written or committed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from typer.testing import Result

from escmatrix.cli.app import all_commands
from tests.support import T0, TIMES, Repo


@dataclass
class Before:
    """What the repository looked like before a command that must change nothing."""

    paths: list[str]
    head: str
    count: int


def before(repo: Repo) -> Before:
    return Before(repo.all_issue_paths(), repo.head(), repo.commit_count())


def assert_refused(repo: Repo, result: Result, code: int, was: Before) -> str:
    """Exit code as expected, no traceback, no event file written, no commit made."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output, result.output
    assert "internal error" not in result.output, result.output
    assert repo.all_issue_paths() == was.paths
    assert repo.head() == was.head
    assert repo.commit_count() == was.count
    assert not repo.git("diff", "--cached", "--name-only").strip()
    return result.output


def open_args() -> tuple[str, ...]:
    return ("open", "-t", "Checkout fails", "-c", "product-defect", "-s", "sev2")


# -- the matrix at fault: file:line:column ---------------------------------------------------------


def test_duplicate_key_names_file_and_both_lines(tmp_repo: Repo) -> None:
    """A key given twice in a mapping is refused at the second one's line, naming the first."""
    tmp_repo.edit(
        "matrix/people.yaml",
        "    timezone: Europe/London\n",
        "    timezone: Europe/London\n    timezone: UTC\n",
    )
    first = tmp_repo.line_of("matrix/people.yaml", "timezone: Europe/London")
    second = tmp_repo.line_of("matrix/people.yaml", "timezone: UTC")
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli(*open_args()), 1, was)
    assert f"matrix/people.yaml:{second}:5: duplicate key 'timezone'" in out
    assert f"first defined at line {first}" in out


def test_unknown_key_lists_the_valid_keys(tmp_repo: Repo) -> None:
    """An unknown key is refused at its line with the keys that would be valid there."""
    tmp_repo.edit(
        "matrix/people.yaml", "    team: support\n", "    team: support\n    nickname: Al\n"
    )
    line = tmp_repo.line_of("matrix/people.yaml", "nickname: Al")
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli(*open_args()), 1, was)
    assert f"matrix/people.yaml:{line}:5: unknown key 'nickname'" in out
    assert "valid keys: id, name, email, timezone, team, roles, channels, out_of_office" in out


def test_unknown_key_in_a_nested_mapping(tmp_repo: Repo) -> None:
    """An unknown key inside a nested mapping (governance.overrides) is placed and explained."""
    tmp_repo.edit(
        "matrix/governance.yaml",
        "  reconcile_within: 5d\n",
        "  reconcile_within: 5d\n  approvers: [pat]\n",
    )
    line = tmp_repo.line_of("matrix/governance.yaml", "approvers:")
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli(*open_args()), 1, was)
    assert f"matrix/governance.yaml:{line}:3: unknown key 'approvers'" in out
    assert "allowed" in out
    assert "reconcilers" in out


def test_backup_equal_to_primary_is_refused(tmp_repo: Repo) -> None:
    """A category whose backup is its own primary owner is refused at the backup's line."""
    tmp_repo.edit("matrix/categories.yaml", "backups: [sam]", "backups: [alex]")
    line = tmp_repo.line_of("matrix/categories.yaml", "backups: [alex]")
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli(*open_args()), 1, was)
    assert re.search(rf"matrix/categories\.yaml:{line}:\d+: ", out), out
    assert "backup 'alex' is also its primary owner" in out


def test_category_without_backup_is_refused(tmp_repo: Repo) -> None:
    """A category with an empty backup list is refused: every category needs a backup."""
    tmp_repo.edit("matrix/categories.yaml", "backups: [sam]", "backups: []")
    line = tmp_repo.line_of("matrix/categories.yaml", "backups: []")
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli(*open_args()), 1, was)
    assert re.search(rf"matrix/categories\.yaml:{line}:\d+: ", out), out
    assert "backups" in out


def test_unknown_person_in_routing_rule(tmp_repo: Repo) -> None:
    """A routing rule naming a person who does not exist is refused at that line."""
    tmp_repo.edit("matrix/routing.yaml", "owner: support", "owner: robin")
    line = tmp_repo.line_of("matrix/routing.yaml", "owner: robin")
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli(*open_args()), 1, was)
    assert re.search(rf"matrix/routing\.yaml:{line}:\d+: ", out), out
    assert "'robin'" in out
    assert "person id or a team id" in out


def test_unknown_person_as_category_primary(tmp_repo: Repo) -> None:
    """A category whose primary is not a person is refused with the known people."""
    tmp_repo.edit("matrix/categories.yaml", "primary: sam", "primary: robin")
    line = tmp_repo.line_of("matrix/categories.yaml", "primary: robin")
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli(*open_args()), 1, was)
    assert re.search(rf"matrix/categories\.yaml:{line}:\d+: unknown person 'robin'", out), out
    assert "alex, jo, kim, pat, sam" in out


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ("    name: Alex Doe\n", "    name: no\n", "boolean false"),
        ("    name: Sam Roe\n", "    name: yes\n", "boolean true"),
        ("    name: Kim Lee\n", "    name: 1:30\n", "number 90"),
    ],
)
def test_yaml_1_1_surprise_in_free_text_is_refused(
    tmp_repo: Repo, old: str, new: str, what: str
) -> None:
    """An unquoted `no`, `yes` or `1:30` in a person's name is refused with a hint to quote it."""
    tmp_repo.edit("matrix/people.yaml", old, new)
    line = tmp_repo.line_of("matrix/people.yaml", new.strip())
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli(*open_args()), 1, was)
    assert re.search(rf"matrix/people\.yaml:{line}:\d+: people\.\d\.name", out), out
    assert what in out
    assert "quotes" in out


def test_quoted_no_is_a_fine_name(tmp_repo: Repo) -> None:
    """Quoted, `"no"` is just text and the matrix loads."""
    tmp_repo.edit("matrix/people.yaml", "    name: Alex Doe\n", '    name: "no"\n')
    data = tmp_repo.json("matrix")
    assert {p["id"]: p["name"] for p in data["people"]}["alex"] == "no"


def test_malformed_yaml_names_file_and_line(tmp_repo: Repo) -> None:
    """Malformed YAML is refused with the file, a line and a column."""
    path = tmp_repo.path / "matrix" / "routing.yaml"
    path.write_text("rules:\n  - id: catch-all\n    owner: [primary\n", encoding="utf-8")
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli(*open_args()), 1, was)
    assert re.search(r"matrix/routing\.yaml:\d+:\d+: malformed YAML", out), out


def test_validate_reports_problems_as_json_with_positions(tmp_repo: Repo) -> None:
    """`validate --format json` lists each problem with file, line and column, and exits 1."""
    tmp_repo.edit("matrix/categories.yaml", "backups: [sam]", "backups: [alex]")
    line = tmp_repo.line_of("matrix/categories.yaml", "backups: [alex]")
    result = tmp_repo.cli("validate", "--format", "json")
    assert result.exit_code == 1, result.output
    problems = json.loads(result.stdout)
    assert any(
        p["file"] == "matrix/categories.yaml" and p["line"] == line and p["column"]
        for p in problems
    ), problems


def test_validate_passes_on_the_starter_matrix(tmp_repo: Repo) -> None:
    """The starter matrix laid out by init validates with no problems."""
    result = tmp_repo.ok("validate")
    assert "valid" in result.stdout
    assert json.loads(tmp_repo.ok("validate", "--format", "json").stdout) == []


def test_corrupt_event_file_names_its_place(tmp_repo: Repo) -> None:
    """A hand-broken event file is reported by path and line, not with a traceback."""
    issue_id = tmp_repo.open(now=T0)
    (path,) = tmp_repo.event_files(issue_id)
    (tmp_repo.path / path).write_text("event: opened\nat: [\n", encoding="utf-8")
    result = tmp_repo.cli("show", issue_id)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert re.search(rf"{re.escape(path)}:\d+:\d+: ", result.output), result.output


# -- who is acting -----------------------------------------------------------------------------


def test_missing_git_identity_is_refused_with_a_fix(tmp_repo: Repo) -> None:
    """With no user.email anywhere, a mutating command refuses and says how to set one."""
    issue_id = tmp_repo.open(now=T0)
    tmp_repo.git("config", "--unset", "user.email")
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli("ack", issue_id, now=TIMES[1]), 1, was)
    assert "no git identity" in out
    assert "git config user.email" in out


def test_missing_git_identity_on_open(tmp_repo: Repo) -> None:
    """`open` with no git identity writes no issue folder and makes no commit."""
    tmp_repo.git("config", "--unset", "user.email")
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli(*open_args()), 1, was)
    assert "no git identity" in out
    assert tmp_repo.status() == ""


def test_identity_not_in_the_matrix_is_refused(tmp_repo: Repo) -> None:
    """A git email that is no person of the matrix is refused, pointing at people.yaml."""
    issue_id = tmp_repo.open(now=T0)
    tmp_repo.git("config", "user.email", "stranger@example.com")
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli("ack", issue_id, now=TIMES[1]), 1, was)
    assert "stranger@example.com is not a person in the matrix" in out
    assert "matrix/people.yaml" in out


# -- issue ids -----------------------------------------------------------------------------------


def test_ambiguous_prefix_lists_the_candidates(tmp_repo: Repo) -> None:
    """A prefix two issues share (the day part) is refused, listing both ids."""
    first = tmp_repo.open("One", now=TIMES[0])
    second = tmp_repo.open("Two", now=TIMES[1])
    assert first[:3] == second[:3]
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli("ack", first[:2], now=TIMES[2]), 2, was)
    assert "ambiguous" in out
    assert first in out
    assert second in out


def test_unknown_issue_is_refused(tmp_repo: Repo) -> None:
    """A prefix that matches no issue exits 1 and says so."""
    tmp_repo.open(now=T0)
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli("ack", "zzzz", now=TIMES[1]), 1, was)
    assert "no issue matches 'zzzz'" in out


# -- policy and state -----------------------------------------------------------------------------


def test_escalating_past_the_top_tier_is_refused(tmp_repo: Repo) -> None:
    """At the executive tier, `escalate` refuses: there is nobody further up."""
    issue_id = tmp_repo.open(now=T0)
    tmp_repo.ok("escalate", issue_id, "--to", "executive", "--reason", "Board call", now=TIMES[1])
    was = before(tmp_repo)
    result = tmp_repo.cli("escalate", issue_id, "--reason", "Higher!", now=TIMES[2])
    out = assert_refused(tmp_repo, result, 1, was)
    assert "already at the top tier (executive)" in out


def test_escalate_to_a_lower_tier_is_refused(tmp_repo: Repo) -> None:
    """`escalate --to` a tier that is not above the current one is refused."""
    issue_id = tmp_repo.open(now=T0)
    tmp_repo.ok("escalate", issue_id, "--to", "manager", "--reason", "Risk", now=TIMES[1])
    was = before(tmp_repo)
    result = tmp_repo.cli("escalate", issue_id, "--to", "team-lead", "-r", "x", now=TIMES[2])
    out = assert_refused(tmp_repo, result, 1, was)
    assert "not above" in out


def test_escalate_to_unknown_tier_is_a_usage_error(tmp_repo: Repo) -> None:
    """`escalate --to nowhere` names the tiers that exist."""
    issue_id = tmp_repo.open(now=T0)
    was = before(tmp_repo)
    result = tmp_repo.cli("escalate", issue_id, "--to", "nowhere", "-r", "x", now=TIMES[1])
    out = assert_refused(tmp_repo, result, 2, was)
    assert "frontline, team-lead, manager, executive" in out


def test_escalate_needs_a_non_empty_reason(tmp_repo: Repo) -> None:
    """An escalation with a blank reason is refused."""
    issue_id = tmp_repo.open(now=T0)
    was = before(tmp_repo)
    result = tmp_repo.cli("escalate", issue_id, "--reason", "   ", now=TIMES[1])
    out = assert_refused(tmp_repo, result, 2, was)
    assert "--reason" in out


def test_deescalate_below_the_bottom_is_refused(tmp_repo: Repo) -> None:
    """At the frontline tier, `deescalate` refuses."""
    issue_id = tmp_repo.open(now=T0)
    was = before(tmp_repo)
    result = tmp_repo.cli("deescalate", issue_id, "--reason", "calm", now=TIMES[1])
    out = assert_refused(tmp_repo, result, 1, was)
    assert "bottom tier" in out


def test_override_by_someone_governance_does_not_allow(tmp_repo: Repo) -> None:
    """A responder may not override; the message names governance and who may."""
    issue_id = tmp_repo.open(now=T0)
    was = before(tmp_repo)
    result = tmp_repo.cli(
        "override", issue_id, "--owner", "sam", "--reason", "I said so", now=TIMES[1]
    )
    out = assert_refused(tmp_repo, result, 1, was)
    assert "alex may not override" in out
    assert "matrix/governance.yaml" in out
    assert "manager, executive" in out


def test_override_needs_a_reason(tmp_repo: Repo) -> None:
    """An override without --reason is a usage error, even for a manager."""
    issue_id = tmp_repo.open(now=T0)
    tmp_repo.identify("pat")
    was = before(tmp_repo)
    result = tmp_repo.cli("override", issue_id, "--owner", "sam", now=TIMES[1])
    out = assert_refused(tmp_repo, result, 2, was)
    assert "--reason" in out


def test_reconcile_by_someone_governance_does_not_allow(tmp_repo: Repo) -> None:
    """A responder may not reconcile a manager's override."""
    issue_id = tmp_repo.open(now=T0)
    tmp_repo.identify("pat")
    tmp_repo.ok("override", issue_id, "--tier", "manager", "-r", "Urgent", now=TIMES[1])
    tmp_repo.identify("alex")
    was = before(tmp_repo)
    result = tmp_repo.cli("reconcile", issue_id, "--learning", "none", now=TIMES[2])
    out = assert_refused(tmp_repo, result, 1, was)
    assert "alex may not reconcile" in out


def test_reconcile_without_an_override_is_refused(tmp_repo: Repo) -> None:
    """Reconciling an issue that has no pending override is refused."""
    issue_id = tmp_repo.open(now=T0)
    tmp_repo.identify("pat")
    was = before(tmp_repo)
    result = tmp_repo.cli("reconcile", issue_id, "--learning", "x", now=TIMES[1])
    out = assert_refused(tmp_repo, result, 1, was)
    assert "no override" in out


def test_update_over_the_length_limit_is_refused(tmp_repo: Repo) -> None:
    """An update longer than the matrix's limit (600) is refused with the numbers."""
    issue_id = tmp_repo.open(now=T0)
    was = before(tmp_repo)
    result = tmp_repo.cli("update", issue_id, "--status", "x" * 650, "--next", "y", now=TIMES[1])
    out = assert_refused(tmp_repo, result, 1, was)
    assert "651 characters" in out
    assert "limit of 600" in out


def test_update_length_limit_comes_from_the_matrix(tmp_repo: Repo) -> None:
    """Lowering comms.yaml's max_length lowers the limit updates are held to."""
    issue_id = tmp_repo.open(now=T0)
    tmp_repo.edit("matrix/comms.yaml", "max_length: 600", "max_length: 60")
    tmp_repo.ok("update", issue_id, "--status", "s" * 30, "--next", "n" * 30, now=TIMES[1])
    was = before(tmp_repo)
    result = tmp_repo.cli(
        "update", issue_id, "--status", "s" * 40, "--next", "n" * 30, now=TIMES[2]
    )
    out = assert_refused(tmp_repo, result, 1, was)
    assert "limit of 60" in out


def test_update_missing_a_required_part_names_the_real_option(tmp_repo: Repo) -> None:
    """An update without next steps is a usage error whose hint names an option `update` has."""
    issue_id = tmp_repo.open(now=T0)
    was = before(tmp_repo)
    result = tmp_repo.cli("update", issue_id, "--status", "Looking", now=TIMES[1])
    out = assert_refused(tmp_repo, result, 2, was)
    assert "missing next_steps" in out
    hinted = re.findall(r"add (--[a-z-]+)", out)
    assert hinted, out
    command = all_commands()["update"]
    options = {opt for param in command.params for opt in param.opts}
    for flag in hinted:
        assert flag in options, f"the hint names {flag}, but update's options are {sorted(options)}"


def test_update_with_unknown_owner_is_refused(tmp_repo: Repo) -> None:
    """An update naming an owner who is not a person is refused."""
    issue_id = tmp_repo.open(now=T0)
    was = before(tmp_repo)
    result = tmp_repo.cli(
        "update", issue_id, "-m", "x", "--next", "y", "--owner", "robin", now=TIMES[1]
    )
    out = assert_refused(tmp_repo, result, 1, was)
    assert "unknown person 'robin'" in out


def test_close_on_an_open_issue_is_refused(tmp_repo: Repo) -> None:
    """Only a resolved issue can be closed."""
    issue_id = tmp_repo.open(now=T0)
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli("close", issue_id, now=TIMES[1]), 1, was)
    assert f"cannot close issue {issue_id}: it is open" in out
    assert "resolved" in out


def test_close_with_satisfaction_out_of_range(tmp_repo: Repo) -> None:
    """A satisfaction score outside 1 to 5 is a usage error."""
    issue_id = tmp_repo.open(now=T0)
    tmp_repo.ok("resolve", issue_id, "--summary", "ok", now=TIMES[1])
    was = before(tmp_repo)
    result = tmp_repo.cli("close", issue_id, "--customer-satisfaction", "6", now=TIMES[2])
    assert_refused(tmp_repo, result, 2, was)


def test_acting_on_a_closed_issue_is_refused(tmp_repo: Repo) -> None:
    """A closed issue can no longer be escalated."""
    issue_id = tmp_repo.open(now=T0)
    tmp_repo.ok("resolve", issue_id, "--summary", "ok", now=TIMES[1])
    tmp_repo.ok("close", issue_id, now=TIMES[2])
    was = before(tmp_repo)
    result = tmp_repo.cli("escalate", issue_id, "--reason", "again", now=TIMES[3])
    out = assert_refused(tmp_repo, result, 1, was)
    assert "it is closed" in out


def test_assign_to_unknown_person_is_refused(tmp_repo: Repo) -> None:
    """A handoff to someone not in the matrix names the people who are."""
    issue_id = tmp_repo.open(now=T0)
    was = before(tmp_repo)
    result = tmp_repo.cli("assign", issue_id, "--to", "robin", "--reason", "x", now=TIMES[1])
    out = assert_refused(tmp_repo, result, 1, was)
    assert "unknown person 'robin'" in out
    assert "alex, jo, kim, pat, sam" in out


def test_unknown_category_on_open(tmp_repo: Repo) -> None:
    """Opening in a category the matrix does not have names the known ones."""
    was = before(tmp_repo)
    result = tmp_repo.cli("open", "-t", "x", "-c", "billing", "-s", "sev2")
    out = assert_refused(tmp_repo, result, 1, was)
    assert "unknown category 'billing'" in out
    assert "product-defect, service-downtime" in out


def test_unknown_severity_on_open(tmp_repo: Repo) -> None:
    """Opening with a severity the matrix does not have names the known ones."""
    was = before(tmp_repo)
    result = tmp_repo.cli("open", "-t", "x", "-c", "product-defect", "-s", "sev9")
    out = assert_refused(tmp_repo, result, 2, was)
    assert "unknown severity 'sev9'" in out
    assert "sev1, sev2, sev3" in out


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01T00:00:00Z", "9am"])
def test_now_not_iso_is_a_usage_error(tmp_repo: Repo, bad: str) -> None:
    """`--now` that is not ISO 8601 is a usage error with an example."""
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli(*open_args(), now=bad), 2, was)
    assert "is not an ISO 8601 time" in out
    assert "2026-11-27T09:30:00Z" in out


def test_escmatrix_now_env_not_iso_is_a_usage_error(
    tmp_repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ESCMATRIX_NOW is checked like --now."""
    monkeypatch.setenv("ESCMATRIX_NOW", "soon")
    was = before(tmp_repo)
    out = assert_refused(tmp_repo, tmp_repo.cli(*open_args(), now=None), 2, was)
    assert "'soon' is not an ISO 8601 time" in out


def test_open_without_options_and_no_tty_does_not_prompt(tmp_repo: Repo) -> None:
    """`open` with stdin not a terminal refuses (exit 2) naming what is missing, without asking."""
    was = before(tmp_repo)
    result = tmp_repo.cli("open", input="Broken\nproduct-defect\nsev2\n")
    out = assert_refused(tmp_repo, result, 2, was)
    assert "missing --title, --category, --severity or --impact" in out
    assert "Title" not in out
    assert "Category" not in out


def test_open_missing_only_severity(tmp_repo: Repo) -> None:
    """`open` with title and category but no severity or impact names just that."""
    was = before(tmp_repo)
    result = tmp_repo.cli("open", "-t", "x", "-c", "product-defect", input="")
    out = assert_refused(tmp_repo, result, 2, was)
    assert "missing --severity or --impact" in out


def test_bad_impact_syntax_is_a_usage_error(tmp_repo: Repo) -> None:
    """`--impact customers` without `=LEVEL` is a usage error with an example."""
    was = before(tmp_repo)
    result = tmp_repo.cli("open", "-t", "x", "-c", "product-defect", "--impact", "customers")
    out = assert_refused(tmp_repo, result, 2, was)
    assert "DIMENSION=LEVEL" in out


def test_other_staged_changes_are_not_swept_into_the_commit(tmp_repo: Repo) -> None:
    """With someone else's change staged, escmatrix refuses rather than commit it too."""
    issue_id = tmp_repo.open(now=T0)
    (tmp_repo.path / "notes.txt").write_text("private\n", encoding="utf-8")
    tmp_repo.git("add", "notes.txt")
    paths, head, count = tmp_repo.all_issue_paths(), tmp_repo.head(), tmp_repo.commit_count()
    result = tmp_repo.cli("ack", issue_id, now=TIMES[1])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "other changes are staged" in result.output
    assert "notes.txt" in result.output
    assert tmp_repo.all_issue_paths() == paths
    assert (tmp_repo.head(), tmp_repo.commit_count()) == (head, count)
    assert tmp_repo.git("diff", "--cached", "--name-only").split() == ["notes.txt"]


def test_repository_that_is_not_git_is_refused(tmp_repo: Repo) -> None:
    """A matrix folder outside any git repository refuses to record and says how to fix it."""
    import shutil

    bare = tmp_repo.path.parent / "nogit"
    shutil.copytree(tmp_repo.path / "matrix", bare / "matrix")
    (bare / "issues").mkdir()
    result = Repo(bare, tmp_repo.runner).cli(*open_args())
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "not inside a git repository" in result.output
    assert list((bare / "issues").iterdir()) == []


def test_no_repository_found_is_a_usage_error(tmp_repo: Repo) -> None:
    """--repo pointing at a folder without matrix/ is a usage error that suggests init."""
    empty = tmp_repo.path.parent / "empty"
    empty.mkdir()
    result = Repo(empty, tmp_repo.runner).cli("list")
    assert result.exit_code == 2, result.output
    assert "has no matrix/ folder" in result.output
    assert "escmatrix init" in result.output
