"""SIGKILL at random moments: 100 mutating commands killed (or not) at a random point of their run,
in 10 repositories of 10 runs each. After each batch `escmatrix doctor` repairs, and then the
repository is consistent: validate and audit pass, no temp file or half-written YAML in issues/,
a clean work tree, and every command that exited 0 has its event.

Half the runs are killed after a random delay (from start-up to nearly twice a typical run, so
some finish first); the other half are killed a random 0-80 ms after the command's write-ahead journal entry
appears, i.e. between writing the event and committing it, the window crash safety is about. The
kill hits either escmatrix alone (its git child runs on, orphaned) or the whole process group."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
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
    mode: str  # "random" delay, or "journal": soon after the journal entry appeared
    landed: bool = False  # its event is in the repository after doctor (written before the kill)


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


def journal_entries(repo: Path) -> list[Path]:
    folder = repo / ".git" / "escmatrix" / "journal"
    return list(folder.glob("*.json")) if folder.is_dir() else []


def kill_point(process: subprocess.Popen[bytes], repo: Path, mode: str, delay: float) -> None:
    """Return when it is time to kill: after `delay`, or `delay` after a journal entry appears."""
    if mode == "random":
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=delay)
        return
    deadline = time.monotonic() + 30
    while process.poll() is None and not journal_entries(repo) and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(delay)


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
    with ThreadPoolExecutor(max_workers=2) as pool:  # two read-only checks, one per core
        for run in pool.map(lambda name: sandbox.run(repo, name, now=None), ["validate", "audit"]):
            if run.code != 0:
                wrong.append(f"{run.args[0]} failed:\n" + run.describe())
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
    # A typical run's length, to spread the random kills over (and past it).
    durations = [
        sandbox.ok(template, "comment", issues[0], f"calibration {n}", now=instant(-10 + n)).seconds
        for n in range(3)
    ]
    whole = statistics.median(durations)
    rng = random.Random(SEED)
    outcomes: list[Outcome] = []
    broken: list[str] = []
    doctors = 0
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
            mode = "journal" if number % 4 in (1, 2) else "random"
            group = bool(number % 2)
            delay = rng.uniform(0.0, 0.08) if mode == "journal" else rng.uniform(0, 1.8 * whole)
            process = sandbox.popen(repo, *args, now=instant(number))
            kill_point(process, repo, mode, delay)
            code = process.poll()
            killed = code is None
            if killed:
                if group:
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    os.kill(process.pid, signal.SIGKILL)
                process.wait()
            process.communicate()
            gone(process.pid)
            outcome = Outcome(marker, args, killed, code, group, mode)
            batch_outcomes.append(outcome)
            if needs_doctor(repo):  # what a responder would do when the next command says so
                sandbox.run(repo, "doctor", now=None)
                doctors += 1
        outcomes += batch_outcomes
        wrong = inconsistencies(sandbox, repo, batch_outcomes)
        stored = "\n".join(p.read_text(encoding="utf-8") for p in (repo / "issues").rglob("*.yaml"))
        for outcome in batch_outcomes:
            outcome.landed = outcome.marker in stored
        if wrong:
            broken.append(f"repository {batch}:\n" + "\n".join(wrong))
    killed = [o for o in outcomes if o.killed]
    finished = [o for o in outcomes if not o.killed]
    record(
        request,
        "kill",
        f"kill -9: {len(outcomes)} runs, {len(broken)} repositories left inconsistent "
        f"(of {BATCHES}; {len(killed)} killed mid-command, {sum(o.landed for o in killed)} of "
        f"them after writing their event, kept by doctor; {len(finished)} finished first, "
        f"{sum(o.code == 0 for o in finished)} with exit 0; {doctors} doctor runs between commands)",
    )
    assert not broken, "\n\n".join(broken)
    assert all(o.code in (0, None) or o.code == 1 for o in outcomes), [
        (o.marker, o.code) for o in outcomes if o.code not in (0, 1, None)
    ]
