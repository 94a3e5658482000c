"""What a lint reports: the catalogue of rule ids (`RULES`) and the `Finding`s themselves.

A finding names the matrix file kind and the path inside it (as pydantic does), so the store can
turn it into file:line:column. `RULES` is the catalogue of every rule id `validate` can report,
the ones the lints find and the ones the loader and the issue checks report, with its severity.
A new rule's id goes into `_CATALOGUE`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]
Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class RuleInfo:
    """One rule `validate` reports: its stable id, default severity and what it guards against."""

    id: str
    severity: Level
    summary: str


_CATALOGUE: tuple[tuple[str, Level, str], ...] = (
    ("yaml", "error", "The file is well-formed UTF-8 YAML without duplicate keys."),
    ("schema", "error", "Every key and value is one the file's model allows."),
    ("missing-file", "error", "Every required matrix file exists."),
    ("unknown-file", "error", "matrix/ holds only known matrix files."),
    (
        "unknown-reference",
        "error",
        "Every person, team, tier, category, severity, channel, "
        "customer, partner and playbook referenced exists.",
    ),
    ("duplicate-id", "error", "Ids are unique within a file."),
    ("duplicate-email", "error", "No two people share an email (it identifies the actor)."),
    ("missing-backup", "error", "Every category names at least one backup."),
    ("backup-is-primary", "error", "A category's backup is not its primary owner."),
    ("owners-all-away", "error", "Some owner of every category is in the office today."),
    ("missing-playbook", "error", "Every category names its playbook."),
    ("ladder-not-increasing", "error", "Response times grow from tier to tier."),
    ("tier-unholdable", "warning", "Every tier has someone in the office to hold it today."),
    ("severity-range", "error", "A severity's max_score is not below its min_score."),
    ("severity-gap", "error", "Every reachable impact score maps to a severity."),
    ("severity-overlap", "error", "No reachable impact score maps to two severities."),
    ("severity-no-channel", "error", "Every severity names the channels to tell."),
    ("severity-no-cadence", "error", "Every severity sets an update cadence."),
    (
        "rule-shadowed",
        "error",
        "Every routing rule can match: no earlier rule takes all its issues.",
    ),
    ("no-catch-all", "error", "Routing ends with a rule that matches every issue."),
    ("override-nobody", "error", "Governance lets someone override the routing."),
    ("override-everybody", "error", "Governance does not let everybody override the routing."),
    (
        "coverage-gap",
        "error",
        "Someone who can hold a 24x7 tier is working at every hour, and every category x "
        "severity on 24x7 clocks engages someone at work or on call (or is an accepted gap).",
    ),
    (
        "ambiguous-duration",
        "error",
        "On a business-hours calendar a target says working days (3bd) or hours, never plain days.",
    ),
    ("schedule-gap", "error", "An on-call schedule that routing uses has someone at every hour."),
    (
        "departed-person",
        "error",
        "Nobody who has left owns, backs up, takes a pool's or a rotation's turn.",
    ),
    ("review-overdue", "warning", "The matrix was reviewed within its review period."),
    ("playbook-invalid", "error", "Every playbook starts with valid front matter."),
    ("playbook-unknown-category", "error", "A playbook's category exists in the matrix."),
    ("playbook-unknown-owner", "error", "A playbook's owners are people of the matrix."),
    ("playbook-duplicate", "error", "A category has one playbook."),
    ("playbook-mismatch", "error", "A category's playbook file declares that category."),
    ("issue-folder", "error", "issues/ holds only issue folders."),
    ("stray-file", "error", "Issue folders hold only event files."),
    ("event-name", "error", "An event file's name matches the event inside it."),
    ("fold", "error", "An issue's events start with 'opened'."),
    (
        "stale-reference",
        "warning",
        "A resolved or closed issue names something the matrix no longer has.",
    ),
)

RULES: dict[str, RuleInfo] = {rid: RuleInfo(rid, level, text) for rid, level, text in _CATALOGUE}


def rule_info(rule: str) -> RuleInfo:
    """The catalogue entry for `rule`; an id from elsewhere is an error with no summary."""
    return RULES.get(rule) or RuleInfo(rule, "error", rule.replace("-", " "))


@dataclass(frozen=True)
class Finding:
    """A lint finding in matrix/<kind>.yaml at `loc`; `at_key` points at the key, not its value."""

    rule: str
    kind: str
    loc: Loc
    message: str
    hint: str | None = None
    at_key: bool = False

    @property
    def severity(self) -> Level:
        return rule_info(self.rule).severity


# Schema errors that are a named policy, not just a bad value: (file kind, path, error type).
_SCHEMA_RULES: tuple[tuple[str, re.Pattern[str], str, str], ...] = (
    (
        "categories",
        re.compile(r"^categories\.\d+\.backups$"),
        "missing|too_short",
        "missing-backup",
    ),
    ("governance", re.compile(r"^overrides\.allowed$"), "missing|too_short", "override-nobody"),
    ("severity", re.compile(r"^severities\.\d+\.update_every$"), "missing", "severity-no-cadence"),
)


def schema_rule(kind: str, loc: Sequence[int | str], error_type: str) -> str:
    """The rule id for one pydantic error in matrix/<kind>.yaml: a named policy, else `schema`."""
    path = ".".join(str(part) for part in loc)
    for rule_kind, pattern, types, rule in _SCHEMA_RULES:
        if kind == rule_kind and pattern.match(path) and error_type in types.split("|"):
            return rule
    return "schema"
