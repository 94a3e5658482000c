"""The workflows `init` writes are valid GitHub workflows, and their shell steps run green on a
machine like a runner: a fresh virtualenv that installs a wheel built from this checkout through
the workflow's own install step (ESCMATRIX_SPEC set, as a repository variable would)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from escmatrix import __version__
from tests.support import executable, git, init_git

PROJECT = Path(__file__).resolve().parent.parent
PIP_CACHE = os.environ.get("PIP_CACHE_DIR") or str(
    Path.home() / ".cache" / "pip"
)  # before HOME moves
WORKFLOWS = (".github/workflows/escmatrix.yaml", ".github/workflows/escmatrix-sweep.yaml")


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of this checkout, built once per session."""
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(PROJECT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=dict(os.environ, PIP_CACHE_DIR=PIP_CACHE),
    )
    assert done.returncode == 0, done.stderr
    (found,) = out.glob("escmatrix-*.whl")
    return found


def check_jsonschema(*paths: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    return subprocess.run(
        [exe, "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def expand(text: str, variables: dict[str, str]) -> str:
    """GitHub's `${{ ... }}` for the expressions these workflows use."""

    def one(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        fallback = re.fullmatch(r"vars\.(\w+)\s*\|\|\s*'([^']*)'", expression)
        if fallback:
            return variables.get(fallback.group(1)) or fallback.group(2)
        return {"github.base_ref": "main"}.get(expression, "")

    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


def run_steps(job: dict[str, Any], cwd: Path, env: dict[str, str]) -> list[str]:
    """Every `run:` step of a job, as GitHub's bash runs it (-e -o pipefail); the commands run."""
    ran = []
    for step in job["steps"]:
        if "run" not in step:
            continue
        step_env = {k: expand(str(v), env) for k, v in (step.get("env") or {}).items()}
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=cwd,
            env={**env, **step_env},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"{step['run']}\n{done.stdout}\n{done.stderr}"
        ran.append(step["run"])
    return ran


def test_init_workflows_validate_and_run_against_the_built_wheel(
    tmp_path: Path, isolated_home: Path, wheel: Path
) -> None:
    """check-jsonschema accepts them; install, validate, audit, diff, dashboard and sweep run."""
    origin, repo = tmp_path / "origin.git", tmp_path / "repo"
    init_git(repo, "alex")
    done = subprocess.run(
        [*executable(), "init", "."], cwd=repo, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    paths = [repo / name for name in WORKFLOWS]
    checked = check_jsonschema(*paths)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    workflows = [yaml.safe_load(path.read_text()) for path in paths]
    for workflow in workflows:  # the default installs the version that ran init
        assert workflow["env"]["ESCMATRIX_SPEC"] == (
            f"${{{{ vars.ESCMATRIX_SPEC || 'escmatrix=={__version__}' }}}}"
        )
    assert f"git+https://github.com/escmatrix/escmatrix@v{__version__}" in paths[0].read_text()
    # a remote, and a pull request branch that changes the matrix
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "-u", "origin", "main")
    git(repo, "checkout", "-q", "-b", "change")
    ladder = repo / "matrix" / "ladder.yaml"
    ladder.write_text(ladder.read_text().replace("response_time: 30m", "response_time: 20m", 1))
    git(repo, "commit", "-q", "-am", "Frontline answers in 20 minutes")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    summary = tmp_path / "summary.md"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "ESCMATRIX_REPO", "ESCMATRIX_NOW")
    }
    env |= {
        "PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}",
        "VIRTUAL_ENV": str(venv),
        "PIP_CACHE_DIR": PIP_CACHE,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "ESCMATRIX_SPEC": str(wheel),  # the repository variable: install this build
    }
    env["ESCMATRIX_SPEC"] = expand(workflows[0]["env"]["ESCMATRIX_SPEC"], env)
    ran = run_steps(workflows[0]["jobs"]["validate"], repo, env)
    assert ran[0] == 'python -m pip install "$ESCMATRIX_SPEC"'
    assert {"escmatrix validate", "escmatrix audit"} <= {r.split(" #")[0] for r in ran}
    installed = subprocess.run(
        ["python", "-c", "import escmatrix; print(escmatrix.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert installed.startswith(str(venv)), installed  # the wheel, not this checkout
    assert "response time: 30 min → 20 min" in summary.read_text()
    git(repo, "checkout", "-q", "main")
    run_steps(workflows[0]["jobs"]["dashboard"], repo, env)
    assert (repo / "site" / "index.html").is_file()
    shutil.rmtree(repo / "site")
    run_steps(workflows[1]["jobs"]["sweep"], repo, env)


def test_release_workflow_publishes_with_trusted_publishing(wheel: Path) -> None:
    """release.yml is a valid workflow: on a tag, build, twine check, publish by OIDC; the wheel's
    metadata is complete and passes `twine check --strict`."""
    path = PROJECT / ".github" / "workflows" / "release.yml"
    checked = check_jsonschema(path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    release = yaml.safe_load(path.read_text())
    assert release[True]["push"]["tags"] == ["v*"]
    publish = release["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["steps"][-1]["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert not any("password" in str(step) for step in publish["steps"])  # no token
    done = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(wheel)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(name).decode()
    for field in (
        "License-Expression: MIT",
        "Classifier: ",
        "Project-URL: Source",
        "Description-Content-Type: text/markdown",
    ):
        assert field in metadata, field
