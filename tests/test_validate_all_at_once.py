"""`validate` reports every problem in one run, across files, and a schema error says what shape
the field expects."""

from __future__ import annotations

import json
import os
import subprocess

from tests.support import Repo, executable


def validate(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*executable(), "--repo", str(repo.path), "validate", *args],
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_schema_error_no_longer_hides_a_policy_error_elsewhere(tmp_repo: Repo) -> None:
    tmp_repo.edit(
        "matrix/people.yaml",
        'channels: {slack: "@sam"}',
        'channels: {slack: "@sam"}\n    out_of_office: next week',
    )
    tmp_repo.edit("matrix/severity.yaml", "min_score: 5", "min_score: 6")
    done = validate(tmp_repo, "--format", "json", "--now", "2026-03-02T09:00:00Z")
    assert done.returncode == 1, done.stderr
    problems = json.loads(done.stdout)
    problems = problems["problems"] if isinstance(problems, dict) else problems
    by_rule = {p["rule"]: p for p in problems}
    assert set(by_rule) == {"schema", "severity-gap"}, problems  # both files, one run
    schema = by_rule["schema"]
    assert "out_of_office: Input should be a valid list" in schema["message"]
    assert "expected a list of mappings with keys from, until" in schema["hint"]
    # sam's entry is left out of the policy checks, and nothing is made up about it
    assert not any("'sam'" in p["message"] for p in problems)

    text = validate(tmp_repo, "--now", "2026-03-02T09:00:00Z")
    assert text.returncode == 1
    assert "matrix/people.yaml" in text.stdout and "matrix/severity.yaml" in text.stdout
    assert "hint: out_of_office: expected a list of mappings" in text.stdout
    assert "2 errors" in text.stdout


def test_schema_hints_name_scalar_shapes(tmp_repo: Repo) -> None:
    tmp_repo.edit("matrix/severity.yaml", "first_response: 15m", "first_response: [15m]")
    done = validate(tmp_repo)
    assert done.returncode == 1
    assert "hint: first_response: expected a duration such as 30m, 4h" in done.stdout
