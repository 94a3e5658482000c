"""Routing rules reordered: which issues now meet a different rule first, and where they go."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from escmatrix.core.change.probing import Outcome, route_outcome
from escmatrix.core.change.words import describe_facts, owner_label, person_name
from escmatrix.core.matrix import Match, Matrix
from escmatrix.core.routing import IssueFacts


def reordered_rules(before: Matrix, after: Matrix, at: datetime) -> Iterator[str]:
    """What reordering the routing rules does, a sentence each (for the routing area)."""
    old = [r.id for r in before.rules if r.id in {x.id for x in after.rules}]
    new = [r.id for r in after.rules if r.id in set(old)]
    if old == new:
        return
    old_pos = {r: i for i, r in enumerate(old)}
    rules = {r.id: r for r in after.rules}
    said = False
    for i, a in enumerate(new):
        for b in new[i + 1 :]:
            if old_pos[a] < old_pos[b]:
                continue  # same relative order as before
            facts = overlap_facts(after, rules[a].when, rules[b].when)
            if facts is None:
                continue
            said = True
            text = f"Rule `{a}` now matches before `{b}`"
            was, now = route_outcome(before, facts, at), route_outcome(after, facts, at)
            if (
                was.error is None
                and now.error is None
                and (was.rule, was.owner)
                != (
                    now.rule,
                    now.owner,
                )
            ):
                text += (
                    f": {describe_facts(after, facts, rules[a].when, rules[b].when)} that used to "
                    "go to "
                    f"{_rule_owner(before, was)} now go to {_rule_owner(after, now)}"
                )
            yield text
    if not said:
        yield (
            "Routing rules are reordered: "
            f"{' → '.join(f'`{r}`' for r in new)} (no issue matches two "
            "rules whose order changed)"
        )


def _rule_owner(m: Matrix, outcome: Outcome) -> str:
    rule = next((r for r in m.rules if r.id == outcome.rule), None)
    person = person_name(m, outcome.owner or "")
    if rule is None or rule.owner == "primary" or rule.owner in m.people:
        return person
    return f"{owner_label(m, rule.owner)} ({person})"


def overlap_facts(m: Matrix, a: Match, b: Match) -> IssueFacts | None:
    """An issue that matches both `a` and `b`, or None when no issue can."""

    def pick(x: list[str], y: list[str], every: list[str]) -> list[str] | None:
        if x and y:
            both = [v for v in x if v in y]
            return both or None
        return x or y or every

    categories = pick(a.category, b.category, list(m.categories))
    severities = pick(a.severity, b.severity, list(m.severities))
    if not categories or not severities:
        return None
    customers: list[str | None]
    if a.customer or b.customer:
        chosen = pick(a.customer, b.customer, [])
        if chosen is None:
            return None
        customers = list(chosen)
    else:
        customers = [None, *m.customers]
    wants = {s for s in (a.strategic, b.strategic) if s is not None}
    if len(wants) > 1:
        return None
    if wants:
        flag = wants.pop()
        customers = [c for c in customers if bool(c and m.customers[c].strategic) == flag]
        if not customers:
            return None
    partners: list[str | None]
    if a.partner or b.partner:
        chosen = pick(a.partner, b.partner, [])
        if chosen is None:
            return None
        partners = list(chosen)
    else:
        partners = [None]
    tags = tuple(dict.fromkeys([*a.tags[:1], *b.tags[:1]]))
    return IssueFacts(categories[0], severities[0], {}, customers[0], partners[0], tags)
