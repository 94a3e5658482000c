"""The project's own example repository: it validates, and the responder loop works on a copy."""

from __future__ import annotations

from typing import Any

from tests.support import Repo

NOW = ["2026-11-27T09:00:00Z", "2026-11-27T09:04:00Z", "2026-11-27T09:15:00Z"]
NOW += ["2026-11-27T09:30:00Z", "2026-11-27T11:00:00Z", "2026-11-27T12:00:00Z"]
NOW += ["2026-11-27T12:30:00Z"]


def test_example_repository_validates(example_repo: Repo) -> None:
    """`validate` finds no errors in the shipped example matrix, issues and playbooks."""
    result = example_repo.cli("validate", now=NOW[0])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_example_issues_load(example_repo: Repo) -> None:
    """Every example issue folds and shows; `list --status all` lists them."""
    rows = example_repo.json("list", "--status", "all", now=NOW[0])
    for row in rows:
        assert example_repo.show(row["id"], now=NOW[0])["id"] == row["id"]


def act_as_first_person(repo: Repo, matrix: dict[str, Any]) -> str:
    person = matrix["people"][0]
    repo.git("config", "user.email", person["email"])
    repo.git("config", "user.name", person["name"])
    return str(person["id"])


def test_responder_loop_on_a_copy_of_the_example(example_repo: Repo) -> None:
    """open → ack → update → escalate → resolve → close: one file and one commit each, as shown."""
    matrix = example_repo.json("matrix", now=NOW[0])
    actor = act_as_first_person(example_repo, matrix)
    tiers = [t["id"] for t in matrix["tiers"]]
    severity = next(s for s in matrix["severities"] if s["start_tier"] != tiers[-1])
    category = matrix["categories"][0]["id"]
    opened = example_repo.json(
        "open", "-t", "Drill: checkout fails", "-c", category, "-s", severity["id"], now=NOW[0]
    )
    issue_id = opened["id"]
    steps = [
        ("ack", "--on-behalf", "--reason", "Drill: covering for the person engaged"),
        ("update", "--status", "Reproduced", "--next", "Roll back", "--owner", actor,
         "--dependencies", "None"),
        ("escalate", "--reason", "Drill"),
        ("resolve", "--summary", "Rolled back", "--root-cause", "Drill"),
        ("close", "--customer-satisfaction", "5"),
    ]  # fmt: skip
    for (action, *args), now in zip(steps, NOW[1:], strict=False):
        count, files = example_repo.commit_count(), example_repo.event_files(issue_id)
        example_repo.ok(action, issue_id, *args, now=now)
        assert example_repo.commit_count() == count + 1
        new = sorted(set(example_repo.event_files(issue_id)) - set(files))
        assert len(new) == 1, new
        assert example_repo.changed_in() == new
        assert example_repo.trailers() == {
            "Escmatrix-Issue": issue_id,
            "Escmatrix-Action": action,
            "Escmatrix-Actor": actor,
        }
    state = example_repo.show(issue_id, now=NOW[6])
    assert state["status"] == "closed"
    assert state["owner"] == opened["owner"]
    assert state["tier"] == tiers[tiers.index(opened["tier"]) + 1]
    assert state["timestamps"]["opened"] == NOW[0]
    assert state["timestamps"]["acknowledged"] == NOW[1]
    assert state["timestamps"]["escalated"] == NOW[3]
    assert state["timestamps"]["resolved"] == NOW[4]
    assert state["timestamps"]["closed"] == NOW[5]
    assert len(example_repo.event_files(issue_id)) == 6
