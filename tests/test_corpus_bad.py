"""The bad-input corpus (tests/corpus_bad/): every file (matrix, event, playbook) is refused by the
installed executable with exit 1, no traceback, and a message naming the file and, where the case
has one, the line. `validate` and a reading command (`list`, `show`, `playbook show`) both run."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.reliability.figures import tally
from tests.reliability.sandbox import Run, Sandbox

CORPUS = Path(__file__).resolve().parent / "corpus_bad"
CASES: list[dict[str, Any]] = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
RAW_CONTROL = ("\x1b", "\x9b", "\x07", "\x00")


@dataclass(frozen=True)
class Template:
    """A repository with the starter matrix and one opened issue, copied for each case."""

    path: Path
    issue: str
    sandbox: Sandbox


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    base = tmp_path_factory.mktemp("corpus")
    sandbox = Sandbox(base)
    repo = sandbox.new_repo(base / "template")
    issue = sandbox.open_issue(repo, "Checkout returns 500")
    return Template(repo, issue, sandbox)


def case_bytes(entry: dict[str, Any]) -> bytes:
    data = (CORPUS / entry["file"]).read_bytes()
    return gzip.decompress(data) if entry["file"].endswith(".gz") else data


def place(entry: dict[str, Any], template: Template, dest: Path) -> tuple[Path, str]:
    """Copy the template to `dest` and put the case in; returns (repository, displayed file)."""
    shutil.copytree(template.path, dest, symlinks=True)
    parts = Path(entry["file"]).parts
    if parts[0] == "matrix":
        kind = Path(parts[2]).name.split(".")[0]
        display = f"matrix/{kind}.yaml"
    elif parts[0] == "playbooks":
        display = "playbooks/" + parts[2].removesuffix(".gz")
    else:
        display = f"issues/{template.issue}/000002-corpus-{entry['name']}.yaml"
    (dest / display).write_bytes(case_bytes(entry))
    return dest, display


def names_line(text: str, display: str, line: int | None) -> bool:
    """`text` names `display` (at `line`, when given) as file:line[:column]."""
    if line is None:
        return display in text
    return re.search(re.escape(f"{display}:{line}") + r"(?!\d)", text) is not None


def judge(entry: dict[str, Any], display: str, runs: dict[str, Run]) -> list[str]:
    """Everything wrong with how the case was handled (empty: refused cleanly)."""
    wrong: list[str] = []
    line = entry.get("line")
    wanted = entry["message"] if isinstance(entry["message"], list) else [entry["message"]]
    fragments = [w.lower() for w in wanted]
    for name, run in runs.items():
        if run.crashed:
            wrong.append(f"{name} crashed (exit {run.code})")
        for ch in RAW_CONTROL:
            if ch in run.stderr or (ch in run.stdout and name != "validate"):
                wrong.append(f"{name} printed a raw control character {ch!r}")
    validate = runs["validate"]
    if validate.code != 1:
        wrong.append(f"validate exited {validate.code}, expected 1")
    try:
        problems = json.loads(validate.stdout) if validate.stdout.strip() else []
    except json.JSONDecodeError:
        problems = []
        wrong.append("validate --format json did not print JSON")
    mine = [p for p in problems if p.get("file") == display]
    if not mine:
        wrong.append(f"validate named no problem in {display}: {problems}")
    else:
        if line is not None and not any(p.get("line") == line for p in mine):
            wrong.append(f"validate placed no problem at line {line}: {mine}")
        texts = " ".join(f"{p.get('message')} {p.get('hint') or ''}" for p in mine).lower()
        if not any(f in texts for f in fragments):
            wrong.append(f"no message about {display} says {' or '.join(wanted)}: {mine}")
    for name, run in runs.items():
        if name == "validate":
            continue
        if entry.get("read", "refuse") == "refuse":
            if run.code != 1:
                wrong.append(f"{name} exited {run.code}, expected 1")
            elif not names_line(run.stderr, display, line):
                where = f"{display}:{line}" if line else display
                wrong.append(f"{name} did not name {where}: {run.stderr.strip()}")
            elif not any(f in run.stderr.lower() for f in fragments):
                wrong.append(f"{name} does not say {' or '.join(wanted)}: {run.stderr.strip()}")
        elif run.code not in (0, 1):
            wrong.append(f"{name} exited {run.code}, expected 0 or 1")
    return wrong


@pytest.mark.parametrize("entry", CASES, ids=[c["file"] for c in CASES])
def test_bad_input_is_refused_cleanly(
    entry: dict[str, Any], template: Template, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """`validate` and a reading command refuse the case: exit 1, file (and line) named, no crash."""
    repo, display = place(entry, template, tmp_path / "repo")
    readers = {
        "matrix": ("list", "--status", "all"),
        "issues": ("show", template.issue),
        "playbooks": ("playbook", "show", "product-defect"),
    }
    reader = readers[display.split("/")[0]]
    commands = {"validate": ("validate", "--format", "json"), " ".join(reader[:2]): reader}
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        futures = {
            name: pool.submit(template.sandbox.run, repo, *args) for name, args in commands.items()
        }
        runs = {name: future.result() for name, future in futures.items()}
    wrong = judge(entry, display, runs)
    tally(request, "bad input", entry["file"], clean=not wrong)
    detail = "\n".join(run.describe() for run in runs.values())
    assert not wrong, "\n".join(wrong) + "\n" + detail


def test_the_manifest_lists_every_corpus_file() -> None:
    """cases.yaml and the files under matrix/, events/ and playbooks/ agree; at least 100."""
    on_disk = {
        str(p.relative_to(CORPUS))
        for folder in ("matrix", "events", "playbooks")
        for p in (CORPUS / folder).rglob("*")
        if p.is_file()
    }
    listed = [c["file"] for c in CASES]
    assert len(listed) == len(set(listed))
    assert set(listed) == on_disk
    assert len(listed) >= 100
    for entry in CASES:
        assert entry["file"].startswith("events/") == ("name" in entry), entry
        wanted = entry["message"] if isinstance(entry["message"], list) else [entry["message"]]
        assert wanted and all(isinstance(w, str) and w for w in wanted), entry
