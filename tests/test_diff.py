"""`escmatrix diff`: a matrix change in plain words, and the probe issues whose routing it moves."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import Repo

# 15:00Z: London and New York both at work, so routing picks by the listed order
NOW = "2026-03-02T15:00:00Z"

ACCOUNTS = """\
customers:
  - id: acme
    name: Acme Corp
    strategic: true
partners:
  - id: kestrel
    name: Kestrel Payments
"""

RULES_BEFORE = """\
rules:
  - id: partners
    description: Anything with a partner goes to Kim
    when: {partner: [kestrel]}
    owner: kim
  - id: strategic-customers
    description: Strategic customers go to Sam
    when: {strategic: true}
    owner: sam
  - id: catch-all
    owner: primary
"""


def commit(repo: Repo, message: str) -> str:
    repo.git("add", "--", "matrix")
    repo.git("commit", "-q", "-m", message)
    return repo.head()


@pytest.fixture
def changed(tmp_repo: Repo) -> tuple[Repo, str, str, str]:
    """Commit A (accounts, partner rule first), an issue from Acme via Kestrel, commit B."""
    (tmp_repo.path / "matrix" / "accounts.yaml").write_text(ACCOUNTS)
    (tmp_repo.path / "matrix" / "routing.yaml").write_text(RULES_BEFORE)
    before = commit(tmp_repo, "accounts and account rules")
    issue = tmp_repo.open("Acme checkout broken", "product-defect", "sev2",
                          "--customer", "acme", "--partner", "kestrel")  # fmt: skip
    tmp_repo.edit("matrix/categories.yaml", "primary: alex", "primary: kim")
    tmp_repo.edit("matrix/categories.yaml", "backups: [alex]", "backups: [pat]")
    tmp_repo.edit("matrix/severity.yaml", "first_response: 15m", "first_response: 10m")
    tmp_repo.edit("matrix/severity.yaml", "min_score: 5", "min_score: 6")
    tmp_repo.edit("matrix/severity.yaml", "max_score: 4", "max_score: 5")
    rules = RULES_BEFORE.split("  - id: ")
    reordered = "  - id: ".join([rules[0], rules[2], rules[1], rules[3]])
    (tmp_repo.path / "matrix" / "routing.yaml").write_text(reordered)
    after = commit(tmp_repo, "owners, thresholds and rule order")
    return tmp_repo, before, after, issue


def diff_json(repo: Repo, *args: str) -> dict[str, Any]:
    result = repo.cli("diff", *args, "--format", "json", now=NOW)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_diff_says_each_change_in_plain_words(changed: tuple[Repo, str, str, str]) -> None:
    """Owner, backup, target, threshold and rule order, as a support lead would say them."""
    repo, before, after, _ = changed
    texts = [c["text"] for c in diff_json(repo, before, after)["changes"]]
    assert "Product defect: primary owner changes from Alex Doe to Kim Lee" in texts
    assert "Service downtime: backup changes from Alex Doe to Pat Kay" in texts
    assert "Severity sev1 (Critical) first-response target: 15 min → 10 min" in texts
    assert "Severity sev2 (Major) impact score range: 5–9 → 6–9" in texts
    assert "Severity sev3 (Minor) impact score range: 0–4 → 0–5" in texts
    assert (
        "Rule `strategic-customers` now matches before `partners`: issues from Acme Corp via "
        "partner Kestrel Payments that used to go to Kim Lee now go to Sam Roe"
    ) in texts
    assert len(texts) == 6, texts


def test_what_if_names_the_probe_issues_affected(changed: tuple[Repo, str, str, str]) -> None:
    """Category-by-severity probes, impact-score probes and the repository's own issues."""
    repo, before, after, issue = changed
    what_if = diff_json(repo, before, after)["what_if"]
    affected = {a["probe"]: a["changes"] for a in what_if["affected"]}
    assert what_if["probes"] >= 2 * 3 + 1
    assert affected["Product defect × sev1 (Critical)"] == [
        "owner Alex Doe → Kim Lee",
        "first response 15 min → 10 min",
    ]
    assert affected["Product defect × sev2 (Major)"] == ["owner Alex Doe → Kim Lee"]
    assert "Service downtime × sev1 (Critical)" in affected  # the 10-minute target
    score_5 = next(p for p in affected if p.startswith("impact score 5 "))
    assert affected[score_5][0] == "severity sev2 → sev3"
    own = next(p for p in affected if p.startswith(f"issue {issue} "))
    assert "Acme checkout broken" in own
    assert affected[own][:2] == ["rule partners → strategic-customers", "owner Kim Lee → Sam Roe"]
    assert "Service downtime × sev2 (Major)" not in affected  # nothing changes for it


def test_markdown_is_a_pull_request_comment(changed: tuple[Repo, str, str, str]) -> None:
    """A heading, grouped bullet points and a what-if table; ids keep their backticks."""
    repo, before, after, issue = changed
    result = repo.cli("diff", before, after, "--format", "markdown", now=NOW)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("### escmatrix: what this matrix change does\n")
    assert (
        "**Categories**\n- Product defect: primary owner changes from Alex Doe to Kim Lee" in text
    )
    assert "- Rule `strategic-customers` now matches before `partners`:" in text
    assert "| probe issue | what changes |" in text
    assert "| Product defect × sev1 (Critical) | owner Alex Doe → Kim Lee; first response" in text
    assert f"| issue {issue} " in text


def test_text_is_the_default(changed: tuple[Repo, str, str, str]) -> None:
    repo, before, after, _ = changed
    result = repo.cli("diff", before, after, now=NOW)
    assert result.exit_code == 0, result.output
    assert "• Product defect: primary owner changes from Alex Doe to Kim Lee" in result.stdout
    assert "What-if:" in result.stdout


def test_defaults_merge_base_with_main_and_working_tree(tmp_repo: Repo) -> None:
    """On a branch, with no revisions: from where it left main to the uncommitted files."""
    base = tmp_repo.head()
    tmp_repo.git("checkout", "-q", "-b", "change-ladder")
    tmp_repo.edit("matrix/ladder.yaml", "response_time: 2h", "response_time: 3h")
    commit(tmp_repo, "slower manager")
    tmp_repo.git("checkout", "-q", "main")
    tmp_repo.edit("matrix/teams.yaml", "lead: kim", "lead: pat")
    commit(tmp_repo, "main moves on")
    tmp_repo.git("checkout", "-q", "change-ladder")
    tmp_repo.edit("matrix/people.yaml", "name: Jo Park", "name: Jo Parker")
    data = diff_json(tmp_repo)
    assert data["base"]["commit"] == base
    assert "merge base of HEAD and main" in data["base"]["label"]
    assert data["head"] == {"commit": None, "label": "the working tree"}
    texts = [c["text"] for c in data["changes"]]
    assert texts == [
        "Jo Parker: name changes from Jo Park to Jo Parker",
        "Manager response time: 2 h → 3 h",
    ]


def test_no_change_says_so(tmp_repo: Repo) -> None:
    data = diff_json(tmp_repo)
    assert data["changes"] == [] and data["what_if"]["affected"] == []
    markdown = tmp_repo.cli("diff", "--format", "markdown", now=NOW).stdout
    assert "No change to the matrix." in markdown


def test_an_unknown_revision_is_a_usage_error(tmp_repo: Repo) -> None:
    result = tmp_repo.cli("diff", "no-such-branch", now=NOW)
    assert result.exit_code == 2
    assert "names no commit" in result.output and "Traceback" not in result.output


def test_a_broken_side_is_reported_not_compared(tmp_repo: Repo) -> None:
    """A working tree whose matrix does not load: exit 1 with file:line, no traceback."""
    tmp_repo.edit("matrix/teams.yaml", "lead: kim", "lead: [kim")
    result = tmp_repo.cli("diff", now=NOW)
    assert result.exit_code == 1
    assert "matrix/teams.yaml:" in result.output and "Traceback" not in result.output
