"""People who have left (`left:` in people.yaml) and what still points at them: `departed-person`.

A person who left stays in people.yaml so history and audit still know them; from that day they
cannot own a category, back one up, be a rule's owner or pool, or take a turn in a rotation.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from escmatrix.core.lint.findings import Finding, Loc
from escmatrix.core.lint.lookups import matrix_file
from escmatrix.core.matrix import CategoriesFile, Matrix, RoutingFile, SchedulesFile


def lint_departed(m: Matrix, now: datetime) -> Iterator[Finding]:
    gone = {p.id: p.left for p in m.people.values() if p.has_left(now)}
    if not gone:
        return

    def finding(kind: str, loc: Loc, what: str, who: str) -> Finding:
        return Finding(
            "departed-person",
            kind,
            loc,
            f"{what} names {who}, who left on {gone[who]}",
            f"replace {who} there; keep them in people.yaml (with `left:`) for history",
        )

    for i, c in enumerate(matrix_file(m, "categories", CategoriesFile).categories):
        if c.primary in gone:
            yield finding(
                "categories", ("categories", i, "primary"), f"category {c.id!r}", c.primary
            )
        for j, backup in enumerate(c.backups):
            if backup in gone:
                yield finding(
                    "categories", ("categories", i, "backups", j), f"category {c.id!r}", backup
                )
    for i, rule in enumerate(matrix_file(m, "routing", RoutingFile).rules):
        if rule.owner in gone:
            yield finding("routing", ("rules", i, "owner"), f"routing rule {rule.id!r}", rule.owner)
        pool = rule.pool if isinstance(rule.pool, list) else []
        for j, person in enumerate(pool):
            if person in gone:
                yield finding(
                    "routing", ("rules", i, "pool", j), f"routing rule {rule.id!r}", person
                )
    for i, schedule in enumerate(matrix_file(m, "schedules", SchedulesFile).schedules):
        for j, layer in enumerate(schedule.layers):
            for k, person in enumerate(layer.rotation):
                if person in gone:
                    yield finding(
                        "schedules",
                        ("schedules", i, "layers", j, "rotation", k),
                        f"schedule {schedule.id!r}",
                        person,
                    )
