"""Time the git part of a mutating command: escmatrix's commit against the ways git offers.

Clones a generated repository (default: the 10,000-issue one) into a temporary folder, never
touching the original, and makes one-file commits there in rounds, each way once per round so
that load on the machine falls on all of them alike:

  floor       `git add FILE` then `git commit -q -m x` (the benchmark floor of issue 8)
  porcelain   what escmatrix ran before plumbing: `git config` twice, `git diff --cached`,
              `git add`, `git commit` with the trailers and a fixed date
  escmatrix   `GitRepo.identity()`, `matrix_commit()` and `commit_files()` as a command calls
              them, on a fresh GitRepo each time (its Python time is counted too); once after
              git's commit (the index changed: it checks what is staged) and once after its own

Prints the median and minimum wall time, the median CPU time (user + sys of this process and
its git children) and the git processes each way starts.

    python benchmarks/bench_commit.py                      # 20 rounds on repo-10000-s1
    python benchmarks/bench_commit.py --repo PATH --runs 50 --existing --split-index
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from escmatrix.store.git import TRAILER_ACTION, TRAILER_ACTOR, TRAILER_ISSUE, GitRepo

HERE = Path(__file__).resolve().parent
NAME, EMAIL = "Lena Vogel", "lena.vogel@ledgerline.example"
AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
TRAILERS = {TRAILER_ISSUE: "zzbench", TRAILER_ACTION: "update", TRAILER_ACTOR: "lena"}

spawned = 0
_popen_init = subprocess.Popen.__init__


def _counting_init(self: subprocess.Popen[bytes], *args: object, **kwargs: object) -> None:
    global spawned
    spawned += 1
    _popen_init(self, *args, **kwargs)  # type: ignore[arg-type]


subprocess.Popen.__init__ = _counting_init  # type: ignore[assignment,method-assign]


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


class Files:
    """New small YAML files, each in a new issue folder or in an existing one."""

    def __init__(self, repo: Path, existing: bool) -> None:
        self.repo, self.n = repo, 0
        folders = sorted(p for p in (repo / "issues").iterdir() if p.is_dir())
        self.folders = folders[-500:] if existing else []

    def next(self) -> Path:
        self.n += 1
        if self.folders:
            folder = self.folders[self.n % len(self.folders)]
        else:
            folder = self.repo / "issues" / f"zz{os.getpid()}{self.n:05d}"
        folder.mkdir(exist_ok=True)
        path = folder / f"{999000 + self.n}-bench{self.n:04d}-status_update.yaml"
        path.write_text(f"kind: status_update\nat: '2026-11-02T09:00:00Z'\nn: {self.n}\n")
        return path


def floor(repo: Path, path: Path) -> None:
    git(repo, "add", str(path.relative_to(repo)))
    git(repo, "commit", "-q", "-m", "x")


def porcelain(repo: Path, path: Path) -> None:
    git(repo, "config", "--get", "user.email")
    git(repo, "config", "--get", "user.name")
    git(repo, "diff", "--cached", "--name-only")
    git(repo, "add", "--", str(path.relative_to(repo)))
    message = (
        f"update zzbench: status\n\n{chr(10).join(f'{k}: {v}' for k, v in TRAILERS.items())}\n"
    )
    stamp = AT.strftime("%Y-%m-%dT%H:%M:%S+0000")
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
        "GIT_AUTHOR_NAME": NAME,
        "GIT_AUTHOR_EMAIL": EMAIL,
        "GIT_COMMITTER_NAME": NAME,
        "GIT_COMMITTER_EMAIL": EMAIL,
    }
    git(repo, "commit", "-q", "-m", message, env=env)


def escmatrix(repo: Path, path: Path) -> None:
    ours = GitRepo(repo)
    identity = ours.identity()
    ours.matrix_commit()  # a command reads it before deciding; it starts the object reader
    ours.commit_files([path], "update zzbench: status", "", TRAILERS, identity, AT)
    ours.close()  # waits for `git cat-file`, so its CPU time is counted


# In this order: the first escmatrix commit follows one of git's (the index changed, so it checks
# what is staged), the second follows its own (the index is as it left it: no check needed).
WAYS: dict[str, Callable[[Path, Path], None]] = {
    "floor (git add && git commit)": floor,
    "porcelain (before)": porcelain,
    "escmatrix, index changed": escmatrix,
    "escmatrix, index as it left it": escmatrix,
}


def measure(repo: Path, runs: int, existing: bool) -> None:
    files = Files(repo, existing)
    rows: dict[str, tuple[list[float], list[float], list[int]]] = {k: ([], [], []) for k in WAYS}
    for round_ in range(runs + 2):
        for label, way in WAYS.items():
            path = files.next()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            own = time.process_time()
            count = spawned
            start = time.perf_counter()
            way(repo, path)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            cpu += time.process_time() - own
            if round_ >= 2:  # two warm-up rounds
                rows[label][0].append(wall)
                rows[label][1].append(cpu)
                rows[label][2].append(spawned - count)
    status = git(repo, "status", "--porcelain", "--untracked-files=no")
    if status.strip():
        raise SystemExit(f"the work tree is not clean after the rounds:\n{status[:2000]}")
    load = os.getloadavg()[0]
    print(f"{runs} rounds, {'existing' if existing else 'new'} issue folders, load {load:.1f}")
    print(f"{'':34}{'wall median':>13}{'wall min':>10}{'cpu median':>12}{'processes':>11}")
    for label, (walls, cpus, counts) in rows.items():
        print(
            f"{label:34}{statistics.median(walls) * 1000:10.1f} ms"
            f"{min(walls) * 1000:7.1f} ms{statistics.median(cpus) * 1000:9.1f} ms"
            f"{max(counts):11d}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=HERE / "out" / "repo-10000-s1")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--existing", action="store_true", help="add to existing issue folders (update)"
    )
    parser.add_argument(
        "--split-index",
        action="store_true",
        help="core.splitIndex=true and index.version=4 in the clone, as `escmatrix init` sets",
    )
    args = parser.parse_args(argv)
    if not (args.repo / ".git").is_dir():
        print(f"{args.repo} is not a generated repository: run benchmarks/run.py first")
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-commit-") as tmp:
        clone = Path(tmp) / "repo"
        git(Path(tmp), "clone", "-q", str(args.repo.resolve()), str(clone))
        git(clone, "config", "user.name", NAME)
        git(clone, "config", "user.email", EMAIL)
        git(clone, "config", "gc.auto", "0")  # as the generated repositories have it
        if args.split_index:
            git(clone, "config", "core.splitIndex", "true")
            git(clone, "config", "index.version", "4")
            git(clone, "update-index", "--split-index", "--index-version", "4")
        measure(clone, args.runs, args.existing)
    return 0


if __name__ == "__main__":
    sys.exit(main())
