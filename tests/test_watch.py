"""`escmatrix watch` against a bare remote on disk, with a virtual clock: no test sleeps."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from escmatrix.app.clock import parse_instant
from escmatrix.app.watch import VirtualTicker, Watcher, freshness
from tests.support import T0, Repo, executable, git

INTERVAL = 300.0  # five minutes between rounds


def setup_remote(repo: Repo) -> tuple[Path, Repo]:
    """A bare origin of `repo` and a second clone (sam) working against it; repo tracks origin."""
    origin = repo.path.parent / "origin.git"
    git(repo.path.parent, "clone", "-q", "--bare", str(repo.path), str(origin))
    repo.git("remote", "add", "origin", str(origin))
    repo.git("fetch", "-q", "origin")
    repo.git("branch", "-q", "--set-upstream-to=origin/main")
    other = repo.path.parent / "other"
    git(repo.path.parent, "clone", "-q", str(origin), str(other))
    second = Repo(other, repo.runner)
    second.identify("sam")
    return origin, second


def watcher(repo: Repo, start: str = T0, **kwargs: Any) -> tuple[Watcher, list[dict[str, Any]]]:
    lines: list[dict[str, Any]] = []
    w = Watcher(repo.path, VirtualTicker(parse_instant(start)), lines.append, INTERVAL, **kwargs)
    return w, lines


def remote_head(origin: Path) -> str:
    return git(origin, "rev-parse", "main").strip()


def events_of(repo: Repo, issue: str) -> list[str]:
    return [Path(p).name.split("-", 2)[2].removesuffix(".yaml") for p in repo.event_files(issue)]


def test_unacknowledged_sev1_escalated_within_one_interval(tmp_repo: Repo) -> None:
    """A sev1 at team-lead (1 h) nobody acknowledges moves up within one interval of 10:00, and the
    escalation reaches the remote in the same round."""
    origin, second = setup_remote(tmp_repo)
    issue = tmp_repo.open("Checkout down", "service-downtime", "sev1", now=T0)
    w, lines = watcher(tmp_repo)
    escalated_at: datetime | None = None
    for _ in range(16):
        w.round()
        if "escalated" in events_of(tmp_repo, issue) and escalated_at is None:
            escalated_at = w.ticker.now()
        w.ticker.sleep(INTERVAL)
    deadline = parse_instant("2026-03-02T10:00:00Z")
    assert escalated_at is not None, lines
    assert deadline <= escalated_at < deadline + timedelta(seconds=INTERVAL)
    assert remote_head(origin) == tmp_repo.head()
    second.git("pull", "-q")
    assert second.show(issue, now="2026-03-02T10:10:00Z")["tier"] == "manager"
    assert all(line["ok"] for line in lines if line.get("step") == "round")
    assert freshness((tmp_repo.path / ".git"), w.ticker.now()).state == "fresh"


def test_second_clones_action_arrives_through_the_pull(tmp_repo: Repo) -> None:
    """Sam acknowledges in another clone and pushes; the watcher pulls it and does not escalate."""
    origin, second = setup_remote(tmp_repo)
    issue = tmp_repo.open("Checkout down", "service-downtime", "sev1", now=T0)
    w, lines = watcher(tmp_repo)
    w.round()  # pushes the opened issue
    second.git("pull", "-q")
    second.ok("ack", issue, "--on-behalf", "--reason", "Kim is driving", now="2026-03-02T09:10:00Z")
    second.git("push", "-q")
    w.ticker.sleep(INTERVAL)
    w.round()
    assert "acknowledged" in events_of(tmp_repo, issue)
    pulled = [line for line in lines if line.get("step") == "pull"]
    assert "1 event(s)" in pulled[-1]["message"]
    assert tmp_repo.head() == remote_head(origin)


def test_push_race_is_retried(tmp_repo: Repo) -> None:
    """Another clone pushes while our push is under way (a pre-push hook makes it happen at that
    exact moment); our push is rejected, rebased and retried, and both commits reach the remote."""
    origin, second = setup_remote(tmp_repo)
    issue = tmp_repo.open("Checkout down", "service-downtime", "sev1", now=T0)
    tmp_repo.git("push", "-q")
    second.git("pull", "-q")
    second.ok("comment", issue, "pushed in the middle of the watcher's push", now=T0)
    marker = tmp_repo.path.parent / "raced"
    hook = tmp_repo.path / ".git" / "hooks" / "pre-push"
    hook.write_text(
        "#!/bin/sh\n"
        f'if [ ! -e "{marker}" ]; then\n'
        f'  touch "{marker}"\n'
        "  unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\n"
        f'  git -C "{second.path}" push -q origin main\n'
        "fi\n"
    )
    hook.chmod(0o755)
    w, lines = watcher(tmp_repo, start="2026-03-02T10:01:00Z")
    assert w.round(), lines
    assert marker.exists()
    pushed = [line for line in lines if line.get("step") == "push"]
    assert pushed[-1]["attempts"] == 2, pushed
    fmt = "--format=%s|%(trailers:key=Escmatrix-Issue,valueonly,separator=%x2c)"
    log = [line.split("|") for line in git(origin, "log", fmt, "main").splitlines()]
    assert any(s.startswith("comment ") and i.strip() == issue for s, i in log), log
    assert any(s.startswith("sweep ") and i.strip() == issue for s, i in log), log
    assert tmp_repo.head() == remote_head(origin)
    assert tmp_repo.status() == ""


def test_heartbeat_goes_stale_when_rounds_fail(tmp_repo: Repo) -> None:
    """With the remote gone, rounds fail (after retries), the heartbeat stops moving and both
    `watch --check` and `doctor` say stale; the sweep still escalates locally."""
    origin, _ = setup_remote(tmp_repo)
    issue = tmp_repo.open("Checkout down", "service-downtime", "sev1", now=T0)
    w, lines = watcher(tmp_repo)
    assert w.round()
    good = w.ticker.now()
    origin.rename(origin.with_name("gone.git"))
    for _ in range(15):
        w.ticker.sleep(INTERVAL)
        assert not w.round()
    now = w.ticker.now()
    state = freshness((tmp_repo.path / ".git"), now)
    assert state.state == "stale" and "fetch" in state.message, state
    assert "escalated" in events_of(tmp_repo, issue)  # escalation did not wait for the network
    assert any("retrying" in line["message"] for line in lines)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    check = tmp_repo.cli("watch", "--check", now=stamp)
    assert check.exit_code == 1 and "stale" in check.output
    doctor = tmp_repo.cli("doctor", now=stamp)
    assert doctor.exit_code == 0 and "watch: stale" in doctor.output
    fresh = tmp_repo.cli("watch", "--check", now=good.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert fresh.exit_code == 0, fresh.output


def test_stop_between_steps_leaves_nothing_half_done(tmp_repo: Repo) -> None:
    """A SIGTERM while the sweep records ends the round after that step: every sweep commit
    whole, nothing pending, the tree clean; the next watcher pushes what was left."""
    origin, _ = setup_remote(tmp_repo)
    issue = tmp_repo.open("Checkout down", "service-downtime", "sev1", now=T0)
    tmp_repo.git("push", "-q")
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:

        def terminate(step: str) -> None:
            if step == "sweep":
                os.kill(os.getpid(), signal.SIGTERM)

        w, lines = watcher(tmp_repo, "2026-03-02T10:01:00Z", stop=stop, between_steps=terminate)
        assert w.run() == 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert any("stop requested" in line["message"] for line in lines)
    assert tmp_repo.status() == ""
    assert not list(((tmp_repo.path / ".git") / "escmatrix").glob("journal*/*"))
    assert "escalated" in events_of(tmp_repo, issue)
    assert remote_head(origin) != tmp_repo.head()  # not pushed: the stop came first
    w2, _ = watcher(tmp_repo, "2026-03-02T10:02:00Z")
    assert w2.run(rounds=1) == 0
    assert remote_head(origin) == tmp_repo.head()


def test_watch_command_rounds_json_log_and_sigterm(tmp_repo: Repo) -> None:
    """The executable: --rounds with a virtual clock logs JSON lines; a real-clock watcher stops on
    SIGTERM with exit 0 and a clean tree."""
    setup_remote(tmp_repo)
    tmp_repo.open("Checkout down", "service-downtime", "sev1", now=T0)
    env = {**os.environ, "ESCMATRIX_NOW": "2026-03-02T09:50:00Z"}
    done = subprocess.run(
        [*executable(), "watch", "--rounds", "3", "--interval", "600", "--log-format", "json"],
        cwd=tmp_repo.path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["at"] for r in records if r.get("step") == "round"] == [
        "2026-03-02T09:50:00Z",
        "2026-03-02T10:00:00Z",
        "2026-03-02T10:10:00Z",
    ]
    assert any(r.get("step") == "sweep" and "issue" in r for r in records)
    env.pop("ESCMATRIX_NOW")
    live = subprocess.Popen(
        [*executable(), "watch", "--interval", "3600"],
        cwd=tmp_repo.path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert live.stdout is not None
    first = live.stdout.readline()
    while "round" not in first:
        first = live.stdout.readline()
    live.send_signal(signal.SIGTERM)
    out, err = live.communicate(timeout=30)
    assert live.returncode == 0, err
    assert "stopped" in out
    assert tmp_repo.status() == ""
    beat = yaml.safe_load(
        ((tmp_repo.path / ".git") / "escmatrix" / "watch-heartbeat.json").read_text()
    )
    assert beat["last_good"] is not None
