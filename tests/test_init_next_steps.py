"""`init` for a new team: accounts.yaml with a commented example, playbooks reviewed today, and
"next" lines that name what is left to do; the example repository's matrix files carry the
yaml-language-server schema line too."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from escmatrix.core.schemas import schema_name
from tests.support import init_git

PROJECT = Path(__file__).resolve().parents[1]
TODAY = "2026-12-05"


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    from tests.support import executable

    return subprocess.run(
        [*executable(), "--now", f"{TODAY}T10:00:00Z", *args],
        cwd=cwd,
        env=dict(os.environ) | {"COLUMNS": "200"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_init_writes_accounts_today_reviews_and_next_steps(
    tmp_path: Path, isolated_home: Path
) -> None:
    repo = tmp_path / "team"
    init_git(repo)
    done = run(repo, "init")
    assert done.returncode == 0, done.stderr
    nexts = [line for line in done.stdout.splitlines() if line.startswith("next: ")]
    said = "\n".join(nexts)
    assert "git email" in said and "matrix/people.yaml" in said
    assert "`pre-commit install`" in said
    assert "push" in said and "workflow" in said

    accounts = (repo / "matrix" / "accounts.yaml").read_text(encoding="utf-8")
    assert accounts.startswith("# yaml-language-server: $schema=../schemas/accounts.schema.json")
    assert "#  - id: acme-corp" in accounts
    for playbook in (repo / "playbooks").glob("*.md"):
        assert f"review: {TODAY}" in playbook.read_text(encoding="utf-8"), playbook
    assert run(repo, "validate", "--strict").returncode == 0  # no playbook review already due

    # the commented example is a working one: uncommented, the matrix still validates
    head, example = accounts.split("customers: []", 1)
    example = re.sub(r"^(partners): \[\]$", r"\1:", example, flags=re.MULTILINE)
    uncommented = head + "customers:" + re.sub(r"^#  ", "  ", example, flags=re.MULTILINE)
    (repo / "matrix" / "accounts.yaml").write_text(uncommented, encoding="utf-8")
    checked = run(repo, "validate")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    shown = run(
        repo,
        "route",
        "--category",
        "product-defect",
        "--severity",
        "sev1",
        "--customer",
        "acme-corp",
        "-f",
        "json",
    )
    assert shown.returncode == 0, shown.stderr


def test_example_matrix_files_carry_the_schema_line() -> None:
    for path in sorted((PROJECT / "matrix").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schemas/{schema_name(path.stem)}", path
        assert (PROJECT / "schemas" / schema_name(path.stem)).is_file()
