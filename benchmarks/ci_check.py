"""The CI-sized benchmark: 1,000 issues, every command once; asserts answers, not times.

    python benchmarks/ci_check.py

Generates a 1,000-issue repository in a temporary folder, runs each benchmarked command once
and fails if any exits non-zero, or if any of these differs with and without `--no-cache`:
`list --status all --format json`, `list --format json` (the active rows, from their own file),
`show ID --format json`, `sweep --format json` (a dry run, planned on the cached copy of the
matrix) and `report --format json` (finished issues from their cached final records), each
checked on the fresh cache, after `open`, `update` and `escalate` have committed, and after the
cache is deleted and rebuilt. Timings are printed for information only. The temporary
repository is removed afterwards.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from run import ESCMATRIX, Bench, ms  # noqa: E402


class Check:
    def __init__(self, bench: Bench, report: bool) -> None:
        self.bench, self.report = bench, report
        self.failures: list[str] = []
        self.timings: list[tuple[str, float]] = []

    def run(self, name: str, argv: list[str]) -> str:
        """Run one command once; record its time; a non-zero exit is a failure."""
        start = time.perf_counter()
        done = self.bench.call(argv, timeout=300)
        self.timings.append((name, time.perf_counter() - start))
        if done.returncode != 0:
            tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-5:])
            self.failures.append(f"{name}: exit {done.returncode}: {tail}")
        return done.stdout

    def same_answers(self, when: str, issue_ids: list[str]) -> None:
        """Cached and uncached output must be byte-identical."""
        b = self.bench
        queries = [["list", "--status", "all", "--format", "json"], ["list", "--format", "json"]]
        queries += [["show", i, "--format", "json"] for i in issue_ids]
        queries += [["sweep", "--format", "json"]]
        queries += [["report", "--format", "json"]] if self.report else []
        for query in queries:
            label = " ".join(query)
            cached = self.run(f"{label} ({when})", b.esc(*query))
            uncached = self.run(
                f"{label} --no-cache ({when})", [ESCMATRIX, "--no-cache", *b.esc(*query)[1:]]
            )
            if cached != uncached:
                self.failures.append(f"{label}: cached and --no-cache answers differ {when}")
            elif not cached.strip():
                self.failures.append(f"{label}: empty output {when}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--issues", type=int, default=1000)
    parser.add_argument("--keep", type=Path, default=None, help="generate here and keep it")
    args = parser.parse_args(argv)
    if shutil.which("escmatrix") is None:
        print("escmatrix is not on PATH; `pip install -e .` first", file=sys.stderr)
        return 2
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="escmatrix-ci-bench-"))
    repo = args.keep or tmp / "repo"
    try:
        # a coarser history than run.py's (fewer commits) keeps generation to seconds
        meta = generate(args.issues, repo, seed=1, commits=1500, check=50, log=print)
        print(
            f"generated {meta['issues']:,} issues, {meta['events']:,} events in "
            f"{meta['seconds']['total']:.1f} s"
        )
        bench = Bench(repo, meta, runs=1, timeout=300)
        no_cache, has_report = bench.supports()
        check = Check(bench, has_report)
        show_ids = [bench.show_id, bench.updatable[0], bench.escalatable[0]]
        esc = bench.esc
        check.run("escmatrix --help", [ESCMATRIX, "--help"])
        check.run("validate", esc("validate"))
        check.run("list (builds the cache)", esc("list"))
        check.run("list (warm)", esc("list"))
        check.run("show ID", esc("show", bench.show_id))
        check.run("sweep", esc("sweep"))
        if has_report:
            check.run("report", esc("report"))
        else:
            print("report: skipped, this escmatrix has no `report` command")
        if no_cache:
            check.same_answers("on a fresh cache", show_ids[:1])
        opened = meta["open_args"]
        check.run(
            "open",
            esc(
                "open",
                "--title",
                "CI check issue",
                "--category",
                opened["category"],
                "--severity",
                opened["severity"],
            ),
        )
        check.run(
            "update",
            esc("update", show_ids[1], "--status", "CI check status", "--next", "Carry on."),
        )
        check.run("escalate", esc("escalate", show_ids[2], "--reason", "CI check"))
        if no_cache:
            check.same_answers("after open, update and escalate", show_ids[1:])
            bench.drop_cache()
            check.run("list (cache rebuilt from nothing)", esc("list"))
            check.same_answers("after a rebuild", show_ids[:1])
        else:
            print("cached vs --no-cache: skipped, this escmatrix has no --no-cache option")
        width = max(len(name) for name, _ in check.timings)
        for name, seconds in check.timings:
            print(f"  {name.ljust(width)}  {ms(seconds):>9}")
        total = time.perf_counter() - started
        if check.failures:
            print(f"FAILED ({total:.0f} s):", *check.failures, sep="\n  ", file=sys.stderr)
            return 1
        print(
            f"ok: every command exited 0; cached and uncached answers agree ({total:.0f} s)"
            if no_cache
            else f"ok: every command exited 0 ({total:.0f} s)"
        )
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
