"""How long `escmatrix validate` takes on a large matrix, as a whole process.

Builds a synthetic repository (1,000 categories, 2,000 people, 500 routing rules, a playbook per
category) in a temporary folder, then times `escmatrix validate --format json` over several runs
next to a floor measured in the same run (`python -c pass`: the cost of starting Python at all).
Prints a table with the median and spread of each, and the ratio. Not a test: run it by hand,

    python benchmarks/bench_validate.py [--runs 9] [--keep DIR]

The acceptance target is a median under one second on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

CATEGORIES = 1_000
PEOPLE = 2_000
RULES = 500
TEAM_SIZE = 40
ZONES = ["Europe/London", "America/New_York", "Asia/Singapore", "Australia/Sydney"]
NOW = "2026-03-02T10:00:00Z"


def write(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, width=100), encoding="utf-8")


def build(root: Path) -> None:
    """A valid matrix of the benchmark's size (every lint runs; none should fire)."""
    teams = PEOPLE // TEAM_SIZE
    people = [
        {
            "id": f"p{i:04d}",
            "name": f"Person {i}",
            "email": f"p{i:04d}@example.com",
            "timezone": ZONES[i % len(ZONES)],
            "team": f"t{i // TEAM_SIZE:03d}",
            "roles": ["manager"] if i % TEAM_SIZE == 2 else ["responder"],
            "channels": {"slack": f"@p{i:04d}"},
        }
        for i in range(PEOPLE)
    ]
    team_list = [
        {
            "id": f"t{t:03d}",
            "name": f"Team {t}",
            "lead": f"p{t * TEAM_SIZE:04d}",
            "manager": f"p{t * TEAM_SIZE + 2:04d}",
            "sponsor": f"p{t * TEAM_SIZE + 3:04d}",
            "members": [f"p{t * TEAM_SIZE + k:04d}" for k in range(4, TEAM_SIZE)],
        }
        for t in range(teams)
    ]
    categories = [
        {
            "id": f"c{i:04d}",
            "name": f"Category {i}",
            "primary": f"p{(i * 2) % PEOPLE:04d}",
            "backups": [f"p{(i * 2 + 1) % PEOPLE:04d}"],
            "playbook": f"c{i:04d}.md",
        }
        for i in range(CATEGORIES)
    ]
    severities = [
        {"id": "sev1", "name": "Critical", "min_score": 10, "max_score": 15,
         "start_tier": "team-lead", "first_response": "15m", "update_every": "30m",
         "resolution": "4h"},
        {"id": "sev2", "name": "Major", "min_score": 5, "max_score": 9,
         "start_tier": "frontline", "first_response": "1h", "update_every": "2h",
         "resolution": "1d"},
        {"id": "sev3", "name": "Minor", "min_score": 0, "max_score": 4,
         "start_tier": "frontline", "first_response": "4h", "update_every": "1bd",
         "resolution": "5bd", "calendar": "office"},
    ]  # fmt: skip
    rules = [
        {
            "id": f"r{i:03d}",
            "when": {
                "category": [f"c{(i * 2) % CATEGORIES:04d}", f"c{(i * 2 + 1) % CATEGORIES:04d}"]
            }
            | ({"severity": ["sev1"]} if i % 2 == 0 else {}),
            "owner": f"p{(i * 7) % PEOPLE:04d}" if i % 3 else f"t{i % teams:03d}",
        }
        for i in range(RULES - 1)
    ]
    rules.append({"id": "catch-all", "owner": "primary"})
    # sev1 and sev2 run 24x7: outside office hours they page the follow-the-sun schedule, in
    # office hours they go to whoever it names too (a pool), so every cell has someone at every
    # hour of the week and the coverage lint has nothing to say; hour-bound rules shadow none
    rota = {"id": "follow", "name": "Follow the sun", "layers": [
        {"id": "base", "rotation": [f"p{k:04d}" for k in range(4, 12)],
         "timezone": "Europe/London", "handoff": "09:00", "length": "weekly",
         "starts": "2026-01-05"},
    ]}  # fmt: skip
    rules[:0] = [
        {"id": "after-hours", "when": {"severity": ["sev1", "sev2"],
         "outside_working_hours": "office"}, "schedule": "follow"},
        {"id": "office-hours", "when": {"severity": ["sev1", "sev2"], "working_hours": "office"},
         "pool": "follow"},
    ]  # fmt: skip
    tiers = [
        {"id": "frontline", "name": "Frontline", "held_by": "owner", "response_time": "30m"},
        {"id": "team-lead", "name": "Team lead", "held_by": "lead", "response_time": "1h"},
        {"id": "manager", "name": "Manager", "held_by": "manager", "response_time": "2h"},
        {"id": "executive", "name": "Executive", "held_by": "sponsor", "response_time": "4h"},
    ]
    matrix = root / "matrix"
    write(matrix / "people.yaml", {"people": people})
    write(matrix / "teams.yaml", {"teams": team_list})
    write(matrix / "categories.yaml", {"categories": categories})
    write(matrix / "ladder.yaml", {"tiers": tiers})
    write(
        matrix / "severity.yaml",
        {
            "dimensions": [
                {"id": "customers", "name": "Customers", "weight": 3,
                 "levels": {"none": 0, "few": 1, "many": 2, "all": 3}},
                {"id": "uptime", "name": "Uptime", "weight": 2,
                 "levels": {"none": 0, "degraded": 1, "down": 3}},
            ],
            "severities": severities,
        },
    )  # fmt: skip
    write(matrix / "routing.yaml", {"rules": rules})
    write(matrix / "schedules.yaml", {"schedules": [rota]})
    write(
        matrix / "calendars.yaml",
        {"calendars": [{"id": "office", "name": "Office", "timezone": "Europe/London"}]},
    )
    write(
        matrix / "comms.yaml",
        {
            "channels": [{"id": "board", "kind": "dashboard", "target": "status board"}],
            "by_severity": {s["id"]: ["board"] for s in severities},
        },
    )
    write(
        matrix / "governance.yaml",
        {
            "overrides": {"allowed": ["manager"]},
            "review": {"period": "13w", "last_reviewed": "2026-02-01", "owners": ["p0002"]},
        },
    )
    for category in categories:
        playbook = root / "playbooks" / str(category["playbook"])
        playbook.parent.mkdir(parents=True, exist_ok=True)
        front = {
            "category": category["id"],
            "owners": [category["primary"]],
            "review": "2026-12-31",
            "steps": [{"step": "Triage", "owner": "frontline", "within": "1h"}],
        }
        playbook.write_text(
            f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n\n# {category['name']}\n",
            encoding="utf-8",
        )
    (root / "issues").mkdir()


def timed(command: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (user + system) seconds of each run of `command`."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    args = parser.parse_args()
    # The script installed beside this interpreter, as the floor runs this interpreter: through a
    # version manager's shim (pyenv's adds ~0.4 s) every run would also time the shim.
    beside = Path(sys.executable).with_name("escmatrix")
    exe = str(beside) if beside.is_file() else shutil.which("escmatrix")
    if exe is None:
        sys.exit("escmatrix is not installed (pip install -e .)")
    with tempfile.TemporaryDirectory(prefix="escmatrix-bench-") as tmp:
        root = args.keep or Path(tmp) / "repo"
        if root.exists():
            shutil.rmtree(root)
        build(root)
        validate = [exe, "--repo", str(root), "--now", NOW, "validate", "--format", "json"]
        check = subprocess.run(validate, capture_output=True, text=True, check=False)
        findings = json.loads(check.stdout)
        if check.returncode != 0 or findings:
            print(f"the synthetic matrix is not valid ({len(findings)} findings):", file=sys.stderr)
            print(json.dumps(findings[:5], indent=2), file=sys.stderr)
            return 1
        timed(validate, 1)  # warm the file cache and bytecode
        floor = timed([sys.executable, "-c", "pass"], args.runs)
        measured = timed(validate, args.runs)
    print(f"escmatrix validate on {CATEGORIES:,} categories, {PEOPLE:,} people, {RULES} rules, "
          f"{CATEGORIES:,} playbooks; {args.runs} runs each")  # fmt: skip
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cores (wall time suffers when it is high)")
    print(f"timing {exe}")
    print(f"{'command':<26}{'wall median':>12}{'min':>8}{'max':>8}{'cpu median':>12}")
    for name, (walls, cpus) in (
        ("python -c pass (floor)", floor),
        ("escmatrix validate", measured),
    ):
        print(
            f"{name:<26}{_ms(statistics.median(walls)):>12}{_ms(min(walls)):>8}"
            f"{_ms(max(walls)):>8}{_ms(statistics.median(cpus)):>12}"
        )
    ratio = statistics.median(measured[0]) / statistics.median(floor[0])
    print(f"validate / floor (wall): {ratio:.1f}x; target: validate median under 1000 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
