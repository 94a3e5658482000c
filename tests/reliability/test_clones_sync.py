"""Two clones, 50 actions each, interleaved on the same issues, each syncing at random points with
`escmatrix sync`; then both sync until quiet. No event is lost and both fold to the same state."""

from __future__ import annotations

import json
import random
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


def act(sandbox: Sandbox, clone: Clone, rng: random.Random, step: int) -> tuple[str, Run]:
    """One responder action with a unique marker in its text; returns (marker, run)."""
    marker = f"{clone.name}-{step:03d}"
    kind = rng.choices(["update", "comment", "ack", "escalate", "open"], [4, 4, 1, 1, 1])[0]
    issue = rng.choice(clone.known)
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
    }[kind]
    run = sandbox.run(clone.path, *args, now=instant(step))
    if run.code == 0 and kind == "open":
        clone.known.append(json.loads(run.stdout)["id"])
    return marker, run


def sync(sandbox: Sandbox, clone: Clone, others: list[Clone]) -> dict[str, object]:
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
    """100 interleaved actions (50 per clone) with random syncs: at the end every successful
    command's event is in both clones, and show/list agree exactly."""
    seed = sandbox.new_repo(tmp_path / "seed")
    issues = [sandbox.open_issue(seed, f"Shared issue {n}") for n in range(3)]
    origin = tmp_path / "origin.git"
    sandbox.git(tmp_path, "clone", "-q", "--bare", str(seed), str(origin))
    a = Clone("alex", sandbox.clone(origin, tmp_path / "a", "alex"), list(issues))
    b = Clone("sam", sandbox.clone(origin, tmp_path / "b", "sam"), list(issues))
    rng = random.Random(SEED)
    turns = [a] * ACTIONS_EACH + [b] * ACTIONS_EACH
    rng.shuffle(turns)
    refused: list[Run] = []
    for step, clone in enumerate(turns):
        marker, run = act(sandbox, clone, rng, step)
        assert not run.crashed, run.describe()
        if run.code == 0:
            clone.succeeded.append(marker)
        else:
            refused.append(run)
        if rng.random() < SYNC_CHANCE:
            sync(sandbox, clone, [a, b])
    for _ in range(6):  # sync until quiet
        first, second = sync(sandbox, a, [b]), sync(sandbox, b, [a])
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
        request.config,
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
    at = instant(len(turns) + 10)
    listed = [
        json.loads(sandbox.ok(c.path, "list", "--status", "all", "--format", "json", now=at).stdout)
        for c in (a, b)
    ]
    assert listed[0] == listed[1]
    every = sorted({row["id"] for row in listed[0]})
    assert len(every) == len({p.parent.name for p in event_files(a.path)})
    for issue in every:
        shown = [
            json.loads(sandbox.ok(c.path, "show", issue, "--format", "json", now=at).stdout)
            for c in (a, b)
        ]
        assert shown[0] == shown[1], issue
    for clone in (a, b):
        checked = sandbox.run(clone.path, "validate", now=None)
        assert checked.code == 0, checked.describe()
        audited = sandbox.run(clone.path, "audit", now=None)
        assert audited.code == 0, audited.describe()
