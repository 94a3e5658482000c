"""Issue 19, point 9: the ladder's responsibilities and escalation criteria in a human view."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

from tests.support import executable

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*executable(), "--repo", str(ROOT), *args],
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )


def test_ladder_shows_every_tiers_responsibilities_and_criteria() -> None:
    ladder = yaml.safe_load((ROOT / "matrix" / "ladder.yaml").read_text(encoding="utf-8"))
    done = _run("matrix", "--ladder")
    assert done.returncode == 0, done.stderr
    for tier in ladder["tiers"]:
        assert tier["name"] in done.stdout
        for line in [*tier.get("responsibilities", []), *tier.get("escalate_when", [])]:
            assert line in done.stdout, line


def test_one_tier_in_detail_and_as_json() -> None:
    done = _run("matrix", "--tier", "manager")
    assert done.returncode == 0, done.stderr
    assert "Team lead" not in done.stdout.split("next:")[0]
    data = json.loads(_run("matrix", "--tier", "manager", "--format", "json").stdout)
    assert data["id"] == "manager" and data["responsibilities"]


def test_unknown_tier_is_refused_with_the_list() -> None:
    done = _run("matrix", "--tier", "ceo")
    assert done.returncode == 1
    assert "unknown tier 'ceo'" in done.stderr and "frontline" in done.stderr
    assert "Traceback" not in done.stderr
