"""SIGKILL at random moments: 100 mutating commands killed (or not) at a random point of their run,
in 10 repositories of 10 runs each. After each batch `escmatrix doctor` repairs, and then the
repository is consistent: validate and audit pass, no temp file or half-written YAML in issues/,
a clean work tree, and every command that exited 0 has its event."""

from __future__ import annotations

import os
import random
import shutil
import signal
import statistics
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from tests.reliability.figures import record
from tests.reliability.sandbox import T0, Sandbox

SEED = 9
BATCHES = 10
RUNS_EACH = 10


@dataclass
class Outcome:
    marker: str
    args: tuple[str, ...]
    killed: bool
    code: int | None  # the exit code when the command finished before the kill
    group: bool  # the whole process group (git included) was killed, not just escmatrix


def instant(run: int) -> str:
    start = datetime.fromisoformat(T0.replace("Z", "+00:00"))
    return (start + timedelta(hours=2, seconds=run)).strftime("%Y-%m-%dT%H:%M:%SZ")


def gone(pgid: int, timeout: float = 10.0) -> None:
    """Wait until no process of the group is left (an orphaned git may still be finishing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.01)
    os.killpg(pgid, signal.SIGKILL)


def needs_doctor(repo: Path) -> bool:
    """What the next command would trip over: a journal entry, a temp file, git's index lock."""
    journal = repo / ".git" / "escmatrix" / "journal"
    return (
        (journal.is_dir() and any(journal.iterdir()))
        or (repo / ".git" / "index.lock").exists()
        or any((repo / "issues").rglob(".tmp-*"))
    )


def inconsistencies(sandbox: Sandbox, repo: Path, outcomes: list[Outcome]) -> list[str]:
    """Everything wrong with the repository after `doctor` (empty: consistent)."""
    wrong = []
    doctor = sandbox.run(repo, "doctor", now=None)
    if doctor.code != 0:
        wrong.append("doctor failed:\n" + doctor.describe())
    for name in ("validate", "audit"):
        run = sandbox.run(repo, name, now=None)
        if run.code != 0:
            wrong.append(f"{name} failed:\n" + run.describe())
    temps = [str(p.relative_to(repo)) for p in (repo / "issues").rglob(".tmp-*")]
    if temps:
        wrong.append(f"temp files left in issues/: {temps}")
    texts = []
    for path in (repo / "issues").rglob("*.yaml"):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            wrong.append(f"{path.relative_to(repo)} does not parse: {exc}")
            continue
        if not isinstance(data, dict) or "event" not in data:
            wrong.append(f"{path.relative_to(repo)} is not a whole event: {data!r}")
        texts.append(path.read_text(encoding="utf-8"))
    status = sandbox.status(repo)
    if status:
        wrong.append(f"work tree not clean after doctor:\n{status}")
    if (repo / ".git" / "index.lock").exists():
        wrong.append(".git/index.lock left behind")
    stored = "\n".join(texts)
    for outcome in outcomes:
        if outcome.code == 0 and outcome.marker not in stored:
            wrong.append(f"{outcome.marker} exited 0 but its event is missing")
    return wrong


def test_sigkill_at_random_moments_leaves_nothing_inconsistent(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """100 commands SIGKILLed at random moments (half with their git children): after doctor every
    repository is consistent and no acknowledged event is missing."""
    sandbox = Sandbox(tmp_path, lock_wait=3)  # a stale lock must not cost the default wait
    template = sandbox.new_repo(tmp_path / "template")
    issues = [sandbox.open_issue(template, f"Killed issue {n}") for n in range(2)]
    # Kill somewhere between a third of a typical run (start-up, imports) and a little past its end.
    durations = [
        sandbox.ok(template, "comment", issues[0], f"calibration {n}", now=instant(-10 + n)).seconds
        for n in range(3)
    ]
    whole = statistics.median(durations)
    rng = random.Random(SEED)
    outcomes: list[Outcome] = []
    broken: list[str] = []
    for batch in range(BATCHES):
        repo = tmp_path / f"repo-{batch}"
        shutil.copytree(template, repo, symlinks=True)
        batch_outcomes = []
        for step in range(RUNS_EACH):
            number = batch * RUNS_EACH + step
            marker = f"kill-run-{number:03d}"
            kind = rng.choices(["update", "comment", "open"], [6, 2, 2])[0]
            issue = rng.choice(issues)
            args = {
                "update": ("update", issue, "--status", marker, "--next", "watch"),
                "comment": ("comment", issue, marker),
                "open": (
                    "open",
                    "--title",
                    marker,
                    "--category",
                    "product-defect",
                    "--severity",
                    "sev2",
                ),
            }[kind]
            process = sandbox.popen(repo, *args, now=instant(number))
            delay = rng.uniform(0.35 * whole, 1.15 * whole)
            group = bool(number % 2)
            try:
                code = process.wait(timeout=delay)
                killed = False
            except subprocess.TimeoutExpired:  # still running: kill it where it stands
                if group:
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    os.kill(process.pid, signal.SIGKILL)
                process.wait()
                code, killed = None, True
            process.communicate()
            gone(process.pid)
            outcome = Outcome(marker, args, killed, code, group)
            batch_outcomes.append(outcome)
            if needs_doctor(repo):  # what a responder would do when the next command says so
                sandbox.run(repo, "doctor", now=None)
        outcomes += batch_outcomes
        wrong = inconsistencies(sandbox, repo, batch_outcomes)
        if wrong:
            broken.append(f"repository {batch}:\n" + "\n".join(wrong))
    killed = sum(o.killed for o in outcomes)
    finished = [o for o in outcomes if not o.killed]
    record(
        request.config,
        "kill",
        f"kill -9: {len(outcomes)} runs, {len(broken)} repositories left inconsistent "
        f"(of {BATCHES}; {killed} killed mid-command, {len(finished)} finished first, "
        f"{sum(o.code == 0 for o in finished)} of them with exit 0)",
    )
    assert not broken, "\n\n".join(broken)
    assert all(o.code in (0, None) or o.code == 1 for o in outcomes), [
        (o.marker, o.code) for o in outcomes if o.code not in (0, 1, None)
    ]
