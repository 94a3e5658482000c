"""Routing rules: each can match some issue no earlier rule takes (`rule-shadowed`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from escmatrix.core.lint.findings import Finding
from escmatrix.core.matrix import Match, Matrix, Rule

_MAX_CELLS = 4096


@dataclass(frozen=True)
class _Cond:
    """A rule's match as sets; an empty set means 'any'."""

    category: frozenset[str]
    severity: frozenset[str]
    customer: frozenset[str]
    partner: frozenset[str]
    tags: frozenset[str]
    strategic: bool | None
    hours: tuple[str | None, str | None] = (None, None)  # (working_hours, outside_working_hours)

    @classmethod
    def of(cls, when: Match) -> _Cond:
        return cls(
            frozenset(when.category),
            frozenset(when.severity),
            frozenset(when.customer),
            frozenset(when.partner),
            frozenset(when.tags),
            when.strategic,
            (when.working_hours, when.outside_working_hours),
        )


def _covers(a: _Cond, b: _Cond, strategic: dict[str, bool]) -> bool:
    """Does `a` match every issue `b` matches? A rule bound to working hours covers only rules
    bound to the same hours."""
    if a.hours != (None, None) and a.hours != b.hours:
        return False
    for wide, narrow in (
        (a.category, b.category),
        (a.severity, b.severity),
        (a.customer, b.customer),
        (a.partner, b.partner),
        (a.tags, b.tags),
    ):
        if wide and not (narrow and narrow <= wide):
            return False
    if a.strategic is None or b.strategic == a.strategic:
        return True
    return bool(b.customer) and all(strategic.get(c, False) == a.strategic for c in b.customer)


def lint_shadowed_rules(m: Matrix) -> Iterator[Finding]:
    strategic = {c.id: c.strategic for c in m.customers.values()}
    conds = [_Cond.of(r.when) for r in m.rules]
    any_category: list[int] = []
    by_category: dict[str, list[int]] = {}
    for j, cond in enumerate(conds):
        if cond.category:
            earlier = sorted(
                {*any_category, *(i for c in cond.category for i in by_category.get(c, []))}
            )
        else:
            earlier = list(any_category)
        shadow = next((i for i in earlier if _covers(conds[i], cond, strategic)), None)
        if shadow is not None:
            yield _shadow_finding(m.rules, j, [shadow])
        else:
            together = _covering_union(m, cond, [conds[i] for i in earlier], strategic)
            if together is not None:
                yield _shadow_finding(m.rules, j, [earlier[k] for k in together])
        if cond.category:
            for c in cond.category:
                by_category.setdefault(c, []).append(j)
        else:
            any_category.append(j)


def _covering_union(
    m: Matrix, cond: _Cond, earlier: list[_Cond], strategic: dict[str, bool]
) -> list[int] | None:
    """Which earlier rules together match every issue `cond` matches, when the cases are few."""
    if len(earlier) < 2:
        return None
    customers = _axis(cond.customer, m.customers, with_none=True)
    if cond.strategic is not None:
        customers = [c for c in customers if strategic.get(c or "", False) == cond.strategic]
    axes = [
        _axis(cond.category, m.categories, with_none=False),
        _axis(cond.severity, m.severities, with_none=False),
        customers,
        _axis(cond.partner, m.partners, with_none=True),
    ]
    cells = 1
    for axis in axes:
        cells *= len(axis)
    if cells == 0 or cells > _MAX_CELLS:
        return None
    used: set[int] = set()
    for cat in axes[0]:
        for sev in axes[1]:
            for cust in axes[2]:
                for part in axes[3]:
                    hit = next(
                        (
                            k
                            for k, a in enumerate(earlier)
                            if _matches_cell(a, cond.tags, (cat, sev, cust, part), strategic)
                        ),
                        None,
                    )
                    if hit is None:
                        return None
                    used.add(hit)
    return sorted(used)


def _axis(wanted: frozenset[str], every: Iterable[str], *, with_none: bool) -> list[str | None]:
    """The values a rule's key can take: those it names, else every one (and none, if optional)."""
    values: list[str | None] = list(sorted(wanted or every))
    return values if wanted or not with_none else [None, *values]


def _matches_cell(
    a: _Cond,
    tags: frozenset[str],
    cell: tuple[str | None, str | None, str | None, str | None],
    strategic: dict[str, bool],
) -> bool:
    if a.hours != (None, None):
        return False  # matches at some hours only: never counted as covering a whole cell
    cat, sev, cust, part = cell
    for wanted, value in (
        (a.category, cat),
        (a.severity, sev),
        (a.customer, cust),
        (a.partner, part),
    ):
        if wanted and value not in wanted:
            return False
    if a.tags and not (tags and tags <= a.tags):
        return False
    return a.strategic is None or strategic.get(cust or "", False) == a.strategic


def _shadow_finding(rules: list[Rule], j: int, earlier: list[int]) -> Finding:
    names = " and ".join(repr(rules[i].id) for i in earlier)
    if len(earlier) == 1:
        why = f"rule {names} comes first and matches every issue it would"
    else:
        why = f"rules {names} come first and together match every issue it would"
    return Finding(
        "rule-shadowed",
        "routing",
        ("rules", j),
        f"rule {rules[j].id!r} can never match: {why}",
        f"move {rules[j].id!r} above {rules[earlier[0]].id!r}, narrow the earlier rule, or "
        "delete this one",
    )
