"""Every field of every schema carries a description, so editors explain fields on hover."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from tests.support import executable

PROJECT = Path(__file__).resolve().parents[1]


def undescribed(node: Any, where: str = "") -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            found += [
                f"{where}{node.get('title') or ''}.{name}"
                for name, prop in properties.items()
                if not (isinstance(prop, dict) and str(prop.get("description", "")).strip())
            ]
        for key, value in node.items():
            found += undescribed(value, f"{where}{key}/" if key == "$defs" else where)
    elif isinstance(node, list):
        for item in node:
            found += undescribed(item, where)
    return found


def test_schema_writes_a_description_for_every_field(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    done = subprocess.run(
        [*executable(), "schema", "--out", str(out)],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    files = sorted(out.glob("*.schema.json"))
    assert len(files) >= 12
    for path in files:
        assert undescribed(json.loads(path.read_text(encoding="utf-8"))) == [], path.name
    people = json.loads((out / "people.schema.json").read_text(encoding="utf-8"))
    email = people["$defs"]["Person"]["properties"]["email"]["description"]
    assert "git email" in email


def test_the_committed_schemas_are_current() -> None:
    done = subprocess.run(
        [*executable(), "--repo", str(PROJECT), "schema", "--check"],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
