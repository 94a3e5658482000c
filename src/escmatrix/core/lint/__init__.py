"""Policy lints over an assembled matrix: pure, each finding with a stable rule id and a place.

`lint` runs every rule, in this order, and returns their findings in that order. Each rule is a
function `lint_<subject>(matrix, ...)` yielding `Finding`s, in a module named after what it checks:

- identifiers.py: unique ids and emails;
- categories.py: owners in the office, playbooks named and present;
- ladder.py: response times up the ladder, someone to hold each tier;
- thresholds.py: reachable impact scores and the severity ranges over them;
- routing_rules.py: routing rules that can never match;
- channels.py: the channels each severity tells;
- governance.py: who may override, when the matrix was last reviewed;
- coverage.py: round-the-clock working hours behind a 24x7 tier;
- schedule_gaps.py: on-call schedules that routing uses, someone on call at every hour;
- departed.py: nobody who has left is still named as an owner, backup, pool or rotation;
- working_time.py: targets on a business-hours calendar say working days (3bd), not plain days.

To add a rule: write its `lint_<subject>` function in a new module here (shared look-ups are in
lookups.py), add its id, severity and summary to `_CATALOGUE` in findings.py, and call it at
the end of `lint` below. findings.py holds what a finding is and the catalogue of rule ids.
"""

from __future__ import annotations

from datetime import datetime

from escmatrix.core.lint.categories import lint_categories
from escmatrix.core.lint.cell_coverage import lint_cell_coverage
from escmatrix.core.lint.channels import lint_channels
from escmatrix.core.lint.coverage import lint_coverage
from escmatrix.core.lint.departed import lint_departed
from escmatrix.core.lint.findings import (
    RULES,
    Finding,
    Level,
    Loc,
    RuleInfo,
    rule_info,
    schema_rule,
)
from escmatrix.core.lint.governance import lint_governance
from escmatrix.core.lint.identifiers import lint_unique_values
from escmatrix.core.lint.ladder import lint_ladder, lint_tier_holders
from escmatrix.core.lint.routing_rules import lint_shadowed_rules
from escmatrix.core.lint.schedule_gaps import lint_schedule_gaps
from escmatrix.core.lint.thresholds import lint_thresholds, reachable_scores
from escmatrix.core.lint.working_time import lint_working_time
from escmatrix.core.matrix import Matrix

__all__ = [
    "RULES",
    "Finding",
    "Level",
    "Loc",
    "RuleInfo",
    "lint",
    "reachable_scores",
    "rule_info",
    "schema_rule",
]


def lint(matrix: Matrix, *, now: datetime, playbooks: frozenset[str] | None) -> list[Finding]:
    """Every policy finding for `matrix` at `now`; `playbooks` lists files under playbooks/."""
    found: list[Finding] = []
    found += lint_unique_values(matrix)
    found += lint_categories(matrix, now, playbooks)
    found += lint_ladder(matrix)
    found += lint_tier_holders(matrix, now)
    found += lint_thresholds(matrix)
    found += lint_shadowed_rules(matrix)
    found += lint_channels(matrix)
    found += lint_governance(matrix, now)
    found += lint_coverage(matrix, now)
    found += lint_cell_coverage(matrix, now)
    found += lint_schedule_gaps(matrix, now)
    found += lint_departed(matrix, now)
    found += lint_working_time(matrix)
    return found
