"""Playbooks: front matter validated with file:line, rendered with owners and clock times (issue 6)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from escmatrix.core.durations import parse_duration
from escmatrix.store.matrix_loader import load_matrix
from escmatrix.store.playbooks import check_playbooks, load_playbooks, split_front_matter
from tests.support import Repo

NOW = "2026-11-28T03:00:00Z"  # a Saturday
PRIVACY = "playbooks/data-privacy-concern.md"


def act_as(repo: Repo, email: str) -> None:
    repo.git("config", "user.email", email)
    repo.git("config", "user.name", email.split("@")[0])


def validate(repo: Repo) -> tuple[int, list[dict[str, object]]]:
    result = repo.cli("validate", "--format", "json", now=NOW)
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


def test_every_example_playbook_validates(example_repo: Repo) -> None:
    """Each playbook in the example loads, names known people and roles, and covers a category."""
    matrix = load_matrix(example_repo.path)
    playbooks, problems = load_playbooks(example_repo.path)
    assert problems == []
    assert check_playbooks(example_repo.path, matrix) == []
    assert {p.category for p in playbooks} == set(matrix.categories)
    rows = example_repo.json("playbook", "list", now=NOW)
    assert len(rows) == len(matrix.categories)
    assert all(row["problems"] == [] for row in rows)


def test_every_example_playbook_renders(example_repo: Repo) -> None:
    """`playbook show` renders each one: steps with owners resolved to people, then the text."""
    matrix = load_matrix(example_repo.path)
    for playbook in load_playbooks(example_repo.path)[0]:
        result = example_repo.ok("playbook", "show", playbook.category, now=NOW)
        assert playbook.front.steps[0].step[:30] in result.stdout
        heading = next(line for line in playbook.body.splitlines() if line.startswith("# "))
        assert heading.removeprefix("# ") in result.stdout
        data = example_repo.json("playbook", "show", playbook.category, now=NOW)
        assert [s["step"] for s in data["steps"]] == [s.step for s in playbook.front.steps]
        for step in data["steps"]:
            assert step["people"] or step["note"], step
            assert all(p["id"] in matrix.people for p in step["people"])


def test_unknown_owner_fails_validate_with_file_and_line(example_repo: Repo) -> None:
    """A playbook owner and a step owner nobody knows: validate exits 1 naming file:line."""
    example_repo.edit(PRIVACY, "owners: [amelia, felix]", "owners: [amelia, fenix]")
    example_repo.edit(PRIVACY, "    owner: manager\n", "    owner: regulator-liaison\n")
    code, findings = validate(example_repo)
    assert code == 1
    mine = [f for f in findings if f["rule"] == "playbook-unknown-owner"]
    assert [(f["file"], f["line"]) for f in mine] == [
        (PRIVACY, example_repo.line_of(PRIVACY, "owners: [amelia, fenix]")),
        (PRIVACY, example_repo.line_of(PRIVACY, "owner: regulator-liaison")),
    ]
    assert "'fenix'" in str(mine[0]["message"]) and "people" in str(mine[0]["hint"])
    assert all(f["severity"] == "error" and f["column"] for f in mine)


@pytest.mark.parametrize(
    ("edit", "rule", "needle"),
    [
        (("within: 4h", "within: soon"), "playbook-invalid", "within: soon"),
        (("review: 2026-09-15", "review: 2026-09-15\nreviewer: amelia"), "playbook-invalid",
         "reviewer: amelia"),
        (("category: data-privacy-concern", "category: data-leak"), "playbook-unknown-category",
         "category: data-leak"),
        (("steps:\n", "steps:\n  - [unclosed\n"), "playbook-invalid", "[unclosed"),
    ],
    ids=["bad-duration", "unknown-key", "unknown-category", "yaml-error"],
)  # fmt: skip
def test_front_matter_problems_are_placed(
    example_repo: Repo, edit: tuple[str, str], rule: str, needle: str
) -> None:
    """Schema, YAML and reference errors point at the line in the .md file (after `---`)."""
    example_repo.edit(PRIVACY, *edit)
    problems = check_playbooks(example_repo.path, load_matrix(example_repo.path))
    placed = [(p.rule, p.location.file, p.location.line) for p in problems if p.location]
    line = example_repo.line_of(PRIVACY, needle)
    assert (rule, PRIVACY, line) in placed or (rule, PRIVACY, line + 1) in placed, placed


def test_a_playbook_without_front_matter_is_invalid(tmp_repo: Repo) -> None:
    """Plain Markdown with no front matter is reported at line 1, with the expected shape."""
    (tmp_repo.path / "playbooks" / "product-defect.md").write_text("# Product defect\n\n1. Fix\n")
    problems = check_playbooks(tmp_repo.path, load_matrix(tmp_repo.path))
    assert [(p.rule, str(p.location)) for p in problems] == [
        ("playbook-invalid", "playbooks/product-defect.md:1:1")
    ]
    assert "category:" in (problems[0].hint or "")


def test_starter_playbooks_validate(tmp_repo: Repo) -> None:
    """`escmatrix init` lays out playbooks with front matter and the communication templates."""
    assert check_playbooks(tmp_repo.path, load_matrix(tmp_repo.path)) == []
    templates = sorted(p.name for p in (tmp_repo.path / "playbooks" / "templates").iterdir())
    assert templates == ["customer.md.j2", "executive.md.j2", "partner.md.j2"]


def test_split_front_matter_offsets_by_the_opening_line() -> None:
    """The YAML's line 1 is the file's line 2; an unclosed block is an error."""
    assert split_front_matter("---\na: 1\n---\nbody\n") == ("a: 1\n", "body\n", 1)
    assert split_front_matter("# no front matter\n") is None
    with pytest.raises(ValueError, match="never closed"):
        split_front_matter("---\na: 1\n")


def test_show_with_an_issue_gives_owners_and_clock_times(example_repo: Repo) -> None:
    """For an open issue, each time box is a clock time from when it opened; owners are its people."""
    act_as(example_repo, "amelia.brooks@ledgerline.example")
    issue = example_repo.open(
        "Export went to the wrong workspace", "data-privacy-concern", "sev1",
        "--customer", "brightwater-retail", now=NOW,
    )  # fmt: skip
    later = "2026-11-28T05:00:00Z"
    data = example_repo.json(
        "playbook", "show", "data-privacy-concern", "--issue", issue, now=later
    )
    playbook = next(
        p for p in load_playbooks(example_repo.path)[0] if p.category == "data-privacy-concern"
    )
    opened = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    for step, front in zip(data["steps"], playbook.front.steps, strict=True):
        due = opened + front.within
        assert step["due"] == due.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert step["overdue"] == (due < opened + timedelta(hours=2))
    owners = {s["owner"]: [p["id"] for p in s["people"]] for s in data["steps"]}
    assert owners["frontline"] == ["felix"]  # the issue's owner (team legal-privacy)
    assert owners["team-lead"] == ["amelia"]
    assert owners["manager"] == ["rebecca"]
    assert owners["liaison"] == ["marcus"]  # Brightwater's liaison
    table = example_repo.ok("playbook", "show", "data-privacy-concern", "--issue", issue, now=later)
    assert "2026-11-28 03:30 UTC (overdue)" in table.stdout


def test_show_for_another_category_issue_is_a_usage_error(example_repo: Repo) -> None:
    act_as(example_repo, "amelia.brooks@ledgerline.example")
    issue = example_repo.open("Leak", "data-privacy-concern", "sev2", now=NOW)
    result = example_repo.cli("playbook", "show", "billing-error", "--issue", issue, now=NOW)
    assert result.exit_code == 2, result.output


def test_open_prints_the_first_steps(example_repo: Repo) -> None:
    """`open` (table mode) ends with the first playbook steps, owners and clock times."""
    act_as(example_repo, "amelia.brooks@ledgerline.example")
    result = example_repo.ok(
        "open", "-t", "Export went to the wrong workspace", "-c", "data-privacy-concern",
        "-s", "sev1", now=NOW,
    )  # fmt: skip
    out = " ".join(result.stdout.split())
    assert f"Playbook ({PRIVACY}), first steps:" in out
    first = "Acknowledge and stop any further exposure"
    assert first in out
    within = parse_duration("30m")
    due = datetime(2026, 11, 28, 3, 0, tzinfo=UTC) + within
    assert f"frontline: Felix Wagner, by {due:%Y-%m-%d %H:%M} UTC" in out
    assert "3 more: escmatrix playbook show data-privacy-concern" in out


def test_open_survives_a_broken_playbook(example_repo: Repo) -> None:
    """A broken playbook never fails `open`: the issue is recorded and one line says why."""
    act_as(example_repo, "amelia.brooks@ledgerline.example")
    (example_repo.path / PRIVACY).write_text("no front matter\n")
    result = example_repo.ok(
        "open", "-t", "Leak", "-c", "data-privacy-concern", "-s", "sev2", now=NOW
    )
    assert "playbook:" in result.stdout and "invalid" in result.stdout


def test_playbook_list_reports_a_broken_file(example_repo: Repo) -> None:
    (example_repo.path / "playbooks" / "extra.md").write_text("---\ncategory: [\n---\n")
    rows = example_repo.json("playbook", "list", now=NOW)
    broken = [r for r in rows if r["file"] == "playbooks/extra.md"]
    assert broken and broken[0]["problems"]


def test_templates_and_drills_are_not_playbooks(example_repo: Repo) -> None:
    """Files under playbooks/templates/ and playbooks/drills/ are never read as playbooks."""
    names = {Path(p.file).name for p in load_playbooks(example_repo.path)[0]}
    assert not any(n.endswith((".j2", ".yaml")) for n in names)
