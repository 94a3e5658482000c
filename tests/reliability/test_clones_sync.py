"""Two clones, 50 actions each on the same issues, each syncing at random points with
`escmatrix sync`; then both sync until quiet. No event is lost and both fold to the same state.

The two clones act at the same time (one thread each, like two responders), so their actions
interleave for real and their pushes race, which is what sync's retry is for. What each clone does
and when it syncs is drawn from a seeded random.Random, so the plan is the same on every run."""

from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.reliability.figures import record
from tests.reliability.sandbox import T0, Run, Sandbox

SEED = 20260302
ACTIONS_EACH = 50
SYNC_CHANCE = 0.15


@dataclass
class Clone:
    name: str
    path: Path
    known: list[str]
    succeeded: list[str] = field(default_factory=list)  # the marker of each successful command
    syncs: list[Run] = field(default_factory=list)


def instant(step: int) -> str:
    start = datetime.fromisoformat(T0.replace("Z", "+00:00"))
    return (start + timedelta(minutes=5, seconds=7 * step)).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Step:
    kind: str
    pick: int  # which known issue, modulo how many the clone knows at that moment
    sync_after: bool


def plan(name: str) -> list[Step]:
    rng = random.Random(f"{SEED}-{name}")
    kinds = ["update", "comment", "ack", "escalate", "open"]
    return [
        Step(
            rng.choices(kinds, [4, 4, 1, 1, 1])[0], rng.randrange(1000), rng.random() < SYNC_CHANCE
        )
        for _ in range(ACTIONS_EACH)
    ]


def act(sandbox: Sandbox, clone: Clone, step: Step, number: int) -> tuple[str, Run]:
    """One responder action with a unique marker in its text; returns (marker, run)."""
    marker = f"{clone.name}-{number:03d}"
    issue = clone.known[step.pick % len(clone.known)]
    args: tuple[str, ...] = {
        "update": ("update", issue, "--status", f"status {marker}", "--next", f"next {marker}"),
        "comment": ("comment", issue, f"comment {marker}"),
        "ack": ("ack", issue, "--note", f"ack {marker}"),
        "escalate": ("escalate", issue, "--reason", f"escalate {marker}"),
        "open": (
            "open",
            "--title",
            f"open {marker}",
            "--category",
            "product-defect",
            "--severity",
            "sev2",
            "--format",
            "json",
        ),
    }[step.kind]
    offset = 0 if clone.name == "alex" else 1  # distinct instants across the two clones
    run = sandbox.run(clone.path, *args, now=instant(2 * number + offset))
    if run.code == 0 and step.kind == "open":
        clone.known.append(json.loads(run.stdout)["id"])
    return marker, run


def responder(sandbox: Sandbox, clone: Clone) -> list[Run]:
    """Work through the clone's plan; returns the refused commands."""
    refused = []
    for number, step in enumerate(plan(clone.name)):
        marker, run = act(sandbox, clone, step, number)
        assert not run.crashed, run.describe()
        if run.code == 0:
            clone.succeeded.append(marker)
        else:
            refused.append(run)
        if step.sync_after:
            sync(sandbox, clone)
    return refused


def sync(sandbox: Sandbox, clone: Clone) -> dict[str, object]:
    run = sandbox.run(clone.path, "sync", "--format", "json", now=None)
    clone.syncs.append(run)
    assert run.code == 0, run.describe()
    data = json.loads(run.stdout)
    assert isinstance(data, dict)
    for issue in (clone.path / "issues").iterdir():
        if issue.is_dir() and issue.name not in clone.known:
            clone.known.append(issue.name)
    return data


def quiet(data: dict[str, object]) -> bool:
    incoming = data.get("incoming") or {}
    assert isinstance(incoming, dict)
    return not data.get("pushed") and not any(incoming.values())


def event_files(repo: Path) -> list[Path]:
    return sorted(p for p in (repo / "issues").rglob("*.yaml") if not p.name.startswith("."))


def test_two_clones_interleaved_with_sync_lose_nothing(
    sandbox: Sandbox, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """50 actions per clone at the same time, with random syncs: at the end every successful
    command's event is in both clones, and show/list agree exactly."""
    seed = sandbox.new_repo(tmp_path / "seed")
    issues = [sandbox.open_issue(seed, f"Shared issue {n}") for n in range(3)]
    origin = tmp_path / "origin.git"
    sandbox.git(tmp_path, "clone", "-q", "--bare", str(seed), str(origin))
    a = Clone("alex", sandbox.clone(origin, tmp_path / "a", "alex"), list(issues))
    b = Clone("sam", sandbox.clone(origin, tmp_path / "b", "sam"), list(issues))
    with ThreadPoolExecutor(max_workers=2) as pool:
        refused = [run for runs in pool.map(responder, [sandbox, sandbox], [a, b]) for run in runs]
    for _ in range(6):  # sync until quiet
        first, second = sync(sandbox, a), sync(sandbox, b)
        if quiet(first) and quiet(second):
            break
    successful = len(a.succeeded) + len(b.succeeded)
    expected = len(issues) + successful
    texts = {
        clone.name: "\n".join(p.read_text(encoding="utf-8") for p in event_files(clone.path))
        for clone in (a, b)
    }
    lost = [
        marker
        for marker in a.succeeded + b.succeeded
        if any(f" {marker}" not in text for text in texts.values())
    ]
    record(
        request,
        "clones",
        f"clones: 2 x {ACTIONS_EACH} actions ({successful} succeeded, {len(refused)} refused, "
        f"{len(a.syncs) + len(b.syncs)} syncs), {len(lost)} events lost",
    )
    assert not lost, lost
    assert len(event_files(a.path)) == expected
    assert len(event_files(b.path)) == expected
    for clone in (a, b):
        assert sandbox.status(clone.path) == ""
    assert sandbox.git(a.path, "rev-parse", "HEAD") == sandbox.git(b.path, "rev-parse", "HEAD")
    at = instant(2 * ACTIONS_EACH + 10)

    def read(clone: Clone, *args: str) -> object:
        return json.loads(sandbox.ok(clone.path, *args, "--format", "json", now=at).stdout)

    with ThreadPoolExecutor(max_workers=2) as pool:
        listed = list(pool.map(lambda c: read(c, "list", "--status", "all"), [a, b]))
        assert listed[0] == listed[1]
        every = sorted({row["id"] for row in listed[0]})
        assert len(every) == len({p.parent.name for p in event_files(a.path)})
        for issue in every:
            shown = list(pool.map(lambda c, i=issue: read(c, "show", i), [a, b]))
            assert shown[0] == shown[1], issue
    checks = [(clone, name) for clone in (a, b) for name in ("validate", "audit")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        for checked in pool.map(lambda job: sandbox.run(job[0].path, job[1], now=None), checks):
            assert checked.code == 0, checked.describe()
