"""The broken-matrix corpus: each case breaks one thing in a copy of the starter repository.

A case folder under tests/corpus_matrix/ holds the files it replaces (whole, as a person would
have edited them) and expect.yaml: the one rule id, file and line `validate` must report, whether
it needs --strict (warnings), and files to delete. Every case must exit 1 with exactly that one
finding and no traceback.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from escmatrix.cli.app import app
from escmatrix.core.lint import RULES

CORPUS = Path(__file__).parent / "corpus_matrix"
BASE = CORPUS / "base"
NOW = "2026-03-02T10:00:00Z"  # a Monday; the base matrix was reviewed on 2026-01-01
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and p.name != "base")


def expectation(case: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((CORPUS / case / "expect.yaml").read_text())
    return data


def build(case: str | None, where: Path) -> Path:
    """The base repository with the case's files laid over it."""
    repo = where / "repo"
    shutil.copytree(BASE, repo)
    if case is None:
        return repo
    folder = CORPUS / case
    for path in folder.rglob("*"):
        if path.is_file() and path.name != "expect.yaml":
            target = repo / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    for name in expectation(case).get("delete") or []:
        (repo / name).unlink()
    return repo


def validate(runner: CliRunner, repo: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    result = runner.invoke(
        app, ["--repo", str(repo), "--now", NOW, "validate", "--format", "json", *args]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


def test_the_corpus_is_big_enough_and_covers_every_rule() -> None:
    """At least 30 cases, and every catalogued rule has a case that triggers it."""
    assert len(CASES) >= 30
    covered = {expectation(case)["rule"] for case in CASES}
    assert set(RULES) - covered == set()


def test_the_base_matrix_is_valid(runner: CliRunner, tmp_path: Path) -> None:
    """The unbroken base passes, even with --strict, so each case's finding is its own."""
    code, findings = validate(runner, build(None, tmp_path), "--strict")
    assert (code, findings) == (0, [])


@pytest.mark.parametrize("case", CASES)
def test_each_broken_matrix_yields_its_rule_at_its_line(
    case: str, runner: CliRunner, tmp_path: Path
) -> None:
    """Exactly the expected rule id at the expected file:line, exit 1, no traceback."""
    expected = expectation(case)
    args = ["--strict"] if expected.get("strict") else []
    code, findings = validate(runner, build(case, tmp_path), *args)
    got = [(f["rule"], f["file"], f["line"]) for f in findings]
    assert got == [(expected["rule"], expected["file"], expected["line"])], findings
    assert code == 1
    finding = findings[0]
    assert finding["message"]
    assert finding["severity"] == RULES[finding["rule"]].severity
    if finding["line"] is not None:
        assert finding["column"] is not None and finding["column"] >= 1


@pytest.mark.parametrize("case", [c for c in CASES if expectation(c).get("strict")])
def test_warnings_alone_pass_without_strict(case: str, runner: CliRunner, tmp_path: Path) -> None:
    """A warning is reported but exits 0 unless --strict."""
    code, findings = validate(runner, build(case, tmp_path))
    assert code == 0
    assert [f["severity"] for f in findings] == ["warning"]
