"""Time a drill at scale: N issues arriving a minute apart (or faster) on the example matrix (issue 15, case 14).

    python benchmarks/drill_scale.py [--issues 3000] [--keep-scenario FILE]

Writes a scenario (issues every few seconds, across the example's categories and severities,
a third acknowledged, a sixth updated), runs `escmatrix drill` on it from the repository's own
matrix and prints the wall time against the floor of `python -c pass`, and the rate per issue.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CASES = [
    ("product-defect", "sev2"),
    ("product-defect", "sev3"),
    ("billing-error", "sev3"),
    ("service-outage", "sev1"),
    ("data-privacy", "sev2"),
    ("partner-integration", "sev3"),
]


def scenario(n: int) -> dict[str, object]:
    from escmatrix.store.matrix_loader import load_matrix

    matrix = load_matrix(ROOT)
    cases = [(c, s) for c, s in CASES if c in matrix.categories and s in matrix.severities]
    cases = cases or [(next(iter(matrix.categories)), next(iter(matrix.severities)))]
    spacing = max(1, 1440 // max(n, 1))  # minutes: a day's worth, at least one a minute
    issues, events = [], []
    for i in range(n):
        category, severity = cases[i % len(cases)]
        name = f"i{i}"
        at = i * spacing
        issues.append(
            {
                "name": name,
                "at": f"+{at}m",
                "title": f"Drill issue {i}",
                "category": category,
                "severity": severity,
            }
        )
        if i % 3 == 0:
            events.append({"at": f"+{at + 5}m", "do": "ack", "issue": name})
        if i % 6 == 0:
            events.append(
                {"at": f"+{at + 15}m", "do": "update", "issue": name, "text": "Looking into it."}
            )
    return {
        "name": f"{n} issues in a day",
        "start": "2026-11-02T08:00:00Z",
        "duration": f"{2 + n * spacing // 1440}d",
        "issues": issues,
        "events": events,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--issues", type=int, default=3000)
    parser.add_argument("--keep-scenario", type=Path, default=None)
    args = parser.parse_args(argv)
    target = args.keep_scenario or Path(tempfile.mkdtemp(prefix="escmatrix-drill-")) / "s.yaml"
    target.write_text(yaml.safe_dump(scenario(args.issues), sort_keys=False), encoding="utf-8")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    floor = time.perf_counter() - start
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "escmatrix",
            "--repo",
            str(ROOT),
            "drill",
            str(target),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1) or not done.stdout.startswith("{"):
        print(done.stderr or done.stdout, file=sys.stderr)  # exit 1 is a failed expectation
        return 1
    print(
        f"drill of {args.issues:,} issues: {wall:.1f} s ({wall / max(args.issues, 1) * 1000:.1f} ms "
        f"an issue; floor python -c pass {floor * 1000:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
