"""escmatrix in other people's tooling: the pre-commit hook, and the CI files `init` writes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

from tests.support import Repo, git, init_git

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "corpus_matrix"
PRE_COMMIT = shutil.which("pre-commit")


def pre_commit(cwd: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    assert PRE_COMMIT, "pre-commit is a test extra: pip install '.[test]'"
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env["PRE_COMMIT_HOME"] = str(cwd.parent / "pre-commit-home")
    return subprocess.run(
        [PRE_COMMIT, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )


def test_the_hook_manifest_is_valid(tmp_path: Path) -> None:
    """.pre-commit-hooks.yaml passes pre-commit's own manifest check, with the agreed settings."""
    done = pre_commit(PROJECT, "validate-manifest", ".pre-commit-hooks.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    (hook,) = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "escmatrix-validate"
    assert hook["pass_filenames"] is True  # only what the commit touches is validated
    assert hook["entry"] == "escmatrix validate --touched"
    for path in ("matrix/people.yaml", "issues/b7k3fx9qa/000001-k3m9qa-opened.yaml",
                 "playbooks/product-defect.md"):  # fmt: skip
        assert __import__("re").match(hook["files"], path)


def test_init_writes_a_workflow_and_a_pre_commit_config(tmp_repo: Repo) -> None:
    """The workflow validates on pull requests and puts the diff in the job summary."""
    workflow = yaml.safe_load((tmp_repo.path / ".github/workflows/escmatrix.yaml").read_text())
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true
    steps = workflow["jobs"]["validate"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert any(run.startswith("escmatrix validate") for run in runs)
    summary = next(run for run in runs if run.startswith("escmatrix diff"))
    assert "--format markdown" in summary and '>> "$GITHUB_STEP_SUMMARY"' in summary
    assert steps[0]["with"]["fetch-depth"] == 0
    config = yaml.safe_load((tmp_repo.path / ".pre-commit-config.yaml").read_text())
    (hook,) = config["repos"][0]["hooks"]
    assert (hook["id"], hook["pass_filenames"]) == ("escmatrix-validate", True)
    assert ".github/workflows/escmatrix.yaml" in tmp_repo.changed_in("HEAD")
    if PRE_COMMIT:
        done = pre_commit(tmp_repo.path, "validate-config", ".pre-commit-config.yaml")
        assert done.returncode == 0, done.stdout + done.stderr


def snapshot_of_project(where: Path) -> Path:
    """A git repository holding the project's working tree as it is now, committed.

    try-repo only sees committed (or modified tracked) files, and this work may not be
    committed yet; a snapshot makes the test independent of that.
    """
    clone = where / "escmatrix-snapshot"
    listed = git(PROJECT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source = PROJECT / name
        if source.is_file():
            target = clone / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    init_git(clone)
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "snapshot of the working tree")
    return clone


def test_try_repo_runs_the_hook_and_fails_on_a_broken_matrix(
    tmp_path: Path, isolated_home: Path
) -> None:
    """pre-commit installs escmatrix from the project into its own venv and runs the hook."""
    project = snapshot_of_project(tmp_path)
    repo = tmp_path / "team"
    init_git(repo)
    shutil.copytree(CORPUS / "base", repo, dirs_exist_ok=True)
    categories = repo / "matrix" / "categories.yaml"
    categories.write_text(categories.read_text().replace("backups: [alex]", "backups: [sam]"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a broken matrix")
    done = pre_commit(repo, "try-repo", str(project), "escmatrix-validate", "--all-files")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "escmatrix validate" in output and "Failed" in output
    assert "matrix/categories.yaml" in output and "[backup-is-primary]" in output
    shutil.copyfile(CORPUS / "base" / "matrix" / "categories.yaml", categories)
    git(repo, "commit", "-q", "-am", "fixed")  # a review-overdue warning alone still passes
    again = pre_commit(repo, "try-repo", str(project), "escmatrix-validate", "--all-files")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Passed" in again.stdout
