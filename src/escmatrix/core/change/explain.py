"""Explain a matrix change item by item: each person, team, category, tier, severity, rule,
account, channel and policy added, removed or changed, as a sentence in matrix-file order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from escmatrix.core.change.rule_order import reordered_rules
from escmatrix.core.change.words import (
    LABELS,
    describe_match,
    name_list,
    owner_label,
    tier_name,
    value_words,
)
from escmatrix.core.matrix import Matrix, Model, Rule


@dataclass(frozen=True)
class Change:
    """One difference, said in plain words; `area` is the matrix file kind it belongs to."""

    area: str
    text: str


Label = Callable[[Matrix, Any], str]


def explain(before: Matrix, after: Matrix, at: datetime) -> list[Change]:
    """Every difference between two matrices, in plain words, in matrix-file order."""
    changes: list[Change] = []
    changes += _items(
        "people", "person", before.people, after.people, before, after, lambda m, p: p.name
    )
    changes += _items(
        "teams", "team", before.teams, after.teams, before, after, lambda m, t: t.name
    )
    changes += _items(
        "categories",
        "category",
        before.categories,
        after.categories,
        before,
        after,
        lambda m, c: c.name,
    )
    changes += _items(
        "ladder",
        "tier",
        {t.id: t for t in before.tiers},
        {t.id: t for t in after.tiers},
        before,
        after,
        lambda m, t: t.name,
    )
    changes += _order(
        "ladder",
        "The ladder",
        [t.id for t in before.tiers],
        [t.id for t in after.tiers],
        lambda i: tier_name(after, i),
    )
    changes += _items(
        "severity",
        "impact dimension",
        before.dimensions,
        after.dimensions,
        before,
        after,
        lambda m, d: f"Impact dimension {d.name}",
    )
    changes += _severities(before, after)
    changes += _items(
        "routing",
        "rule",
        {r.id: r for r in before.rules},
        {r.id: r for r in after.rules},
        before,
        after,
        lambda m, r: f"Rule `{r.id}`",
        new_text=_new_rule,
    )
    changes += (Change("routing", text) for text in reordered_rules(before, after, at))
    changes += _items(
        "accounts",
        "customer",
        before.customers,
        after.customers,
        before,
        after,
        lambda m, a: f"Customer {a.name}",
    )
    changes += _items(
        "accounts",
        "partner",
        before.partners,
        after.partners,
        before,
        after,
        lambda m, a: f"Partner {a.name}",
    )
    changes += _items(
        "comms",
        "channel",
        {c.id: c for c in before.comms.channels},
        {c.id: c for c in after.comms.channels},
        before,
        after,
        lambda m, c: f"Channel {c.id}",
    )
    changes += _by_severity(before, after)
    changes += _fields(
        "comms",
        "Status updates",
        before.comms.status_update,
        after.comms.status_update,
        before,
        after,
    )
    changes += _fields(
        "governance",
        "Overrides",
        before.governance.overrides,
        after.governance.overrides,
        before,
        after,
    )
    changes += _fields(
        "governance",
        "Matrix review",
        before.governance.review,
        after.governance.review,
        before,
        after,
    )
    changes += _fields(
        "governance",
        "Automation identity",
        before.governance.automation,
        after.governance.automation,
        before,
        after,
    )
    explained = {c.area for c in changes}
    for kind in sorted(set(before.files) | set(after.files)):
        if kind in explained:
            continue
        old, new = before.files.get(kind), after.files.get(kind)
        if old != new:
            changes.append(Change(kind, f"matrix/{kind}.yaml changes in details not listed here"))
    return changes


def _items(
    area: str,
    noun: str,
    old: dict[str, Any],
    new: dict[str, Any],
    before: Matrix,
    after: Matrix,
    label: Label,
    new_text: Label | None = None,
) -> Iterator[Change]:
    for ident, item in old.items():
        if ident not in new:
            yield Change(area, f"{label(before, item)} ({ident}) is removed")
    for ident, item in new.items():
        if ident not in old:
            text = (
                new_text(after, item) if new_text else f"New {noun}: {label(after, item)} ({ident})"
            )
            yield Change(area, text)
    for ident, item in new.items():
        if ident in old and old[ident] != item:
            yield from _fields(area, label(after, item), old[ident], item, before, after)


def _fields(
    area: str, subject: str, old: Model | None, new: Model | None, before: Matrix, after: Matrix
) -> Iterator[Change]:
    if old == new:
        return
    if old is None or new is None:
        yield Change(area, f"{subject}: {'added' if old is None else 'removed'}")
        return
    for key in type(new).model_fields:
        was, now = getattr(old, key), getattr(new, key)
        if was == now:
            continue
        label = LABELS.get(key, key.replace("_", " "))
        if key == "backups" and len(was) == len(now) == 1:
            label = "backup"
        if isinstance(now, timedelta | int | float) and not isinstance(now, bool):
            yield Change(
                area,
                f"{subject} {label}: {value_words(before, key, was)} → {value_words(after, key, now)}",
            )
        else:
            yield Change(
                area,
                f"{subject}: {label} changes from {value_words(before, key, was)} to "
                f"{value_words(after, key, now)}",
            )


def _order(
    area: str, subject: str, old: list[str], new: list[str], name: Callable[[str], str]
) -> Iterator[Change]:
    common = [i for i in new if i in old]
    if common != [i for i in old if i in new]:
        yield Change(area, f"{subject} is reordered: {' → '.join(name(i) for i in new)}")


def _new_rule(m: Matrix, rule: Rule) -> str:
    position = next(i for i, r in enumerate(m.rules, 1) if r.id == rule.id)
    tier = f", starting at {tier_name(m, rule.tier)}" if rule.tier else ""
    return (
        f"New rule `{rule.id}` at position {position}: {describe_match(m, rule.when)} goes to "
        f"{owner_label(m, rule.owner)}{tier}"
    )


def _severities(before: Matrix, after: Matrix) -> Iterator[Change]:
    for ident, sev in before.severities.items():
        if ident not in after.severities:
            yield Change("severity", f"Severity {ident} ({sev.name}) is removed")
    for ident, sev in after.severities.items():
        old = before.severities.get(ident)
        subject = f"Severity {ident} ({sev.name})"
        if old is None:
            yield Change(
                "severity",
                f"New severity: {sev.name} ({ident}), impact score {sev.min_score}–{sev.max_score}",
            )
            continue
        if (old.min_score, old.max_score) != (sev.min_score, sev.max_score):
            yield Change(
                "severity",
                f"{subject} impact score range: {old.min_score}–"
                f"{old.max_score} → {sev.min_score}–{sev.max_score}",
            )
        rest_old = old.model_copy(update={"min_score": 0, "max_score": 0})
        rest_new = sev.model_copy(update={"min_score": 0, "max_score": 0})
        yield from _fields("severity", subject, rest_old, rest_new, before, after)


def _by_severity(before: Matrix, after: Matrix) -> Iterator[Change]:
    old, new = before.comms.by_severity, after.comms.by_severity
    for sev in sorted(set(old) | set(new)):
        if old.get(sev) != new.get(sev):
            was, now = old.get(sev) or [], new.get(sev) or []
            yield Change(
                "comms",
                f"Severity {sev} is told on {name_list(now) if now else 'no channel'}"
                f" (was: {', '.join(was) or 'no channel'})",
            )
