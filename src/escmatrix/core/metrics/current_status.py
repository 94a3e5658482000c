"""The current picture for the dashboard: open issues by tier and age, at risk, breached."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

import msgspec

from escmatrix.core.matrix import Matrix
from escmatrix.core.metrics.doc import Doc, Instant
from escmatrix.core.metrics.durations import Measured
from escmatrix.core.metrics.review_lists import ClockRow, HandoffRow, clock_rows

AGE_BUCKETS: tuple[tuple[str, timedelta], ...] = (
    ("<1h", timedelta(hours=1)),
    ("1-4h", timedelta(hours=4)),
    ("4-24h", timedelta(days=1)),
    ("1-3d", timedelta(days=3)),
    (">3d", timedelta.max),
)
TOP = 10
OPEN_LISTED = 50


class TierAge(Doc):
    tier: str
    total: int
    buckets: dict[str, int]


class OpenIssue(Doc):
    issue: str
    title: str
    severity: str
    owner: str
    tier: str
    status: str
    age: float
    links: list[str] = msgspec.field(
        default_factory=list
    )  # http(s) URLs of its external references


class CurrentStatus(Doc):
    """Every active issue at `at`, whenever it opened (the list: the oldest OPEN_LISTED)."""

    at: Instant
    active: int
    paused: int
    flagged: int
    by_tier_age: list[TierAge]
    open_issues: list[OpenIssue]
    at_risk: list[ClockRow]
    breached: list[ClockRow]
    recent_handoffs: list[HandoffRow]


def age_bucket(age: timedelta) -> str:
    for label, limit in AGE_BUCKETS:
        if age < limit:
            return label
    return AGE_BUCKETS[-1][0]


def current_status(matrix: Matrix, active: Sequence[Measured], at: datetime) -> CurrentStatus:
    """Open issues by tier (ladder order) and age (working time since opened), at risk, breached."""
    order = [t.id for t in matrix.tiers]
    by_tier: dict[str, Counter[str]] = {tier: Counter() for tier in order}
    for m in active:
        by_tier.setdefault(m.state.tier, Counter())[age_bucket(m.age)] += 1
    recent = sorted(
        (h for m in active for h in m.handoffs), key=lambda h: (h.at, h.issue), reverse=True
    )[:TOP]
    return CurrentStatus(
        at=at,
        active=len(active),
        paused=sum(1 for m in active if m.state.status == "paused"),
        flagged=sum(1 for m in active if m.state.flagged),
        by_tier_age=[
            TierAge(
                tier=tier,
                total=sum(counts.values()),
                buckets={label: counts.get(label, 0) for label, _ in AGE_BUCKETS},
            )
            for tier, counts in by_tier.items()
        ],
        open_issues=[
            OpenIssue(
                issue=m.state.id,
                title=m.state.title,
                severity=m.state.severity,
                owner=m.state.owner,
                tier=m.state.tier,
                status=m.state.status,
                age=m.age.total_seconds(),
                links=[u for u in m.state.links if u.startswith(("https://", "http://"))],
            )
            for m in sorted(active, key=lambda m: (m.state.opened_at, m.state.id))[:OPEN_LISTED]
        ],
        at_risk=clock_rows(active, {"at risk"}),
        breached=clock_rows(active, {"breached"}),
        recent_handoffs=[
            HandoffRow(issue=h.issue, at=h.at, previous=h.previous, owner=h.owner, reason=h.reason)
            for h in recent
        ],
    )
