"""Time escmatrix as whole processes on synthetic repositories, against floors measured alongside.

    python benchmarks/run.py [--sizes 1000,10000] [--runs 5] [--quick] [--json FILE]

For each size the repository is generated once and cached under benchmarks/out/ (gitignored),
then reset to its generated HEAD before and after the run. Every command runs as a subprocess
with a fixed `--now`, the identity of a matrix person (GIT_AUTHOR_/GIT_COMMITTER_ env) and
notifications off; one warm-up round, then `--runs` timed rounds. Within a round every command
and floor runs once, in the same order, so load on the machine hits them alike. Mutating commands
act on a fresh issue each time (`open` makes one; `update` and `escalate` take the next active
issue at the bottom tier), so each run does real work and commits.

Floors: `python -c pass`; `git add FILE` + `git commit -q -m x` of one small new file in the same
repository (two processes, as a user types them); reading every event file's bytes once, in this
process and as a subprocess. Targets are issue 16's (after each size's table, one line per row of
its target table, with the floor and ratio); `--huge` adds the 100,000-issue `list` row.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from generate import META_NAME, generate, read_meta  # noqa: E402


def escmatrix_exe() -> str:
    """The console script beside this interpreter (a version manager's shim adds ~0.3 s a call),
    with the package's bytecode compiled first, as `pip install` does: an editable checkout run
    with PYTHONDONTWRITEBYTECODE would otherwise compile every module on every call."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("escmatrix")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)
    beside = Path(sys.executable).with_name("escmatrix")
    return str(beside) if beside.is_file() else (shutil.which("escmatrix") or "escmatrix")


ESCMATRIX = escmatrix_exe()

READ_ALL = """
import os, sys
total = 0
for folder in os.scandir(sys.argv[1]):
    if folder.is_dir():
        for entry in os.scandir(folder.path):
            with open(entry.path, "rb") as handle:
                total += len(handle.read())
print(total)
"""


def read_all(issues: Path) -> int:
    """Every event file's bytes, once: the I/O floor a cache rebuild is held to."""
    total = 0
    for folder in os.scandir(issues):
        if folder.is_dir():
            for entry in os.scandir(folder.path):
                with open(entry.path, "rb") as handle:
                    total += len(handle.read())
    return total


@dataclass
class Target:
    """A target from issue 8: an absolute time, or a ratio to the named floor."""

    text: str
    seconds: float | None = None
    ratio: float | None = None


@dataclass
class Row:
    command: str
    floor: str | None
    target: Target | None
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    status: str = "ok"  # ok, n/a (not supported yet), or the error
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.wall) if self.wall else None


@dataclass
class Step:
    """One thing timed per round: a command line (or a callable), with setup that is not timed."""

    name: str
    run: Callable[[int], list[list[str]]] | Callable[[int], None]
    floor: str | None = None
    target: Target | None = None
    setup: Callable[[], None] | None = None
    in_process: bool = False
    available: bool = True
    why: str = ""
    exits: tuple[int, ...] = (0,)  # exit codes that mean the command did its job


def bench_env(meta: dict[str, Any]) -> dict[str, str]:
    """The environment every timed command gets: the generated history's acting person as git's
    identity, no notifications, UTC, and nothing that would point escmatrix or git elsewhere."""
    actor = meta["actor"]
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": actor["name"],
        "GIT_AUTHOR_EMAIL": actor["email"],
        "GIT_COMMITTER_NAME": actor["name"],
        "GIT_COMMITTER_EMAIL": actor["email"],
        "ESCMATRIX_NO_NOTIFY": "1",
        "TZ": "UTC",
    }
    for key in ("ESCMATRIX_REPO", "ESCMATRIX_NOW", "ESCMATRIX_TZ", "GIT_DIR", "GIT_WORK_TREE"):
        env.pop(key, None)
    return env


class Bench:
    def __init__(self, repo: Path, meta: dict[str, Any], runs: int, timeout: float) -> None:
        self.repo, self.meta, self.runs, self.timeout = repo, meta, runs, timeout
        self.env = bench_env(meta)
        self.now = meta["now"]
        bottom = meta["tiers"][0]
        active = meta["active"]
        self.escalatable = [
            a["id"] for a in active if a["tier"] == bottom and a["status"] != "paused"
        ]
        taken = set(self.escalatable)
        self.updatable = [a["id"] for a in active if a["id"] not in taken]
        if len(self.updatable) < runs + 1:
            self.updatable = [a["id"] for a in reversed(active)]
        self.show_id = max(active, key=lambda a: a["events"])["id"]
        self.floor_n = 0

    # -- plumbing -------------------------------------------------------------------------

    def esc(self, *args: str) -> list[str]:
        return [ESCMATRIX, "--now", self.now, *args]

    def call(
        self, argv: list[str], timeout: float | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            argv,
            cwd=self.repo,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def timed(
        self, commands: list[list[str]], exits: tuple[int, ...] = (0,)
    ) -> tuple[float, float]:
        """Run the commands one after another; wall and CPU (user+sys of the children)."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        for argv in commands:
            try:
                done = self.call(argv, self.timeout)
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"timed out after {self.timeout:g} s") from None
            if done.returncode not in exits:
                tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
                raise RuntimeError(f"exit {done.returncode}: {' | '.join(tail)}")
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu

    def supports(self) -> tuple[bool, bool]:
        """Whether this escmatrix has `--no-cache` and a `report` command."""
        env = {**self.env, "COLUMNS": "250"}
        top = subprocess.run(
            [ESCMATRIX, "--help"], env=env, capture_output=True, text=True, cwd=self.repo
        ).stdout
        report = subprocess.run(
            [ESCMATRIX, "report", "--help"], env=env, capture_output=True, cwd=self.repo
        )
        return "--no-cache" in top, report.returncode == 0

    def cache_dir(self) -> Path:
        return self.repo / ".git" / "escmatrix" / "cache"

    def warm(self, *args: str) -> Callable[[], None]:
        """Setup for a warm timing: the same command once, untimed, so the local cache is current
        (the previous round's writes and cache rebuild leave it behind)."""

        def run() -> None:
            self.call(self.esc(*args), self.timeout)

        return run

    def drop_cache(self) -> None:
        cache = self.cache_dir()
        if cache.is_dir():
            shutil.rmtree(cache)
        elif cache.exists():
            cache.unlink()

    # -- the steps ------------------------------------------------------------------------

    def new_floor_file(self, n: int) -> list[list[str]]:
        name = f"notes/floor-{os.getpid()}-{n}.txt"
        path = self.repo / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"floor {n}\n")
        return [["git", "add", name], ["git", "commit", "-q", "-m", "x"]]

    def steps(self, size: int) -> list[Step]:
        no_cache, has_report = self.supports()
        list_target = Target("≤ 300 ms", seconds=0.3) if size >= 100_000 else None
        list_target = list_target or Target("≤ 100 ms", seconds=0.1)
        open_args = self.meta["open_args"]
        esc = self.esc
        issues = self.repo / "issues"
        py = sys.executable

        def pick(pool: list[str], n: int) -> str:
            return pool[n % len(pool)]

        def read_in_process(_: int) -> None:
            read_all(issues)

        return [
            Step("python -c pass", lambda n: [[py, "-c", "pass"]]),
            Step("git add FILE && git commit", self.new_floor_file),
            Step("read all event files (in-process)", read_in_process, in_process=True),
            Step(
                "read all event files (subprocess)", lambda n: [[py, "-c", READ_ALL, str(issues)]]
            ),
            Step(
                "escmatrix --help",
                lambda n: [[ESCMATRIX, "--help"]],
                "python -c pass",
                Target("≤ 80 ms", seconds=0.08),
            ),
            Step("list", lambda n: [esc("list")], "python -c pass", list_target, self.warm("list")),
            Step(
                "list --status all --format json",
                lambda n: [esc("list", "--status", "all", "--format", "json")],
                "read all event files (subprocess)",
            ),
            Step(
                "show ID",
                lambda n: [esc("show", self.show_id)],
                "python -c pass",
                Target("≤ 100 ms", seconds=0.1),
                self.warm("show", self.show_id),
            ),
            Step(
                "report",
                lambda n: [esc("report")],
                "python -c pass",
                Target("≤ 500 ms", seconds=0.5),
                self.warm("report"),
                available=has_report,
                why="no `report` command yet",
            ),
            Step(
                "sweep",
                lambda n: [esc("sweep")],
                "python -c pass",
                Target("≤ 200 ms", seconds=0.2),
                self.warm("sweep"),
            ),
            Step("validate", lambda n: [esc("validate")], "read all event files (subprocess)"),
            Step(
                "audit",
                lambda n: [esc("audit", "--format", "json")],
                "read all event files (subprocess)",
                Target("≤ 10 s", seconds=10.0),
                # the synthetic history batches an actor's events into one commit per time
                # slice, so audit rightly finds event-time-skew there: exit 1 is its answer
                exits=(0, 1),
            ),
            Step(
                "list --no-cache",
                lambda n: [[ESCMATRIX, "--no-cache", *esc("list")[1:]]],
                "read all event files (subprocess)",
                available=no_cache,
                why="no --no-cache option yet",
            ),
            Step(
                "cache rebuild (rm cache; list)",
                lambda n: [esc("list")],
                "read all event files (subprocess)",
                Target("≤ 2× read all", ratio=2.0),
                setup=self.drop_cache,
                available=no_cache,
                why="no cache yet",
            ),
            Step(
                "open",
                lambda n: [
                    esc(
                        "open",
                        "--title",
                        f"Benchmark issue {n}: export drops the totals row",
                        "--category",
                        open_args["category"],
                        "--severity",
                        open_args["severity"],
                    )
                ],
                "git add FILE && git commit",
                Target("≤ 1.0× git commit", ratio=1.0),
                # the step before drops the cache; the first write after that (or after a matrix
                # edit) keeps the plain copies of the matrix and the playbook again (~70 ms more,
                # once): an untimed `open` first, as the reads run once untimed
                self.warm(
                    "open",
                    "--title",
                    "Benchmark warm-up: keeps the cache's copies",
                    "--category",
                    open_args["category"],
                    "--severity",
                    open_args["severity"],
                ),
            ),
            Step(
                "update",
                lambda n: [
                    esc(
                        "update",
                        pick(self.updatable, n),
                        "--status",
                        f"Benchmark status {n}: reproduced on a test account.",
                        "--next",
                        "Deploy the fix and confirm with the customer.",
                    )
                ],
                "git add FILE && git commit",
                Target("≤ 1.0× git commit", ratio=1.0),
            ),
            Step(
                "escalate",
                lambda n: [esc("escalate", pick(self.escalatable, n), "--reason", "Benchmark")],
                "git add FILE && git commit",
                Target("≤ 1.0× git commit", ratio=1.0),
            ),
        ]

    def measure(
        self,
        size: int,
        log: Callable[[str], None],
        only: list[str] | None = None,
        exact: bool = False,
    ) -> list[Row]:
        steps = self.steps(size)
        if only:
            steps = [
                s
                for s in steps
                if s.name in SHORT
                or any(s.name == o or (not exact and s.name.startswith(o + " ")) for o in only)
            ]
        rows = {s.name: Row(s.name, s.floor, s.target) for s in steps}
        for s in steps:
            if not s.available:
                rows[s.name].status = "n/a"
                rows[s.name].note = s.why
        if "escalate" in rows and len(self.escalatable) < self.runs + 1:
            note = f"only {len(self.escalatable)} fresh issues; some runs escalate one issue again"
            rows["escalate"].note = note
        # bring the cache up to date once, untimed and without a time limit
        started = time.perf_counter()
        self.call(self.esc("list"))
        log(f"  prepare: one untimed `list` took {time.perf_counter() - started:.1f} s")
        n = 0
        for round_no in range(self.runs + 1):  # round 0 is the warm-up
            started = time.perf_counter()
            for s in steps:
                row = rows[s.name]
                if row.status != "ok":
                    continue
                n += 1
                if s.setup:
                    s.setup()
                try:
                    if s.in_process:
                        start = time.perf_counter()
                        cpu0 = time.process_time()
                        s.run(n)
                        wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
                    else:
                        commands = s.run(n)
                        assert commands is not None
                        wall, cpu = self.timed(commands, s.exits)
                except RuntimeError as exc:
                    row.status = str(exc) if "timed out" in str(exc) else f"error: {exc}"
                    log(f"    {s.name}: {row.status}")
                    continue
                if round_no > 0:
                    row.wall.append(wall)
                    row.cpu.append(cpu)
                else:
                    log(f"    warm-up {s.name}: {wall:.2f} s")
            # settle: let the cache take in this round's commits, untimed, so reads stay warm
            self.call(self.esc("list"))
            label = "warm-up" if round_no == 0 else f"round {round_no}/{self.runs}"
            log(f"  {label} done in {time.perf_counter() - started:.1f} s")
        return list(rows.values())


# -- the repository cache -------------------------------------------------------------------


def ensure_repo(
    size: int, seed: int, split: bool, regenerate: bool, log: Callable[[str], None]
) -> Path:
    repo = OUT / f"repo-{size}-s{seed}{'-split' if split else ''}"
    meta_file = repo / ".git" / META_NAME
    if repo.exists() and (regenerate or not meta_file.is_file()):
        shutil.rmtree(repo)
    if not repo.exists():
        log(f"generating {size:,} issues into {repo} ...")
        OUT.mkdir(parents=True, exist_ok=True)
        meta = generate(size, repo, seed, split_index=split, log=lambda s: log("  " + s))
        log(f"  generated in {meta['seconds']['total']:.1f} s ({meta['seconds']})")
    return repo


def reset(repo: Path, meta: dict[str, Any]) -> None:
    """Back to the generated HEAD, with nothing left over from earlier runs."""
    subprocess.run(["git", "reset", "-q", "--hard", meta["head"]], cwd=repo, check=True)
    # what a run adds (new issues, floor files) is committed, so the reset removes it; walking
    # every folder for untracked files (`git clean`) would cost minutes at 100k issues
    shutil.rmtree(repo / "notes", ignore_errors=True)
    out = subprocess.run(
        ["git", "count-objects"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout
    if int(out.split()[0]) > 5000:  # unreachable objects from earlier runs' commits
        subprocess.run(["git", "prune", "--expire=now"], cwd=repo, check=True)


# -- output ---------------------------------------------------------------------------------


SHORT = {
    "python -c pass": "python",
    "git add FILE && git commit": "git commit",
    "read all event files (subprocess)": "read all",
    "read all event files (in-process)": "read all in-process",
}


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def evaluate(rows: list[Row]) -> list[dict[str, Any]]:
    by_name = {r.command: r for r in rows}
    out: list[dict[str, Any]] = []
    for r in rows:
        floor = by_name.get(r.floor) if r.floor else None
        floor_median = floor.median if floor else None
        median = r.median
        ratio = median / floor_median if median is not None and floor_median else None
        cpu = statistics.median(r.cpu) if r.cpu else None
        floor_cpu = statistics.median(floor.cpu) if floor and floor.cpu else None
        cpu_ratio = cpu / floor_cpu if cpu is not None and floor_cpu else None
        met: bool | None = None
        if r.target and median is not None:
            if r.target.seconds is not None:
                met = median <= r.target.seconds
            elif r.target.ratio is not None and ratio is not None:
                met = ratio <= r.target.ratio
        out.append(
            {
                "command": r.command,
                "status": r.status,
                "note": r.note,
                "median": median,
                "min": min(r.wall) if r.wall else None,
                "max": max(r.wall) if r.wall else None,
                "cpu_median": cpu,
                "cpu_ratio": cpu_ratio,
                "floor": r.floor,
                "floor_median": floor_median,
                "ratio": ratio,
                "target": r.target.text if r.target else None,
                "met": met,
                "samples": r.wall,
            }
        )
    return out


def table(results: list[dict[str, Any]], markdown: bool = False) -> str:
    head = ["command", "median", "spread (min–max)", "cpu", "floor", "ratio", "cpu ratio"]
    head += ["target", "met"]
    lines = [head]
    for r in results:
        if r["status"] != "ok":
            lines.append([r["command"], "n/a", "", "", "", "", "", r["target"] or "", r["status"]])
            continue
        floor = f"{SHORT[r['floor']]} {ms(r['floor_median'])}" if r["floor"] else "(floor)"
        lines.append(
            [
                r["command"],
                ms(r["median"]),
                f"{ms(r['min'])} – {ms(r['max'])}",
                ms(r["cpu_median"]),
                floor,
                f"{r['ratio']:.2f}×" if r["ratio"] is not None else "",
                f"{r['cpu_ratio']:.2f}×" if r.get("cpu_ratio") is not None else "",
                r["target"] or "—",
                {True: "yes", False: "NO", None: ""}[r["met"]],
            ]
        )
    notes = [f"{r['command']}: {r['note']}" for r in results if r["note"]]
    return laid_out(lines, (0, 4, 7), notes, markdown)


def laid_out(
    lines: list[list[str]], left: tuple[int, ...], notes: list[str], markdown: bool
) -> str:
    """Rows under their head, as Markdown or as aligned text (`left`: columns not right-aligned),
    with the notes below."""
    if markdown:
        rows = ["| " + " | ".join(line) + " |" for line in lines]
        rows.insert(1, "|" + "|".join("---" for _ in lines[0]) + "|")
        return "\n".join([*rows, "", *notes])
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    text = []
    for n, line in enumerate(lines):
        cells = [
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        text.append("  ".join(cells).rstrip())
        if n == 0:
            text.append("  ".join("-" * w for w in widths))
    return "\n".join(text + ["  " + n for n in notes])


# Issue 16's target table, row by row: (label, benchmark lines, target), the lines named as above.
ISSUE16: list[tuple[str, tuple[str, ...], str]] = [
    ("`list` warm", ("list",), "≤ 100 ms"),
    ("`show` warm", ("show ID",), "≤ 100 ms"),
    ("`open` incl. commit", ("open",), "≤ 1.0× git add && git commit"),
    ("`update` incl. commit", ("update",), "≤ 1.0× git add && git commit"),
    ("`escalate` incl. commit", ("escalate",), "≤ 1.0× git add && git commit"),
    ("`sweep` warm", ("sweep",), "≤ 200 ms"),
    ("`report` warm", ("report",), "≤ 500 ms"),
    ("cache rebuild from nothing", ("cache rebuild (rm cache; list)",), "≤ 2× read all"),
    ("100k issues: `list` warm", ("list",), "≤ 300 ms"),
    ("`--help`", ("escmatrix --help",), "≤ 80 ms"),
]


def issue16(results: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    """One row per line of issue 16's target table, for this size: measured, floor, ratio, met.
    The 100k row is only measured at 100,000 issues or more (`--huge`); at that size only it is."""
    by_name = {r["command"]: r for r in results}
    huge = size >= 100_000
    rows: list[dict[str, Any]] = []
    for label, lines, target in ISSUE16:
        r = by_name.get(lines[0])
        if label.startswith("100k") != huge and (not huge or lines == ("list",)):
            why = "timed at 100k (--huge)" if not huge else "the 100k row below"
            rows.append({"row": label, "target": target, "status": why})
            continue
        if r is None or r["status"] != "ok":
            why = ("timed at 10k" if huge else "not timed (--only)") if r is None else r["status"]
            rows.append({"row": label, "target": target, "status": why})
            continue
        rows.append(
            {
                "row": label,
                "target": target,
                "status": "ok",
                "median": r["median"],
                "cpu": r["cpu_median"],
                "floor": r["floor"],
                "floor_median": r["floor_median"],
                "ratio": r["ratio"],
                "cpu_ratio": r.get("cpu_ratio"),
                "met": r["met"],
            }
        )
    return rows


def issue16_table(rows: list[dict[str, Any]], markdown: bool = False) -> str:
    head = ["issue 16 row", "measured", "cpu", "floor", "ratio", "cpu ratio", "target", "met"]
    lines = [head]
    for r in rows:
        if r["status"] != "ok":
            lines.append([r["row"], "n/a", "", "", "", "", r["target"], r["status"]])
            continue
        floor = f"{SHORT.get(r['floor'], r['floor'])} {ms(r['floor_median'])}" if r["floor"] else ""
        lines.append(
            [
                r["row"],
                ms(r["median"]),
                ms(r["cpu"]),
                floor,
                f"{r['ratio']:.2f}×" if r["ratio"] is not None else "",
                f"{r['cpu_ratio']:.2f}×" if r["cpu_ratio"] is not None else "",
                r["target"],
                {True: "yes", False: "NO", None: ""}[r["met"]],
            ]
        )
    note = (
        "git-bug's `ls` is not built by this benchmark (about 60 ms at 10k on this kind of machine)"
    )
    return laid_out(lines, (0, 3, 6), [note], markdown)


def machine() -> dict[str, Any]:
    git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "python": platform.python_version(),
        "git": git,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time escmatrix commands against floors.")
    parser.add_argument("--sizes", default="1000,10000", help="issue counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds after one warm-up")
    parser.add_argument("--quick", action="store_true", help="1,000 issues, 3 rounds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--split-index", action="store_true", help="repositories with a split index"
    )
    parser.add_argument("--regenerate", action="store_true", help="rebuild cached repositories")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument(
        "--only",
        default="",
        help="time only these lines (comma-separated; 'list' also takes the list variants, "
        "'cache' the rebuild); floors always run",
    )
    parser.add_argument(
        "--huge",
        action="store_true",
        help="also time `list` alone at 100,000 issues (issue 16's last row; generating that "
        "repository the first time takes several minutes)",
    )
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument(
        "--show", type=Path, default=None, help="print the tables of an earlier --json file"
    )
    parser.add_argument(
        "--timeout", type=float, default=120, help="give up on a command after this many seconds"
    )
    args = parser.parse_args(argv)
    if args.show:
        saved = json.loads(args.show.read_text())
        for key, size in saved["sizes"].items():
            print(f"\n{size['title']}\n\n{table(size['results'], args.markdown)}\n")
            rows = size.get("issue16") or issue16(size["results"], int(key))
            print(f"{issue16_table(rows, args.markdown)}\n")
        return 0
    sizes = [1000] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",")]
    if args.huge and 100_000 not in sizes:
        sizes.append(100_000)
    runs = 3 if args.quick else args.runs
    only = [o.strip() for o in args.only.split(",") if o.strip()] or None
    if shutil.which("escmatrix") is None:
        print("escmatrix is not on PATH; `pip install -e .` first", file=sys.stderr)
        return 2

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    report: dict[str, Any] = {"machine": machine(), "runs": runs, "sizes": {}}
    for size in sizes:
        repo = ensure_repo(size, args.seed, args.split_index, args.regenerate, log)
        meta = read_meta(repo)
        reset(repo, meta)
        log(f"timing {size:,} issues ({runs} rounds + warm-up) in {repo}")
        load_before = os.getloadavg()[0]
        # --huge: at 100k only `list` itself (its variants read every issue: minutes a round)
        huge_only = args.huge and size >= 100_000 and only is None
        try:
            rows = Bench(repo, meta, runs, args.timeout).measure(
                size, log, ["list"] if huge_only else only, exact=huge_only
            )
        finally:
            reset(repo, meta)
        results = evaluate(rows)
        load = (load_before + os.getloadavg()[0]) / 2
        title = (
            f"{size:,} issues: {meta['events']:,} events, {meta['commits']:,} commits, "
            f"generated in {meta['seconds']['total']:.0f} s; {runs} runs; load average ~{load:.1f} "
            f"on {os.cpu_count()} cores"
        )
        targets = issue16(results, size)
        print(f"\n{title}\n\n{table(results, args.markdown)}\n", flush=True)
        print(f"{issue16_table(targets, args.markdown)}\n", flush=True)
        report["sizes"][str(size)] = {
            "title": title,
            "meta": {k: v for k, v in meta.items() if k != "active"},
            "results": results,
            "issue16": targets,
            "load_average": round(load, 2),
        }
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
