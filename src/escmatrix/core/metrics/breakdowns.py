"""Breakdowns of a cohort: a summary per dimension, where issues waited, how each path did."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Literal

from escmatrix.core.metrics.doc import Doc
from escmatrix.core.metrics.durations import Measured, group_keys
from escmatrix.core.metrics.summary import (
    DurationStats,
    Summary,
    breached,
    duration_stats,
    ratio,
    summarize,
)

DIMENSIONS: tuple[str, ...] = (
    "category",
    "severity",
    "team",
    "owner",
    "customer",
    "partner",
    "path",
)


class GroupRow(Doc):
    dimension: str
    key: str
    summary: Summary


def groups(measured: Sequence[Measured], dimensions: Sequence[str] = DIMENSIONS) -> list[GroupRow]:
    """A summary per value of each dimension (issues without a customer are in no customer row)."""
    rows: list[GroupRow] = []
    for dimension in dimensions:
        buckets: dict[str, list[Measured]] = defaultdict(list)
        for key, m in zip(group_keys(measured, dimension), measured, strict=True):
            if key is not None:
                buckets[key].append(m)
        for key in sorted(buckets):
            rows.append(GroupRow(dimension=dimension, key=key, summary=summarize(buckets[key])))
    return rows


class Wait(Doc):
    """Where issues waited: total and per-issue working time at an owner, tier or dependency."""

    kind: Literal["owner", "tier", "dependency"]
    name: str
    issues: int
    total: float
    median: float | None
    p90: float | None


def waits(measured: Sequence[Measured], kind: Literal["owner", "tier", "dependency"]) -> list[Wait]:
    """Per owner / tier / dependency, the time each issue spent there; longest total first."""
    spent: dict[str, list[timedelta]] = defaultdict(list)
    field = {"owner": "owner_dwell", "tier": "tier_dwell", "dependency": "waits"}[kind]
    for m in measured:
        source: dict[str, timedelta] = getattr(m, field)
        for name, amount in source.items():
            spent[name].append(amount)
    rows = []
    for name, amounts in spent.items():
        stats = duration_stats(amounts)
        rows.append(
            Wait(
                kind=kind,
                name=name,
                issues=len(amounts),
                total=sum(a.total_seconds() for a in amounts),
                median=stats.median,
                p90=stats.p90,
            )
        )
    return sorted(rows, key=lambda w: (-w.total, w.name))


class PathStats(Doc):
    """An escalation path (the tiers an issue went through) and how it performed."""

    path: str
    issues: int
    resolved: int
    time_to_resolution: DurationStats
    escalations_per_issue: float | None
    handoffs_per_issue: float | None
    breached_issues: int


def paths(measured: Sequence[Measured]) -> list[PathStats]:
    """Every path, slowest first: by median time to resolution, then by share breached."""
    by_path: dict[str, list[Measured]] = defaultdict(list)
    for m in measured:
        by_path[m.path].append(m)
    rows = []
    for path, items in by_path.items():
        ttr = duration_stats(m.time_to_resolution for m in items if m.time_to_resolution)
        rows.append(
            PathStats(
                path=path,
                issues=len(items),
                resolved=ttr.count,
                time_to_resolution=ttr,
                escalations_per_issue=ratio(sum(m.state.escalations for m in items), len(items)),
                handoffs_per_issue=ratio(sum(m.state.handoffs for m in items), len(items)),
                breached_issues=sum(1 for m in items if breached(m)),
            )
        )
    return sorted(
        rows,
        key=lambda p: (
            -(p.time_to_resolution.median or -1.0),
            -(p.breached_issues / p.issues),
            p.path,
        ),
    )
