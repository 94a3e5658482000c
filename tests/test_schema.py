"""`escmatrix schema`: JSON Schema per matrix file kind and for events, checked by a real client."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escmatrix.cli.app import app
from escmatrix.core.matrix import MATRIX_FILES
from escmatrix.core.schemas import DIALECT, render_schemas
from tests.support import Repo

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "corpus_matrix"
NOW = "2026-03-02T10:00:00Z"


def export(runner: CliRunner, out: Path, *args: str) -> int:
    result = runner.invoke(app, ["schema", "--out", str(out), *args])
    assert "Traceback" not in result.output
    return result.exit_code


def check_jsonschema(schema: Path, *instances: Path) -> subprocess.CompletedProcess[str]:
    """The check-jsonschema client from PyPI, as CI and editors' users would run it."""
    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    return subprocess.run(
        [exe, "--schemafile", str(schema), *map(str, instances)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_one_schema_per_matrix_kind_and_one_for_events(runner: CliRunner, tmp_path: Path) -> None:
    """Draft 2020-12, named as init's editor comments name them, unknown keys forbidden."""
    out = tmp_path / "schemas"
    assert export(runner, out) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{kind}.schema.json" for kind in MATRIX_FILES] + ["event.schema.json"])
    for path in out.iterdir():
        schema = json.loads(path.read_text())
        assert schema["$schema"] == DIALECT == "https://json-schema.org/draft/2020-12/schema"
    people = json.loads((out / "people.schema.json").read_text())
    assert people["additionalProperties"] is False
    assert people["$defs"]["Person"]["properties"]["id"]["pattern"] == "^[a-z0-9][a-z0-9_-]*$"


def test_output_is_stable_and_check_passes(runner: CliRunner, tmp_path: Path) -> None:
    """Sorted keys and a trailing newline: a second run writes nothing and --check agrees."""
    out = tmp_path / "schemas"
    assert export(runner, out) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert all(text.endswith(b"}\n") for text in before.values())
    result = runner.invoke(app, ["schema", "--out", str(out)])
    assert "0 written" in result.stdout
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert export(runner, out, "--check") == 0


@pytest.mark.parametrize("damage", ["edit", "delete", "extra"])
def test_check_fails_on_stale_schemas(runner: CliRunner, tmp_path: Path, damage: str) -> None:
    """An edited, missing or leftover schema file makes --check exit 1 and write nothing."""
    out = tmp_path / "schemas"
    export(runner, out)
    target = out / "ladder.schema.json"
    if damage == "edit":
        target.write_text(target.read_text().replace('"tiers"', '"steps"'))
    elif damage == "delete":
        target.unlink()
    else:
        (out / "old.schema.json").write_text("{}\n")
    snapshot = {p.name: p.read_bytes() for p in out.iterdir()}
    result = runner.invoke(app, ["schema", "--out", str(out), "--check"])
    assert result.exit_code == 1
    assert "stale" in result.output and "escmatrix schema" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == snapshot


def test_the_committed_schemas_are_current() -> None:
    """schemas/ in the project is what the models generate (run `escmatrix schema` to fix)."""
    folder = PROJECT / "schemas"
    committed = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.schema.json")}
    assert committed == render_schemas()


def test_check_jsonschema_accepts_every_example_matrix_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Every file of the project's example matrix and of the starter validates."""
    out = tmp_path / "schemas"
    export(runner, out)
    for folder in (PROJECT / "matrix", CORPUS / "base" / "matrix"):
        files = sorted(folder.glob("*.yaml"))
        assert files, folder
        for file in files:
            done = check_jsonschema(out / f"{file.stem}.schema.json", file)
            assert done.returncode == 0, f"{file}: {done.stdout}{done.stderr}"


def test_check_jsonschema_rejects_an_unknown_key(runner: CliRunner, tmp_path: Path) -> None:
    """A typo'd key fails the exported schema, as it fails escmatrix itself."""
    export(runner, tmp_path / "schemas")
    broken = tmp_path / "categories.yaml"
    source = (CORPUS / "base" / "matrix" / "categories.yaml").read_text()
    broken.write_text(
        source.replace("    backups: [sam]\n", "    backups: [sam]\n    bakcups: [kim]\n")
    )
    done = check_jsonschema(tmp_path / "schemas" / "categories.schema.json", broken)
    assert done.returncode == 1
    assert "bakcups" in done.stdout


def test_check_jsonschema_accepts_event_files(runner: CliRunner, tmp_repo: Repo) -> None:
    """Event files written by `open` and `ack` validate against event.schema.json."""
    issue = tmp_repo.open()
    tmp_repo.ok("ack", issue)
    events = sorted((tmp_repo.path / "issues").glob("*/*.yaml"))
    assert events
    out = tmp_repo.path.parent / "schemas"
    export(runner, out)
    done = check_jsonschema(out / "event.schema.json", *events)
    assert done.returncode == 0, done.stdout + done.stderr
    bad = tmp_repo.path.parent / "bad-event.yaml"
    bad.write_text(events[0].read_text().replace("event: opened", "event: teleported"))
    assert check_jsonschema(out / "event.schema.json", bad).returncode == 1


def test_init_writes_schemas_the_editor_comments_point_at(tmp_repo: Repo) -> None:
    """Each matrix file's yaml-language-server comment names a schema init wrote beside it."""
    for file in sorted((tmp_repo.path / "matrix").glob("*.yaml")):
        first = file.read_text().splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schemas/{file.stem}.schema.json"
        assert (file.parent / f"../schemas/{file.stem}.schema.json").resolve().is_file()
    result = tmp_repo.cli("schema", "--check")
    assert result.exit_code == 0, result.output
