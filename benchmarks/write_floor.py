"""How fast a write command could be without pydantic: a probe for issue 16's write target.

    python benchmarks/write_floor.py [--size 10000] [--runs 8]

Times, as whole processes on the synthetic repository `run.py` builds (generated if missing),
alternating round by round:

- `git add FILE && git commit -q -m x` of one small file (the target's floor);
- `escmatrix update ISSUE ...` as it is;
- this file run as a script (`--probe ISSUE`): what `update` does with no model at all. It imports
  the CLI (Typer) as a command does, finds the repository, asks git for the identity and the
  matrix commit, reads the issue's state from the local cache, writes one event file (PyYAML, as
  the store does) and commits it with escmatrix's own plumbing commit, then keeps the state. It
  leaves out what `update` does beyond that (the actor's matrix entry, the decision's checks, the
  notifications' lines, which since 703bbe3 read the matrix's plain copy), so it is a lower bound
  on what a plain write path can reach, and it refuses to time anything if pydantic was imported
  on the way.

The probe's commits are real (an `updated` event by the matrix's first person); the repository
is reset to its generated HEAD afterwards, as `run.py` does.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOW = "2026-11-02T09:00:00Z"


def probe(issue_id: str) -> None:
    """The write path without models (see the module doc); run in a fresh process."""
    from escmatrix.app.clock import Clock
    from escmatrix.app.workspace import Workspace
    from escmatrix.cli import app  # noqa: F401  (what every command imports before its own code)
    from escmatrix.store.yamlio import dump_yaml, write_atomic

    ws = Workspace.locate(None, Clock.from_option(NOW))
    identity = ws.git.identity()
    ref = ws.git.matrix_ref()
    state = ws.cache.state_on_disk(issue_id)
    if state is None:
        raise SystemExit(f"no cached state for {issue_id}: run `escmatrix show {issue_id}` first")
    # the file written as the store writes it (the store, too, imports no pydantic since d5ac891)
    folder = ws.root / "issues" / issue_id
    names = sorted(name for name in os.listdir(folder) if name.endswith(".yaml"))
    header = (folder / names[0]).read_text(encoding="utf-8").split("\n", 1)[0] + "\n"
    seq = max(int(name[:6]) for name in names) + 1
    path = folder / f"{seq:06d}-probe{seq % 10}-updated.yaml"
    data = {
        "event": "updated",
        "at": NOW,
        "actor": state.owner,
        "matrix": ref.commit,
        "matrix_tree": ref.tree,
        "status": "still looking",
        "next_steps": "check logs",
        "owner": None,
        "dependencies": "none",
        "next_update_by": None,
    }
    write_atomic(path, header + dump_yaml(data), exclusive=True)
    commit = ws.git.commit_files(
        [path],
        f"update {issue_id[:7]}: still looking",
        "",
        {"Escmatrix-Issue": issue_id, "Escmatrix-Action": "update"},
        identity,
    )
    key = ws.git.object_id(f"{commit}:{ws.cache.issues_path}/{issue_id}")
    written = ws.cache.written(issue_id, key, state) if key else None
    if written is not None:
        ws.cache.keep_written([written])
    loaded = sorted(name for name in sys.modules if name.split(".")[0] == "pydantic")
    if loaded:
        raise SystemExit(f"the probe imported pydantic ({', '.join(loaded[:3])}): not a fair floor")


def _timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])} failed: {(done.stderr or done.stdout).strip()}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--probe", metavar="ISSUE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe(args.probe)
        return
    sys.path.insert(0, str(HERE))
    from run import ESCMATRIX, bench_env, ensure_repo, read_meta, reset

    repo = ensure_repo(args.size, 1, False, False, print)
    meta = read_meta(repo)
    env = bench_env(meta)
    reset(repo, meta)
    issues = [a["id"] for a in meta["active"] if a["status"] != "paused"]
    needed = 2 * (args.runs + 1)
    if len(issues) < needed:
        raise SystemExit(f"{len(issues)} active issues; {needed} needed")
    # `show` keeps each issue's state with its folder's file listing: both `update` and the probe
    # then decide on the cached state without reading an event file
    for issue_id in issues[:needed]:
        subprocess.run(
            [ESCMATRIX, "--now", NOW, "show", issue_id],
            cwd=repo,
            env=env,
            check=True,
            capture_output=True,
        )
    times: dict[str, list[float]] = {
        "git add && git commit": [],
        "escmatrix update": [],
        "probe": [],
    }
    try:
        for number in range(args.runs + 1):  # the first round warms up, untimed
            floor_file = repo / "notes" / f"write-floor-{number}.txt"
            floor_file.parent.mkdir(exist_ok=True)
            floor_file.write_text(f"{number}\n", encoding="utf-8")
            rel = str(floor_file.relative_to(repo))
            floor = _timed(["git", "add", rel], repo, env)
            floor += _timed(["git", "commit", "-q", "-m", "x"], repo, env)
            update = _timed(
                [
                    ESCMATRIX,
                    "--now",
                    NOW,
                    "update",
                    issues[2 * number],
                    "-m",
                    "still looking",
                    "--next",
                    "check logs",
                    "--dependencies",
                    "none",
                ],
                repo,
                env,
            )
            plain = _timed([sys.executable, __file__, "--probe", issues[2 * number + 1]], repo, env)
            if number:
                times["git add && git commit"].append(floor)
                times["escmatrix update"].append(update)
                times["probe"].append(plain)
    finally:
        reset(repo, meta)
    floor_ms = statistics.median(times["git add && git commit"]) * 1000
    print(f"\n{args.size:,} issues, {args.runs} alternating rounds, medians:")
    for name, values in times.items():
        ms = statistics.median(values) * 1000
        print(f"  {name:<24} {ms:7.0f} ms  {ms / floor_ms:5.2f}× the git floor")
    print(json.dumps({k: [round(v * 1000, 1) for v in vs] for k, vs in times.items()}))


if __name__ == "__main__":
    main()
