"""The policy lints in core/lint.py, on matrices built in memory from the corpus base."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from escmatrix.cli.app import app
from escmatrix.core.lint import Finding, lint, reachable_scores, schema_rule
from escmatrix.core.matrix import MATRIX_FILES, Matrix
from tests.support import Repo

BASE = Path(__file__).parent / "corpus_matrix" / "base"
NOW = datetime(2026, 3, 2, 10, tzinfo=UTC)


def matrix(**changes: Any) -> Matrix:
    """The base matrix with whole top-level keys of some files replaced: kind={key: value}."""
    files = {}
    for path in sorted((BASE / "matrix").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        data.update(changes.get(path.stem, {}))
        files[path.stem] = MATRIX_FILES[path.stem].model_validate(data)
    for kind, data in changes.items():
        if kind not in files:
            files[kind] = MATRIX_FILES[kind].model_validate(data)
    return Matrix.assemble(files)


def base(kind: str, key: str) -> Any:
    return yaml.safe_load((BASE / "matrix" / f"{kind}.yaml").read_text())[key]


def rules_of(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def test_the_base_matrix_has_no_findings() -> None:
    assert lint(matrix(), now=NOW, playbooks=frozenset({"product-defect.md",
                                                       "service-downtime.md"})) == []  # fmt: skip


def test_reachable_scores_leave_out_sums_no_impact_gives() -> None:
    """customers 3 * {0..3} + uptime 2 * {0,1,3}: 1, 4, 7, 10, 13, 14 are never scored."""
    assert reachable_scores(matrix()) == [0, 2, 3, 5, 6, 8, 9, 11, 12, 15]


def test_an_overlap_nobody_can_score_is_not_reported() -> None:
    """sev2 up to 10 overlaps sev1 only at 10, which no impact reaches."""
    severities = base("severity", "severities")
    severities[1]["max_score"] = 10
    assert lint(matrix(severity={"severities": severities}), now=NOW, playbooks=None) == []


@pytest.mark.parametrize(
    ("earlier", "later", "shadowed"),
    [
        ({"tags": ["vip"]}, {"tags": ["vip", "beta"]}, False),  # an issue tagged beta only
        ({"tags": ["vip", "beta"]}, {"tags": ["vip"]}, True),
        ({"strategic": True}, {"customer": ["acme"]}, True),  # acme is strategic
        ({"strategic": True}, {"customer": ["globex"]}, False),
        ({"partner": ["kestrel"]}, {"partner": ["kestrel"], "severity": ["sev1"]}, True),
        ({"severity": ["sev1"]}, {"category": ["product-defect"]}, False),
    ],
)
def test_shadowing_follows_what_each_rule_matches(
    earlier: dict[str, Any], later: dict[str, Any], shadowed: bool
) -> None:
    accounts = {
        "customers": [
            {"id": "acme", "name": "Acme", "strategic": True},
            {"id": "globex", "name": "Globex"},
        ],
        "partners": [{"id": "kestrel", "name": "Kestrel"}],
    }
    rules = [
        {"id": "first", "when": earlier, "owner": "kim"},
        {"id": "second", "when": later, "owner": "pat"},
        {"id": "catch-all"},
    ]
    found = lint(matrix(routing={"rules": rules}, accounts=accounts), now=NOW, playbooks=None)
    assert rules_of(found) == (["rule-shadowed"] if shadowed else [])
    if shadowed:
        assert found[0].loc == ("rules", 1)
        assert "'first' comes first" in found[0].message


def test_coverage_counts_working_hours_across_timezones_and_midnight() -> None:
    """A 24x7 frontline is covered once someone works the night, through midnight."""
    tiers = base("ladder", "tiers")
    tiers[0]["coverage"] = "24x7"
    people = base("people", "people")
    gap = lint(matrix(ladder={"tiers": tiers}, people={"people": people}), now=NOW, playbooks=None)
    assert rules_of(gap) == ["coverage-gap"]
    assert "22:00–09:00 UTC" in gap[0].message  # London 09-17 (UTC in March), New York 14-22
    people[0]["working_hours"] = "21:00-10:00"  # alex, on call overnight in London
    covered = lint(
        matrix(ladder={"tiers": tiers}, people={"people": people}), now=NOW, playbooks=None
    )
    assert covered == []


def test_an_absent_sponsor_leaves_the_top_tier_unheld() -> None:
    people = base("people", "people")
    people[4]["out_of_office"] = [{"from": "2026-03-01", "until": "2026-03-03"}]
    found = lint(matrix(people={"people": people}), now=NOW, playbooks=None)
    assert rules_of(found) == ["tier-unholdable"]
    assert found[0].loc == ("teams", 0, "sponsor")
    assert "'executive'" in found[0].message and "until 2026-03-03" in found[0].message


@pytest.mark.parametrize(
    ("kind", "loc", "error", "rule"),
    [
        ("categories", ("categories", 0, "backups"), "too_short", "missing-backup"),
        ("categories", ("categories", 3, "backups"), "missing", "missing-backup"),
        ("governance", ("overrides", "allowed"), "too_short", "override-nobody"),
        ("severity", ("severities", 1, "update_every"), "missing", "severity-no-cadence"),
        ("severity", ("severities", 1, "update_every"), "value_error", "schema"),
        ("people", ("people", 0, "backups"), "missing", "schema"),
    ],
)
def test_schema_errors_that_are_policies_get_their_rule(
    kind: str, loc: tuple[Any, ...], error: str, rule: str
) -> None:
    assert schema_rule(kind, loc, error) == rule


def test_issue_references_are_errors_while_active_and_warnings_after(tmp_repo: Repo) -> None:
    """An open issue owned by someone who left: error; once closed, a stale-reference warning."""
    issue = tmp_repo.open("Checkout returns 500", "product-defect", "sev2")
    tmp_repo.edit("matrix/categories.yaml", "primary: alex", "primary: kim")
    tmp_repo.edit("matrix/categories.yaml", "backups: [alex]", "backups: [kim]")
    tmp_repo.edit("matrix/teams.yaml", "members: [alex, sam]", "members: [sam]")
    people = tmp_repo.path / "matrix" / "people.yaml"
    text = people.read_text()
    start = text.index("  - id: alex")
    people.write_text(text[:start] + text[text.index("  - id: sam") :])
    runner = CliRunner()
    args = ["--repo", str(tmp_repo.path), "--now", "2026-03-02T10:00:00Z", "validate", "-f", "json"]
    active = runner.invoke(app, args)
    assert active.exit_code == 1
    found = [f for f in yaml.safe_load(active.stdout) if f["file"].startswith("issues/")]
    assert {(f["rule"], f["severity"]) for f in found} == {("unknown-reference", "error")}
    assert {f["file"].split("/")[1] for f in found} == {issue}
    messages = " ".join(f["message"] for f in found)
    assert "unknown person 'alex'" in messages and "unknown actor 'alex'" in messages
    for event in ("resolved", "closed"):
        folder = tmp_repo.path / "issues" / issue
        seq = len(list(folder.iterdir())) + 1
        extra = "summary: Fixed\n" if event == "resolved" else ""
        (folder / f"{seq:06d}-zzzzz{seq}-{event}.yaml").write_text(
            f"event: {event}\nat: '2026-03-02T1{seq}:00:00Z'\nactor: sam\n{extra}"
        )
    for playbook in (tmp_repo.path / "playbooks").glob("*.md"):  # alex owned these too
        playbook.write_text(playbook.read_text().replace("alex", "kim"))
    closed = runner.invoke(app, args)
    assert closed.exit_code == 0, closed.output
    assert {f["rule"] for f in yaml.safe_load(closed.stdout)} == {"stale-reference"}
